"""FIT activity files (Garmin, COROS, Wahoo, Strava's originals) as a fix source.

fitdecode reads the binary: chained files, compressed timestamps, developer
fields, and the CRC of every file in the chain (checked: a damaged file is
refused, not half replayed). This module keeps the `record` messages that have
a position, turns semicircles into degrees, takes `enhanced_speed` (or `speed`)
as the watch's speed over ground, and drops records logged while the timer was
stopped, so a pause is a gap in time: the replay ticks through it as GPS lost,
as the device would when the receiver went quiet.
"""

from __future__ import annotations

import io
import math
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import fitdecode

from pacer.errors import TrackError
from pacer.events import Fix
from sim.gpx_source import Track

DEG_PER_SEMICIRCLE = 180.0 / 2**31
EXPECTED = "expected a FIT activity file"


def _value(frame: Any, name: str) -> Any:
    return frame.get_value(name, fallback=None) if frame.has_field(name) else None


def _speed_mps(frame: Any) -> float | None:
    """`enhanced_speed` (32-bit, newer watches) before `speed` (16-bit); m/s after fitdecode's scaling."""
    for name in ("enhanced_speed", "speed"):
        value = _value(frame, name)
        if isinstance(value, (int, float)) and math.isfinite(value) and value >= 0:
            return float(value)
    return None


def _t_s(value: Any) -> float | None:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).timestamp()
    return None


def track_from_fit(data: bytes, path: str | Path) -> Track:
    """The positioned, timed records of the FIT bytes `data` (read from `path`) as a Track."""
    p = Path(path)
    fixes: list[Fix] = []
    repeated = backward = 0
    has_speed = False
    timer_stopped = False
    message = 0  # data messages read so far, 1-based in errors: "message 17"
    try:
        with fitdecode.FitReader(
            io.BytesIO(data),
            check_crc=fitdecode.CrcCheck.RAISE,
            error_handling=fitdecode.ErrorHandling.IGNORE,  # a developer field we do not need must not stop a replay
        ) as fit:
            for frame in fit:
                if frame.frame_type != fitdecode.FIT_FRAME_DATA:
                    continue
                message += 1
                if frame.name == "event" and _value(frame, "event") == "timer":
                    kind = _value(frame, "event_type")
                    if kind in ("stop", "stop_all", "stop_disable", "stop_disable_all"):
                        timer_stopped = True
                    elif kind == "start":
                        timer_stopped = False
                    continue
                if frame.name != "record" or timer_stopped:
                    continue
                lat_sc, lon_sc = _value(frame, "position_lat"), _value(frame, "position_long")
                t_s = _t_s(_value(frame, "timestamp"))
                if lat_sc is None or lon_sc is None:
                    continue  # no GPS lock yet, or an indoor stretch: a gap, like silence from the receiver
                if t_s is None:
                    raise TrackError(f"{p}, message {message}: a record with a position but no timestamp; {EXPECTED} with timed records")
                lat, lon = lat_sc * DEG_PER_SEMICIRCLE, lon_sc * DEG_PER_SEMICIRCLE
                if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
                    raise TrackError(
                        f"{p}, message {message}: record position lat={lat:.6f}, lon={lon:.6f}; "
                        "expected semicircles within -90..90 and -180..180 degrees"
                    )
                if fixes and t_s <= fixes[-1].t_s:
                    repeated += t_s == fixes[-1].t_s
                    backward += t_s < fixes[-1].t_s
                    continue
                speed = _speed_mps(frame)
                has_speed = has_speed or speed is not None
                alt = _value(frame, "enhanced_altitude")
                alt = _value(frame, "altitude") if alt is None else alt
                fixes.append(Fix(t_s, lat, lon, speed_mps=speed, alt_m=float(alt) if isinstance(alt, (int, float)) else None))
    except fitdecode.FitHeaderError as e:
        raise TrackError(f"{p}: not a FIT file header after message {message} ({e}); {EXPECTED}") from None
    except fitdecode.FitCRCError:
        raise TrackError(f"{p}: the CRC after message {message} does not match, the file is damaged; {EXPECTED} as the watch wrote it") from None
    except fitdecode.FitEOFError as e:
        raise TrackError(f"{p}: cut short in message {message + 1} (byte {e.offset}); {EXPECTED} copied whole") from None
    except fitdecode.FitParseError as e:
        raise TrackError(f"{p}, message {message + 1}: {e}; {EXPECTED}") from None
    except (AssertionError, TypeError, ValueError, IndexError, KeyError) as e:
        # fitdecode's own checks on a damaged file surface as these, not as its FitError
        raise TrackError(f"{p}, message {message + 1}: damaged ({type(e).__name__}: {e}); {EXPECTED} as the watch wrote it") from None
    if len(fixes) < 2:
        raise TrackError(f"{p}: no track to replay ({len(fixes)} positioned record{'s' * (len(fixes) != 1)}); {EXPECTED} with GPS positions")
    name = p.name.removesuffix(".gz").removesuffix(".fit").removesuffix(".FIT")
    return Track(str(p), name, tuple(fixes), repeated, backward, has_speed)
