"""Tables and documents about a plan and a run: the schedule, the split table, JSON.

Pure formatting of values the session computed; shared by `pacer plan`,
`pacer sim` and (later) `pacer report`, so a split reads the same everywhere.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from pacer.config import Config
from pacer.status import Split, SplitKind
from pacer.units import format_distance, format_duration, format_pace

if TYPE_CHECKING:
    import numpy as np


def schedule_table(config: Config) -> str:
    plan = config.plan
    unit = config.display.pace_unit
    profile = course_profile(config)
    lines = [f"{plan.name}: {format_distance(plan.distance_m, unit)} in {format_duration(plan.goal_s, 1)}"]
    lines += course_lines(config)
    head = f"{'mark':>10}  {'split':>8}  {'elapsed':>9}  {'pace/km':>7}  {'pace/mi':>7}"
    lines.append(head + ("  {:>6}  {:>6}".format("gain m", "loss m") if profile is not None else ""))
    prev_m = 0.0
    total_up = total_down = 0.0
    for mark_m, split_s, elapsed_s in plan.rows():
        speed = (mark_m - prev_m) / split_s
        line = (
            f"{format_distance(mark_m, unit):>10}  {format_duration(split_s, 1):>8}  "
            f"{format_duration(elapsed_s, 1):>9}  {format_pace(speed, 'km'):>7}  {format_pace(speed, 'mi'):>7}"
        )
        if profile is not None:
            up, down = _gain_loss_between(profile, prev_m, mark_m)
            total_up, total_down = total_up + up, total_down + down
            line += f"  {up:>6.1f}  {down:>6.1f}"
        lines.append(line)
        prev_m = mark_m
    if profile is not None:
        from pacer.grade import SMOOTH_M

        lines.append(f"elevation (smoothed over {SMOOTH_M:g} m): +{total_up:.0f} m, -{total_down:.0f} m")
    return "\n".join(lines)


def course_lines(config: Config) -> list[str]:
    """What `pacer plan` says about a course: its file, length, stretch, start, grade model."""
    r = config.route
    if r.course is None:
        return []
    length_m = r.course.length_m() - r.start_at_m
    lines = [
        f"course {Path(r.course.path).name}: {length_m:.1f} m from "
        + (f"{r.start_at_m:g} m along it" if r.start_at_m else "its first point")
        + (f", stretched {100 * (r.stretch - 1):+.2f} % to the plan's distance" if abs(r.stretch - 1) > 5e-7 else "")
    ]
    if config.grade != "flat":
        lines.append("targets: grade-adjusted, Minetti et al. (2002) energy cost of running; the goal is unchanged")
    return lines


def course_profile(config: Config) -> tuple[np.ndarray, np.ndarray] | None:
    """(run distance, smoothed elevation) every CELL_M of a course with elevation; None otherwise.
    numpy is imported only here: `pacer run` imports this module and must start fast on a Pi."""
    from pacer.grade import run_profile

    r = config.route
    if r.course is None:
        return None
    dist, alt = r.course.profile()
    if len(dist) < 2:
        return None
    return run_profile(dist, alt, r.start_at_m, r.stretch, config.plan.distance_m)


def _gain_loss_between(profile: tuple[np.ndarray, np.ndarray], a_m: float, b_m: float) -> tuple[float, float]:
    import numpy as np

    from pacer.grade import gain_loss_m

    edges, alt = profile
    inside = (edges > a_m) & (edges < b_m)
    d = np.concatenate(([a_m], edges[inside], [b_m]))
    return gain_loss_m(np.interp(d, edges, alt))


def _signed(x: float) -> str:
    return f"{x:+.1f}"


def split_table(config: Config, splits: Sequence[Split], finished: bool, title: str = "") -> str:
    plan = config.plan
    unit = config.display.pace_unit
    head = f"{plan.name}: {format_distance(plan.distance_m, unit)}, goal {format_duration(plan.goal_s, 1)}"
    lines = [head + (f", {title}" if title else "")]
    lines.append(f"{'#':>3}  {'mark':>9}  {'target':>8}  {'actual':>8}  {'±':>6}  {'split':>7}  {'pace/' + unit:>7}")
    prev_m = 0.0
    for s in splits:
        speed = (s.distance_m - prev_m) / s.split_s if s.split_s > 0 else None
        tag = {SplitKind.FINISH: " finish", SplitKind.LAP: " lap"}.get(s.kind, "")
        lines.append(
            f"{s.index:>3}  {format_distance(s.distance_m, unit):>9}  {format_duration(s.target_s, 1):>8}  "
            f"{format_duration(s.elapsed_s, 1):>8}  {_signed(s.delta_s):>6}  {format_duration(s.split_s, 1):>7}  "
            f"{format_pace(speed, unit):>7}{tag}"
        )
        prev_m = s.distance_m
    if finished and splits:
        last = splits[-1]
        verdict = "behind" if last.delta_s > 0 else "ahead of"
        lines.append(f"finished in {format_duration(last.elapsed_s, 1)}, {abs(last.delta_s):.1f} s {verdict} the goal (± is actual - target: + is behind)")
    else:
        lines.append(f"not finished: {len(splits)} of {len(plan.marks_m)} marks passed (± is actual - target: + is behind)")
    return "\n".join(lines)


def split_record(s: Split) -> dict[str, Any]:
    return {
        "index": s.index,
        "kind": s.kind.value,
        "distance_m": round(s.distance_m, 3),
        "target_s": round(s.target_s, 3),
        "elapsed_s": round(s.elapsed_s, 3),
        "delta_s": round(s.delta_s, 3),
        "split_s": round(s.split_s, 3),
        "split_target_s": round(s.split_target_s, 3),
    }


def splits_json(
    config: Config, splits: Sequence[Split], finished: bool, track: str = "", extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    plan = config.plan
    doc: dict[str, Any] = {
        "plan": {"name": plan.name, "distance_m": plan.distance_m, "goal_s": plan.goal_s, "marks_m": list(plan.marks_m)},
        "track": track,
        "finished": finished,
        "finish_s": round(splits[-1].elapsed_s, 3) if finished and splits else None,
        "splits": [split_record(s) for s in splits],
        "units": {"delta_s": "actual - target; positive is behind", "elapsed_s": "from the track's first point"},
    }
    if extra:
        doc.update(extra)
    return finite_json(doc)


def finite_json(value: Any) -> Any:
    """`value` with every non-finite float as None: JSON has no NaN or Infinity, and
    a reader that meets one fails. The plan's bounds keep them out; this keeps a
    slip from ever reaching a file."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_json(v) for v in value]
    return value
