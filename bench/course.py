"""Course mode beside free mode on the same generated runs (issue 12).

Each seed is a new runner, new GNSS errors and a new drawing of the course (as a
map gives it: shifted, wobbling, sparse; sim/courses.py); the city course is
also a new street grid every seed. Every run is replayed twice through the same
session, free mode (the estimator's odometer) and course mode (the distance
along the drawn course), and every split is compared with the runner's true
time. Rows: the fixed road 5k ("steady") and city grids, 1 and 10 Hz, with the
receiver's Doppler speed and from positions alone; the city drawn roughly (the
wobble doubled), which no setting was tuned on; and a marathon out and back
(the return on the other carriageway, 10 m away: the wrong-leg test at scale).

Seeds: tuning used 0-9 (bench.world's TUNE_SEEDS); rows use 1000 on.

`python -m bench.course [--seeds N] [--only TEXT]` prints the table alone.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any, Sequence

from pacer.config import parse_config
from pacer.session import Session
from sim.clock import SimClock
from sim.courses import ROUGH_WOBBLE_SIGMA_M, WOBBLE_SIGMA_M, course_points
from sim.generate import make_run
from sim.gpx_source import replay_events
from sim.replay import replay
from sim.speed_channels import CHANNELS

from bench.world import JUDGE_SEED0, summarise

MODES = ("free", "course")
TARGET_RMS_S = 1.0  # issue 12, positions only at 1 Hz, steady and city 5ks
TARGET_WITHIN = 0.80


@dataclass(frozen=True)
class Row:
    scenario: str
    rate_hz: int
    channel: str
    wobble_m: float = WOBBLE_SIGMA_M

    @property
    def label(self) -> str:
        course = {"road_5k_steady": "steady 5k", "city_5k": "city 5k",
                  "marathon": "marathon out and back"}.get(self.scenario, self.scenario)
        rough = ", rough map" if self.wobble_m != WOBBLE_SIGMA_M else ""
        return f"{course} {self.rate_hz} Hz, {self.channel}{rough}"


def rows() -> list[Row]:
    out = [Row(sc, rate, ch) for sc in ("road_5k_steady", "city_5k") for rate in (1, 10)
           for ch in ("positions only", "doppler")]
    out.append(Row("city_5k", 1, "positions only", ROUGH_WOBBLE_SIGMA_M))
    out.append(Row("marathon", 1, "positions only"))  # out and back, the carriageways 10 m apart
    return out


def run_case(row: Row, seed: int) -> dict[str, Any]:
    """Split errors (s, device minus truth; None: never reached) of both modes on one run."""
    run = make_run(row.scenario, row.rate_hz, seed)
    fixes = CHANNELS[row.channel](run.fixes)
    course = course_points(run, row.wobble_m)
    marks = run.marks_m
    truth = [float(run.truth_elapsed_at(m)) for m in marks]
    t0 = fixes[0].t_s - run.fixes[0].t_s
    out: dict[str, Any] = {"truth_s": truth}
    for mode in MODES:
        text = run.scenario.plan.toml()
        if mode == "course":
            text += '[route]\nmode = "course"\ncourse = "course.gpx"\n'
        session = Session(parse_config(text, "plan.toml", lambda path: course))
        result = replay(replay_events(fixes), session, SimClock())
        by_dist = {s.distance_m: s.elapsed_s + t0 for s in result.splits}
        out[mode] = [None if by_dist.get(m) is None else by_dist[m] - tr for m, tr in zip(marks, truth)]
        if mode == "course":
            out["route"] = session.route.describe()
    return out


def run_row(row: Row, seeds: Sequence[int]) -> dict[str, Any]:
    errs: dict[str, list[float | None]] = {m: [] for m in MODES}
    truth: list[float] = []
    missed = {m: 0 for m in MODES}
    off_s = residual = 0.0
    for seed in seeds:
        case = run_case(row, seed)
        truth += case["truth_s"]
        for m in MODES:
            errs[m] += case[m]
            missed[m] += case[m][-1] is None
        off_s += case["route"]["time_off_course_s"]
        residual += case["route"]["residual_rms_m"] or 0.0
    out: dict[str, Any] = {"label": row.label, "seeds": len(seeds)}
    for m in MODES:
        out[m] = summarise(errs[m], truth) | {"finishes_missed": missed[m]}
    out["time_off_course_s"] = round(off_s, 1)
    out["residual_rms_m"] = round(residual / len(seeds), 2)
    return out


def run_course(seeds: int = 20, only: str | None = None) -> dict[str, Any]:
    seed_list = list(range(JUDGE_SEED0, JUDGE_SEED0 + seeds))
    result: dict[str, Any] = {"seeds": seeds, "rows": {}}
    for row in rows():
        if only and only not in row.label:
            continue
        result["rows"][row.label] = run_row(row, seed_list)
    result["targets"] = targets(result["rows"])
    return result


def targets(rows: dict[str, Any]) -> dict[str, Any]:
    """Issue 12: positions only, 1 Hz, course mode on steady and city 5ks."""
    out = {}
    for label in ("steady 5k 1 Hz, positions only", "city 5k 1 Hz, positions only"):
        if label not in rows:
            continue
        c = rows[label]["course"]
        out[label] = {
            "rms_s": c.get("rms_s"), "within": c.get("within"),
            "met": (c.get("rms_s") or 99) <= TARGET_RMS_S and (c.get("within") or 0) >= TARGET_WITHIN,
        }
    return out


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "## Course mode beside free mode (issue 12)",
        "",
        f"{result['seeds']} seeds a row (seeds {JUDGE_SEED0} on; tuning used 0-9), a new drawing of the course each "
        "seed (sim/courses.py: shifted ~2.5 m, wobble 0.7 m, a point every 20-40 m; rough map: wobble 1.5 m). "
        "Split error = device - truth, s; within: share of all marks within max(1 s, 0.1 %), a missed mark outside.",
        "",
        "| run | free rms / p95 / worst s | free within | free missed finishes | course rms / p95 / worst s "
        "| course within | course missed finishes | off course s | residual rms m |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, r in result["rows"].items():
        cells = [label]
        for m in MODES:
            s = r[m]
            cells += [f"{s.get('rms_s', '–')} / {s.get('p95_s', '–')} / {s.get('worst_s', '–')}",
                      f"{100 * s.get('within', 0):.0f} %", str(s["finishes_missed"])]
        cells += [str(r["time_off_course_s"]), str(r["residual_rms_m"])]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"Targets (positions only, 1 Hz, course mode: rms ≤ {TARGET_RMS_S} s, ≥ {100 * TARGET_WITHIN:.0f} % within):", ""]
    for label, t in result.get("targets", {}).items():
        lines.append(f"- {label}: rms {t['rms_s']} s, {100 * (t['within'] or 0):.0f} % within: "
                     f"**{'met' if t['met'] else 'missed'}**")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.course", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--only", help="rows whose label contains this text")
    args = parser.parse_args(argv)
    print(markdown(run_course(args.seeds, args.only)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
