"""Split accuracy in the worlds the generator was not tuned on (issue 9).

One truth, many worlds: random town roads and city grids (a new course every
seed), 1, 5 and 10 Hz, and every kind of "speed" a file or a daemon may carry
(sim/speed_channels.py), beside the two baselines on the very same fixes:

- raw: the fix-to-fix distance summed (what a cheap device does);
- integral: the plain trapezoidal integral of the speed channel, as given.

Every row is a distribution over seeds that were not used while tuning
(TUNE_SEEDS are 0-9; rows use 1000 on), and some rows change the GNSS error
model itself (correlation time, size), which no setting was tuned on. A mark
a method never reaches is a missed finish, counted, never dropped.

`python -m bench.world [--seeds N]` prints the table alone.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from pacer.config import parse_config
from pacer.events import Fix
from pacer.geo import LocalPlane
from pacer.session import Session
from sim.clock import SimClock
from sim.generate import make_run
from sim.gnss import GnssErrorModel
from sim.gpx_source import replay_events
from sim.replay import replay
from sim.speed_channels import CHANNELS

TUNE_SEEDS = range(0, 10)
JUDGE_SEED0 = 1000
METHODS = ("pacer", "integral", "raw")

HELD_OUT_MODELS = {
    "GNSS tau 10 s": GnssErrorModel(tau_s=10.0),
    "GNSS tau 100 s, 3 m": GnssErrorModel(sigma_m=3.0, tau_s=100.0),
    "Doppler 0.05 m/s": GnssErrorModel(speed_sigma_mps=0.05),
}


@dataclass(frozen=True)
class Row:
    scenario: str
    rate_hz: int
    channel: str
    model: str = ""  # a key of HELD_OUT_MODELS, or "" for the scenario's own

    @property
    def label(self) -> str:
        course = self.scenario.replace("_random", "").replace("_", " ")
        extra = f", {self.model}" if self.model else ""
        return f"{course} {self.rate_hz} Hz, {self.channel}{extra}"


def rows() -> list[Row]:
    out = []
    for course in ("road_5k_random", "city_5k"):
        for channel in CHANNELS:
            out.append(Row(course, 1, channel))
        out.append(Row(course, 1, "doppler", "Doppler 0.05 m/s"))
        out.append(Row(course, 5, "doppler"))
        out.append(Row(course, 5, "positions only"))
    for course in ("road_2k_random", "city_2k"):
        for channel in ("doppler", "doppler, no course", "gpsd-synthesized", "positions only"):
            out.append(Row(course, 10, channel))
    for model in ("GNSS tau 10 s", "GNSS tau 100 s, 3 m"):
        for course in ("road_5k_random", "city_5k"):
            for channel in ("doppler", "positions only"):
                out.append(Row(course, 1, channel, model))
    return out


def _crossings(t_s: np.ndarray, dist_m: np.ndarray, marks_m: Sequence[float]) -> list[float | None]:
    """When a distance series first reaches each mark (linear between samples); None: never."""
    out: list[float | None] = []
    reached = np.maximum.accumulate(dist_m)
    for mark in marks_m:
        j = int(np.searchsorted(reached, mark))
        if j >= len(reached):
            out.append(None)
        elif j == 0:
            out.append(float(t_s[0]))
        else:
            d0, d1 = reached[j - 1], reached[j]
            frac = (mark - d0) / (d1 - d0) if d1 > d0 else 1.0
            out.append(float(t_s[j - 1] + frac * (t_s[j] - t_s[j - 1])))
    return out


def baselines(fixes: Sequence[Fix]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(elapsed_s, dist_m) of the raw fix-to-fix sum and of the speed channel's integral."""
    t = np.array([f.t_s for f in fixes]) - fixes[0].t_s
    plane = LocalPlane(fixes[0].lat_deg, fixes[0].lon_deg)
    xy = np.array([plane.to_xy(f.lat_deg, f.lon_deg) for f in fixes])
    raw = np.concatenate(([0.0], np.cumsum(np.hypot(*np.diff(xy, axis=0).T))))
    out = {"raw": (t, raw)}
    if any(f.speed_mps is not None for f in fixes):
        v = np.array([f.speed_mps if f.speed_mps is not None else np.nan for f in fixes])
        v = np.where(np.isnan(v), 0.0, v)
        integral = np.concatenate(([0.0], np.cumsum(0.5 * (v[1:] + v[:-1]) * np.diff(t))))
        out["integral"] = (t, integral)
    return out


def run_case(row: Row, seed: int) -> dict[str, Any]:
    """Split errors (s, device minus truth; None for a missed mark) of every method on one run."""
    model = HELD_OUT_MODELS[row.model] if row.model else None
    run = make_run(row.scenario, row.rate_hz, seed, model=model)
    fixes = CHANNELS[row.channel](run.fixes)
    marks = run.marks_m
    truth = [float(run.truth_elapsed_at(m)) for m in marks]
    config = parse_config(run.scenario.plan.toml())
    session = Session(config)
    result = replay(replay_events(fixes), session, SimClock())
    t0 = fixes[0].t_s - run.fixes[0].t_s  # elapsed of the first fix from the track's start
    by_dist = {s.distance_m: s.elapsed_s + t0 for s in result.splits if s.kind.value != "lap"}
    errors: dict[str, list[float | None]] = {
        "pacer": [None if by_dist.get(m) is None else by_dist[m] - tr for m, tr in zip(marks, truth)]
    }
    for name, (t, d) in baselines(fixes).items():
        cross = _crossings(t + t0, d, marks)
        errors[name] = [None if c is None else c - tr for c, tr in zip(cross, truth)]
    info = session.estimator.describe() if hasattr(session.estimator, "describe") else {}
    return {"errors": errors, "truth_s": truth, "estimator": info}


def summarise(errors: list[float | None], truth_s: list[float]) -> dict[str, Any]:
    got = [(e, t) for e, t in zip(errors, truth_s) if e is not None]
    missed = len(errors) - len(got)
    if not got:
        return {"n": len(errors), "missed": missed}
    err = np.array([e for e, _ in got])
    bound = np.array([max(1.0, 0.001 * t) for _, t in got])
    return {
        "n": len(errors),
        "missed": missed,
        "mean_s": round(float(err.mean()), 3),
        "rms_s": round(float(np.sqrt((err**2).mean())), 3),
        "p95_s": round(float(np.percentile(np.abs(err), 95)), 3),
        "worst_s": round(float(np.abs(err).max()), 3),
        # a missed mark is outside the bound
        "within": round(float((np.abs(err) <= bound).sum() / len(errors)), 4),
    }


def run_row(row: Row, seeds: Sequence[int]) -> dict[str, Any]:
    errs: dict[str, list[float | None]] = {m: [] for m in METHODS}
    truth: list[float] = []
    finishes_missed = {m: 0 for m in METHODS}
    sources: dict[str, int] = {}
    rejected = restarts = fixes = 0
    for seed in seeds:
        case = run_case(row, seed)
        truth += case["truth_s"]
        for m in METHODS:
            e = case["errors"].get(m)
            if e is None:
                continue
            errs[m] += e
            finishes_missed[m] += e[-1] is None
        info = case["estimator"]
        if info:
            src = info.get("speed_source", "?")
            sources[src] = sources.get(src, 0) + 1
            rejected += info.get("rejected_fixes", 0)
            restarts += info.get("restarts", 0)
            fixes += info.get("fixes", 0)
    out: dict[str, Any] = {"label": row.label, "seeds": len(seeds)}
    for m in METHODS:
        if errs[m]:
            out[m] = summarise(errs[m], truth) | {"finishes_missed": finishes_missed[m]}
    out["speed_source"] = sources
    out["rejected_share"] = round(rejected / fixes, 5) if fixes else None
    out["restarts"] = restarts
    return out


def run_world(seeds: int = 20, only: str | None = None) -> dict[str, Any]:
    seed_list = list(range(JUDGE_SEED0, JUDGE_SEED0 + seeds))
    out = {}
    for row in rows():
        if only and only not in row.label:
            continue
        out[row.label] = run_row(row, seed_list)
    return {"seeds": seeds, "rows": out}


def run_world_section(seeds: int = 20, only: str | None = None) -> dict[str, Any]:
    """The bench section: every world row, and every real recording against its device."""
    out = run_world(seeds, only)
    out["real"] = real_recordings()
    return out


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"{result['seeds']} seeds a row (seeds {JUDGE_SEED0} on; tuning used 0-9). Split error = device - truth, s. "
        "within: share of all marks within max(1 s, 0.1 % of the elapsed time), a missed mark counting as outside. "
        "**integral**: the plain integral of the speed channel as given; **raw**: the fix-to-fix sum.",
        "",
        "| world | pacer rms / p95 / worst s | within | missed finishes | integral rms / within / missed | raw rms / within / missed | speed source | rejected |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, r in result["rows"].items():
        p = r.get("pacer", {})
        cells = [label, f"{p.get('rms_s', '–')} / {p.get('p95_s', '–')} / {p.get('worst_s', '–')}",
                 f"{100 * p.get('within', 0):.0f} %", str(p.get("finishes_missed", "–"))]
        for m in ("integral", "raw"):
            b = r.get(m)
            cells.append("–" if not b else f"{b.get('rms_s', '–')} / {100 * b.get('within', 0):.0f} % / {b['finishes_missed']}")
        src = ", ".join(f"{k} {v}" for k, v in sorted(r["speed_source"].items()))
        rej = r.get("rejected_share")
        cells += [src or "–", "–" if rej is None else f"{100 * rej:.2f} %"]
        lines.append("| " + " | ".join(cells) + " |")
    if result.get("real"):
        lines += ["", "Real recordings (../shared/realdata, PACER_REALDATA) against each device's own distance:", "",
                  real_markdown(result["real"])]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.world", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--only", help="rows whose label contains this text")
    parser.add_argument("--tune", action="store_true", help="use the tuning seeds 0-9 instead")
    args = parser.parse_args(argv)
    global JUDGE_SEED0
    if args.tune:
        JUDGE_SEED0 = TUNE_SEEDS.start
        args.seeds = min(args.seeds, len(TUNE_SEEDS))
    print(markdown(run_world(args.seeds, args.only)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def real_recordings(realdata: "Path | None" = None) -> dict[str, Any]:
    """Every real GPX against its device's own distance (csv/), beside the baselines."""
    import csv
    import os
    from pathlib import Path

    from sim.gpx_source import load_gpx

    root = Path(realdata or os.environ.get("PACER_REALDATA") or Path(__file__).resolve().parents[2] / "shared" / "realdata")
    out: dict[str, Any] = {}
    config = parse_config('[plan]\nname = "long"\ndistance = "100 km"\ngoal = "5:00:00"\n')
    for gpx in sorted((root / "gpx").glob("*.gpx")):
        rows = list(csv.DictReader((root / "csv" / f"{gpx.stem}.csv").open()))
        dev = [float(r["dev_dist_m"]) for r in rows if r["dev_dist_m"]]
        device_m = dev[-1] - dev[0]
        fixes = load_gpx(gpx).fixes
        session = Session(config)
        replay(replay_events(fixes), session, SimClock())
        est = session.estimator
        base = baselines(fixes)
        row = {"device_km": round(device_m / 1000, 3), "pacer_pct": round(100 * (est.dist_m - device_m) / device_m, 2)}
        for name, (_, d) in base.items():
            row[f"{name}_pct"] = round(100 * (float(d[-1]) - device_m) / device_m, 2)
        row.update(speed_source=est.speed_source, rejected_share=round(est.rejected / max(est.fixes, 1), 4),
                   restarts=est.restarts)
        out[gpx.name] = row
    return out


def real_markdown(rows: dict[str, Any]) -> str:
    lines = ["| recording | device km | pacer % | speed integral % | raw % | speed source | rejected | restarts |",
             "|---|---|---|---|---|---|---|---|"]
    for name, r in rows.items():
        lines.append(f"| {name} | {r['device_km']} | {r['pacer_pct']:+.2f} | {r.get('integral_pct', float('nan')):+.2f} | "
                     f"{r['raw_pct']:+.2f} | {r['speed_source']} | {100 * r['rejected_share']:.2f} % | {r['restarts']} |")
    return "\n".join(lines) + "\n"
