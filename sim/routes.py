"""Route polylines in a local plane: roads built from straights joined by arcs.

The truth of a generated run is a position along one of these polylines; its
cumulative length is the distance the runner has covered, so a route is the
one place where "true distance" is defined. Kept apart from speed profiles
because where a runner goes and how fast are independent choices.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

MAX_CHORD_M = 1.0
"""Arcs are drawn as chords of at most this length (sagitta < 1 cm at 20 m radius)."""


@dataclass(frozen=True)
class Straight:
    length_m: float


@dataclass(frozen=True)
class Arc:
    """A bend of constant radius; `turn_deg` > 0 turns right (clockwise), < 0 left."""

    radius_m: float
    turn_deg: float

    @property
    def length_m(self) -> float:
        return self.radius_m * math.radians(abs(self.turn_deg))


Leg = Straight | Arc


@dataclass(frozen=True, eq=False)
class Route:
    """A polyline: vertices east/north (m) and the cumulative length at each."""

    east_m: np.ndarray
    north_m: np.ndarray
    dist_m: np.ndarray

    @property
    def length_m(self) -> float:
        return float(self.dist_m[-1])


@dataclass(frozen=True)
class Hills:
    """Gentle terrain: elevation = base + a sum of sine waves along the distance.

    Each wave is (amplitude_m, wavelength_m, phase_rad); a 5 m wave over 1.5 km
    is a 2 % grade at its steepest, a rolling road.
    """

    base_m: float
    waves: tuple[tuple[float, float, float], ...]

    def alt_m(self, dist_m: np.ndarray) -> np.ndarray:
        alt = np.full(np.shape(dist_m), self.base_m, dtype=float)
        for amp_m, wavelength_m, phase in self.waves:
            alt = alt + amp_m * np.sin(2 * np.pi * np.asarray(dist_m) / wavelength_m + phase)
        return alt


def build_route(legs: list[Leg] | tuple[Leg, ...], heading_deg: float = 0.0) -> Route:
    """Lay the legs end to end from (0, 0), starting on a compass heading.

    Arc vertices lie exactly on the circle, so the polyline follows the bend
    within a centimetre; its own length is the route's true length.
    """
    east, north = [0.0], [0.0]
    heading = math.radians(heading_deg)
    for leg in legs:
        if isinstance(leg, Straight):
            east.append(east[-1] + leg.length_m * math.sin(heading))
            north.append(north[-1] + leg.length_m * math.cos(heading))
            continue
        turn = math.radians(leg.turn_deg)
        n = max(1, math.ceil(leg.length_m / MAX_CHORD_M))
        step = turn / n
        chord_m = 2 * leg.radius_m * math.sin(abs(step) / 2)
        for _ in range(n):
            mid = heading + step / 2
            east.append(east[-1] + chord_m * math.sin(mid))
            north.append(north[-1] + chord_m * math.cos(mid))
            heading += step
    e, nn = np.array(east), np.array(north)
    seg = np.hypot(np.diff(e), np.diff(nn))
    keep = np.concatenate(([True], seg > 0))  # zero-length legs would break interpolation
    e, nn = e[keep], nn[keep]
    dist = np.concatenate(([0.0], np.cumsum(np.hypot(np.diff(e), np.diff(nn)))))
    return Route(east_m=e, north_m=nn, dist_m=dist)


def legs_length_m(legs: list[Leg] | tuple[Leg, ...]) -> float:
    return sum(leg.length_m for leg in legs)


def with_length(legs: list[Leg] | tuple[Leg, ...], length_m: float) -> tuple[Leg, ...]:
    """The legs, with a final straight added so the route is at least `length_m`
    long (runs go a little past the finish, and a route must not run out)."""
    short_m = length_m - legs_length_m(legs)
    return tuple(legs) + ((Straight(short_m + 1.0),) if short_m > 0.0 else ())


def position_at(route: Route, dist_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """East/north (m) of the points at these distances along the route."""
    return np.interp(dist_m, route.dist_m, route.east_m), np.interp(dist_m, route.dist_m, route.north_m)


def course_at(route: Route, dist_m: np.ndarray) -> np.ndarray:
    """Direction of travel (deg clockwise from north) at these distances."""
    seg_course = np.degrees(np.arctan2(np.diff(route.east_m), np.diff(route.north_m))) % 360.0
    i = np.clip(np.searchsorted(route.dist_m, dist_m, side="right") - 1, 0, len(seg_course) - 1)
    return seg_course[i]


def offset_path(
    route: Route, dist_m: np.ndarray, offset_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A path `offset_m` to the right of the route, abreast of each distance:
    east, north, its length per metre of the route, and its course (deg).

    The bike on a track: in its own lane, beside its runner (radially out on a
    bend), so it covers r_bike / r_runner metres per metre of the runner's on
    a bend. The normal comes from the route's direction over +-0.5 m, which on
    1 m chords is the true tangent within a fraction of a degree.
    """
    h = 0.5

    def beside(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        e0, n0 = position_at(route, d - h)
        e1, n1 = position_at(route, d + h)
        te, tn = e1 - e0, n1 - n0
        norm = np.hypot(te, tn)
        e, n = position_at(route, d)
        return e + offset_m * tn / norm, n - offset_m * te / norm

    east, north = beside(dist_m)
    ea, na = beside(dist_m - h)
    eb, nb = beside(dist_m + h)
    stretch = np.hypot(eb - ea, nb - na) / (2 * h)
    course = np.degrees(np.arctan2(eb - ea, nb - na)) % 360.0
    return east, north, stretch, course


def _meander(
    length_m: float, rng: np.random.Generator, straight_m: tuple[float, float],
    corner: Callable[[np.random.Generator], Arc], lean_deg: float,
) -> tuple[Leg, ...]:
    """Straights and corners until `length_m`; each corner turns back toward the start
    heading once the course has turned more than `lean_deg` away from it, so it
    meanders instead of spiralling and stays near its origin."""
    legs: list[Leg] = []
    heading_deg = 0.0
    total_m = 0.0
    while total_m < length_m:
        straight = Straight(float(rng.uniform(*straight_m)))
        arc = corner(rng)
        sign = -1.0 if heading_deg > lean_deg else 1.0 if heading_deg < -lean_deg else float(rng.choice([-1.0, 1.0]))
        arc = Arc(arc.radius_m, sign * arc.turn_deg)
        heading_deg += arc.turn_deg
        legs += [straight, arc]
        total_m += straight.length_m + arc.length_m
    return tuple(legs)


def _road_corner(rng: np.random.Generator) -> Arc:
    if rng.random() < 0.3:
        return Arc(float(rng.uniform(20.0, 40.0)), 90.0)
    return Arc(float(rng.uniform(80.0, 200.0)), float(rng.uniform(10.0, 40.0)))


def random_road(
    length_m: float, rng: np.random.Generator, straight_m: tuple[float, float] = (150.0, 900.0)
) -> tuple[Leg, ...]:
    """A long plausible road course (a marathon's): straights of 150-900 m joined
    by gentle bends (R 80-200 m, 10-40 deg) or junction turns (R 20-40 m, 90 deg).
    Shorter straights (`straight_m`) make a town road with more corners a km.
    """
    return _meander(length_m, rng, straight_m, _road_corner, 30.0)


def out_and_back(legs: tuple[Leg, ...], gap_m: float = 10.0) -> tuple[Leg, ...]:
    """Out along the legs, a U-turn, and back along the same road `gap_m` to the
    side (the other carriageway): bends reverse, and their radius shrinks or
    grows by the gap, as on a real out-and-back course."""
    back: list[Leg] = [Arc(gap_m / 2, 180.0)]
    for leg in reversed(legs):
        if isinstance(leg, Arc):
            back.append(Arc(leg.radius_m - gap_m * math.copysign(1.0, leg.turn_deg), -leg.turn_deg))
        else:
            back.append(leg)
    return tuple(legs) + tuple(back)


def _city_corner(rng: np.random.Generator) -> Arc:
    if rng.random() < 0.75:
        return Arc(float(rng.uniform(5.0, 12.0)), 90.0)
    return Arc(float(rng.uniform(10.0, 30.0)), float(rng.uniform(30.0, 60.0)))


def random_city(length_m: float, rng: np.random.Generator) -> tuple[Leg, ...]:
    """A city course: blocks of 60-150 m between corners, most of them right angles
    taken tight (R 5-12 m, as a bike turns at a kerb), some 30-60 deg kinks.

    The hardest case for a distance filter: a corner every 15-35 s at running
    pace, each one a place where a constant-velocity model's speed dips. It
    zigzags like a street grid.
    """
    return _meander(length_m, rng, (60.0, 150.0), _city_corner, 45.0)
