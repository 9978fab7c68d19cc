"""How exactly the device times each rep of a workout, open loop, against the truth.

`python -m bench.rep_timing [--seeds 20]`: the three bundled workouts of
sim/workouts.py (5 x 400 m from standing on the track, 8 x 200 m with 200 m
floats on the track, 3 x 1200 m and hill sprints on the road), each run anew for
every seed (a new runner, new GNSS errors; seeds from 1000, none used while
tuning), on the track in lanes 1, 4 and 8 as well as the bundled lane. The
rider's presses are replayed as `pacer sim --press` does, through the device's
own `WorkoutSession`.

A rep's error: the device's `elapsed_s` minus the truth's (the time, from the
device's start of the rep, for the runner to cover its distance from where they
were then: `sim.workouts.rep_truth`). The issue's bound: 0.5 s on the track (any
lane), max(1 s, 0.3 %) on the road. A time block's error is its distance, in
seconds at its pace.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import replace
from typing import Any

import numpy as np

from pacer.config import parse_config
from pacer.workout_session import make_session
from sim.clock import SimClock
from sim.gpx_source import replay_events
from sim.replay import replay
from sim.run import _with_presses
from sim.workouts import WORKOUTS, WorkoutScenario, make_workout_run, rep_truth

JUDGE_SEED0 = 1000
TUNE_SEED0 = 0  # --tune: seeds 0-9, the ones settings were tuned on
TRACK_LANES = (1, 4, 8)


def with_lane(ws: WorkoutScenario, lane: int) -> WorkoutScenario:
    return replace(ws, lane=lane, plan_toml=re.sub(r"(?m)^lane = \d+$", f"lane = {lane}", ws.plan_toml))


def rep_errors(ws: WorkoutScenario) -> list[tuple[float, float]]:
    """(error s, bound s) of every rep of one generated workout; a rep never ended is (inf, bound)."""
    run, script = make_workout_run(ws)
    config = parse_config(ws.plan_toml, f"{ws.plan_stem}.toml")
    session = make_session(config, "first_fix")
    first_t = run.fixes[0].t_s
    first_s = first_t - run.start_utc.timestamp()
    presses = tuple((t - first_s, b) for t, b in script.presses)
    replay(_with_presses(replay_events(run.fixes), session, presses, first_t), session, SimClock(), stop_at_finish=False)
    close = getattr(session, "close", None)
    if close is not None:
        close(run.fixes[-1].t_s)
    out = []
    planned = [s for s in ws.steps() if s.kind == "rep"]
    reps = [r for r in session.records if r.kind == "rep"]
    out += [(float("inf"), 0.5)] * max(0, len(planned) - len(reps))
    for r in reps:
        start_s = r.start_t_s - run.start_utc.timestamp()
        if r.ended == "time":  # a time block: its distance, in seconds at its pace
            truth_m = rep_truth(run.fine, start_s, duration_s=r.elapsed_s)
            speed = truth_m / r.elapsed_s if r.elapsed_s > 0 else 1.0
            out.append(((r.distance_m - truth_m) / speed, 1.0))
            continue
        if r.ended != "distance":  # cut short by LAP or STOP: nothing to time
            out.append((float("inf"), 0.5))
            continue
        truth_s = rep_truth(run.fine, start_s, distance_m=r.distance_m)
        bound = 0.5 if ws.track else max(1.0, 0.003 * truth_s)
        out.append((r.elapsed_s - truth_s, bound))
    return out


def cases() -> list[tuple[str, WorkoutScenario]]:
    out = []
    for name, ws in sorted(WORKOUTS.items()):
        if ws.track:
            for lane in sorted({ws.lane, *TRACK_LANES}):
                out.append((f"{name.replace('_lane' + str(ws.lane), '')}, lane {lane}", with_lane(ws, lane)))
        else:
            out.append((name, ws))
    return out


def summarise(errs: list[tuple[float, float]]) -> dict[str, Any]:
    e = np.array([x for x, _ in errs if np.isfinite(x)])
    within = sum(1 for x, b in errs if np.isfinite(x) and abs(x) <= b)
    return {
        "reps": len(errs),
        "missed": sum(1 for x, _ in errs if not np.isfinite(x)),
        "mean_s": round(float(e.mean()), 3) if len(e) else None,
        "rms_s": round(float(np.sqrt((e**2).mean())), 3) if len(e) else None,
        "p95_s": round(float(np.percentile(np.abs(e), 95)), 3) if len(e) else None,
        "worst_s": round(float(np.abs(e).max()), 3) if len(e) else None,
        "within": round(within / len(errs), 4) if errs else None,
    }


def run_rep_timing(seeds: int = 20, seed0: int = JUDGE_SEED0) -> dict[str, Any]:
    rows = {}
    for label, ws in cases():
        errs: list[tuple[float, float]] = []
        for seed in range(seed0, seed0 + seeds):
            errs += rep_errors(replace(ws, seed=seed))
        rows[label] = summarise(errs)
    return {"seeds": seeds, "rows": rows}


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"## Rep timing, open loop ({result['seeds']} seeds a row, seeds from 1000)",
        "",
        "`python -m bench.rep_timing` (bench/rep_timing.py): each bundled workout generated anew per seed "
        "(new runner, new GNSS errors), the track ones in lanes 1, 4 and 8 too; the rider's presses replayed; "
        "each rep's `elapsed_s` minus its truth. Bound: 0.5 s on the track, max(1 s, 0.3 %) on the road; "
        "a time block (hill sprints) by its distance, in seconds at its pace, within 1 s.",
        "",
        "| workout | reps | mean s | rms s | p95 s | worst s | within bound | never ended |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, r in result["rows"].items():
        lines.append(f"| {label} | {r['reps']} | {r['mean_s']:+.3f} | {r['rms_s']:.3f} | {r['p95_s']:.3f} | "
                     f"{r['worst_s']:.3f} | {100 * r['within']:.1f} % | {r['missed']} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rep_timing", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--tune", action="store_true", help="the tuning seeds (from 0) instead of the judging ones")
    args = parser.parse_args(argv)
    print(markdown(run_rep_timing(args.seeds, TUNE_SEED0 if args.tune else JUDGE_SEED0)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
