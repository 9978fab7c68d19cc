"""GPX files as a fix source: the simulator's stand-in for gpsd.

gpxpy parses (GPX 1.0 and 1.1, any number of tracks and segments). This module
turns its points into `Fix`es in time order, takes Doppler speed and course
where the file has them (GPX 1.0 <speed>/<course>, Garmin's TrackPointExtension
or a plain <speed> extension), and refuses what cannot be replayed with one
sentence naming the file and line. Repeated or backward times are dropped (a
replay is causal, like the device); gaps in time become ticks, so the loop
keeps running and shows GPS lost. What cannot be believed is ignored and said
in a note: a speed that is not a number, negative or above MAX_SPEED_MPS; a
clock jump longer than MAX_GAP_S (a receiver's week-rollover bug, a watch
paused overnight) is replayed as a pause, the points after it moved back in
time, so a replay always ends in time proportional to its points.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import timezone
from pathlib import Path
from typing import Iterable, Iterator

import gpxpy
import gpxpy.gpx

from pacer.errors import TrackError, read_user_file
from pacer.events import Fix, Tick
from pacer.guard import MAX_SPEED_MPS

TICK_INTERVAL_S = 1.0
MAX_GAP_S = 600.0  # a silence longer than this (the resume window on the bike) is a pause, not an outage
PAUSE_S = TICK_INTERVAL_S  # what a pause is shortened to
MAX_GPX_BYTES = 200 * 1024 * 1024  # a day at 10 Hz with extensions; keeps /dev/zero out of memory
KNOWN_VERSIONS = ("1.0", "1.1")


@dataclass(frozen=True, slots=True)
class Track:
    path: str
    name: str
    fixes: tuple[Fix, ...]
    dropped_repeated: int  # points with the same time as the one before
    dropped_backward: int  # points with a time before the one before
    has_speed: bool
    notes: tuple[str, ...] = ()  # what was ignored or changed, one line each

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
            if tag in names:
                try:
                    return float(el.text or "")
                except ValueError:
                    return math.nan  # text or empty: not believed, and counted
    return None


def load_gpx(path: str | Path, text: str | None = None) -> Track:
    """The GPX track at `path`; `text` is its content when already read (a gunzipped .gpx.gz)."""
    p = Path(path)
    text = read_user_file(str(p), "track", TrackError, max_bytes=MAX_GPX_BYTES) if text is None else text
    try:
        gpx = gpxpy.parse(text)
    except gpxpy.gpx.GPXXMLSyntaxException as e:
        why = " ".join(str(getattr(e, "original_exception", None) or e).split())[:200]  # lxml's span lines
        raise TrackError(f"{p}: not a well-formed GPX file: {why}") from None
    except gpxpy.gpx.GPXException as e:
        msg = str(e)[:200]
        m = re.search(r"\.\.\. (.*?) \(", msg)
        line = (_line_of_token(text, f'"{m.group(1)}"') or _line_of_token(text, f">{m.group(1)}<")) if m else None
        at = f", line {line}" if line else ""
        tag = re.search(r"<(\w+)>", msg)  # an element (<speed>); <None> is a lat/lon attribute
        expected = "a number" if tag and tag.group(1) != "None" else "decimal degrees (lat -90..90, lon -180..180)"
        if msg.startswith("Invalid time"):
            line, expected = _line_of_token(text, msg.split(": ", 1)[-1]), "times such as 2024-05-01T06:00:00Z"
            at = f", line {line}" if line else ""
        raise TrackError(f"{p}{at}: {msg}; expected {expected}") from None
    except (ValueError, OverflowError) as e:  # a date gpxpy reads but datetime cannot hold (year 0, 10000)
        raise TrackError(f"{p}: {str(e)[:120]}; expected times as 2024-05-01T06:00:00Z") from None
    track = _track_from_gpx(gpx, p, text)
    notes = list(track.notes)
    if gpx.version not in KNOWN_VERSIONS:
        notes.insert(0, f"note: GPX version {str(gpx.version)[:20]!r} is not 1.0 or 1.1; read as 1.1")
    return replace(track, notes=tuple(notes))


def _track_from_gpx(gpx: gpxpy.gpx.GPX, p: Path, text: str) -> Track:
    fixes: list[Fix] = []
    repeated = backward = 0
    has_speed = False
    index = -1
    bad_speeds: list[int] = []  # indices of points whose speed was not believed
    pauses: list[tuple[int, float]] = []  # (index, seconds cut out) for every clock jump
    shift_s = 0.0  # time cut out by the pauses so far
    for trk in gpx.tracks:
        for seg in trk.segments:
            for pt in seg.points:
                index += 1
                if pt.time is None:
                    line = _trkpt_line(text, index)
                    at = f", line {line}" if line else ""
                    raise TrackError(f"{p}{at}: track point {index + 1} has no <time> that reads as a time; expected every point timed, as 2024-05-01T06:00:00Z")
                lat, lon = pt.latitude, pt.longitude
                if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
                    line = _trkpt_line(text, index)
                    at = f", line {line}" if line else ""
                    raise TrackError(
                        f"{p}{at}: track point {index + 1} has lat={lat}, lon={lon}; "
                        "expected decimal degrees (lat -90..90, lon -180..180)"
                    )
                t = pt.time if pt.time.tzinfo else pt.time.replace(tzinfo=timezone.utc)
                t_s = t.timestamp() - shift_s
                if fixes and t_s - fixes[-1].t_s > MAX_GAP_S:
                    cut_s = t_s - fixes[-1].t_s - PAUSE_S
                    pauses.append((index, cut_s))
                    shift_s += cut_s
                    t_s -= cut_s
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
                if speed is not None and not 0.0 <= speed <= MAX_SPEED_MPS:  # also NaN
                    bad_speeds.append(index)
                    speed = None
                if course is not None and not math.isfinite(course):
                    course = None
                alt = pt.elevation if pt.elevation is not None and math.isfinite(pt.elevation) else None
                has_speed = has_speed or speed is not None
                fixes.append(Fix(t_s, lat, lon, speed_mps=speed, track_deg=course % 360.0 if course is not None else None, alt_m=alt))
    if len(fixes) < 2:
        raise TrackError(f"{p}: no track to replay; expected at least two timed <trkpt> points")
    name = next((t.name for t in gpx.tracks if t.name), None) or p.stem
    return Track(str(p), name, tuple(fixes), repeated, backward, has_speed, tuple(_notes(text, bad_speeds, pauses)))


def _notes(text: str, bad_speeds: list[int], pauses: list[tuple[int, float]]) -> list[str]:
    """One line for the ignored speeds, one per clock jump (the first few), each with its line."""
    out = []
    if bad_speeds:
        line = _trkpt_line(text, bad_speeds[0])
        out.append(
            f"note: ignored the speed of {len(bad_speeds)} points (not a number, negative or above "
            f"{MAX_SPEED_MPS:g} m/s; the first at line {line}); their speed comes from positions"
        )
    for index, cut_s in pauses[:3]:
        out.append(
            f"note: the track's clock jumps {_span(cut_s + PAUSE_S)} ahead at line {_trkpt_line(text, index)}; "
            f"replayed as a pause of {PAUSE_S:g} s (a gap over {MAX_GAP_S:g} s is not an outage)"
        )
    if len(pauses) > 3:
        out.append(f"note: {len(pauses) - 3} more clock jumps replayed as pauses")
    return out


def _span(seconds: float) -> str:
    for unit, size in (("years", 365.25 * 86400), ("days", 86400.0), ("hours", 3600.0), ("min", 60.0)):
        if seconds >= size:
            return f"{seconds / size:.4g} {unit}"
    return f"{seconds:.0f} s"


def with_pauses(track: Track) -> Track:
    """`track` with every clock jump over MAX_GAP_S closed to a PAUSE_S pause, and a note
    for each: for the readers of other formats (FIT, TCX), as load_gpx does for GPX
    (where it is already done, this returns the track as it is)."""
    fixes: list[Fix] = []
    pauses: list[tuple[int, float]] = []
    shift_s = 0.0
    for i, fix in enumerate(track.fixes):
        t_s = fix.t_s - shift_s
        if fixes and t_s - fixes[-1].t_s > MAX_GAP_S:
            cut_s = t_s - fixes[-1].t_s - PAUSE_S
            pauses.append((i, cut_s))
            shift_s += cut_s
            t_s -= cut_s
        fixes.append(fix if t_s == fix.t_s else replace(fix, t_s=t_s))
    if not pauses:
        return track
    notes = [
        f"note: the track's clock jumps {_span(cut_s + PAUSE_S)} ahead at point {i + 1}; replayed as a pause "
        f"of {PAUSE_S:g} s (a gap over {MAX_GAP_S:g} s is not an outage)"
        for i, cut_s in pauses[:3]
    ]
    if len(pauses) > 3:
        notes.append(f"note: {len(pauses) - 3} more clock jumps replayed as pauses")
    return replace(track, fixes=tuple(fixes), notes=(*getattr(track, "notes", ()), *notes))


def replay_events(fixes: Iterable[Fix], tick_s: float = TICK_INTERVAL_S) -> Iterator[Fix | Tick]:
    """Fixes in order, with a tick every `tick_s` through any silence longer than that.

    Never more than MAX_GAP_S of ticks in one silence: a longer one (which the readers
    turn into a pause) would otherwise be replayed tick by tick, for years of ticks."""
    prev: float | None = None
    for fix in fixes:
        if prev is not None:
            t = prev + tick_s
            last_tick = min(fix.t_s, prev + MAX_GAP_S) - 1e-6
            while t < last_tick:
                yield Tick(t, "no fix")
                t += tick_s
        yield fix
        prev = fix.t_s
