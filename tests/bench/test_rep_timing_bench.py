"""The open-loop rep timing bench (bench/rep_timing.py) on one seed: every planned rep
of every workout is timed against its truth, in every lane."""

from __future__ import annotations

from bench.rep_timing import cases, markdown, rep_errors, run_rep_timing, with_lane
from sim.workouts import WORKOUTS


def test_a_lane_changes_the_plan_and_the_bike_line_together():
    ws = with_lane(WORKOUTS["track_workout_400s_lane3"], 8)
    assert ws.lane == 8 and "lane = 8" in ws.plan_toml and "lane = 3" not in ws.plan_toml


def test_every_planned_rep_is_timed_near_its_truth():
    for label, ws in cases():
        errs = rep_errors(ws)
        assert len(errs) == len([s for s in ws.steps() if s.kind == "rep"]), label
        assert all(abs(e) <= 3 * bound for e, bound in errs), (label, errs)  # none lost, none wild


def test_the_table_has_a_row_per_workout_and_lane():
    result = run_rep_timing(seeds=1)
    assert len(result["rows"]) == len(cases())
    assert all(r["missed"] == 0 for r in result["rows"].values())
    assert markdown(result).count("\n| ") == len(cases()) + 1
