"""The closed-loop bench: a few seeds, every figure present, the chart written."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

# `bench` is a folder at the repository's root, not an installed package.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.closedloop import CHART, distribution, markdown, run_closed_loop  # noqa: E402


def test_run_closed_loop_writes_the_chart_and_every_figure(tmp_path: Path) -> None:
    result = run_closed_loop(tmp_path, seeds=3)
    chart = tmp_path / CHART
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and chart.stat().st_size > 20_000
    json.dumps(result)  # JSON-serialisable
    cases = result["cases"]
    for key in ("mile/feel", "mile/watch", "mile/pacer", "mile/cues", "5k/feel", "5k/watch", "5k/pacer"):
        assert cases[key]["seeds"] == 3
        assert set(cases[key]["finish_error_s"]) >= {"mean", "sd", "p5", "p50", "p95", "within_1s"}
        assert cases[key]["worst_split_error_s"]["p50"] >= 0.0
    assert cases["mile/pacer"]["cues_per_min_on_schedule"] is not None
    assert cases["mile/feel"]["cues_per_min"] is None
    assert set(result["targets"]) == {
        "mile_within_1s", "mile_feel_over_pacer_sd", "mile_feel_over_pacer_p95_abs", "mile_cues_per_min_on_schedule"
    }
    assert all(isinstance(t["met"], bool) for t in result["targets"].values())
    assert result["feel_over_pacer"]["mile"]["sd"] > 1.0
    assert "| mile/pacer |" in markdown(result)


def test_distribution_figures() -> None:
    d = distribution(np.arange(-50.0, 51.0))
    assert d["mean"] == 0.0 and d["p50"] == 0.0
    assert d["p5"] == -45.0 and d["p95"] == 45.0 and d["p95_abs"] == 48.0 and d["max_abs"] == 50.0
