"""The state machine of a run: READY -> RUNNING -> FINISHED, one `step` per event.

Like h11's connection object, the session is fed events (fixes, ticks, button
presses) and returns a `Status`; it never reads a clock and never touches a
device, so the Pi, the simulator and the tests drive the very same object.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal

from pacer.coach import AdviceState, advise, needed_speed_mps, projected_delta_s, tolerance_s
from pacer.config import Config
from pacer.events import Button, Event, Fix, FixMode, Press, Tick, Wheel
from pacer.filter import Estimator, FilterSettings, SpeedSmoother
from pacer.guard import guard_event
from pacer.route import make_route
from pacer.split_timing import LAG_S, DistanceHistory
from pacer.status import Correction, Cue, GpsState, Phase, Split, SplitKind, Status
from pacer.wheel import WheelSettings
from pacer.wheel_route import WheelRoute, wheel_route

StartMode = Literal["first_fix", "button", "moving"]

MOVING_START_SPEED_MPS = 2.0  # auto-start: the bike is rolling faster than a walk
MARK_REACH_M = 30.0  # a MARK press snaps to a board within max(this, MARK_REACH_FRAC of the board)
MARK_REACH_FRAC = 0.03
NOTE_S = 4.0  # a MARK's note stays on the screen this long


@dataclass(frozen=True, slots=True)
class _Sample:
    t_s: float
    dist_m: float


class Session:
    def __init__(
        self,
        config: Config,
        start: StartMode = "first_fix",
        filter_settings: FilterSettings = FilterSettings(),
        wheel: WheelSettings | None = None,
    ) -> None:
        self.config = config
        self.plan = config.plan
        self.start_mode = start
        self.estimator = Estimator(filter_settings)
        self.route = make_route(config.route, self.estimator, self.plan.distance_m)  # free or track
        self.wheel: WheelRoute | None = None  # a wheel sensor: its odometer over the GPS route (issue 14)
        if wheel is not None:
            self.wheel = wheel_route(self.route, self.estimator, wheel, config.route)
            self.route = self.wheel
        self.shown_speed = SpeedSmoother()
        self.tol_s = tolerance_s(self.plan, config.coach)
        self.phase = Phase.READY
        self.start_t_s: float | None = None
        self.start_dist_m = 0.0
        self.last: _Sample | None = None  # the latest committed (fix-based) progress
        self.last_fix_t_s: float | None = None
        self.last_mode = FixMode.NONE
        self.satellites: int | None = None
        self.gps = GpsState.LOST
        self.message = ""
        self.advice = AdviceState()
        self.splits: list[Split] = []
        self.next_mark = 0  # index into plan.marks_m
        self.laps_m = self.route.laps_m(self.plan)  # finish-line crossings (track mode)
        self.next_lap = 0
        self.finish_s: float | None = None
        self.history = DistanceHistory()  # for the fixed-lag timing of splits
        self.pending: list[tuple[SplitKind, float, float]] = []  # passed live, not yet timed: (kind, mark, live t)
        self.lead_m = config.coach.lead_m  # the runner is this far behind the bike
        self.shift_m = 0.0  # the MARK corrections so far, added to the route's progress
        self.corrections: list[Correction] = []
        self.note = ""  # a MARK's outcome, on the screen until note_until_s
        self.note_until_s = -math.inf
        self._correction: Correction | None = None  # made at this step

    # -- the one entry point --------------------------------------------------

    def step(self, event: Event) -> Status:
        event = guard_event(event, self.last_fix_t_s)  # NaN, impossible or mistimed fields never get in
        self._correction = None
        sounds: list[Cue] = []
        new_splits: list[Split] = []
        if isinstance(event, Fix):
            self._on_fix(event, sounds, new_splits)
        elif isinstance(event, Tick):
            self._on_tick(event, sounds)
        elif isinstance(event, Press):
            self._on_press(event, sounds, new_splits)
        elif isinstance(event, Wheel) and self.wheel is not None:
            self.wheel.on_wheel(event)  # progress moves at the next fix; the screen's at once (dist_at)
        if self.pending:
            self._resolve(event.t_s, sounds, new_splits, flush=False)
        return self._with_wheel(self._status(event.t_s, sounds, new_splits))

    def close(self, t_s: float) -> Status:
        """The source has ended (a replay's last point): time every mark already passed
        with the fixes there are, rather than wait for fixes that will not come."""
        sounds: list[Cue] = []
        new_splits: list[Split] = []
        if self.pending:
            self._resolve(t_s, sounds, new_splits, flush=True)
        return self._with_wheel(self._status(t_s, sounds, new_splits))

    def start(self, t_s: float) -> None:
        """Start the run at `t_s` (GPS time): distance counts from here."""
        if self.phase != Phase.READY:
            return
        self.phase = Phase.RUNNING
        self.start_t_s = t_s
        self.start_dist_m = self.route.begin(t_s)
        self.last = _Sample(t_s, 0.0)

    # -- events ---------------------------------------------------------------

    def _on_fix(self, fix: Fix, sounds: list[Cue], new_splits: list[Split]) -> None:
        if fix.mode < FixMode.TWO_D:
            self._on_tick(Tick(fix.t_s, "no fix", fix.satellites), sounds)
            return
        if self.last_fix_t_s is not None and fix.t_s <= self.last_fix_t_s:
            return  # a repeated or backward time: never accept it
        was = self.gps
        self.last_fix_t_s = fix.t_s
        self.last_mode = fix.mode
        if fix.satellites is not None:
            self.satellites = fix.satellites
        self.gps = GpsState.OK if fix.mode == FixMode.THREE_D else GpsState.DEGRADED
        self.message = ""
        if was == GpsState.LOST and self.phase == Phase.RUNNING:
            sounds.append(Cue.GPS_BACK)
        self.estimator.update(fix)
        self.route.update(fix)
        self.shown_speed.update(fix.t_s, self.route.speed_mps, doppler=self.estimator.speed_trusted)
        if self.phase == Phase.READY:
            if self.start_mode == "first_fix" or (
                self.start_mode == "moving" and self.estimator.speed_mps >= MOVING_START_SPEED_MPS
            ):
                self.start(fix.t_s)
                sounds.append(Cue.START)
            return
        if self.phase != Phase.RUNNING:
            return
        assert self.start_t_s is not None and self.last is not None
        now = _Sample(fix.t_s, self._runner_m(self.route.dist_m))
        self.history.add(now.t_s, now.dist_m)
        self._pass_laps(self.last, now)
        self._pass_marks(self.last, now)
        self._pass_laps(self.last, now)  # a gap may cross a lap after a mark
        self.last = now  # not a running maximum: that would ratchet noise into distance

    def _on_tick(self, tick: Tick, sounds: list[Cue]) -> None:
        if tick.satellites is not None:
            self.satellites = tick.satellites
        lost = self.last_fix_t_s is None or tick.t_s - self.last_fix_t_s > self.config.coach.loss_timeout_s
        if lost and self.gps != GpsState.LOST:
            self.gps = GpsState.LOST
            if self.phase == Phase.RUNNING:
                sounds.append(Cue.GPS_LOST)
        if lost:
            self.message = tick.reason

    def _on_press(self, press: Press, sounds: list[Cue], new_splits: list[Split]) -> None:
        if press.button == Button.START and self.phase == Phase.READY:
            self.start(press.t_s)
            sounds.append(Cue.START)
        elif press.button == Button.LAP and self.phase == Phase.RUNNING:
            dist = self._dist_now(press.t_s)
            new_splits.append(self._split(SplitKind.LAP, dist, press.t_s - self._start()))
            sounds.append(Cue.SPLIT)
        elif press.button == Button.MARK and self.phase == Phase.RUNNING:
            self._mark(press.t_s)
        elif press.button == Button.STOP and self.phase == Phase.RUNNING:
            self._resolve(press.t_s, sounds, new_splits, flush=True)
            if self.phase == Phase.FINISHED:  # the finish was passed just before the press
                return
            self.phase = Phase.FINISHED
            self.finish_s = press.t_s - self._start()
            sounds.append(Cue.FINISH)
        self.splits.extend(new_splits)

    def _runner_m(self, route_m: float) -> float:
        """The runner's progress from the route's: less the start, less the lead, plus the MARK corrections."""
        return route_m - self.start_dist_m - self.lead_m + self.shift_m

    def boards_m(self) -> tuple[float, ...]:
        """Where the boards a MARK snaps to stand: every `[route] markers`, or the plan's marks."""
        every = self.config.route.markers_m
        if every is None:
            return self.plan.marks_m
        n = int(self.plan.distance_m // every)
        return tuple(k * every for k in range(1, n + 1) if k * every < self.plan.distance_m - 1.0) + (self.plan.distance_m,)

    def _mark(self, t_s: float) -> None:
        """The bike is at a board: snap its progress to the nearest one, if near enough to be it."""
        bike_m = self._dist_now(t_s) + self.lead_m
        board = min(self.boards_m(), key=lambda b: abs(b - bike_m))
        reach_m = max(MARK_REACH_M, MARK_REACH_FRAC * board)
        elapsed = t_s - self._start()
        name = _board_name(board, self.config.display.pace_unit)
        if abs(board - bike_m) > reach_m:
            c = Correction(elapsed, board, bike_m, 0.0, False)
            self.note = f"MARK? {abs(board - bike_m):.0f} m from {name}"
        else:
            by = board - bike_m
            c = Correction(elapsed, board, bike_m, by, True)
            self.shift_m += by
            self.history.shift(by)
            if self.last is not None:
                self.last = _Sample(self.last.t_s, self.last.dist_m + by)
            self.note = f"MARK {name} {by:+.0f} m"
        self.note_until_s = t_s + NOTE_S
        self.corrections.append(c)
        self._correction = c

    # -- splits ---------------------------------------------------------------

    def _pass_marks(self, a: _Sample, b: _Sample) -> None:
        """Every mark between two estimates is passed: its split is timed LAG_S later."""
        marks = self.plan.marks_m
        while self.next_mark < len(marks) and b.dist_m >= marks[self.next_mark]:
            last = self.next_mark == len(marks) - 1
            self._passed(SplitKind.FINISH if last else SplitKind.MARK, marks[self.next_mark], a, b)
            self.next_mark += 1

    def _pass_laps(self, a: _Sample, b: _Sample) -> None:
        """Finish-line crossings up to the next plan mark, as LAP splits (track mode)."""
        marks = self.plan.marks_m
        limit = min(b.dist_m, marks[self.next_mark]) if self.next_mark < len(marks) else -1.0
        while self.next_lap < len(self.laps_m) and self.laps_m[self.next_lap] <= limit:
            self._passed(SplitKind.LAP, self.laps_m[self.next_lap], a, b)
            self.next_lap += 1

    def _passed(self, kind: SplitKind, dist_m: float, a: _Sample, b: _Sample) -> None:
        """The live estimate passed `dist_m` between a and b: remember when, for the timing."""
        frac = (dist_m - a.dist_m) / (b.dist_m - a.dist_m) if b.dist_m > a.dist_m else 1.0
        self.pending.append((kind, dist_m, a.t_s + min(max(frac, 0.0), 1.0) * (b.t_s - a.t_s)))

    def _resolve(self, t_s: float, sounds: list[Cue], new_splits: list[Split], flush: bool) -> None:
        """Time and announce each passed mark once LAG_S of fixes after it are in (all on `flush`)."""
        while self.pending and (flush or t_s >= self.pending[0][2] + LAG_S):
            kind, dist_m, live_t_s = self.pending.pop(0)
            t_cross = self.history.crossing_s(dist_m, live_t_s)
            if self.splits:  # never before a split already announced
                t_cross = max(t_cross, self._start() + self.splits[-1].elapsed_s)
            split = self._split(kind, dist_m, t_cross - self._start())
            new_splits.append(split)
            self.splits.append(split)
            if kind == SplitKind.FINISH:
                self.phase = Phase.FINISHED
                self.finish_s = split.elapsed_s
                sounds.append(Cue.FINISH)
                self.pending.clear()
            else:
                sounds.append(Cue.SPLIT)

    def _split(self, kind: SplitKind, dist_m: float, elapsed_s: float) -> Split:
        prev_t = self.splits[-1].elapsed_s if self.splits else 0.0
        prev_target = self.splits[-1].target_s if self.splits else 0.0
        target = self.plan.target_elapsed_s(dist_m)
        return Split(
            index=len(self.splits) + 1,
            kind=kind,
            distance_m=dist_m,
            target_s=target,
            elapsed_s=elapsed_s,
            split_target_s=target - prev_target,
            split_s=elapsed_s - prev_t,
        )

    # -- the status -----------------------------------------------------------

    def _start(self) -> float:
        assert self.start_t_s is not None
        return self.start_t_s

    def _dist_now(self, t_s: float) -> float:
        """Committed distance, dead-reckoned forward while fixes are missing."""
        if self.phase == Phase.READY or self.last is None:
            return 0.0
        if self.phase == Phase.FINISHED:
            return self.last.dist_m
        return self._runner_m(self.route.dist_at(t_s))

    def _message(self, t_s: float) -> str:
        """A fault first (GPS), then a MARK's outcome, then the route's (OFF COURSE)."""
        if self.message:
            return self.message
        if t_s < self.note_until_s:
            return self.note
        return getattr(self.route, "note", "")

    def _with_wheel(self, status: Status) -> Status:
        return status if self.wheel is None else replace(status, wheel=self.wheel.wheel_state)

    def _status(self, t_s: float, sounds: list[Cue], new_splits: list[Split]) -> Status:
        status = self._status_core(t_s, sounds, new_splits)
        message = self._message(t_s)
        if message == status.message and self._correction is None:
            return status
        return replace(status, message=message, correction=self._correction)

    def _status_core(self, t_s: float, sounds: list[Cue], new_splits: list[Split]) -> Status:
        plan = self.plan
        speed = self.shown_speed.speed_mps if self.estimator.started else None
        if self.phase == Phase.READY:
            return Status(
                t_s=t_s, phase=self.phase, plan_name=plan.name, elapsed_s=0.0, dist_m=0.0,
                total_m=plan.distance_m, speed_mps=speed, delta_s=0.0,
                target_speed_mps=plan.target_speed_mps(0.0),
                needed_speed_mps=plan.target_speed_mps(0.0), next_mark_m=plan.marks_m[0],
                split_number=1, split_count=len(plan.marks_m), projected_finish_s=plan.goal_s,
                gps=self.gps, satellites=self.satellites, advice=Cue.ON_PACE, sounds=tuple(sounds),
                message=self.message,
            )
        start = self._start()
        if self.phase == Phase.FINISHED:
            assert self.finish_s is not None
            finish_dist = min(self._dist_now(t_s), plan.distance_m)
            delta = self.finish_s - plan.target_elapsed_s(finish_dist)
            return Status(
                t_s=t_s, phase=self.phase, plan_name=plan.name, elapsed_s=self.finish_s,
                dist_m=finish_dist, total_m=plan.distance_m, speed_mps=speed, delta_s=delta,
                target_speed_mps=plan.target_speed_mps(finish_dist), needed_speed_mps=None,
                next_mark_m=None, split_number=len(plan.marks_m), split_count=len(plan.marks_m),
                projected_finish_s=self.finish_s, gps=self.gps, satellites=self.satellites,
                advice=Cue.ON_PACE, sounds=tuple(sounds), new_splits=tuple(new_splits),
                last_split=self.splits[-1] if self.splits else None, message=self.message,
            )
        elapsed = t_s - start
        dist = self._dist_now(t_s)
        delta = elapsed - plan.target_elapsed_s(dist)
        target_speed = plan.target_speed_mps(dist)
        if self.gps != GpsState.LOST:
            horizon_s = self.config.coach.horizon_s
            if speed is not None and speed > 0.5:  # never look past the finish
                horizon_s = min(horizon_s, max(0.0, plan.distance_m - dist) / speed)
            proj = projected_delta_s(delta, speed, target_speed, horizon_s)
            self.advice, cue = advise(self.advice, proj, self.tol_s, t_s, self.config.coach)
            if cue is not None and not sounds:
                sounds.append(cue)
        return Status(
            t_s=t_s, phase=self.phase, plan_name=plan.name, elapsed_s=elapsed, dist_m=dist,
            total_m=plan.distance_m, speed_mps=speed, delta_s=delta, target_speed_mps=target_speed,
            needed_speed_mps=needed_speed_mps(plan, dist, elapsed),
            next_mark_m=plan.marks_m[min(self.next_mark, len(plan.marks_m) - 1)],
            split_number=min(self.next_mark + 1, len(plan.marks_m)),
            split_count=len(plan.marks_m), projected_finish_s=plan.goal_s + delta, gps=self.gps,
            satellites=self.satellites, advice=self.advice.advice, sounds=tuple(sounds),
            new_splits=tuple(new_splits), last_split=self.splits[-1] if self.splits else None,
            message=self.message,
        )


def _board_name(board_m: float, unit: str) -> str:
    """A board as the rider reads it: "2 km", "3 mi", else metres."""
    from pacer.units import MILE_M

    size = MILE_M if unit == "mi" else 1000.0
    n = board_m / size
    return f"{n:g} {unit}" if abs(n - round(n, 1)) < 1e-6 else f"{board_m:.0f} m"
