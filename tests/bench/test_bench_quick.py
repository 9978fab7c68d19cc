"""`python -m bench --quick`: the one benchmark command runs end to end and reports
every section, with each target stated as met or missed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_bench_writes_report_json_and_charts(tmp_path):
    out = tmp_path / "bench"
    done = subprocess.run([sys.executable, "-m", "bench", "--quick", "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    report = (out / "report.md").read_text()
    for heading in ("## GNSS error model", "## Targets", "## Split time error", "## Open loop", "## Speed",
                    "## Closed loop", "## Track mode", "## Course mode beside free mode", "## Grade-adjusted"):
        assert heading in report
    targets = report.split("## Targets", 1)[1].split("##", 1)[0]
    assert targets.count("met") + targets.count("missed") >= 6
    results = json.loads((out / "results.json").read_text())
    assert results["speed"]["headless_over_gpxpy_parse"] > 0
    assert set(results["openloop"]["steady"]["5k 1 Hz doppler"]["pace_rms_s_per_mile"]) == {"pacer", "raw", "ma5", "ma10", "doppler"}
    for chart in ("pace.png", "step.png", "splits.png"):
        assert (out / chart).stat().st_size > 10_000


def test_the_world_bench_scores_pacer_beside_both_baselines_on_the_same_fixes():
    from bench.world import Row, run_row

    row = run_row(Row("road_2k_random", 10, "gpsd-synthesized"), seeds=[1000])
    assert {"pacer", "integral", "raw"} <= set(row)
    assert row["speed_source"] == {"synthesized→positions": 1}
    # the fill-in integrated is the raw sum: minutes off; pacer refuses it
    assert row["integral"]["rms_s"] > 5 * row["pacer"]["rms_s"]
