"""Progress along the route, the one number the session asks for: free, track or course.

Free: the estimator's odometer (the bike's own path is the runner's). Track:
the runner's lane-1 distance on a 400 m oval, from the filtered position
projected on the oval (oval.py), so the bike's lane and GPS error across the
track drop out; only the error along the track is left. Kept as a seam so the
session does not know which it has.

Course: the distance along a known course (a GPX drawn on a map) of the
filtered position, matched by pacer/course.py, from the course's start (or
`start_at`), stretched to the plan's distance. Off course it dead-reckons and
says so (`note`).

Track-mode decisions:

- The finish line is the standard common finish at the end of the home
  straight; `finish` is taken to lie on lane 1's line. A point further out
  across the track shifts the oval sideways: coordinates at the line and at
  the bends' ends do not change, mid-bend ones by up to that shift.
- The start is placed from the distance: start = finish - (distance mod lap),
  so a mile starts 9.34 m before the line, a 3000 m 200 m before, an 800 m on
  it. Progress counts from there (not from the first fix), so the start fix's
  own GPS error is not carried into every split.
- Without `finish`/`heading`, the oval is fitted from the first lap's path (a
  warm-up lap ridden before the start counts) and the run is assumed to START
  at its planned start: the finish line is placed (distance mod lap) ahead of
  the position at the start. Until the fit, progress is the free odometer.
- With a trusted speed (Doppler), progress is that speed's steps in lane-1 metres,
  held to the positions' progress by a small Kalman filter (`TrackRoute._blend`):
  the positions' ~2 m wander changes over tens of seconds, so a rep timed from
  positions alone carries two draws of it; the speed's integral does not.
- Laps: a split at every crossing of the finish line, except a crossing within
  MIN_LAP_M of the start (the mile's 9.34 m) and one within 1 m of a plan mark
  (the mark is the split: a mile's marks are the line's crossings).
"""

from __future__ import annotations

import math
from typing import Any, Protocol

from pacer.config import RouteSettings
from pacer.course import HEADING_GATE_MIN_SPEED_MPS, CourseMatcher
from pacer.course_bias import CourseBias
from pacer.events import Fix
from pacer.filter import Estimator
from pacer.oval import LAP_M, LANE1_RADIUS_M, Oval, Where, lane_centre_radius_m, wrap_lap_m
from pacer.track_bias import CrossTrackBias
from pacer.plan import Plan
from pacer.track_fit import LapCollector, OvalFit, fit_oval

MIN_LAP_M = 50.0
COURSE_SLACK_M = 10.0  # course mode with a trusted speed: the odometer may differ from the map this much ...
COURSE_PULL_TAU_S = 30.0  # ... beyond it, the course pulls the odometer back within this time
MARK_MERGE_M = 1.0
FIT_RETRY_POINTS = 50  # after a failed fit, try again with this many more points
# With a trusted speed, progress is its integral held to the positions (TrackRoute._blend):
# these make the positions count with a time constant of about 60 s (bench/rep_timing.py,
# tuning seeds: 30 s -> 400 m reps 0.21 s rms, track mile 0.10 s; 90 s -> 0.15, 0.16; 60 s -> 0.17, 0.13).
BLEND_R_M2 = 4.0  # a fix's progress: the receiver's ~2 m along the track
BLEND_Q_M2_PER_S = 4.0 / 3600.0  # R / tau^2 for tau = 60 s
BEND_SCALE_VAR0 = 0.03**2  # the bends' factor: a rider a lane or two off the configured one
BEND_SCALE_Q_PER_S = 0.0


class Route(Protocol):
    def update(self, fix: Fix) -> None: ...

    def begin(self, t_s: float) -> float:
        """The run starts now: the route distance that counts as 0."""
        ...

    @property
    def dist_m(self) -> float: ...

    @property
    def speed_mps(self) -> float: ...

    def dist_at(self, t_s: float) -> float: ...

    def laps_m(self, plan: Plan) -> tuple[float, ...]: ...

    def describe(self) -> dict[str, Any]: ...


class FreeRoute:
    """The odometer: distance as the bike covers it."""

    def __init__(self, estimator: Estimator) -> None:
        self.est = estimator

    def update(self, fix: Fix) -> None:
        pass

    def begin(self, t_s: float) -> float:
        return self.est.dist_at(t_s)

    @property
    def dist_m(self) -> float:
        return self.est.dist_m

    @property
    def speed_mps(self) -> float:
        return self.est.speed_mps

    def dist_at(self, t_s: float) -> float:
        return self.est.dist_at(t_s)

    def laps_m(self, plan: Plan) -> tuple[float, ...]:
        return ()

    def describe(self) -> dict[str, Any]:
        return {"mode": "free"}


class TrackRoute:
    """The runner's lane-1 distance from the planned start, unwrapped across laps."""

    def __init__(self, settings: RouteSettings, estimator: Estimator, distance_m: float) -> None:
        self.s = settings
        self.est = estimator
        self.distance_m = distance_m
        self.oval: Oval | None = None
        self.fit: OvalFit | None = None
        self.collector = LapCollector() if settings.finish_deg is None else None
        self._next_fit_points = 0
        self.start_coord_m: float | None = None  # lane-1 coordinate of the start line
        self.start_xy: tuple[float, float] | None = None
        self.started = False
        self.odo_origin_m = 0.0
        self._dist_m = 0.0
        self._coord_m: float | None = None  # last projected coordinate, for unwrapping
        self._speed_mps = 0.0
        self._t_s: float | None = None
        self.bias = CrossTrackBias()
        self._odo_m: float | None = None  # the estimator's distance at the last fix
        self._pos_dist_m = 0.0  # progress from the positions alone (unwrapped oval coordinate)
        self.bend_scale = 1.0  # learnt: the bike's line on the bends against its lane's
        self._p_dd, self._p_dk, self._p_kk = BLEND_R_M2, 0.0, BEND_SCALE_VAR0

    # -- per fix ---------------------------------------------------------------

    def update(self, fix: Fix) -> None:
        est = self.est
        if self.oval is None:
            self._place(est)
        if self.oval is None:  # fitting: the odometer until the oval is known
            self._dist_m = self._pos_dist_m = est.dist_m - self.odo_origin_m
            self._speed_mps = est.speed_mps
            self._t_s = est.t_s
            return
        w = self._corrected(est)
        step_m = 0.0 if self._odo_m is None else est.dist_m - self._odo_m
        self._odo_m = est.dist_m
        if self._coord_m is None or self.start_coord_m is None:
            self._dist_m = self._pos_dist_m = wrap_lap_m(w.coord_m - (self.start_coord_m or 0.0))
        else:
            self._pos_dist_m += wrap_lap_m(w.coord_m - self._coord_m)
            self._dist_m = self._blend(est, w, step_m)
        self._coord_m = w.coord_m
        self._speed_mps = max(0.0, (est.vx * w.tx + est.vy * w.ty) * w.scale)
        self._t_s = est.t_s

    def _blend(self, est: Estimator, w: Where, step_m: float) -> float:
        """Progress: the trusted speed's steps in lane-1 metres, held to the positions'
        progress by a small Kalman filter (progress, and the bends' scale).

        A fix's place on the oval carries the receiver's wandering error (~2 m, changing
        over tens of seconds), so progress from positions alone is off by that much at
        any moment, differently at a rep's start and end. A Doppler speed's integral is
        far steadier over a minute; the positions keep it from drifting over many. On a
        bend a metre of the bike's line is r1 / r of lane 1, r its lane's radius; a bike
        off its configured lane makes that ratio wrong, so the filter learns a factor on
        it (`bend_scale`) from how the two progresses part on the bends."""
        measured = self._pos_dist_m
        dt = est.t_s - self._t_s if self._t_s is not None and est.t_s is not None else 0.0
        if not est.speed_trusted or not 0.0 < dt <= est.s.gap_s:
            self._p_dd = BLEND_R_M2  # next time, start from the positions again
            return measured
        expected_m = est.speed_mps * dt
        if abs(step_m - expected_m) > 3.0 + 0.5 * expected_m:  # the odometer re-scaled or re-anchored: not a step
            step_m = expected_m
        lane_step = step_m * self._lane_scale(w)
        bend = lane_step if w.scale < 1.0 else 0.0  # how much of the step the bend factor scales
        d = self._dist_m + lane_step + bend * (self.bend_scale - 1.0)
        # P <- F P F^T + Q with F = [[1, bend], [0, 1]]
        pdd = self._p_dd + 2.0 * bend * self._p_dk + bend * bend * self._p_kk + BLEND_Q_M2_PER_S * dt
        pdk = self._p_dk + bend * self._p_kk
        pkk = self._p_kk + BEND_SCALE_Q_PER_S * dt
        var = pdd + BLEND_R_M2
        innov = measured - d
        kd, kk = pdd / var, pdk / var
        d += kd * innov
        self.bend_scale += kk * innov
        self._p_dd, self._p_dk, self._p_kk = pdd - kd * pdd, pdk - kd * pdk, pkk - kk * pdk
        return d

    def _lane_scale(self, w: Where) -> float:
        """Lane 1's metres per metre of the bike's line here: 1 on a straight, r1 / r on a bend,
        with r the bike's line (its lane) rather than the fix's own radius."""
        line_m = self._line_offset_m()
        if w.scale >= 1.0 or line_m is None:
            return w.scale
        return LANE1_RADIUS_M / (LANE1_RADIUS_M + line_m)

    def _corrected(self, est: Estimator) -> Where:
        """The filtered position, less the error the bike's line reveals, on the oval."""
        assert self.oval is not None
        line_m = self._line_offset_m()
        if line_m is None or est.t_s is None:
            return self.oval.project(est.px, est.py)
        b = self.bias
        b.predict(est.t_s)
        w = self.oval.project(est.px - b.bx, est.py - b.by)
        b.update(w.offset_m - line_m, w.ty, -w.tx)
        return self.oval.project(est.px - b.bx, est.py - b.by)

    def _line_offset_m(self) -> float | None:
        """How far out of lane 1's line the bike rides: its lane's middle, or the fitted path."""
        if self.s.lane is not None:
            return lane_centre_radius_m(self.s.lane) - LANE1_RADIUS_M
        if self.fit is not None:
            return self.fit.radius_m - LANE1_RADIUS_M
        return None

    def _place(self, est: Estimator) -> None:
        """Build the oval: from the plan's finish, or by fitting a lap of the path."""
        if est.plane is None:
            return
        if self.s.finish_deg is not None and self.s.heading_deg is not None:
            fx, fy = est.plane.to_xy(*self.s.finish_deg)
            self.oval = Oval.from_finish(fx, fy, self.s.heading_deg)
            self.start_coord_m = (self.oval.project(fx, fy).coord_m - self.distance_m) % LAP_M
            return
        assert self.collector is not None
        self.collector.add(est.px, est.py, est.vx, est.vy)
        if not self.collector.lap_done or len(self.collector.xs) < self._next_fit_points:
            return
        fit = fit_oval(self.collector.xs, self.collector.ys)
        if fit is None:
            self._next_fit_points = len(self.collector.xs) + FIT_RETRY_POINTS
            return
        self.fit, self.oval = fit, fit.oval
        if self.started and self.start_xy is not None:
            self._anchor_after_fit(est)

    def _anchor_after_fit(self, est: Estimator) -> None:
        """Fitted after the start: the start line where the run began, the laps from the odometer."""
        assert self.oval is not None and self.start_xy is not None
        self.start_coord_m = self.oval.project(*self.start_xy).coord_m
        odo = est.dist_m - self.odo_origin_m
        coord = self.oval.project(est.px, est.py).coord_m
        self._dist_m = self._pos_dist_m = odo + wrap_lap_m(coord - self.start_coord_m - odo)
        self._coord_m = coord

    # -- the session's questions -----------------------------------------------

    def begin(self, t_s: float) -> float:
        est = self.est
        self.started = True
        self.odo_origin_m = est.dist_at(t_s)
        self.start_xy = (est.px, est.py)
        if self.oval is not None:
            if self.start_coord_m is None:  # fitted on a warm-up lap
                self.start_coord_m = self.oval.project(est.px, est.py).coord_m
            coord = self.oval.project(est.px, est.py).coord_m
            self._dist_m = self._pos_dist_m = wrap_lap_m(coord - self.start_coord_m)
            self._coord_m = coord
        else:
            self._dist_m = self._pos_dist_m = 0.0
        return 0.0

    @property
    def dist_m(self) -> float:
        return self._dist_m

    @property
    def speed_mps(self) -> float:
        return self._speed_mps

    def dist_at(self, t_s: float) -> float:
        if self._t_s is None or t_s <= self._t_s:
            return self._dist_m
        return self._dist_m + self._speed_mps * min(t_s - self._t_s, 120.0)

    def laps_m(self, plan: Plan) -> tuple[float, ...]:
        """Progress at each crossing of the finish line before the finish."""
        out = []
        k = 1
        while (lap := self.distance_m - k * LAP_M) >= MIN_LAP_M:
            if all(abs(lap - m) > MARK_MERGE_M for m in plan.marks_m):
                out.append(lap)
            k += 1
        return tuple(sorted(out))

    def describe(self) -> dict[str, Any]:
        """The placed or fitted oval, for the run's summary."""
        doc: dict[str, Any] = {"mode": "track", "lane": self.s.lane}
        if self.oval is None or self.est.plane is None:
            doc["oval"] = None
            return doc
        plane = self.est.plane
        lat, lon = plane.to_latlon(self.oval.cx, self.oval.cy)
        doc["oval"] = {"centre": [round(lat, 7), round(lon, 7)], "source": "fit" if self.fit else "finish"}
        if self.start_coord_m is not None:
            finish = (self.start_coord_m + self.distance_m) % LAP_M
            fx, fy = self.oval.point_at(finish)
            w = self.oval.project(fx, fy)
            flat, flon = plane.to_latlon(fx, fy)
            doc["oval"]["finish"] = [round(flat, 7), round(flon, 7)]
            doc["oval"]["heading_deg"] = round(math.degrees(math.atan2(w.tx, w.ty)) % 360.0, 2)
        if self.fit is not None:
            doc["oval"].update(
                rms_m=round(self.fit.rms_m, 3), radius_m=round(self.fit.radius_m, 3),
                points=self.fit.points,
            )
        return doc


class CourseRoute:
    """The distance along a known course from its start, stretched to the plan's distance."""

    def __init__(self, settings: RouteSettings, estimator: Estimator) -> None:
        assert settings.course is not None
        self.s = settings
        self.est = estimator
        self.matcher: CourseMatcher | None = None
        self.bias = CourseBias()
        self._odo_offset_m: float | None = None  # with a trusted speed: course distance minus odometer, low-passed
        self._odo_start_m: float | None = None  # the odometer where progress 0 is
        self._dist_m = 0.0
        self._speed_mps = 0.0
        self._t_s: float | None = None

    def update(self, fix: Fix) -> None:
        est = self.est
        if est.plane is None or est.t_s is None:
            return
        if self.matcher is None:
            assert self.s.course is not None
            self.matcher = CourseMatcher(self.s.course.line(est.plane), self.s.start_at_m)
        m, b = self.matcher, self.bias
        b.predict(est.t_s)
        match = m.update(est.t_s, est.px - b.bx, est.py - b.by, est.vx, est.vy)
        if match is not None and est.speed_mps >= HEADING_GATE_MIN_SPEED_MPS:
            b.update(match.side_m, match.ty, -match.tx)
        dt = 0.0 if self._t_s is None else max(0.0, est.t_s - self._t_s)
        self._t_s = est.t_s
        if m.along_m is None:  # not yet near the start
            return
        course_m = (m.along_m - self.s.start_at_m) * self.s.stretch
        self._speed_mps = est.speed_mps * self.s.stretch
        if not est.speed_trusted or m.off_course:
            self._dist_m = course_m
            if self._odo_offset_m is not None:  # a spell without: take the odometer up again from here
                self._odo_start_m = est.dist_m - course_m
            self._odo_offset_m = None
            return
        # A trusted speed: its odometer is better than any map over a few km (a drawn
        # course is metres off here and there); the course pulls it back only when
        # the two part by more than a map's error (an outage bridged badly, a drift).
        odo = est.dist_m
        if self._odo_offset_m is None:  # trusted from now: count from the start, as free mode does
            self._odo_offset_m = -self._odo_start_m if self._odo_start_m is not None else course_m - odo
        else:
            gap = course_m - odo - self._odo_offset_m
            excess = gap - max(-COURSE_SLACK_M, min(COURSE_SLACK_M, gap))  # beyond what a map may be off
            self._odo_offset_m += min(1.0, dt / COURSE_PULL_TAU_S) * excess
        self._dist_m = odo + self._odo_offset_m

    @property
    def note(self) -> str:
        """What the screen says while the bike is off the course."""
        m = self.matcher
        if m is None or not m.off_course:
            return ""
        return "OFF COURSE" if not math.isfinite(m.offset_m) else f"OFF COURSE {m.offset_m:.0f} m"

    def begin(self, t_s: float) -> float:
        """The run starts at the course's start: the matcher looks for the bike there again
        (a warm-up may have taken it anywhere), and a trusted speed's odometer counts from here."""
        if self.matcher is not None:
            self.matcher.restart()
            self._dist_m = 0.0
        self._odo_start_m = self.est.dist_at(t_s)
        if self._odo_offset_m is not None:
            self._odo_offset_m = -self._odo_start_m
            self._dist_m = 0.0
        return 0.0

    @property
    def dist_m(self) -> float:
        return self._dist_m

    @property
    def speed_mps(self) -> float:
        return self._speed_mps

    def dist_at(self, t_s: float) -> float:
        if self._t_s is None or t_s <= self._t_s:
            return self._dist_m
        return self._dist_m + self._speed_mps * min(t_s - self._t_s, 120.0)

    def laps_m(self, plan: Plan) -> tuple[float, ...]:
        return ()

    def describe(self) -> dict[str, Any]:
        """The course, how it was stretched, and how well the ride matched it."""
        s = self.s
        assert s.course is not None
        m = self.matcher
        rms = m.residual_rms_m if m is not None else None
        return {
            "mode": "course",
            "course": s.course_path,
            "course_length_m": round(m.line.length_m if m else s.course.length_m(), 2),
            "start_at_m": s.start_at_m,
            "stretch": round(s.stretch, 6),
            "time_off_course_s": round(m.off_s, 2) if m else 0.0,
            "residual_rms_m": None if rms is None else round(rms, 2),
        }


def make_route(settings: RouteSettings, estimator: Estimator, distance_m: float) -> Route:
    if settings.mode == "track":
        return TrackRoute(settings, estimator, distance_m)
    if settings.mode == "course":
        return CourseRoute(settings, estimator)
    return FreeRoute(estimator)
