"""`pacer sim TRACK --wheel WHEEL.csv`: the bundled wheel files replayed beside their tracks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pacer.cli import main

ROOT = Path(__file__).resolve().parents[2]
TRACKS = ROOT / "sim" / "tracks"
PLANS = ROOT / "sim" / "plans"


def sim_json(capsys, *args):
    code = main(["sim", *map(str, args), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_the_wheel_file_gives_every_split_within_a_second(capsys):
    truth = json.loads((TRACKS / "road_5k_steady_1hz.truth.json").read_text())
    doc = sim_json(capsys, TRACKS / "road_5k_steady_1hz.gpx", "--plan", "5k_20_00",
                   "--wheel", TRACKS / "road_5k_steady_1hz.wheel.csv")
    assert doc["finished"] is True
    for split, mark in zip(doc["splits"], truth["marks"]):
        assert split["elapsed_s"] == pytest.approx(mark["truth_elapsed_s"], abs=1.5), split


def test_json_reports_the_wheel_source_circumference_and_its_uncertainty(capsys):
    doc = sim_json(capsys, TRACKS / "mile_road_1hz.gpx", "--plan", "mile_4_40",
                   "--wheel", TRACKS / "mile_road_1hz.wheel.csv")
    wheel = doc["wheel"]
    assert wheel["source"] == "sim" and wheel["state"] == "ok" and wheel["progress_from"] == "wheel"
    assert wheel["circumference_start_m"] == 2.105
    assert 0 < wheel["circumference_sigma_m"] < wheel["circumference_start_sigma_m"]
    assert doc["route"]["wheel"] == wheel


def test_without_a_wheel_the_json_has_no_wheel(capsys):
    doc = sim_json(capsys, TRACKS / "mile_road_1hz.gpx", "--plan", "mile_4_40")
    assert "wheel" not in doc and "wheel" not in doc["route"]


def test_the_plans_device_circumference_is_where_the_wheel_starts(capsys, tmp_path):
    plan = tmp_path / "plan.toml"
    plan.write_text((PLANS / "mile_4_40.toml").read_text() + "[device]\nwheel_circumference = 2.136\n")
    doc = sim_json(capsys, TRACKS / "mile_road_1hz.gpx", "--plan", plan, "--wheel", TRACKS / "mile_road_1hz.wheel.csv")
    assert doc["wheel"]["circumference_start_m"] == 2.136
    assert doc["wheel"]["circumference_start_sigma_m"] == pytest.approx(0.01 * 2.136)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("time\n1.0\n", "no t_s column"),
        ("t_s\n1.0\nsoon\n", "line 3: t_s is 'soon'"),
        ("t_s\n2.0\n1.0\n", "line 3: t_s 1.0 is before the row above"),
        ("# only a comment\n", "no rows"),
    ],
)
def test_a_broken_wheel_file_is_one_line_naming_it(capsys, tmp_path, text, expected):
    path = tmp_path / "w.csv"
    path.write_text(text)
    code = main(["sim", str(TRACKS / "mile_road_1hz.gpx"), "--plan", "mile_4_40", "--wheel", str(path), "--json"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("pacer: error: w.csv") and expected in err and err.count("\n") == 1


def test_a_missing_wheel_file_is_one_line(capsys, tmp_path):
    code = main(["sim", str(TRACKS / "mile_road_1hz.gpx"), "--plan", "mile_4_40", "--wheel", str(tmp_path / "no.csv")])
    err = capsys.readouterr().err
    assert code == 2 and "no.csv" in err and err.count("\n") == 1


def test_the_wheel_cannot_go_through_gpsd(capsys):
    code = main(["sim", str(TRACKS / "mile_road_1hz.gpx"), "--plan", "mile_4_40", "--via-gpsd",
                 "--wheel", str(TRACKS / "mile_road_1hz.wheel.csv"), "--json"])
    assert code == 2 and "--wheel" in capsys.readouterr().err
