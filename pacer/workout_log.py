"""A workout read back from a run log, and the runner's journal entry for a run.

The log holds every event and the plan file's text (its header), and the
workout session is deterministic: replaying the events through a new
`WorkoutSession` gives back exactly the reps the device timed, so the log
format needs nothing new for workouts. The journal is Markdown appended to
the runner's own file: the facts of the run, then headed blanks for what only
the runner can write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

from pacer.config import Config, parse_config
from pacer.errors import ConfigError, UsageError
from pacer.report import split_table
from pacer.runlog import RunLog
from pacer.units import format_distance, format_duration, format_pace
from pacer.workout_report import spreads
from pacer.workout_session import make_session
from pacer.workout_status import RepRecord

JOURNAL_PROMPTS = ("How it went", "Effort (1–10)", "Pain", "Weather and humidity", "What to change next time")


@dataclass(frozen=True)
class LoggedWorkout:
    config: Config
    records: list[RepRecord]
    first_t_s: float  # the first logged step: `start_s` of the reps counts from here


def workout_of_log(log: RunLog) -> LoggedWorkout | None:
    """The workout of a log, its reps rebuilt by replaying the events; None for a continuous run."""
    text = log.header.get("config_text")
    if not isinstance(text, str) or "[[workout]]" not in text:
        return None
    try:
        config = parse_config(text, str(log.header.get("config_path") or log.path))
    except ConfigError as e:
        raise UsageError(f"{log.path}: the plan in its header no longer reads ({e})") from None
    if config.workout is None:
        return None
    session = make_session(config, log.start_mode)  # type: ignore[arg-type]
    for st in log.steps:
        session.step(st.event)
    first = log.steps[0].event.t_s if log.steps else 0.0
    return LoggedWorkout(config, list(session.records), first)


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def reps_markdown(config: Config, records: Sequence[RepRecord]) -> list[str]:
    unit = config.display.pace_unit
    lines = [_md_row(("block", "rep", "kind", "distance", "target", "actual", "±", f"pace/{unit}")),
             _md_row(("---:", "---:", "---", "---:", "---:", "---:", "---:", "---:"))]
    for r in records:
        target = (format_distance(r.target_m, unit) if r.target_m is not None
                  else format_duration(r.target_s, 1) if r.target_s is not None else "")
        speed = r.distance_m / r.elapsed_s if r.elapsed_s > 0 else None
        lines.append(_md_row((str(r.block), f"{r.index}/{r.count}", r.kind + ("" if r.ended in ("distance", "time", "go") else f" ({r.ended})"),
                              format_distance(r.distance_m, unit), target, format_duration(r.elapsed_s, 1),
                              "" if r.delta_s is None else f"{r.delta_s:+.1f}", format_pace(speed, unit))))
    return lines


def workout_totals(config: Config, records: Sequence[RepRecord]) -> list[str]:
    reps = [r for r in records if r.kind == "rep"]
    out = [f"{len(reps)} reps: {sum(r.distance_m for r in reps) / 1000:.2f} km in {format_duration(sum(r.elapsed_s for r in reps), 1)}; "
           f"rests {format_duration(sum(r.elapsed_s for r in records if r.kind == 'rest'))}."]
    for s in spreads(records):
        mean = "" if s.mean_delta_s is None else f"mean {s.mean_delta_s:+.1f} s, sd {s.sd_delta_s:.1f} s, "
        out.append(f"Block {s.block}: {mean}fastest rep {s.fastest.index}, slowest rep {s.slowest.index}.")
    return out


def journal_entry(log: RunLog, workout: LoggedWorkout | None) -> str:
    """One Markdown entry: date, plan, the reps (or splits) table, totals, then blanks to fill in."""
    t_s = log.steps[0].event.t_s if log.steps else float(log.header.get("created_t_s") or 0.0)
    when = datetime.fromtimestamp(t_s, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    config = workout.config if workout else log.config
    name = config.workout.name if config.workout else config.plan.name
    plan_file = Path(str(log.header.get("config_path") or "")).name or "?"
    lines = [f"## {when}: {name}", "", f"Plan `{plan_file}`, log `{Path(log.path).name}`.", ""]
    if workout is not None:
        lines += reps_markdown(config, workout.records) + [""] + workout_totals(config, workout.records)
    else:
        lines += ["```", split_table(config, log.splits, log.finished), "```"]
    last = log.last
    if last is not None:
        lines += ["", f"Session: {format_duration(last.elapsed_s)}, {last.dist_m / 1000:.2f} km."]
    for prompt in JOURNAL_PROMPTS:
        lines += ["", f"### {prompt}", ""]
    return "\n".join(lines) + "\n"


def append_journal(path: str, entry: str) -> None:
    """Append `entry` to the runner's journal (created when missing), a blank line between entries."""
    p = Path(path)
    try:
        before = p.read_text(encoding="utf-8") if p.exists() else ""
        with p.open("a", encoding="utf-8") as f:
            if before and not before.endswith("\n\n"):
                f.write("\n" if before.endswith("\n") else "\n\n")
            f.write(entry)
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"{path}: cannot append the journal entry ({getattr(e, 'strerror', None) or e})") from None
