"""Parse and format distances, durations and paces: the edges of SI.

Inside pacer everything is metres, seconds and metres per second; people write
"1 mi", "4:40", "3:45/km". This module is the one place that converts, so a
typo in a plan gets the same clear message wherever it is written.
"""

from __future__ import annotations

import math
import re

from pacer.errors import UnitError

METRES_PER = {
    "m": 1.0,
    "km": 1000.0,
    "mi": 1609.344,
    "mile": 1609.344,
    "miles": 1609.344,
    "k": 1000.0,
}
MILE_M = 1609.344

# Stated limits, so no number a person writes can reach the core as inf, NaN or
# something that builds millions of marks: a distance from 1 m to under 1,000 km,
# a time from 1 ms to under 1,000 hours, and no value longer than 40 characters.
MIN_DISTANCE_M = 1.0
MAX_DISTANCE_M = 1_000_000.0
MIN_DURATION_S = 0.001
MAX_DURATION_S = 1000 * 3600.0
MAX_TEXT_CHARS = 40

_DIST_RE = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*([a-zA-Z]+)\s*$")
_DUR_RE = re.compile(r"^\s*(?:(\d+):)?(?:(\d+):)?(\d+(?:\.\d+)?)\s*$")


def parse_distance_m(text: str) -> float:
    """'1 mi', '400 m', '5 km', '3000m', '26.2 mi' -> metres (> 0)."""
    if not isinstance(text, str):
        raise UnitError(f"expected a distance such as \"400 m\" or \"1 mi\", got {_short(text)}")
    _check_length(text, "distance")
    m = _DIST_RE.match(text)
    if not m or m.group(2).lower() not in METRES_PER:
        if text.strip().startswith("-"):
            raise UnitError(f"a distance must be positive, got {_short(text)}")
        raise UnitError(
            f"expected a distance such as \"400 m\", \"5 km\" or \"1 mi\", got {_short(text)}"
        )
    value = float(m.group(1)) * METRES_PER[m.group(2).lower()]
    if value <= 0:
        raise UnitError(f"a distance must be positive, got {_short(text)}")
    if not MIN_DISTANCE_M <= value < MAX_DISTANCE_M:
        raise UnitError(f"expected a distance from 1 m to under 1000 km, got {_short(text)}")
    return value


def _check_length(text: str, what: str) -> None:
    """Refuse a value too long to be meant (thousands of digits) before reading it as a number."""
    if len(text) > MAX_TEXT_CHARS:
        raise UnitError(f"expected a {what} of at most {MAX_TEXT_CHARS} characters, got {_short(text)}")


def _short(value: object) -> str:
    """A value as the user wrote it, cut to a readable length for a one-line message."""
    text = repr(value)
    return text if len(text) <= MAX_TEXT_CHARS else f"{text[:12]}... ({len(text)} characters)"


def _check_duration(value: float, text: object) -> float:
    if value <= 0:
        raise UnitError(f"a time must be positive, got {_short(text)}")
    if not MIN_DURATION_S <= value < MAX_DURATION_S:  # also NaN and inf
        raise UnitError(f"expected a time from 0.001 s to under 1000 hours, got {_short(text)}")
    return value


def parse_duration_s(text: str | int | float) -> float:
    """'4:40', '70.0', '1:02:03', '4:39.5' -> seconds (> 0).

    Minutes and seconds after a colon must be below 60 ("4:75" is a typo, not
    5:15), so a mistyped goal cannot pass silently.
    """
    if isinstance(text, bool):
        raise UnitError(f"expected a time such as \"4:40\" or \"1:02:03\", got {_short(text)}")
    if isinstance(text, (int, float)):
        try:
            value = float(text)
        except OverflowError:  # a TOML integer of hundreds of digits
            value = math.inf
        return _check_duration(value, text)
    if not isinstance(text, str):
        raise UnitError(f"expected a time such as \"4:40\" or \"1:02:03\", got {_short(text)}")
    _check_length(text, "time")
    m = _DUR_RE.match(text)
    if not m:
        raise UnitError(f"expected a time as h:mm:ss, m:ss or m:ss.s (such as \"4:40\"), got {_short(text)}")
    first, second, last = m.groups()
    parts = [p for p in (first, second) if p is not None]
    secs = float(last)
    if parts and secs >= 60:
        raise UnitError(f"seconds must be below 60 in {_short(text)}")
    if len(parts) == 2 and int(parts[1]) >= 60:
        raise UnitError(f"minutes must be below 60 in {_short(text)}")
    total = secs
    for i, p in enumerate(reversed(parts)):
        total += int(p) * 60 ** (i + 1)
    return _check_duration(total, text)


def parse_pace_s_per_m(text: str) -> float:
    """'4:40/mi', '3:45/km', '70/400m' -> seconds per metre."""
    if not isinstance(text, str) or "/" not in text or len(text) > 2 * MAX_TEXT_CHARS:
        raise UnitError(f"expected a pace such as \"3:45/km\" or \"4:40/mi\", got {_short(text)}")
    time_part, dist_part = text.split("/", 1)
    dist_part = dist_part.strip()
    if dist_part and dist_part[0].isalpha():
        dist_part = "1 " + dist_part
    try:
        return parse_duration_s(time_part) / parse_distance_m(dist_part)
    except UnitError as e:
        raise UnitError(f"expected a pace such as \"3:45/km\" or \"4:40/mi\", got {_short(text)} ({e})") from None


def format_duration(seconds: float, decimals: int = 0) -> str:
    """62.3 -> '1:02' (or '1:02.3'); 3723 -> '1:02:03'. Negative gets a '-'."""
    sign = "-" if seconds < 0 else ""
    s = abs(seconds)
    scale = 10**decimals
    s = round(s * scale) / scale
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    sec_str = f"{sec:0{3 + decimals if decimals else 2}.{decimals}f}"
    if h:
        return f"{sign}{int(h)}:{int(m):02d}:{sec_str}"
    return f"{sign}{int(m)}:{sec_str}"


def format_pace(speed_mps: float | None, unit: str = "km") -> str:
    """Speed -> 'm:ss' per km or per mile; '--:--' when not moving."""
    if speed_mps is None or speed_mps < 0.3:
        return "--:--"
    s_per_unit = METRES_PER[unit] / speed_mps
    if s_per_unit >= 100 * 60:
        return "--:--"
    return format_duration(s_per_unit)


def format_speed(speed_mps: float | None, unit: str = "km") -> str:
    """Speed -> km/h (unit 'km') or mph (unit 'mi'), one decimal."""
    if speed_mps is None:
        return "--.-"
    return f"{speed_mps * 3600 / METRES_PER[unit]:.1f}"


def format_distance(dist_m: float, unit: str = "km") -> str:
    """A mark's name: '400 m', '1 km', '1 mi', '1.5 mi' (centimetres of float noise ignored)."""
    miles = dist_m / MILE_M
    if unit == "mi" and dist_m >= MILE_M / 4 and abs(miles - round(miles, 2)) * MILE_M < 0.01:
        return f"{round(miles, 2):g} mi"
    km = dist_m / 1000
    if dist_m >= 999.99 and abs(km - round(km, 3)) * 1000 < 0.01:
        return f"{round(km, 3):g} km"
    return f"{dist_m:.0f} m"
