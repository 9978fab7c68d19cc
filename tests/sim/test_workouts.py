"""Generated workouts: a runner who stands in rests, goes at GO, floats, and a rider
who presses LAP and STOP; the truth is the 20 Hz grid the fixes were made from."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sim.workouts import WORKOUTS, make_workout_run, rep_truth, track_file

TRACKS = Path(__file__).resolve().parents[2] / "sim" / "tracks"


@pytest.fixture(scope="module")
def four_hundreds():
    return make_workout_run(WORKOUTS["track_workout_400s_lane3"])


@pytest.fixture(scope="module")
def floats():
    return make_workout_run(WORKOUTS["track_workout_floats_lane2"])


def speed_at(run, t_s: float) -> float:
    return float(np.interp(t_s, run.fine.t_s, run.fine.speed_mps))


def test_the_rider_presses_lap_when_the_runner_leaves_the_line(four_hundreds):
    run, script = four_hundreds
    (lap_s, button), (stop_s, stop) = script.presses
    assert (button, stop) == ("lap", "stop")
    assert speed_at(run, lap_s - 1.0) == 0.0 and speed_at(run, lap_s + 2.0) > 1.0
    assert script.reps[0]["start_s"] == lap_s


def test_the_runner_stands_through_a_counted_rest_and_goes_a_few_tenths_after_its_end(four_hundreds):
    run, script = four_hundreds
    for before, after in zip(script.reps, script.reps[1:]):
        end_s = before["start_s"] + before["elapsed_s"]
        assert speed_at(run, end_s + 10.0) == 0.0
        assert speed_at(run, end_s + 119.0) == 0.0
        assert 120.1 <= after["start_s"] - end_s <= 120.4 + 0.05


def test_each_rep_runs_its_distance_near_its_goal(four_hundreds):
    run, script = four_hundreds
    goals = [70.0, 69.5, 69.0, 68.5, 68.0]
    for rep, goal in zip(script.reps, goals):
        assert rep["distance_m"] == pytest.approx(400.0, abs=0.5)
        assert rep["elapsed_s"] == pytest.approx(goal, abs=2.5)


def test_a_float_is_run_at_its_pace_without_stopping(floats):
    run, script = floats
    float_mps = 1609.344 / 360
    first, second = script.reps[0], script.reps[1]
    mid_float_s = (first["start_s"] + first["elapsed_s"] + second["start_s"]) / 2
    assert speed_at(run, mid_float_s) == pytest.approx(float_mps, rel=1e-3)
    gap_m = float(run.fine.dist_at(second["start_s"]) - run.fine.dist_at(first["start_s"] + first["elapsed_s"]))
    assert gap_m == pytest.approx(200.0, abs=0.1)


def test_rep_truth_is_the_time_to_cover_the_distance_from_where_the_runner_was(four_hundreds):
    run, script = four_hundreds
    rep = script.reps[0]
    assert rep_truth(run.fine, rep["start_s"], distance_m=400.0) == pytest.approx(rep["elapsed_s"], abs=0.06)
    # started 1 s late by the device, the runner is already a few metres on: the truth is from there
    late = rep_truth(run.fine, rep["start_s"] + 1.0, distance_m=400.0)
    assert late == pytest.approx(rep["elapsed_s"] - 1.0, abs=0.3)


def test_rep_truth_of_a_time_block_is_the_distance_covered(floats):
    run, script = floats
    block = next(r for r in script.reps if r["block"] == 4)
    assert rep_truth(run.fine, block["start_s"], duration_s=600.0) == pytest.approx(block["distance_m"], abs=0.1)


@pytest.mark.parametrize("name", sorted(WORKOUTS))
def test_the_truth_file_lists_the_presses_and_every_rep(name):
    ws = WORKOUTS[name]
    truth = json.loads((TRACKS / f"{track_file(ws)}.truth.json").read_text())
    reps = [s for s in ws.steps() if s.kind == "rep"]
    assert [(r["block"], r["index"]) for r in truth["reps"]] == [(s.block, s.index) for s in reps]
    assert truth["presses"] and truth["presses"][-1].endswith(":stop")
    assert truth["plan"] == f"{ws.plan_stem}.toml"
