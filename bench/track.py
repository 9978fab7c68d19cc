"""Track mode against free mode on the same generated track runs (issue 5).

Each generated run (mile and 3000 m, the bike in lanes 1-4, 1 and 10 Hz, the
default GNSS model) is replayed three times through the same session: free mode
(the odometer of the bike's own lane: the baseline), track mode with the
plan's finish and heading, and track mode with the oval fitted from the first
lap (its splits counted from the second lap on, 400 m and beyond). Every split,
plan marks and finish-line laps alike, is compared with the runner's true
time at that distance in lane 1.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from pacer.config import parse_config
from pacer.session import Session
from sim.clock import SimClock
from sim.generate import GeneratedRun, make_run
from sim.gpx_source import replay_events
from sim.replay import replay

LANES = (1, 2, 3, 4)
RUNS = ("track_mile", "track_3000")
MODES = ("free", "track", "fitted")


def plan_text(run: GeneratedRun, mode: str) -> str:
    """The run's plan in a mode: as written, without [route], or without finish/heading."""
    text = run.scenario.plan.toml()
    if mode == "free":
        return text.split("[route]")[0]
    if mode == "fitted":
        return "".join(line for line in text.splitlines(keepends=True) if not line.startswith(("finish", "heading")))
    return text


def split_errors_s(run: GeneratedRun, mode: str) -> tuple[list[float], float]:
    """Split errors (s) of one replay, and its per-fix cost (us)."""
    session = Session(parse_config(plan_text(run, mode)))
    t0 = time.perf_counter()
    result = replay(replay_events(run.fixes), session, SimClock())
    per_fix_us = 1e6 * (time.perf_counter() - t0) / max(result.fixes, 1)
    errs = [
        s.elapsed_s - float(run.truth_elapsed_at(s.distance_m))
        for s in result.splits
        if mode != "fitted" or s.distance_m >= 400.0
    ]
    return errs, per_fix_us


def run_track(seeds: int) -> dict[str, Any]:
    rows: dict[str, dict[str, Any]] = {}
    for name in RUNS:
        for rate_hz in (1, 10):
            errs: dict[str, list[float]] = {m: [] for m in MODES}
            cost: dict[str, list[float]] = {m: [] for m in MODES}
            worst_lane: dict[str, dict[int, float]] = {m: {} for m in MODES}
            for lane in LANES:
                for seed in range(seeds):
                    run = make_run(f"{name}_lane{lane}", rate_hz, 2000 + seed)
                    for mode in MODES:
                        e, us = split_errors_s(run, mode)
                        errs[mode] += e
                        cost[mode].append(us)
                        worst = max(abs(x) for x in e)
                        worst_lane[mode][lane] = max(worst_lane[mode].get(lane, 0.0), worst)
            for mode in MODES:
                err = np.array(errs[mode])
                rows[f"{name} {rate_hz} Hz {mode}"] = {
                    "splits": len(err),
                    "mean_s": round(float(err.mean()), 3),
                    "rms_s": round(float(np.sqrt((err**2).mean())), 3),
                    "worst_abs_s": round(float(np.abs(err).max()), 3),
                    "worst_by_lane_s": {str(k): round(v, 3) for k, v in worst_lane[mode].items()},
                    "within_1s": round(float((np.abs(err) <= 1.0).mean()), 4),
                    "per_fix_us": round(float(np.median(cost[mode])), 1),
                }
    doc: dict[str, Any] = {"seeds": seeds, "lanes": list(LANES), "rows": rows}
    doc["report_md"] = "\n".join(report_lines(doc)[3:])  # bench/report.py adds the heading
    return doc


def report_lines(track: dict[str, Any]) -> list[str]:
    """The Markdown section for bench/__main__.py's report."""
    lines = [
        "",
        "## Track mode beside free mode",
        "",
        f"{track['seeds']} seeds x lanes 1-4 per row; truth: the runner's time in lane 1; fitted: no finish/heading, splits from 400 m on.",
        "",
        "| run | splits | mean s | rms s | worst s | worst by lane 1/2/3/4 | within 1 s | µs/fix |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, row in track["rows"].items():
        by_lane = "/".join(f"{v:.2f}" for v in row["worst_by_lane_s"].values())
        lines.append(
            f"| {name} | {row['splits']} | {row['mean_s']:+.2f} | {row['rms_s']:.2f} | {row['worst_abs_s']:.2f} | "
            f"{by_lane} | {100 * row['within_1s']:.1f} % | {row['per_fix_us']:.0f} |"
        )
    return lines
