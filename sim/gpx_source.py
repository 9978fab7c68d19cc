"""GPX files as a fix source: the simulator's stand-in for gpsd.

gpxpy parses (GPX 1.0 and 1.1, any number of tracks and segments). This module
turns its points into `Fix`es in time order, takes Doppler speed and course
where the file has them (GPX 1.0 <speed>/<course>, Garmin's TrackPointExtension
or a plain <speed> extension), and refuses what cannot be replayed with one
sentence naming the file and line. Repeated or backward times are dropped (a
replay is causal, like the device); gaps in time become ticks, so the loop
keeps running and shows GPS lost.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import timezone
from pathlib import Path
from typing import Iterable, Iterator

import gpxpy
import gpxpy.gpx

from pacer.errors import TrackError, read_user_file
from pacer.events import Fix, Tick

TICK_INTERVAL_S = 1.0


@dataclass(frozen=True, slots=True)
class Track:
    path: str
    name: str
    fixes: tuple[Fix, ...]
    dropped_repeated: int  # points with the same time as the one before
    dropped_backward: int  # points with a time before the one before
    has_speed: bool

    @property
    def duration_s(self) -> float:
        return self.fixes[-1].t_s - self.fixes[0].t_s if self.fixes else 0.0


def _trkpt_line(text: str, index: int) -> int | None:
    """Line of the index-th <trkpt> in document order (only looked up for errors)."""
    for i, m in enumerate(re.finditer(r"<(?:\w+:)?trkpt\b", text)):
        if i == index:
            return text.count("\n", 0, m.start()) + 1
    return None


def _line_of_token(text: str, token: str) -> int | None:
    pos = text.find(token)
    return None if pos < 0 else text.count("\n", 0, pos) + 1


def _ext_value(point: gpxpy.gpx.GPXTrackPoint, names: tuple[str, ...]) -> float | None:
    for root in point.extensions:
        for el in root.iter():
            tag = el.tag.rsplit("}", 1)[-1].lower()
            if tag in names and el.text:
                try:
                    return float(el.text)
                except ValueError:
                    return None
    return None


def load_gpx(path: str | Path, text: str | None = None) -> Track:
    """The GPX track at `path`; `text` is its content when already read (a gunzipped .gpx.gz)."""
    p = Path(path)
    text = read_user_file(str(p), "track", TrackError) if text is None else text
    try:
        gpx = gpxpy.parse(text)
    except gpxpy.gpx.GPXXMLSyntaxException as e:
        raise TrackError(f"{p}: not a well-formed GPX file: {getattr(e, 'original_exception', None) or e}") from None
    except gpxpy.gpx.GPXException as e:
        msg = str(e)
        m = re.search(r"\.\.\. (.*?) \(", msg)
        line = _line_of_token(text, f'"{m.group(1)}"') if m else None
        at = f", line {line}" if line else ""
        raise TrackError(f"{p}{at}: {msg}; expected decimal degrees (lat -90..90, lon -180..180)") from None
    return _track_from_gpx(gpx, p, text)


def _track_from_gpx(gpx: gpxpy.gpx.GPX, p: Path, text: str) -> Track:
    fixes: list[Fix] = []
    repeated = backward = 0
    has_speed = False
    index = -1
    for trk in gpx.tracks:
        for seg in trk.segments:
            for pt in seg.points:
                index += 1
                if pt.time is None:
                    line = _trkpt_line(text, index)
                    at = f", line {line}" if line else ""
                    raise TrackError(f"{p}{at}: track point {index + 1} has no <time>; expected every point timed")
                lat, lon = pt.latitude, pt.longitude
                if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
                    line = _trkpt_line(text, index)
                    at = f", line {line}" if line else ""
                    raise TrackError(
                        f"{p}{at}: track point {index + 1} has lat={lat}, lon={lon}; "
                        "expected decimal degrees (lat -90..90, lon -180..180)"
                    )
                t = pt.time if pt.time.tzinfo else pt.time.replace(tzinfo=timezone.utc)
                t_s = t.timestamp()
                if fixes and t_s <= fixes[-1].t_s:
                    if t_s == fixes[-1].t_s:
                        repeated += 1
                    else:
                        backward += 1
                    continue
                speed = pt.speed if pt.speed is not None else None
                course = pt.course if getattr(pt, "course", None) is not None else None
                if pt.extensions:
                    if speed is None:
                        speed = _ext_value(pt, ("speed",))
                    if course is None:
                        course = _ext_value(pt, ("course", "heading"))
                if speed is not None and not (math.isfinite(speed) and speed >= 0):
                    speed = None
                has_speed = has_speed or speed is not None
                fixes.append(Fix(t_s, lat, lon, speed_mps=speed, track_deg=course, alt_m=pt.elevation))
    if len(fixes) < 2:
        raise TrackError(f"{p}: no track to replay; expected at least two timed <trkpt> points")
    name = next((t.name for t in gpx.tracks if t.name), None) or p.stem
    return Track(str(p), name, tuple(fixes), repeated, backward, has_speed)


def replay_events(fixes: Iterable[Fix], tick_s: float = TICK_INTERVAL_S) -> Iterator[Fix | Tick]:
    """Fixes in order, with a tick every `tick_s` through any silence longer than that."""
    prev: float | None = None
    for fix in fixes:
        if prev is not None:
            t = prev + tick_s
            while t < fix.t_s - 1e-6:
                yield Tick(t, "no fix")
                t += tick_s
        yield fix
        prev = fix.t_s
