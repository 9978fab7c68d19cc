"""How the virtual rider decides its speed: from a watch's GPS pace, or from pacer.

Split from sim/rider.py (the rider's body, the world, the ride) because a
strategy is a separate idea: what a person does with what a device shows.
Pacing by feel needs no controller; see `Controller` for the base behaviour.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from pacer.events import Fix
from pacer.session import Session
from pacer.status import Cue, GpsState, Phase, Status

if TYPE_CHECKING:
    from sim.rider import Course, RiderParams, Strategy

ADVICE_CUES = (Cue.FASTER, Cue.SLOWER, Cue.ON_PACE)

@dataclass
class _Action:
    t_s: float
    factor: float  # multiply u by this


class Controller:
    """What the rider does with a strategy's information: the base holds `u` (feel)."""

    uses_fixes = False

    def __init__(self, params: RiderParams, rng: np.random.Generator) -> None:
        self.p, self.rng = params, rng
        self.actions: list[_Action] = []
        self.next_glance_s = self._glance_gap()

    def _glance_gap(self) -> float:
        return float(self.rng.uniform(*self.p.glance_s))

    def _react(self, t_s: float, factor: float) -> None:
        self.actions.append(_Action(t_s + float(self.rng.uniform(*self.p.reaction_s)), factor))
        self.actions.sort(key=lambda a: a.t_s)

    def correct(self, t_s: float, r: float) -> None:
        """A glance read a relative speed error r (+ = should go faster)."""
        x = self.rng.random()
        if x < self.p.misread_ignore or abs(r) < self.p.deadband:
            return
        if x < self.p.misread_ignore + self.p.misread_flip:
            r = -r
        step = min(max(self.p.gain * r, -self.p.max_correction), self.p.max_correction)
        self._react(t_s, 1.0 + step)

    def glance(self, t_s: float) -> None:
        """Called when a glance is due; schedules the next one."""
        self.next_glance_s = t_s + self._glance_gap()

    def on_fix(self, fix: Fix, t_s: float, true_dist_m: float, true_delta_s: float) -> None:
        """A fix arrived at elapsed `t_s` (only called when `uses_fixes`); the truth
        is passed for the bench's bookkeeping, never for the rider's decisions."""


def quantised_speed(speed_mps: float | None, unit_m: float) -> float | None:
    """A speed as the rider reads it from a pace shown in whole seconds per unit."""
    if speed_mps is None or speed_mps <= 0.1:
        return None
    return unit_m / round(unit_m / speed_mps)


class WatchController(Controller):
    """A watch-like 'current pace': raw fix-to-fix distance summed over a window."""

    uses_fixes = True

    def __init__(self, params: RiderParams, rng: np.random.Generator, course: Course) -> None:
        super().__init__(params, rng)
        self.course = course
        self.points: deque[tuple[float, float, float, float]] = deque()  # (t, east, north, summed distance)

    def on_fix(self, fix: Fix, t_s: float, true_dist_m: float, true_delta_s: float) -> None:
        e, n = self.course.plane.to_xy(fix.lat_deg, fix.lon_deg)
        total = self.points[-1][3] + math.hypot(e - self.points[-1][1], n - self.points[-1][2]) if self.points else 0.0
        self.points.append((t_s, e, n, total))
        while self.points[0][0] < t_s - self.p.watch_window_s - 1e-6:
            self.points.popleft()

    def shown_speed_mps(self) -> float | None:
        """Summed raw fix-to-fix distance over the window, over the window's time."""
        if len(self.points) < 2:
            return None
        first, last = self.points[0], self.points[-1]
        return (last[3] - first[3]) / (last[0] - first[0])

    def glance(self, t_s: float) -> None:
        super().glance(t_s)
        shown = quantised_speed(self.shown_speed_mps(), self.course.pace_unit_m)
        if shown is not None:
            self.correct(t_s, self.course.config.plan.target_speed_mps(0.0) / shown - 1.0)


class PacerController(Controller):
    """pacer's cues and screen, from a real Session fed the simulated fixes."""

    uses_fixes = True

    def __init__(self, params: RiderParams, rng: np.random.Generator, course: Course, looks: bool = True) -> None:
        super().__init__(params, rng)
        self.course = course
        self.looks = looks
        self.session = Session(course.config)
        self.status: Status | None = None
        self.cues = self.cues_on_schedule = 0
        self.estimate_error_s: float | None = None  # (estimated - true distance) / plan speed, latest fix

    def on_fix(self, fix: Fix, t_s: float, true_dist_m: float, true_delta_s: float) -> None:
        self.status = self.session.step(fix)
        if self.status.phase == Phase.RUNNING:
            self.estimate_error_s = (self.status.dist_m - true_dist_m) / self.status.target_speed_mps
        for cue in self.status.sounds:
            if cue not in ADVICE_CUES:
                continue
            self.cues += 1
            self.cues_on_schedule += abs(true_delta_s) <= self.session.tol_s
            if self.rng.random() < self.p.cue_miss or cue == Cue.ON_PACE:
                continue
            self._react(t_s, 1.0 + self.p.cue_step if cue == Cue.FASTER else 1.0 - self.p.cue_step)

    def glance(self, t_s: float) -> None:
        super().glance(t_s)
        s = self.status
        if not self.looks or s is None or s.phase != Phase.RUNNING or s.gps == GpsState.LOST:
            return
        unit = self.course.pace_unit_m
        current = quantised_speed(s.speed_mps, unit)
        need = quantised_speed(s.needed_speed_mps, unit)
        if current is None:
            return
        if need is None:  # no need pace shown: close the gap shown over catch_up_s
            gap = min(max(round(s.delta_s, 1) / self.p.catch_up_s, -0.05), 0.05)
            need = s.target_speed_mps * (1.0 + gap)
        self.correct(t_s, need / current - 1.0)


def make_controller(strategy: Strategy, params: RiderParams, seed: int, course: Course) -> Controller:
    rng = np.random.default_rng([seed, 99])  # the same stream for every strategy of a seed
    if strategy == "feel":
        return Controller(params, rng)
    if strategy == "watch":
        return WatchController(params, rng, course)
    return PacerController(params, rng, course, looks=strategy == "pacer")
