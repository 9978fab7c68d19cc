"""A known course: its polyline in the estimator's plane, and where along it a point lies.

Kept apart from the route and from the file reader because it is pure
geometry: course points (lat, lon, elevation) in, distances along the course
out. A course drawn on a map cuts corners and is never exactly the measured
distance, so every distance it gives is multiplied by `stretch` (the plan's
distance over the polyline's length, within 3 %; see pacer/config.py).

Matching (`CourseMatcher`) searches only a window ahead of the last match and
only segments running the way the bike is heading, so an out-and-back's other
carriageway, a loop's start and finish, and a course crossing itself are never
matched to the wrong leg. Beyond OFF_COURSE_M for OFF_COURSE_FIXES fixes the
bike is off course: progress dead-reckons at the bike's speed and a wider
window looks for the course again.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from pacer.geo import LocalPlane

OFF_COURSE_M = 25.0  # further than this from the course is not riding it
OFF_COURSE_FIXES = 3  # this many fixes in a row beyond OFF_COURSE_M: off course
HEADING_GATE_DEG = 60.0  # a segment more than this off the bike's heading is another leg
HEADING_GATE_MIN_SPEED_MPS = 1.0  # slower than this the heading means nothing: no gate
WINDOW_BACK_M = 15.0  # the match may step back this far (GPS error along the course)
WINDOW_AHEAD_M = 40.0  # ... and forward this far beyond the dead-reckoned distance
REATTACH_WINDOW_M = 150.0  # off course: the course is looked for this far either side of the reckoning
START_WINDOW_M = (50.0, 150.0)  # before the first match: this far before and after `start_at`
ALONG_COST = 0.05  # metres of offset a metre away from the reckoned distance costs: breaks ties
RUN_OUT_M = 200.0  # the course goes on straight this far past its last point: the finish is passed, not reached


@dataclass(frozen=True, slots=True)
class CoursePoints:
    """A course as read from its file: positions in order, elevation where given."""

    path: str
    lat_deg: tuple[float, ...]
    lon_deg: tuple[float, ...]
    alt_m: tuple[float | None, ...]

    def line(self, plane: LocalPlane) -> CourseLine:
        """The polyline in `plane`, with RUN_OUT_M of straight beyond its end."""
        xy = [plane.to_xy(lat, lon) for lat, lon in zip(self.lat_deg, self.lon_deg)]
        return CourseLine.from_xy([p[0] for p in xy], [p[1] for p in xy], RUN_OUT_M)

    def length_m(self) -> float:
        """The polyline's own length (in a plane around its first point)."""
        return self.line(LocalPlane(self.lat_deg[0], self.lon_deg[0])).length_m

    def profile(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """(distance along the polyline, elevation) of every point that has one."""
        plane = LocalPlane(self.lat_deg[0], self.lon_deg[0])
        xy = [plane.to_xy(lat, lon) for lat, lon in zip(self.lat_deg, self.lon_deg)]
        cum = [0.0]
        for (x0, y0), (x1, y1) in zip(xy, xy[1:]):
            cum.append(cum[-1] + math.hypot(x1 - x0, y1 - y0))
        pts = [(d, a) for d, a in zip(cum, self.alt_m) if a is not None]
        return tuple(p[0] for p in pts), tuple(p[1] for p in pts)  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class Match:
    """A point placed on the course: distance along it (polyline metres), how far off, its direction."""

    along_m: float
    offset_m: float  # distance from the course (>= 0)
    side_m: float  # signed: + to the right of the direction of the course
    tx: float
    ty: float


@dataclass(frozen=True, slots=True)
class CourseLine:
    """The polyline in a plane: vertices, cumulative length, unit direction of each segment."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    cum_m: tuple[float, ...]
    tx: tuple[float, ...]
    ty: tuple[float, ...]

    length_m: float  # the course's own length, without the run-out

    @classmethod
    def from_xy(cls, xs: list[float], ys: list[float], run_out_m: float = 0.0) -> CourseLine:
        kx, ky = [xs[0]], [ys[0]]
        for x, y in zip(xs[1:], ys[1:]):
            if math.hypot(x - kx[-1], y - ky[-1]) > 1e-3:  # repeated points make no segment
                kx.append(x)
                ky.append(y)
        if len(kx) < 2:
            raise ValueError("a course needs two distinct points")
        length_m = sum(math.hypot(kx[i + 1] - kx[i], ky[i + 1] - ky[i]) for i in range(len(kx) - 1))
        if run_out_m > 0.0:
            dx, dy = kx[-1] - kx[-2], ky[-1] - ky[-2]
            seg = math.hypot(dx, dy)
            kx.append(kx[-1] + run_out_m * dx / seg)
            ky.append(ky[-1] + run_out_m * dy / seg)
        cum, tx, ty = [0.0], [], []
        for i in range(len(kx) - 1):
            dx, dy = kx[i + 1] - kx[i], ky[i + 1] - ky[i]
            seg = math.hypot(dx, dy)
            cum.append(cum[-1] + seg)
            tx.append(dx / seg)
            ty.append(dy / seg)
        return cls(tuple(kx), tuple(ky), tuple(cum), tuple(tx), tuple(ty), length_m)

    def point_at(self, along_m: float) -> tuple[float, float]:
        i = min(max(bisect.bisect_right(self.cum_m, along_m) - 1, 0), len(self.tx) - 1)
        u = along_m - self.cum_m[i]
        return self.xs[i] + u * self.tx[i], self.ys[i] + u * self.ty[i]

    def nearest(
        self, x: float, y: float, lo_m: float, hi_m: float, heading: tuple[float, float] | None, near_m: float
    ) -> Match | None:
        """The best point of the course between lo_m and hi_m for (x, y).

        Only segments within HEADING_GATE_DEG of `heading` (a unit vector; None: any)
        count. Best = least offset, plus ALONG_COST per metre from `near_m`.
        """
        cos_gate = math.cos(math.radians(HEADING_GATE_DEG))
        i = max(bisect.bisect_right(self.cum_m, lo_m) - 1, 0)
        best: Match | None = None
        best_cost = math.inf
        while i < len(self.tx) and self.cum_m[i] <= hi_m:
            tx, ty = self.tx[i], self.ty[i]
            if heading is None or tx * heading[0] + ty * heading[1] >= cos_gate:
                seg = self.cum_m[i + 1] - self.cum_m[i]
                u = (x - self.xs[i]) * tx + (y - self.ys[i]) * ty
                u = min(max(u, lo_m - self.cum_m[i], 0.0), min(seg, hi_m - self.cum_m[i]))
                px, py = self.xs[i] + u * tx, self.ys[i] + u * ty
                off = math.hypot(x - px, y - py)
                along = self.cum_m[i] + u
                cost = off + ALONG_COST * abs(along - near_m)
                if cost < best_cost:
                    best_cost, best = cost, Match(along, off, (x - px) * ty - (y - py) * tx, tx, ty)
            i += 1
        return best


class CourseMatcher:
    """Distance along the course of a moving point, fix by fix, never on the wrong leg."""

    def __init__(self, line: CourseLine, start_m: float) -> None:
        self.line = line
        self.start_m = start_m
        self.along_m: float | None = None  # polyline metres of the last match (or reckoning)
        self.off_course = False
        self.misses = 0  # fixes in a row beyond OFF_COURSE_M
        self.offset_m = 0.0  # of the last match
        self.t_s: float | None = None
        self.off_s = 0.0  # total time off course
        self.sq_sum = 0.0  # residuals of the matches, for their rms
        self.n = 0

    def restart(self) -> None:
        """The run starts: look for the bike at the start again, wherever a warm-up took it."""
        self.along_m = None
        self.off_course = False
        self.misses = 0

    def update(self, t_s: float, x: float, y: float, vx: float, vy: float) -> Match | None:
        """One filtered position (plane metres) and velocity (m/s) at `t_s`: its match
        on the course, or None (no course near enough; the progress is reckoned)."""
        dt = 0.0 if self.t_s is None else max(0.0, t_s - self.t_s)
        speed = math.hypot(vx, vy)
        heading = (vx / speed, vy / speed) if speed >= HEADING_GATE_MIN_SPEED_MPS else None
        if self.off_course and self.t_s is not None:
            self.off_s += dt
        self.t_s = t_s
        if self.along_m is None:
            lo, hi, near = self.start_m - START_WINDOW_M[0], self.start_m + START_WINDOW_M[1], self.start_m
        else:
            reckoned = self.along_m + speed * dt
            if self.off_course:
                lo, hi = reckoned - REATTACH_WINDOW_M, reckoned + REATTACH_WINDOW_M
            else:
                lo, hi = self.along_m - WINDOW_BACK_M, reckoned + WINDOW_AHEAD_M
            near = reckoned
        m = self.line.nearest(x, y, lo, hi, heading, near)
        if m is not None and m.offset_m <= OFF_COURSE_M:
            self.along_m, self.offset_m = m.along_m, m.offset_m
            self.misses = 0
            self.off_course = False
            self.sq_sum += m.offset_m**2
            self.n += 1
            return m
        self.misses += 1
        self.offset_m = m.offset_m if m is not None else math.inf
        if self.misses >= OFF_COURSE_FIXES:
            self.off_course = True
        if self.along_m is not None:
            self.along_m = min(self.along_m + speed * dt, self.line.cum_m[-1])
        return None

    @property
    def residual_rms_m(self) -> float | None:
        return math.sqrt(self.sq_sum / self.n) if self.n else None
