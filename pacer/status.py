"""What flows out of the session: one `Status` per step, and the `Split`s.

A `Status` holds everything a screen, a buzzer or a recorder needs, computed
once per step, so sinks never compute pacing: they only show it.

Sign convention, everywhere (screen, split table, JSON): `delta_s` is actual
minus target, as in a race's split results. Positive means BEHIND schedule
(slow), negative means AHEAD (fast).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pacer.workout_status import WorkoutView


class Phase(enum.Enum):
    READY = "ready"
    RUNNING = "running"
    FINISHED = "finished"


class GpsState(enum.Enum):
    OK = "ok"  # 3D fix, recent
    DEGRADED = "2d"  # 2D fix: position usable, height unknown, worse geometry
    LOST = "lost"  # no fix for longer than the loss timeout


class Cue(enum.Enum):
    """What the rider is told. Advice (FASTER/SLOWER/ON_PACE) is a state with
    hysteresis; the others are one-off events."""

    FASTER = "faster"
    SLOWER = "slower"
    ON_PACE = "on pace"
    SPLIT = "split"
    FINISH = "finish"
    GPS_LOST = "gps lost"
    GPS_BACK = "gps back"
    START = "start"
    PIP = "pip"  # a workout: each of the last 3 s of a counted rest
    GO = "go"  # a workout: the rest is over, the next rep starts now
    REP_DONE = "rep done"
    BLOCK_DONE = "block done"


class SplitKind(enum.Enum):
    MARK = "mark"  # a split mark of the plan
    LAP = "lap"  # a lap of a track (track mode) or a LAP button press
    FINISH = "finish"  # the plan's full distance


@dataclass(frozen=True, slots=True)
class Split:
    """One passed mark: when the live estimate crossed it, against the plan."""

    index: int  # 1-based, in order of passing, all kinds together
    kind: SplitKind
    distance_m: float  # along the route, from the start
    target_s: float  # planned elapsed time at this mark
    elapsed_s: float  # when the live estimate crossed it, from the start
    split_target_s: float  # planned time since the previous split
    split_s: float  # actual time since the previous split

    @property
    def delta_s(self) -> float:
        """Actual minus target elapsed time: positive is behind schedule."""
        return self.elapsed_s - self.target_s


@dataclass(frozen=True, slots=True)
class Correction:
    """A MARK press: the bike said to be at a board; progress snapped to it, or refused.

    `by_m` is what was added to progress (board minus the bike's progress then);
    a refused press changes nothing and says how far the nearest board was.
    """

    elapsed_s: float  # from the start
    board_m: float  # the nearest board (along the route from the start)
    bike_m: float  # the bike's progress at the press, before the correction
    by_m: float  # the correction applied; 0 when refused
    accepted: bool

    def as_json(self) -> dict[str, float | bool]:
        return {
            "elapsed_s": round(self.elapsed_s, 3), "board_m": round(self.board_m, 3),
            "bike_m": round(self.bike_m, 3), "by_m": round(self.by_m, 3), "accepted": self.accepted,
        }


@dataclass(frozen=True, slots=True)
class Status:
    """The outcome of one step of the session."""

    t_s: float  # GPS time of the step (Unix seconds)
    phase: Phase
    plan_name: str
    elapsed_s: float  # since the start; 0 while READY
    dist_m: float  # estimated distance along the route from the start
    total_m: float  # the plan's distance
    speed_mps: float | None  # estimated current speed; None before any estimate
    delta_s: float  # actual - target at dist_m: positive is BEHIND
    target_speed_mps: float  # the plan's speed at dist_m
    needed_speed_mps: float | None  # to be back on schedule at the next mark; None if not reachable
    next_mark_m: float | None  # next split mark (or the finish); None when finished
    split_number: int  # the split being run now, 1-based (the last one when finished)
    split_count: int  # number of plan marks including the finish
    projected_finish_s: float  # the finish time if the current delta is held
    gps: GpsState
    satellites: int | None
    advice: Cue  # FASTER, SLOWER or ON_PACE: the standing advice, with hysteresis
    sounds: tuple[Cue, ...] = ()  # cues to sound at this step (edges only)
    new_splits: tuple[Split, ...] = ()  # the splits passed at this step (a gap may cross two)
    last_split: Split | None = None  # the latest split passed, for the screen
    message: str = ""  # a short fault or state note for the screen ("gpsd gone")
    workout: WorkoutView | None = None  # a workout's phase and reps (pacer/workout_status.py); None otherwise
    correction: Correction | None = None  # a MARK press at this step, taken or refused
    wheel: str | None = None  # the wheel sensor: "ok", "lost"; None when no wheel is fitted

    @property
    def dist_to_next_m(self) -> float | None:
        return None if self.next_mark_m is None else max(0.0, self.next_mark_m - self.dist_m)
