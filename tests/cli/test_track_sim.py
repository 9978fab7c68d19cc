"""`pacer sim --json` on a 400 m track (issue 5): every split, plan marks and
finish-line laps, within 1.0 s of the runner's true time in lane 1, whatever
lane the bike rode in; and the fitted-oval path without finish/heading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pacer.cli import main
from sim.generate import make_run, write_gpx

ROOT = Path(__file__).resolve().parents[2]
TRACKS = ROOT / "sim" / "tracks"
PLANS = ROOT / "sim" / "plans"


def sim_json(capsys, track: Path, plan: Path) -> dict:
    code = main(["sim", str(track), "--plan", str(plan), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def truth_times(truth: dict) -> dict[float, float]:
    return {round(m["distance_m"], 1): m["truth_elapsed_s"] for m in truth["marks"] + truth.get("laps", [])}


@pytest.mark.parametrize("track", ["track_mile_lane3_1hz", "track_mile_lane4_10hz", "track_3000_lane2_1hz"])
def test_every_track_split_is_within_1_s_of_the_runners_truth(capsys, track):
    truth = json.loads((TRACKS / f"{track}.truth.json").read_text())
    doc = sim_json(capsys, TRACKS / f"{track}.gpx", PLANS / truth["plan"])
    assert doc["finished"] is True and doc["route"]["oval"]["source"] == "finish"
    times = truth_times(truth)
    for split in doc["splits"]:
        assert split["elapsed_s"] == pytest.approx(times[round(split["distance_m"], 1)], abs=1.0), split


def test_a_3000_m_carries_laps_and_marks_in_the_json(capsys):
    truth = json.loads((TRACKS / "track_3000_lane2_1hz.truth.json").read_text())
    doc = sim_json(capsys, TRACKS / "track_3000_lane2_1hz.gpx", PLANS / truth["plan"])
    kinds = [s["kind"] for s in doc["splits"]]
    assert kinds == ["lap", "mark"] * 7 + ["finish"]
    assert kinds.count("lap") == sum(c["cue"] == "split" for c in doc["sounds"]) - 7


@pytest.mark.parametrize("lane", [1, 2, 3, 4])
@pytest.mark.parametrize(("run", "rate_hz"), [("track_mile", 1), ("track_3000", 10)])
def test_generated_runs_in_lanes_1_to_4(capsys, tmp_path, lane, run, rate_hz):
    # The bound is statistical: at ~0.3 s rms, about 1 split in 300 is out by more than 1 s, where
    # the simulated receiver's error ALONG the track passes 5 m (2.5 sigma; e.g. seed 43, lane 3, 1 Hz).
    generated = make_run(f"{run}_lane{lane}", rate_hz, seed=10 + lane)
    write_gpx(generated, tmp_path / "run.gpx")
    (tmp_path / "plan.toml").write_text(generated.scenario.plan.toml())
    doc = sim_json(capsys, tmp_path / "run.gpx", tmp_path / "plan.toml")
    assert doc["finished"] is True
    for split in doc["splits"]:
        assert split["elapsed_s"] == pytest.approx(float(generated.truth_elapsed_at(split["distance_m"])), abs=1.0)


@pytest.mark.parametrize("track", ["track_mile_lane3_1hz", "track_3000_lane2_1hz"])
def test_without_finish_and_heading_the_fitted_oval_splits_within_1_5_s_from_the_second_lap(capsys, tmp_path, track):
    truth = json.loads((TRACKS / f"{track}.truth.json").read_text())
    text = (PLANS / truth["plan"]).read_text()
    plan = tmp_path / "fit.toml"
    plan.write_text("".join(line for line in text.splitlines(True) if not line.startswith(("finish", "heading"))))
    doc = sim_json(capsys, TRACKS / f"{track}.gpx", plan)
    fit = doc["route"]["oval"]
    assert fit["source"] == "fit" and fit["rms_m"] < 2.0
    assert fit["heading_deg"] == pytest.approx(217.0, abs=5.0)  # the tangent where the finish was placed
    times = truth_times(truth)
    later = [s for s in doc["splits"] if s["distance_m"] >= 400.0]
    assert later and doc["finished"] is True
    for split in later:
        assert split["elapsed_s"] == pytest.approx(times[round(split["distance_m"], 1)], abs=1.5), split
