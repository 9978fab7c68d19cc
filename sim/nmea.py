"""Fixes to NMEA 0183 sentences (RMC + GGA), the language a real receiver speaks to gpsd.

The simulator feeds these to a real gpsd so the device path is tested off the
Pi. Positions carry six decimals of minutes (under 2 mm) and times two decimals
of seconds, so a fix survives the round trip through gpsd to well under 1 cm
and 10 ms, at 1 Hz or 10 Hz. Also holds the little reading the feed needs to
pace a recorded log: the checksum, and the time of day (through pynmea2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

import pynmea2

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


def time_of_day_s(line: str) -> float | None:
    """Seconds since UTC midnight that a sentence is stamped with, or None.

    pynmea2 parses the sentence (any talker: GP, GN, GL, IN...); the types that
    carry the epoch's time (RMC, GGA, GNS, GLL, ZDA, GST, GBS...) have a
    `timestamp`. Anything else, a malformed time or a line that is no sentence, is None.
    The checksum is not looked at: this only paces a log, and gpsd judges each sentence.
    """
    try:
        stamp = getattr(pynmea2.parse(line.strip().split("*", 1)[0]), "timestamp", None)
    except (pynmea2.ParseError, ValueError, TypeError, AttributeError):  # pynmea2 parses field values lazily
        return None
    if not isinstance(stamp, dt.time):
        return None
    return stamp.hour * 3600 + stamp.minute * 60 + stamp.second + stamp.microsecond / 1e6
