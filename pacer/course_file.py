"""A course GPX's text to `CoursePoints`, or one sentence saying what is wrong.

A course comes from a map (a route planner's export, a race's published GPX):
a track (`<trk>`) or a route (`<rte>`), points without times. Parsed with
gpxpy like the recordings (sim/gpx_source.py), but a course needs no times, so
it has its own reader; the file itself is read by the caller (load_config).
"""

from __future__ import annotations

import math
import re

import gpxpy
import gpxpy.gpx

from pacer.course import CoursePoints
from pacer.errors import ConfigError

MAX_COURSE_BYTES = 50 * 1024 * 1024  # a marathon drawn every metre is 5 MB
EXPECTED = "expected a GPX file with a <trk> or <rte> of at least two points"


def parse_course(text: str, path: str) -> CoursePoints:
    """The course in `text` (the file at `path`): its track's points, else its route's."""
    try:
        gpx = gpxpy.parse(text)
    except gpxpy.gpx.GPXXMLSyntaxException as e:
        why = " ".join(str(getattr(e, "original_exception", None) or e).split())[:160]
        raise ConfigError(f"{path}: not a well-formed GPX file ({why}); {EXPECTED}") from None
    except (gpxpy.gpx.GPXException, ValueError, OverflowError) as e:
        raise ConfigError(f"{path}: {' '.join(str(e).split())[:160]}; {EXPECTED}") from None
    points = [p for trk in gpx.tracks for seg in trk.segments for p in seg.points]
    if len(points) < 2:
        points = [p for rte in gpx.routes for p in rte.points]
    if len(points) < 2:
        raise ConfigError(f"{path}: no course in it; {EXPECTED}")
    for i, p in enumerate(points):
        lat, lon = p.latitude, p.longitude
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
            line = _point_line(text, i)
            at = f", line {line}" if line else ""
            raise ConfigError(f"{path}{at}: course point {i + 1} has lat={lat}, lon={lon}; expected decimal degrees")
    alts = tuple(p.elevation if p.elevation is not None and math.isfinite(p.elevation) else None for p in points)
    course = CoursePoints(path, tuple(p.latitude for p in points), tuple(p.longitude for p in points), alts)
    if len(set(zip(course.lat_deg, course.lon_deg))) < 2 or course.length_m() < 10.0:
        raise ConfigError(f"{path}: the course is under 10 m long; expected a course of at least 10 m")
    return course


def _point_line(text: str, index: int) -> int | None:
    for i, m in enumerate(re.finditer(r"<(?:\w+:)?(?:trkpt|rtept)\b", text)):
        if i == index:
            return text.count("\n", 0, m.start()) + 1
    return None
