"""`pacer sim` and `pacer plan` with workouts, end to end: the bundled generated
workouts against their truth, the JSON `reps`, the tables, and the errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pacer.cli import main
from sim.workouts import WORKOUTS, make_workout_run, rep_truth, track_file

ROOT = Path(__file__).resolve().parents[2]
TRACKS, PLANS = ROOT / "sim" / "tracks", ROOT / "sim" / "plans"


def sim(capsys, *args):
    code = main(["sim", *map(str, args)])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def sim_workout(capsys, name: str, *extra: str) -> dict:
    ws = WORKOUTS[name]
    truth = json.loads((TRACKS / f"{track_file(ws)}.truth.json").read_text())
    presses = [a for p in truth["presses"] for a in ("--press", p)]
    return json.loads(sim(capsys, TRACKS / f"{track_file(ws)}.gpx", "--plan", PLANS / truth["plan"], "--json", *presses, *extra))


@pytest.mark.parametrize("name, on_track", [(n, ws.track) for n, ws in sorted(WORKOUTS.items())])
def test_every_rep_is_within_the_issues_bound_of_the_truth(capsys, name, on_track):
    doc = sim_workout(capsys, name)
    run, _ = make_workout_run(WORKOUTS[name])
    first_s = run.fixes[0].t_s - run.start_utc.timestamp()
    reps = [r for r in doc["reps"] if r["kind"] == "rep"]
    assert len(reps) == len([s for s in WORKOUTS[name].steps() if s.kind == "rep"])
    for r in reps:
        start_s = r["start_s"] + first_s
        if r["ended"] == "distance":
            truth_s = rep_truth(run.fine, start_s, distance_m=r["distance_m"])
            allowed_s = 0.5 if on_track else max(1.0, 0.003 * truth_s)
            assert r["elapsed_s"] == pytest.approx(truth_s, abs=allowed_s), r
        else:  # a time block: the distance covered in its time
            truth_m = rep_truth(run.fine, start_s, duration_s=r["elapsed_s"])
            assert r["distance_m"] == pytest.approx(truth_m, abs=max(3.0, 0.001 * truth_m)), r


def test_json_reps_hold_every_rep_and_rest_in_order(capsys):
    doc = sim_workout(capsys, "track_workout_400s_lane3")
    kinds = [(r["block"], r["index"], r["kind"]) for r in doc["reps"]]
    assert kinds == [(2, 1, "rep"), (2, 1, "rest"), (2, 2, "rep"), (2, 2, "rest"), (2, 3, "rep"),
                     (2, 3, "rest"), (2, 4, "rep"), (2, 4, "rest"), (2, 5, "rep")]
    first = doc["reps"][0]
    assert set(first) >= {"block", "index", "kind", "distance_m", "target_s", "start_s", "elapsed_s"}
    assert first["distance_m"] == 400.0 and first["target_s"] == 70.0
    assert first["start_s"] == pytest.approx(222.05, abs=0.01)  # the LAP press
    assert [r["target_s"] for r in doc["reps"] if r["kind"] == "rep"] == [70.0, 69.5, 69.0, 68.5, 68.0]
    for rep, rest in zip(doc["reps"][0::2], doc["reps"][1::2]):
        assert rest["start_s"] == pytest.approx(rep["start_s"] + rep["elapsed_s"], abs=0.002)
        assert rest["elapsed_s"] == pytest.approx(120.0)
    assert doc["finished"] is True


def test_a_time_block_reports_distance_covered_and_its_target(capsys):
    doc = sim_workout(capsys, "track_workout_floats_lane2")
    (block,) = [r for r in doc["reps"] if r["block"] == 4]
    assert block["elapsed_s"] == 600.0 and block["target_m"] == pytest.approx(600 / 345 * 1609.344, abs=0.01)
    assert block["distance_m"] > 2000


def test_the_countdown_pips_and_go_are_in_the_sounds(capsys):
    doc = sim_workout(capsys, "track_workout_400s_lane3")
    sounds = [(s["t_s"], s["cue"]) for s in doc["sounds"]]
    go_s = [t for t, c in sounds if c == "go"]
    rests = [r for r in doc["reps"] if r["kind"] == "rest"]
    assert go_s[0] == pytest.approx(222.05, abs=0.002)  # the LAP that ended the warm-up
    go_s = go_s[1:]
    assert go_s == pytest.approx([r["start_s"] + 120.0 for r in rests], abs=0.002)
    pips = [t for t, c in sounds if c == "pip"]
    assert len(pips) == 3 * len(rests)
    assert pips[:3] == pytest.approx([go_s[0] - 3, go_s[0] - 2, go_s[0] - 1], abs=0.002)


def test_a_stop_press_ends_the_workout_where_it_is(capsys):
    ws = WORKOUTS["track_workout_400s_lane3"]
    doc = json.loads(sim(capsys, TRACKS / f"{track_file(ws)}.gpx", "--plan", PLANS / f"{ws.plan_stem}.toml", "--json",
                         "--press", "222.05:lap", "--press", "260:stop"))
    (rep,) = doc["reps"]
    assert rep["ended"] == "stop" and rep["elapsed_s"] == pytest.approx(260 - 222.05, abs=0.01)
    assert doc["finished"] is True


def test_without_json_the_reps_table_is_printed(capsys):
    ws = WORKOUTS["track_workout_400s_lane3"]
    truth = json.loads((TRACKS / f"{track_file(ws)}.truth.json").read_text())
    out = sim(capsys, TRACKS / f"{track_file(ws)}.gpx", "--plan", PLANS / truth["plan"], "--display", "none",
              *[a for p in truth["presses"] for a in ("--press", p)])
    assert "5 x 400 m on the track" in out
    rows = [line.split() for line in out.splitlines() if line[:3].strip().isdigit()]
    assert [row[2] for row in rows] == ["rep", "rest"] * 4 + ["rep"]
    assert "block 2, 5 reps: mean" in out and "fastest" in out and "slowest" in out


@pytest.mark.parametrize("press", ["12", "12:jump", "-3:lap", "x:lap"])  # "-3:lap" as --press=-3:lap
def test_a_bad_press_is_one_line(capsys, press):
    with pytest.raises(SystemExit) as e:
        main(["sim", str(TRACKS / "mile_road_1hz.gpx"), "--plan", str(PLANS / "mile_4_40.toml"), f"--press={press}"])
    assert e.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "--press: expected T:BUTTON" in err


def test_plan_lists_a_workout_rep_by_rep_with_totals(capsys):
    assert main(["plan", str(PLANS / "workout_issue_example.toml")]) == 0
    out = capsys.readouterr().out
    assert "rep 1/5 400 m" in out and "1:10.0" in out and "rep 5/5 400 m" in out and "1:06.0" in out
    assert "float 200 m" in out and "rest = rep" in out and "8.40 km" in out
    assert "free until STOP" in out
    assert out.strip().splitlines()[-1].startswith("total: 20.20 km in 1:21:34")


def test_a_bad_workout_plan_is_one_line(tmp_path, capsys):
    plan = tmp_path / "w.toml"
    plan.write_text('[[workout]]\nrepeat = 5\ndistance = "400 m"\nrest = "later"\n')
    assert main(["plan", str(plan)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{plan}, line 4: workout[1].rest: expected" in err
