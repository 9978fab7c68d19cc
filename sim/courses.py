"""The course a race publishes, drawn beside a generated run: the map's line, not the truth.

A course drawn on a map is the road's line as the map has it: shifted by the
map's registration error (a couple of metres, the same everywhere), wobbling
across the road by a metre or two (a hand or a router following the kerb),
and sampled sparsely (a point every 20-40 m), so its chords cut every corner
and its length is a little off the measured distance. Course mode
(pacer/course.py) is tested and benchmarked against exactly that.
"""

from __future__ import annotations

from pathlib import Path

import gpxpy.gpx
import numpy as np

from pacer.course import CoursePoints
from sim.generate import GeneratedRun
from sim.routes import course_at, position_at

SHIFT_SIGMA_M = 2.0  # map registration error, per axis: 2.5 m typical, the same over the whole course
WOBBLE_SIGMA_M = 0.7  # across the road, correlated over WOBBLE_CORR_M (ROUGH_WOBBLE_SIGMA_M: a careless drawing)
ROUGH_WOBBLE_SIGMA_M = 1.5
WOBBLE_CORR_M = 80.0
SPACING_M = (20.0, 40.0)  # between course points on a straight
MAX_TURN_DEG = 20.0  # ... closer where the road turns, as a map's vertices follow a bend
MIN_SPACING_M = 3.0
ELEVATION_NOISE_M = 0.7  # a DEM's point-to-point noise
COURSE_STREAM = 3  # the course's own random stream of the run's seed (runner, route, GNSS are 0-2)


def course_points(run: GeneratedRun, wobble_sigma_m: float = WOBBLE_SIGMA_M) -> CoursePoints:
    """The course of `run`, as a map would give it, from start to finish (deterministic per seed).

    A wobble across the road changes the length of every bend (the inside or the
    outside of it), so a rougher drawing (`wobble_sigma_m`) is locally longer or
    shorter than the road by metres between corners: the bench shows both."""
    rng = np.random.default_rng([run.seed, COURSE_STREAM])
    end_m = run.scenario.route_from_m + run.distance_m
    along = [0.0]
    while along[-1] < end_m:
        step = float(rng.uniform(*SPACING_M))
        while step > MIN_SPACING_M and _turn_deg(run, along[-1], along[-1] + step) > MAX_TURN_DEG:
            step /= 2
        along.append(min(end_m, along[-1] + step))
    d = np.array(along)
    east, north = position_at(run.route, d)
    e0, n0 = position_at(run.route, np.maximum(d - 0.5, 0.0))
    e1, n1 = position_at(run.route, d + 0.5)
    te, tn = e1 - e0, n1 - n0
    norm = np.hypot(te, tn)
    wobble = _smooth_noise(d, rng) * (wobble_sigma_m / WOBBLE_SIGMA_M)
    shift = rng.normal(0.0, SHIFT_SIGMA_M, 2)
    east = east + shift[0] + wobble * tn / norm
    north = north + shift[1] - wobble * te / norm
    alt = run.scenario.hills.alt_m(d) + rng.normal(0.0, ELEVATION_NOISE_M, len(d))
    latlon = [run.plane.to_latlon(float(x), float(y)) for x, y in zip(east, north)]
    return CoursePoints(
        f"{run.scenario.name}.course.gpx", tuple(p[0] for p in latlon), tuple(p[1] for p in latlon),
        tuple(round(float(a), 1) for a in alt),
    )


def _turn_deg(run: GeneratedRun, a_m: float, b_m: float) -> float:
    """How far the road turns between two distances (the largest change of direction on the way)."""
    c = course_at(run.route, np.linspace(a_m, b_m, 8))
    return float(np.abs((c - c[0] + 180.0) % 360.0 - 180.0).max())


def _smooth_noise(d: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A Gauss-Markov wobble along the distance, stationary sd WOBBLE_SIGMA_M."""
    out = np.empty(len(d))
    x = rng.normal(0.0, WOBBLE_SIGMA_M)
    prev = d[0]
    for i, di in enumerate(d):
        a = np.exp(-(di - prev) / WOBBLE_CORR_M)
        x = a * x + np.sqrt(1 - a * a) * rng.normal(0.0, WOBBLE_SIGMA_M)
        out[i] = x
        prev = di
    return out


def course_gpx(course: CoursePoints, name: str) -> str:
    """GPX 1.1 text: one track of the course's points (7 decimals, elevation), no times."""
    gpx = gpxpy.gpx.GPX()
    gpx.creator = "pacer sim.courses"
    gpx.name = name
    gpx.description = "Simulated course as drawn on a map: shifted, wobbling and sparse beside the true line."
    track = gpxpy.gpx.GPXTrack(name=name)
    seg = gpxpy.gpx.GPXTrackSegment()
    track.segments.append(seg)
    gpx.tracks.append(track)
    for lat, lon, alt in zip(course.lat_deg, course.lon_deg, course.alt_m):
        seg.points.append(gpxpy.gpx.GPXTrackPoint(round(lat, 7), round(lon, 7), elevation=alt))
    return gpx.to_xml(version="1.1", prettyprint=True)


def write_course(run: GeneratedRun, path: Path | str) -> None:
    Path(path).write_text(course_gpx(course_points(run), Path(path).name.removesuffix(".gpx")), encoding="utf-8")
