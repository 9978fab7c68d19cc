"""`pacer sim`, `pacer plan` and `pacer report` in course mode (issue 12): the bundled hilly
5k with its drawn course, a MARK press, the summary's route and corrections."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pacer.cli import main

ROOT = Path(__file__).resolve().parents[2]
TRACKS = ROOT / "sim" / "tracks"
PLANS = ROOT / "sim" / "plans"
HILLS = TRACKS / "road_5k_hills_1hz.gpx"


def test_course_mode_splits_are_the_runners_and_the_summary_names_the_course(capsys) -> None:
    truth = json.loads((TRACKS / "road_5k_hills_1hz.truth.json").read_text())
    assert main(["sim", str(HILLS), "--plan", "5k_hills_course", "--json", "--press", "483.6:mark",
                 "--press", "600:mark"]) == 0
    doc = json.loads(capsys.readouterr().out)
    route = doc["route"]
    assert route["mode"] == "course" and route["course"].endswith("road_5k_hills_1hz.course.gpx")
    assert route["course_length_m"] == pytest.approx(5000.0, rel=0.01)
    assert route["time_off_course_s"] == 0.0 and 0.0 < route["residual_rms_m"] < 3.0
    times = {m["distance_m"]: m["truth_elapsed_s"] for m in truth["marks"]}
    for split in doc["splits"]:
        assert split["elapsed_s"] == pytest.approx(times[split["distance_m"]], abs=1.0), split
    taken, refused = doc["corrections"]
    assert taken["accepted"] and taken["board_m"] == 2000.0 and abs(taken["by_m"]) < 30.0
    assert not refused["accepted"] and refused["by_m"] == 0.0


def test_the_marks_of_a_run_are_listed_by_pacer_report(tmp_path: Path, capsys) -> None:
    log = tmp_path / "run.jsonl"
    assert main(["sim", str(HILLS), "--plan", "5k_hills_course", "--display", "none", "--press", "483.6:mark",
                 "--log", str(log)]) == 0
    sim_out = capsys.readouterr().out
    assert main(["report", str(log)]) == 0
    report_out = capsys.readouterr().out
    line = next(x for x in report_out.splitlines() if x.startswith("MARK at 8:03.6: snapped to the 2 km board"))
    assert line in sim_out


def test_pacer_plan_names_the_course_and_shows_the_hills(capsys) -> None:
    assert main(["plan", "5k_hills_course"]) == 0
    out = capsys.readouterr().out
    assert "course road_5k_hills_1hz.course.gpx: " in out and "stretched" in out
    assert "targets: grade-adjusted, Minetti" in out
    rows = [line.split() for line in out.splitlines() if line.split()[:2] in (["1", "km"], ["2", "km"], ["3", "km"],
                                                                            ["4", "km"], ["5", "km"])]
    assert len({row[2] for row in rows}) == 5  # no two km of rolling hills get the same target


def test_a_broken_course_file_is_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    (tmp_path / "c.gpx").write_text("<gpx><trk><trkseg><trkpt lat='47' lon=")
    plan = tmp_path / "p.toml"
    plan.write_text('[plan]\ngoal = "20:00"\n[route]\nmode = "course"\ncourse = "c.gpx"\n')
    assert main(["sim", str(HILLS), "--plan", str(plan), "--json"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pacer: error: ") and "c.gpx: not a well-formed GPX file" in err
    assert err.count("\n") == 1 and "Traceback" not in err
