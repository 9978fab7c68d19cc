"""Fixes to NMEA 0183 sentences (RMC + GGA), the language a real receiver speaks to gpsd.

The simulator feeds these to a real gpsd so the device path is tested off the
Pi. Positions carry six decimals of minutes (under 2 mm) and times two decimals
of seconds, so a fix survives the round trip through gpsd to well under 1 cm
and 10 ms, at 1 Hz or 10 Hz. Also holds the little parsing the feed needs
(checksum, time of day) to pace a recorded log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from pacer.events import Fix, FixMode

KNOTS_PER_MPS = 3600.0 / 1852.0
_MICRO_MINUTES_PER_DEG = 60_000_000


def checksum(body: str) -> str:
    """NMEA checksum of the text between '$' and '*': XOR of its bytes, two hex digits."""
    value = 0
    for byte in body.encode("ascii"):
        value ^= byte
    return f"{value:02X}"


def sentence(body: str) -> str:
    """Frame a sentence body as `$body*CS` (no line ending)."""
    return f"${body}*{checksum(body)}"


def has_valid_checksum(line: str) -> bool:
    """True when `line` is `$...*CS` (or `!...*CS`) with a checksum that matches."""
    line = line.strip()
    if len(line) < 4 or line[0] not in "$!" or line[-3] != "*":
        return False
    return checksum(line[1:-3]) == line[-2:].upper()


def _angle(value_deg: float, width_deg: int, hemispheres: str) -> tuple[str, str]:
    """Degrees to NMEA `dddmm.mmmmmm` and a hemisphere letter.

    Works in integer micro-minutes so that rounding 59.9999996' carries into
    the degrees instead of printing an impossible 60.000000'.
    """
    micro = round(abs(value_deg) * _MICRO_MINUTES_PER_DEG)
    degrees, micro_minutes = divmod(micro, _MICRO_MINUTES_PER_DEG)
    minutes, fraction = divmod(micro_minutes, 1_000_000)
    hemisphere = hemispheres[0] if value_deg >= 0 else hemispheres[1]
    return f"{degrees:0{width_deg}d}{minutes:02d}.{fraction:06d}", hemisphere


def _utc_fields(t_s: float) -> tuple[str, str]:
    """Unix seconds to (`hhmmss.ss`, `ddmmyy`), rounded to the centisecond as one value
    so a time just before midnight cannot print the old date with the new time."""
    centis = round(t_s * 100)
    seconds, cs = divmod(centis, 100)
    when = dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)
    return f"{when:%H%M%S}.{cs:02d}", f"{when:%d%m%y}"


def _optional(value: float | None, fmt: str) -> str:
    return "" if value is None else format(value, fmt)


def rmc(fix: Fix, talker: str = "GP") -> str:
    """Recommended minimum: time, date, position, speed over ground (knots), course."""
    time_field, date_field = _utc_fields(fix.t_s)
    lat, ns = _angle(fix.lat_deg, 2, "NS")
    lon, ew = _angle(fix.lon_deg, 3, "EW")
    speed_kn = None if fix.speed_mps is None else fix.speed_mps * KNOTS_PER_MPS
    body = ",".join(
        [
            f"{talker}RMC",
            time_field,
            "A",
            lat,
            ns,
            lon,
            ew,
            _optional(speed_kn, ".4f"),
            _optional(None if fix.track_deg is None else fix.track_deg % 360.0, ".3f"),
            date_field,
            "",
            "",
            "A",
        ]
    )
    return sentence(body)


def gga(fix: Fix, talker: str = "GP", satellites: int = 10, hdop: float = 0.9) -> str:
    """Fix data: time, position, quality, satellites, HDOP, altitude above mean sea level.

    A 2D fix is sent without altitude, which is how gpsd tells 2D from 3D in a GGA.
    The geoid separation is left empty: gpsd then uses its own model, and the
    altitude field comes back unchanged as `altMSL`.
    """
    time_field, _ = _utc_fields(fix.t_s)
    lat, ns = _angle(fix.lat_deg, 2, "NS")
    lon, ew = _angle(fix.lon_deg, 3, "EW")
    sats = fix.satellites if fix.satellites is not None else satellites
    with_alt = fix.mode == FixMode.THREE_D and fix.alt_m is not None
    body = ",".join(
        [
            f"{talker}GGA",
            time_field,
            lat,
            ns,
            lon,
            ew,
            "1",
            f"{sats:02d}",
            f"{hdop:.1f}",
            _optional(fix.alt_m if with_alt else None, ".2f"),
            "M" if with_alt else "",
            "",
            "",
            "",
            "",
        ]
    )
    return sentence(body)


def fix_sentences(fix: Fix, talker: str = "GP") -> list[str]:
    """One epoch as a receiver sends it: RMC then GGA, same time of day."""
    return [rmc(fix, talker), gga(fix, talker)]


def fixes_to_nmea(fixes: Iterable[Fix], talker: str = "GP") -> Iterator[str]:
    """Every fix as its RMC and GGA sentences, in order (no line endings)."""
    for fix in fixes:
        yield from fix_sentences(fix, talker)


# Sentences whose second field is the UTC time of day `hhmmss[.ss]`.
_TIMED = {"RMC", "GGA", "GNS", "ZDA", "GBS", "GST"}


def time_of_day_s(line: str) -> float | None:
    """Seconds since UTC midnight that a sentence is stamped with, or None.

    Only the sentence types that carry the epoch's time count (RMC, GGA, GNS,
    ZDA, GBS, GST, and GLL whose time is its sixth field), whatever the talker
    (GP, GN, GL, IN...); anything else, or a malformed time, is None.
    """
    line = line.strip()
    if len(line) < 7 or line[0] != "$":
        return None
    body = line[1:].split("*", 1)[0]
    fields = body.split(",")
    kind = fields[0][-3:]
    if kind in _TIMED and len(fields) > 1:
        raw = fields[1]
    elif kind == "GLL" and len(fields) > 5:
        raw = fields[5]
    else:
        return None
    if len(raw) < 6 or not raw[:6].isdigit():
        return None
    try:
        fraction = float(raw[6:]) if len(raw) > 6 else 0.0
    except ValueError:
        return None
    hours, minutes, seconds = int(raw[0:2]), int(raw[2:4]), int(raw[4:6])
    if hours > 23 or minutes > 59 or seconds > 60:
        return None
    return hours * 3600 + minutes * 60 + seconds + fraction
