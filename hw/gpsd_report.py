"""gpsd's JSON reports (TPV, SKY) to pacer's `Fix`, checked key by key.

Separate from the sockets so the rules can be tested without a daemon: a
report missing its position or time is rejected, not read as 0 (gpsd-py3 turns
a missing lat/lon into 0.0, a real spot in the Gulf of Guinea); mode 0/1 is no
fix; times are parsed here, as UTC, with or without a fraction, up to
nanoseconds, because gpsd's format varies with version and receiver.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

from pacer.events import Fix, FixMode

_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]00:?00)?$"
)

# The smallest |lat| and |lon| that count as a position and not a zero-filled field.
NULL_ISLAND_DEG = 1e-7


def parse_gps_time(text: str) -> float:
    """gpsd's ISO 8601 UTC time (`2024-05-01T12:00:00Z`, `...:00.1Z`, `...:00.123456789Z`)
    to Unix seconds. Raises ValueError for anything else, or a zone other than UTC."""
    match = _TIME.match(text.strip())
    if match is None:
        raise ValueError(f"not a gpsd UTC time: {text!r}")
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    fraction_s = float(match.group(7)) if match.group(7) else 0.0
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour <= 23 and minute <= 59 and second <= 60):
        raise ValueError(f"not a gpsd UTC time: {text!r}")
    whole_s = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
    return whole_s + fraction_s


def gps_datetime(t_s: float) -> dt.datetime:
    """Unix seconds to a timezone-aware UTC datetime (for logs and display)."""
    return dt.datetime.fromtimestamp(t_s, tz=dt.timezone.utc)


def _number(report: Mapping[str, Any], key: str) -> float | None:
    """The finite number under `key`, or None when absent, null, NaN or not a number."""
    value = report.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def report_time_s(report: Mapping[str, Any]) -> float | None:
    """The report's own GPS time, or None when it has none or it does not parse."""
    text = report.get("time")
    if not isinstance(text, str):
        return None
    try:
        return parse_gps_time(text)
    except ValueError:
        return None


def report_mode(report: Mapping[str, Any]) -> int:
    """gpsd's fix mode (0 unknown, 1 none, 2 2D, 3 3D); anything odd counts as 0."""
    mode = report.get("mode")
    return mode if isinstance(mode, int) and not isinstance(mode, bool) and 0 <= mode <= 3 else 0


class RejectedReport(ValueError):
    """A TPV that claims a fix but cannot be trusted as one (the message says why)."""


def tpv_to_fix(tpv: Mapping[str, Any], satellites: int | None = None) -> Fix:
    """A TPV with mode 2 or 3 as a `Fix`.

    Raises RejectedReport when the mode is below 2 or when time, latitude or
    longitude is missing, out of range, or exactly zero together. Speed, track,
    error and altitude are optional and stay None when absent.
    """
    mode = report_mode(tpv)
    if mode < 2:
        raise RejectedReport(f"mode {mode} is no fix")
    t_s = report_time_s(tpv)
    lat = _number(tpv, "lat")
    lon = _number(tpv, "lon")
    if t_s is None:
        raise RejectedReport(f"fix without a usable time: {tpv.get('time')!r}")
    if lat is None or lon is None:
        raise RejectedReport("fix without latitude or longitude")
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise RejectedReport(f"position out of range: {lat}, {lon}")
    if abs(lat) < NULL_ISLAND_DEG and abs(lon) < NULL_ISLAND_DEG:
        raise RejectedReport("position 0, 0 (a zero-filled report)")
    eph = _number(tpv, "eph")
    if eph is None:
        epx, epy = _number(tpv, "epx"), _number(tpv, "epy")
        eph = math.hypot(epx, epy) if epx is not None and epy is not None else None
    alt = _number(tpv, "altMSL")
    if alt is None:
        alt = _number(tpv, "alt")
    return Fix(
        t_s=t_s,
        lat_deg=lat,
        lon_deg=lon,
        speed_mps=_number(tpv, "speed"),
        track_deg=_number(tpv, "track"),
        mode=FixMode.THREE_D if mode == 3 else FixMode.TWO_D,
        eph_m=eph,
        alt_m=alt if mode == 3 else None,
        satellites=satellites,
    )


def sky_satellites_used(sky: Mapping[str, Any]) -> int | None:
    """Satellites used in the fix, from a SKY report, or None when it does not know.

    gpsd 3.22 sends `uSat` 0 with `nSat` 0 when the receiver gave no sky view
    (an RMC + GGA stream); that is "unknown", not "none".
    """
    satellites = sky.get("satellites")
    if isinstance(satellites, list) and satellites:
        return sum(1 for sat in satellites if isinstance(sat, Mapping) and sat.get("used") is True)
    used, seen = sky.get("uSat"), sky.get("nSat")
    if isinstance(used, int) and isinstance(seen, int) and seen > 0:
        return used
    return None
