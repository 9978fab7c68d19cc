"""Tables about a workout: the session as the device will run it, and the reps as run.

Pure formatting, shared by `pacer plan`, `pacer sim` and `pacer report`, so a
rep reads the same everywhere. Sign convention as everywhere: ± is actual
minus target, positive is behind (slow).
"""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass
from typing import Sequence

from pacer.config import Config
from pacer.units import format_distance, format_duration, format_pace
from pacer.workout import Step, Workout
from pacer.workout_status import RepRecord


def _what(step: Step, unit: str) -> str:
    if step.kind == "free":
        until = {"lap": "until LAP", "stop": "until STOP"}.get(step.free_until or "")
        if until is None:
            amount = format_distance(step.distance_m, unit) if step.distance_m else format_duration(step.duration_s or 0)
            until = f"{amount} or LAP"
        return f"free {until}"
    if step.kind == "rest":
        if step.equal:
            return "rest = rep"
        if step.distance_m is not None:
            return f"{'float' if step.paced else 'rest'} {format_distance(step.distance_m, unit)}"
        return f"rest {format_duration(step.duration_s or 0)}"
    amount = format_distance(step.distance_m, unit) if step.distance_m is not None else format_duration(step.duration_s or 0)
    return f"rep {step.index}/{step.count} {amount}"


def _target(step: Step, unit: str) -> tuple[str, str, str]:
    """(target, pace/km, pace/mi) of a step, blanks where it has none."""
    if step.pace_s_per_m is None:
        return "", "", ""
    speed = 1.0 / step.pace_s_per_m
    if step.distance_m is not None:
        target = format_duration(step.distance_m * step.pace_s_per_m, 1)
    else:
        target = format_distance(step.target_m or 0.0, unit) if step.target_m and step.target_m < 1000 else f"{(step.target_m or 0) / 1000:.2f} km"
    return target, format_pace(speed, "km"), format_pace(speed, "mi")


def workout_schedule(config: Config) -> str:
    """`pacer plan` for a workout: every step with its target, then the totals."""
    workout = config.workout
    assert workout is not None
    unit = config.display.pace_unit
    lines = [f"{workout.name}: a workout of {len(workout.blocks)} blocks",
             f"{'#':>3}  {'blk':>3}  {'step':<20}  {'target':>9}  {'pace/km':>7}  {'pace/mi':>7}  starts"]
    prev: Step | None = None
    for n, step in enumerate(workout.steps(), start=1):
        target, km, mi = _target(step, unit)
        starts = _how_it_starts(prev, n == 1)
        lines.append(f"{n:>3}  {step.block:>3}  {_what(step, unit):<20}  {target:>9}  {km:>7}  {mi:>7}  {starts}")
        prev = step
    lines.append(_totals(workout))
    return "\n".join(lines)


def _how_it_starts(prev: Step | None, first: bool) -> str:
    if first:
        return "at START (or the first fix)"
    assert prev is not None
    if prev.kind == "rest" and prev.counted:
        return "at GO (or LAP)"
    if prev.kind == "rest":
        return "when the rest is covered (or LAP)"
    if prev.kind == "free":
        return "on LAP" if prev.free_until in ("lap", "stop") else "at the end of the free run (or LAP)"
    return "when the rep before ends"


def _totals(workout: Workout) -> str:
    dist_m, time_s, complete = workout.totals()
    text = f"total: {dist_m / 1000:.2f} km in {format_duration(time_s)}"
    if not complete:
        text += " planned, plus what is not set in advance (free running, unpaced reps and rests, equal rests)"
    return text


@dataclass(frozen=True, slots=True)
class Spread:
    """How even the reps of one block were."""

    block: int
    reps: int
    mean_delta_s: float | None  # paced reps only
    sd_delta_s: float | None
    fastest: RepRecord
    slowest: RepRecord


def spreads(records: Sequence[RepRecord]) -> list[Spread]:
    """Per block of two or more completed reps: mean ±, its sd, fastest and slowest."""
    out = []
    for block in sorted({r.block for r in records}):
        reps = [r for r in records if r.block == block and r.kind == "rep" and r.ended in ("distance", "time")]
        if len(reps) < 2:
            continue
        by_time = reps[0].ended == "time"
        key = (lambda r: -r.distance_m) if by_time else (lambda r: r.elapsed_s)
        deltas = [r.delta_s for r in reps if r.delta_s is not None]
        mean = statistics.fmean(deltas) if len(deltas) == len(reps) else None
        sd = statistics.stdev(deltas) if mean is not None else None
        out.append(Spread(block, len(reps), mean, sd, min(reps, key=key), max(reps, key=key)))
    return out


def _amount(r: RepRecord, unit: str) -> str:
    return format_duration(r.elapsed_s, 1) if r.ended != "time" else format_distance(r.distance_m, unit)


def reps_table(config: Config, records: Sequence[RepRecord], title: str = "") -> str:
    """The reps and rests as run: target, actual, ± and pace; then the spread of each block."""
    unit = config.display.pace_unit
    name = config.workout.name if config.workout else config.plan.name
    lines = [name + (f", {title}" if title else "")]
    lines.append(f"{'blk':>3}  {'rep':>5}  {'kind':<5}  {'distance':>9}  {'target':>9}  {'actual':>9}  {'±':>6}  {'pace/' + unit:>7}  ended")
    for r in records:
        if r.target_m is not None:
            target = format_distance(r.target_m, unit)
        elif r.target_s is not None:
            target = format_duration(r.target_s, 1)
        else:
            target = ""
        delta = "" if r.delta_s is None else f"{r.delta_s:+.1f}"
        speed = r.distance_m / r.elapsed_s if r.elapsed_s > 0 else None
        rep = f"{r.index}/{r.count}"
        lines.append(
            f"{r.block:>3}  {rep:>5}  {r.kind:<5}  {format_distance(r.distance_m, unit):>9}  {target:>9}  "
            f"{format_duration(r.elapsed_s, 1):>9}  {delta:>6}  {format_pace(speed, unit):>7}  {r.ended}"
        )
    for s in spreads(records):
        mean = "" if s.mean_delta_s is None else f"mean {s.mean_delta_s:+.1f} s, sd {s.sd_delta_s:.1f} s, "
        lines.append(
            f"block {s.block}, {s.reps} reps: {mean}fastest {_amount(s.fastest, unit)} (rep {s.fastest.index}), "
            f"slowest {_amount(s.slowest, unit)} (rep {s.slowest.index})"
        )
    reps = [r for r in records if r.kind == "rep"]
    if reps:
        lines.append(f"{len(reps)} reps, {sum(r.distance_m for r in reps) / 1000:.2f} km in reps "
                     "(± is actual - target: + is behind)")
    else:
        lines.append("no rep run yet")
    return "\n".join(lines)


CSV_FIELDS = ("block", "index", "count", "kind", "start_s", "elapsed_s", "distance_m", "target_s", "target_m", "delta_s", "ended")


def reps_csv(records: Sequence[RepRecord], first_t_s: float) -> str:
    """The reps and rests as CSV, `start_s` from `first_t_s` (the run's start)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_FIELDS)
    for r in records:
        doc = r.as_json(first_t_s)
        w.writerow([doc.get("block"), doc.get("index"), r.count, doc.get("kind"), doc.get("start_s"), doc.get("elapsed_s"),
                    doc.get("distance_m"), "" if doc.get("target_s") is None else doc["target_s"],
                    doc.get("target_m", ""), doc.get("delta_s", ""), doc.get("ended")])
    return buf.getvalue()
