"""How well pacer places its splits: generated runs against their truth, many seeds.

Every run is generated from a known truth through the GNSS error model, replayed
through the same session as `pacer sim`, and each split's live crossing time is
compared with the true time at that mark. Reported as distributions (rms, p95,
worst) and as the share of splits within the issue's bound max(1.5 s, 0.3 %).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pacer.config import parse_config
from pacer.session import Session
from sim.clock import SimClock
from sim.generate import make_run
from sim.gnss import GnssErrorModel
from sim.gpx_source import replay_events
from sim.replay import replay

SCENARIOS = ("mile_road", "road_5k_steady", "road_5k_fartlek", "road_5k_outage")


def split_errors_s(scenario: str, rate_hz: int, seed: int, model: GnssErrorModel | None = None) -> list[tuple[float, float]]:
    """(error_s, truth_elapsed_s) for every split of one generated run."""
    run = make_run(scenario, rate_hz, seed, model=model)
    config = parse_config(run.scenario.plan.toml())
    result = replay(replay_events(run.fixes), Session(config), SimClock())
    out = []
    for split in result.splits:
        truth_s = run.truth_elapsed_at(split.distance_m)
        out.append((split.elapsed_s - truth_s, truth_s))
    if len(out) != len(run.marks_m):
        raise RuntimeError(f"{scenario} seed {seed}: {len(out)} splits for {len(run.marks_m)} marks")
    return out


DATASHEET_DOPPLER = GnssErrorModel(speed_sigma_mps=0.05)
"""The u-blox M8 datasheet's 0.05 m/s speed accuracy, beside the model's pessimistic 0.1 m/s."""


def _row(errors: list[tuple[float, float]]) -> dict[str, Any]:
    err = np.array([e for e, _ in errors])
    bound = np.array([max(1.5, 0.003 * t) for _, t in errors])
    tight = np.array([max(1.0, 0.001 * t) for _, t in errors])
    return {
        "splits": len(err),
        "mean_s": round(float(err.mean()), 3),
        "rms_s": round(float(np.sqrt((err**2).mean())), 3),
        "p95_abs_s": round(float(np.percentile(np.abs(err), 95)), 3),
        "worst_abs_s": round(float(np.abs(err).max()), 3),
        "within_issue_bound": round(float((np.abs(err) <= bound).mean()), 4),
        "within_max_1s_0.1pct": round(float((np.abs(err) <= tight).mean()), 4),
    }


def run_accuracy(seeds: int) -> dict[str, Any]:
    rows = {}
    for scenario in SCENARIOS:
        for rate_hz in (1, 10):
            pairs = [p for seed in range(seeds) for p in split_errors_s(scenario, rate_hz, 1000 + seed)]
            rows[f"{scenario} {rate_hz} Hz"] = _row(pairs)
    pairs = [p for seed in range(seeds) for p in split_errors_s("road_5k_steady", 1, 1000 + seed, DATASHEET_DOPPLER)]
    rows["road_5k_steady 1 Hz, Doppler 0.05 m/s (datasheet)"] = _row(pairs)
    return {"seeds": seeds, "rows": rows}
