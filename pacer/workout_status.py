"""What a workout adds to a `Status`: the phase being run, and the record of each rep and rest.

Separate from `pacer.status` so a continuous run's Status stays as it was: a
workout session fills `Status.workout` with a `WorkoutView`, and screens,
tables and JSON read the workout from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pacer.workout import Step

ViewKind = Literal["free", "rep", "rest", "done"]


@dataclass(frozen=True, slots=True)
class RepRecord:
    """One rep or rest as run: when it started (GPS time), how long it took, how far it went.

    `ended` says what ended it: "distance", "time", "lap" (a LAP press), "go"
    (a counted rest reaching GO) or "stop" (cut short by STOP).
    """

    block: int
    index: int
    count: int
    kind: Literal["rep", "rest"]
    start_t_s: float
    elapsed_s: float
    distance_m: float
    target_s: float | None  # a distance rep's goal, or a counted rest's length
    target_m: float | None  # a paced time block's target distance
    pace_s_per_m: float | None
    ended: str

    @property
    def delta_s(self) -> float | None:
        """Actual minus target time (+ is behind) of a paced rep or float that ran its distance;
        for a paced time block, the time the distance short of (+) or beyond (-) the target is worth."""
        if self.kind == "rep" and self.target_s is not None and self.ended == "distance":
            return self.elapsed_s - self.target_s
        if self.kind == "rest" and self.pace_s_per_m is not None and self.ended == "distance":
            return self.elapsed_s - self.distance_m * self.pace_s_per_m
        if self.target_m is not None and self.pace_s_per_m is not None and self.ended == "time":
            return (self.target_m - self.distance_m) * self.pace_s_per_m
        return None

    def as_json(self, first_t_s: float) -> dict[str, Any]:
        """The `--json` "reps" entry; `start_s` counts from `first_t_s` (the track's first point)."""
        doc: dict[str, Any] = {
            "block": self.block, "index": self.index, "kind": self.kind,
            "distance_m": round(self.distance_m, 3),
            "target_s": None if self.target_s is None else round(self.target_s, 3),
            "start_s": round(self.start_t_s - first_t_s, 3), "elapsed_s": round(self.elapsed_s, 3),
            "ended": self.ended,
        }
        if self.target_m is not None:
            doc["target_m"] = round(self.target_m, 3)
        if self.delta_s is not None:
            doc["delta_s"] = round(self.delta_s, 3)
        return doc


@dataclass(frozen=True, slots=True)
class WorkoutView:
    """The phase on screen: which step, how far into it, what is left, what comes next."""

    kind: ViewKind
    step: Step | None  # None when done
    step_elapsed_s: float
    step_dist_m: float
    left_m: float | None  # distance left in a step that ends by distance
    left_s: float | None  # time left in a step that ends by time (a counted rest: the countdown)
    next_step: Step | None  # what follows (the next rep's target, on the rest screen)
    lap_starts: bool  # a LAP press now starts the next step (free and rests)
    new_records: tuple[RepRecord, ...] = ()
    last_record: RepRecord | None = None
    reps_done: int = 0  # reps run to their end so far
    mean_delta_s: float | None = None  # their mean ± (paced reps), for the done screen
