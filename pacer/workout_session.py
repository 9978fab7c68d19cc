"""The state machine of a workout: free running, reps and rests, one `step` per event.

Like `pacer.session.Session` (and with the same Estimator and route, so a rep
is measured exactly as a split is), it is fed fixes, ticks and presses and
returns a `Status`, with `Status.workout` saying which phase runs. It never
reads a clock: a rest's countdown and a time rep end at exact times, and
`next_due_s` tells the world when to step it (with a Tick) so a pip or GO
sounds on time between fixes.

Phases and what ends them:
- free: its distance or time, a LAP press (next step now), or STOP;
- rep: its distance (the crossing is timed between two estimates) or time;
  LAP inside a rep is a lap split; split marks every `split_every` sound SPLIT;
- rest: counted (a time, or `equal` to the rep just run) down to GO, with
  pips at 3, 2, 1 s; or covered (a distance, paced for a float); LAP starts
  the next rep now.
A step's distance is the route's (the runner's lane-1 distance in track mode)
from where that step started, so a rep that starts anywhere on a track is exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Literal

from pacer.guard import guard_event
from pacer.coach import AdviceState, advise, projected_delta_s
from pacer.config import Config
from pacer.events import Button, Event, Fix, FixMode, Press, Tick
from pacer.filter import Estimator, FilterSettings, SpeedSmoother
from pacer.route import make_route
from pacer.status import Cue, GpsState, Phase, Split, SplitKind, Status
from pacer.workout import Step
from pacer.workout_status import RepRecord, WorkoutView

StartMode = Literal["first_fix", "button", "moving"]

MOVING_START_SPEED_MPS = 2.0
COUNTDOWN_PIPS_S = (3.0, 2.0, 1.0)  # pips this long before GO
STANDING_MPS = 0.5  # slower than this the runner is standing (in a rest, on the line)
STANDING_WINDOW_S = 120.0  # a standing start is placed at the mean position over up to this long
ADVICE_GRACE_S = 6.0  # no advice in a paced step's first seconds: a standing start is always behind


@dataclass(frozen=True, slots=True)
class _Sample:
    t_s: float
    dist_m: float  # route distance (not from the start of anything)


class WorkoutSession:
    def __init__(
        self,
        config: Config,
        start: StartMode = "first_fix",
        filter_settings: FilterSettings = FilterSettings(),
    ) -> None:
        if config.workout is None:
            raise ValueError("WorkoutSession needs a config with [[workout]] blocks")
        self.config = config
        self.plan = config.plan  # the workout's stand-in plan, for code that expects one
        self.workout = config.workout
        self.steps: tuple[Step, ...] = config.workout.steps()
        self.start_mode = start
        self.estimator = Estimator(filter_settings)
        self.route = make_route(config.route, self.estimator, self.plan.distance_m)
        self.shown_speed = SpeedSmoother()
        self.phase = Phase.READY
        self.start_t_s: float | None = None
        self.start_dist_m = 0.0
        self.last: _Sample | None = None
        self.last_fix_t_s: float | None = None
        self.satellites: int | None = None
        self.gps = GpsState.LOST
        self.message = ""
        self.advice = AdviceState()
        self.i = 0  # index of the step running
        self.step_t0_s = 0.0
        self.step_d0_m = 0.0
        self.next_mark = 0
        self.pips_left: list[float] = []  # pending pip times of a counted rest
        self.last_rep_s: float | None = None  # for an `equal` rest
        self.records: list[RepRecord] = []
        self.splits: list[Split] = []  # split marks and LAP presses within reps
        self._split_steps: list[int] = []  # the step each split was in
        self.finish_s: float | None = None
        self.standing: list[_Sample] = []  # route distances while standing, up to now
        self.standing_start = False  # the step running started from standing (its schedule allows for it)

    # -- the one entry point ---------------------------------------------------

    def step(self, event: Event) -> Status:
        event = guard_event(event, self.last_fix_t_s)  # NaN, impossible or mistimed fields never get in
        sounds: list[Cue] = []
        new_splits: list[Split] = []
        new_records: list[RepRecord] = []
        if isinstance(event, Fix):
            self._on_fix(event, sounds, new_splits, new_records)
        elif isinstance(event, Tick):
            self._on_tick(event, sounds)
            if self.phase is Phase.RUNNING:
                self._advance_time(event.t_s, None, sounds, new_splits, new_records)
        elif isinstance(event, Press):
            self._on_press(event, sounds, new_splits, new_records)
        return self._status(event.t_s, sounds, new_splits, new_records)

    @property
    def next_due_s(self) -> float | None:
        """When the session must next be stepped for a cue or an end that is due by time
        (a pip, GO, the end of a time rep); None when nothing is."""
        if self.phase is not Phase.RUNNING:
            return None
        times = list(self.pips_left)
        end = self._end_time_s()
        if end is not None:
            times.append(end)
        return min(times) if times else None

    def start(self, t_s: float) -> None:
        if self.phase is not Phase.READY:
            return
        self.phase = Phase.RUNNING
        self.start_t_s = t_s
        self.start_dist_m = self.route.begin(t_s)
        d = self.route.dist_at(t_s)
        self.last = _Sample(t_s, d)
        self._begin(0, t_s, d)

    # -- events ---------------------------------------------------------------

    def _on_fix(self, fix: Fix, sounds: list[Cue], new_splits: list[Split], new_records: list[RepRecord]) -> None:
        if fix.mode < FixMode.TWO_D:
            self._on_tick(Tick(fix.t_s, "no fix", fix.satellites), sounds)
            if self.phase is Phase.RUNNING:
                self._advance_time(fix.t_s, None, sounds, new_splits, new_records)
            return
        if self.last_fix_t_s is not None and fix.t_s <= self.last_fix_t_s:
            return
        was = self.gps
        self.last_fix_t_s = fix.t_s
        if fix.satellites is not None:
            self.satellites = fix.satellites
        self.gps = GpsState.OK if fix.mode == FixMode.THREE_D else GpsState.DEGRADED
        self.message = ""
        if was is GpsState.LOST and self.phase is Phase.RUNNING:
            sounds.append(Cue.GPS_BACK)
        self.estimator.update(fix)
        self.route.update(fix)
        self.shown_speed.update(fix.t_s, self.route.speed_mps, doppler=fix.speed_mps is not None)
        if self.phase is Phase.READY:
            if self.start_mode == "first_fix" or (
                self.start_mode == "moving" and self.estimator.speed_mps >= MOVING_START_SPEED_MPS
            ):
                self.start(fix.t_s)
                sounds.append(Cue.START)
            return
        if self.phase is not Phase.RUNNING:
            return
        now = _Sample(fix.t_s, self.route.dist_m)
        self._note_standing(now)
        self._advance_time(fix.t_s, now, sounds, new_splits, new_records)

    def _note_standing(self, now: _Sample) -> None:
        """Keep the distances of a standing stretch: a rep that starts from it starts at their mean."""
        if self.route.speed_mps < STANDING_MPS:
            self.standing.append(now)
            while self.standing and now.t_s - self.standing[0].t_s > STANDING_WINDOW_S:
                self.standing.pop(0)
        else:
            self.standing.clear()

    def _start_dist_m(self, t_s: float, d_m: float) -> float:
        """Where a rep starting at `t_s` starts: a standing runner's start is the mean of the
        standing estimates (the GNSS error of one fix is about 2 m, 0.35 s at 400 m pace;
        averaged over a rest it shrinks), a moving runner's the estimate at `t_s`."""
        if self.standing and self._standing_at(t_s):
            return sum(s.dist_m for s in self.standing) / len(self.standing)
        return d_m

    def _standing_at(self, t_s: float) -> bool:
        """Standing still up to `t_s` (the last few estimates, the last one recent; at the
        session's start, not moving yet)."""
        if self.start_t_s == t_s and not self.standing:
            return self.route.speed_mps < STANDING_MPS
        return len(self.standing) >= 3 and t_s - self.standing[-1].t_s <= 2.0

    def _on_tick(self, tick: Tick, sounds: list[Cue]) -> None:
        if tick.satellites is not None:
            self.satellites = tick.satellites
        lost = self.last_fix_t_s is None or tick.t_s - self.last_fix_t_s > self.config.coach.loss_timeout_s
        if lost and self.gps is not GpsState.LOST:
            self.gps = GpsState.LOST
            if self.phase is Phase.RUNNING:
                sounds.append(Cue.GPS_LOST)
        if lost:
            self.message = tick.reason

    def _on_press(self, press: Press, sounds: list[Cue], new_splits: list[Split], new_records: list[RepRecord]) -> None:
        t = press.t_s
        if press.button is Button.START and self.phase is Phase.READY:
            self.start(t)
            sounds.append(Cue.START)
            return
        if self.phase is not Phase.RUNNING:
            return
        self._advance_time(t, None, sounds, new_splits, new_records)  # anything due before the press first
        if self.phase is not Phase.RUNNING:
            return
        step = self.steps[self.i]
        if press.button is Button.STOP:
            if step.kind != "free":
                self._record(step, t, self._dist_at(t), "stop", new_records)
            self._finish(t, sounds)
        elif press.button is Button.LAP:
            if step.kind == "rep" or (step.kind == "free" and self.i == len(self.steps) - 1):
                split = self._split(SplitKind.LAP, self._dist_at(t) - self.step_d0_m, t)
                new_splits.append(split)
                sounds.append(Cue.SPLIT)
            else:  # free or rest: the next rep starts now
                d = self._dist_at(t)
                if step.kind == "rest":
                    self._record(step, t, d, "lap", new_records)
                self._begin(self.i + 1, t, d)
                sounds.append(Cue.GO)

    # -- the phases -----------------------------------------------------------

    def _advance_time(
        self, t_s: float, now: _Sample | None, sounds: list[Cue], new_splits: list[Split],
        new_records: list[RepRecord],
    ) -> None:
        """Everything that happened up to `t_s`, in time order: marks passed, steps
        ended by distance (timed between the last estimate and `now`) or by time."""
        a = self.last
        assert a is not None
        while self.phase is Phase.RUNNING:
            step = self.steps[self.i]
            self._pips(t_s, sounds)
            end_t = self._end_time_s()
            if end_t is not None and end_t > t_s:
                end_t = None
            cross = self._crossing(step, a, now)
            if cross is not None and (end_t is None or cross[0] <= end_t):
                t_c, d_c, is_end = cross
                if is_end:
                    self._end_step(step, t_c, d_c, "distance", sounds, new_records)
                else:
                    new_splits.append(self._split(SplitKind.MARK, d_c - self.step_d0_m, t_c))
                    self.next_mark += 1
                    sounds.append(Cue.SPLIT)
                continue
            if end_t is not None:
                d_e = self._interp(a, now, end_t)
                self._end_step(step, end_t, d_e, "go" if step.kind == "rest" else "time", sounds, new_records)
                continue
            break
        if now is not None:
            self.last = now

    def _crossing(self, step: Step, a: _Sample, b: _Sample | None) -> tuple[float, float, bool] | None:
        """The next split mark or end-by-distance of `step` crossed between a and b:
        (time, route distance, is it the end)."""
        if b is None or self.next_mark >= len(step.marks_m):
            return None
        mark = step.marks_m[self.next_mark]
        target = self.step_d0_m + mark
        if b.dist_m < target:
            return None
        t0 = max(a.t_s, self.step_t0_s)
        d0 = self._interp(a, b, t0)
        frac = (target - d0) / (b.dist_m - d0) if b.dist_m > d0 else 1.0
        t_c = t0 + min(max(frac, 0.0), 1.0) * (b.t_s - t0)
        is_end = step.distance_m is not None and self.next_mark == len(step.marks_m) - 1
        return t_c, target, is_end

    def _interp(self, a: _Sample, b: _Sample | None, t_s: float) -> float:
        """Route distance at `t_s`: between two estimates, or dead-reckoned from the last."""
        if b is None or b.t_s <= a.t_s:
            return self.route.dist_at(t_s) if t_s > a.t_s else a.dist_m
        frac = min(max((t_s - a.t_s) / (b.t_s - a.t_s), 0.0), 1.0)
        return a.dist_m + frac * (b.dist_m - a.dist_m)

    def _end_time_s(self) -> float | None:
        if self.phase is not Phase.RUNNING:
            return None
        step = self.steps[self.i]
        duration = self._duration_s(step)
        return None if duration is None else self.step_t0_s + duration

    def _duration_s(self, step: Step) -> float | None:
        if step.duration_s is not None:
            return step.duration_s
        if step.equal:
            return self.last_rep_s or 0.0
        return None

    def _pips(self, t_s: float, sounds: list[Cue]) -> None:
        """One pip for the pips due by `t_s` (a loop stepped late sounds the latest only),
        none when GO is due at this step too: GO says it."""
        due = [p for p in self.pips_left if p <= t_s]
        if not due:
            return
        self.pips_left = self.pips_left[len(due):]
        end = self._end_time_s()
        if end is None or end > t_s:
            sounds.append(Cue.PIP)

    def _end_step(self, step: Step, t_s: float, d_m: float, how: str, sounds: list[Cue],
                  new_records: list[RepRecord]) -> None:
        if step.kind != "free":
            self._record(step, t_s, d_m, how, new_records)
        if step.kind == "rep":
            self.last_rep_s = t_s - self.step_t0_s
        if self.i == len(self.steps) - 1:
            self._finish(t_s, sounds)
            return
        nxt = self.steps[self.i + 1]
        if step.kind == "rep":
            sounds.append(Cue.BLOCK_DONE if nxt.block != step.block else Cue.REP_DONE)
        elif step.counted:
            sounds.append(Cue.GO)
        elif step.kind == "rest" or step.kind == "free":
            sounds.append(Cue.GO)  # the float or the warm-up is over: the rep is on
        self._begin(self.i + 1, t_s, d_m)

    def _begin(self, i: int, t_s: float, d_m: float) -> None:
        if i >= len(self.steps):
            return
        self.i = i
        self.step_t0_s = t_s
        self.standing_start = self.steps[i].kind == "rep" and self._standing_at(t_s)
        self.step_d0_m = self._start_dist_m(t_s, d_m) if self.steps[i].kind == "rep" else d_m
        self.next_mark = 0
        self.advice = AdviceState()
        step = self.steps[i]
        self.pips_left = []
        if step.counted:
            end = t_s + (self._duration_s(step) or 0.0)
            self.pips_left = [end - p for p in COUNTDOWN_PIPS_S if end - p > t_s]

    def _finish(self, t_s: float, sounds: list[Cue]) -> None:
        self.phase = Phase.FINISHED
        self.finish_s = t_s - self._start()
        self.pips_left = []
        sounds.append(Cue.FINISH)

    def _record(self, step: Step, t_s: float, d_m: float, how: str, new_records: list[RepRecord]) -> None:
        target_s = step.target_s if step.kind == "rep" else self._duration_s(step) if step.counted else None
        rec = RepRecord(
            block=step.block, index=step.index, count=step.count, kind="rest" if step.kind == "rest" else "rep",
            start_t_s=self.step_t0_s, elapsed_s=t_s - self.step_t0_s, distance_m=d_m - self.step_d0_m,
            target_s=target_s, target_m=step.target_m, pace_s_per_m=step.pace_s_per_m, ended=how,
        )
        self.records.append(rec)
        new_records.append(rec)

    def _split(self, kind: SplitKind, dist_in_step_m: float, t_s: float) -> Split:
        """A split within the step: distance and times from the step's start."""
        step = self.steps[self.i]
        elapsed = t_s - self.step_t0_s
        target = step.target_elapsed_s(dist_in_step_m, self.standing_start)
        prev = self.splits[-1] if self.splits and self._split_steps[-1] == self.i else None
        prev_t = prev.elapsed_s if prev else 0.0
        prev_target = prev.target_s if prev else 0.0
        split = Split(
            index=len(self.splits) + 1, kind=kind, distance_m=dist_in_step_m,
            target_s=target if target is not None else elapsed, elapsed_s=elapsed,
            split_target_s=(target if target is not None else elapsed) - prev_target, split_s=elapsed - prev_t,
        )
        self.splits.append(split)
        self._split_steps.append(self.i)
        return split

    # -- the status ------------------------------------------------------------

    def _start(self) -> float:
        assert self.start_t_s is not None
        return self.start_t_s

    def _dist_at(self, t_s: float) -> float:
        assert self.last is not None
        return self.route.dist_at(t_s) if t_s > self.last.t_s else self.last.dist_m

    def _status(self, t_s: float, sounds: list[Cue], new_splits: list[Split], new_records: list[RepRecord]) -> Status:
        plan = self.plan
        speed = self.shown_speed.speed_mps if self.estimator.started else None
        base = dict(
            t_s=t_s, plan_name=plan.name, total_m=plan.distance_m, speed_mps=speed, gps=self.gps,
            satellites=self.satellites, message=self.message, new_splits=tuple(new_splits),
            last_split=self.splits[-1] if self.splits else None,
        )
        last_rec = self.records[-1] if self.records else None
        if self.phase is Phase.READY:
            view = WorkoutView("free", self.steps[0], 0.0, 0.0, None, None, self.steps[0], False, (), None)
            return Status(phase=self.phase, elapsed_s=0.0, dist_m=0.0, delta_s=0.0,
                          target_speed_mps=plan.target_speed_mps(0.0), needed_speed_mps=None, next_mark_m=None,
                          split_number=1, split_count=len(self.steps), projected_finish_s=plan.goal_s,
                          advice=Cue.ON_PACE, sounds=tuple(sounds), workout=view, **base)  # type: ignore[arg-type]
        if self.phase is Phase.FINISHED:
            assert self.finish_s is not None and self.last is not None
            done = [r for r in self.records if r.kind == "rep" and r.ended in ("distance", "time")]
            deltas = [r.delta_s for r in done if r.delta_s is not None]
            view = WorkoutView("done", None, 0.0, 0.0, None, None, None, False, tuple(new_records), last_rec,
                               len(done), sum(deltas) / len(deltas) if deltas else None)
            return Status(phase=self.phase, elapsed_s=self.finish_s, dist_m=self.last.dist_m - self.start_dist_m,
                          delta_s=last_rec.delta_s or 0.0 if last_rec else 0.0,
                          target_speed_mps=plan.target_speed_mps(0.0), needed_speed_mps=None, next_mark_m=None,
                          split_number=len(self.steps), split_count=len(self.steps),
                          projected_finish_s=self.finish_s, advice=Cue.ON_PACE, sounds=tuple(sounds),
                          workout=view, **base)  # type: ignore[arg-type]
        step = self.steps[self.i]
        elapsed_step = max(0.0, t_s - self.step_t0_s)
        dist_step = max(0.0, self._dist_at(t_s) - self.step_d0_m)
        left_m = None if step.distance_m is None else max(0.0, step.distance_m - dist_step)
        duration = self._duration_s(step)
        left_s = None if duration is None else max(0.0, duration - elapsed_step)
        delta = 0.0
        target_speed = plan.target_speed_mps(0.0)
        if step.pace_s_per_m is not None and step.kind != "free":
            target_speed = step.target_speed_mps(dist_step, self.standing_start) or target_speed
            target_elapsed = step.target_elapsed_s(dist_step, self.standing_start)
            assert target_elapsed is not None
            delta = elapsed_step - target_elapsed
            if self.gps is not GpsState.LOST and elapsed_step >= ADVICE_GRACE_S:
                horizon_s = self.config.coach.horizon_s
                if left_m is not None and speed is not None and speed > 0.5:
                    horizon_s = min(horizon_s, left_m / speed)
                if left_s is not None:
                    horizon_s = min(horizon_s, left_s)
                proj = projected_delta_s(delta, speed, target_speed, horizon_s)
                self.advice, cue = advise(self.advice, proj, self._tolerance_s(step), t_s, self.config.coach)
                if cue is not None and not sounds:
                    sounds.append(cue)
        nxt = self.steps[self.i + 1] if self.i + 1 < len(self.steps) else None
        lap_starts = step.kind == "rest" or (step.kind == "free" and nxt is not None)
        view = WorkoutView(step.kind, step, elapsed_step, dist_step, left_m, left_s, nxt, lap_starts,
                           tuple(new_records), last_rec)
        assert self.last is not None
        marks = step.marks_m
        return Status(
            phase=self.phase, elapsed_s=t_s - self._start(), dist_m=self._dist_at(t_s) - self.start_dist_m,
            delta_s=delta, target_speed_mps=target_speed, needed_speed_mps=None,
            next_mark_m=marks[self.next_mark] if self.next_mark < len(marks) else None,
            split_number=self.i + 1, split_count=len(self.steps),
            projected_finish_s=plan.goal_s, advice=self.advice.advice if step.paced and step.kind != "free" else Cue.ON_PACE,
            sounds=tuple(sounds), workout=view, **base,  # type: ignore[arg-type]
        )

    def _tolerance_s(self, step: Step) -> float:
        """The on-pace band: the plan's, or 1 s plus 0.1 % of the step's planned time."""
        if self.config.coach.tolerance_s is not None:
            return self.config.coach.tolerance_s
        planned = step.target_s or (step.duration_s or 0.0) or ((step.distance_m or 0.0) * (step.pace_s_per_m or 0.0))
        return 1.0 + 0.001 * planned


def with_due_ticks(events: Iterable[Event], due_s: Callable[[], float | None]) -> Iterator[Event]:
    """`events`, with a Tick inserted wherever the session asks to be stepped before
    the next event (`due_s()`, a session's `next_due_s`: a pip, GO, the end of a time
    rep), read lazily after each step. The replay's, the device's and the tests' way to
    keep a rep's start on its exact time whatever the fix rate."""
    for event in events:
        while (due := due_s()) is not None and due < event.t_s:
            yield Tick(due, "due")
        yield event


def make_session(config: Config, start: StartMode = "first_fix",
                 filter_settings: FilterSettings = FilterSettings(), wheel: Any = None) -> Any:
    """The state machine a config asks for: a workout's, or the continuous run's Session.
    `wheel` (pacer.wheel.WheelSettings) is for the continuous run; a workout paces on GPS."""
    if config.workout is not None:
        return WorkoutSession(config, start, filter_settings)
    from pacer.session import Session

    return Session(config, start, filter_settings, wheel=wheel)
