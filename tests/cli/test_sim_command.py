"""`pacer sim` end to end, in-process: bundled tracks against their truth, and the
one-line errors a stranger gets for a wrong command line."""

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


@pytest.mark.parametrize(
    "track", ["road_5k_steady_1hz", "road_5k_steady_10hz", "road_5k_fartlek_1hz", "road_5k_outage_1hz", "mile_road_1hz"]
)
def test_every_split_is_within_max_1_5_s_or_0_3_percent_of_the_truth(capsys, track):
    truth = json.loads((TRACKS / f"{track}.truth.json").read_text())
    doc = sim_json(capsys, TRACKS / f"{track}.gpx", "--plan", PLANS / truth["plan"])
    assert doc["finished"] is True
    assert [s["distance_m"] for s in doc["splits"]] == pytest.approx([m["distance_m"] for m in truth["marks"]])
    for split, mark in zip(doc["splits"], truth["marks"]):
        allowed_s = max(1.5, 0.003 * mark["truth_elapsed_s"])
        assert split["elapsed_s"] == pytest.approx(mark["truth_elapsed_s"], abs=allowed_s), split
    assert doc["splits"][-1]["kind"] == "finish"


def test_json_carries_what_the_issue_promises(capsys):
    doc = sim_json(capsys, TRACKS / "mile_road_1hz.gpx", "--plan", PLANS / "mile_4_40.toml")
    first = doc["splits"][0]
    assert set(first) >= {"distance_m", "target_s", "elapsed_s"}
    assert first["target_s"] == pytest.approx(280 * 409.344 / 1609.344, abs=0.01)
    assert [s["cue"] for s in doc["sounds"]][:1] == ["start"]
    assert doc["buzzer"]["pin_changes"] > 0


def test_no_arguments_replays_the_bundled_mile(capsys):
    assert main(["sim", "--speed", "max"]) == 0
    out = capsys.readouterr().out
    assert "Mile PR" in out and "finish" in out and "finished in 4:4" in out


def test_frames_can_be_written_as_png(tmp_path, capsys):
    frames = tmp_path / "frames"
    assert main(["sim", "--display", f"png:{frames}", "--speed", "max"]) == 0
    assert len(list(frames.glob("*.png"))) > 250


def test_plan_prints_the_schedule(capsys):
    assert main(["plan", str(PLANS / "mile_4_40.toml")]) == 0
    out = capsys.readouterr().out
    assert "1:10.0" in out or "1:11.2" in out
    assert "4:40" in out and "pace/km" in out


def _one_line_error(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("pacer: error: ") and err.count("\n") == 1 and "Traceback" not in err
    return err


def test_a_bad_plan_is_one_line(tmp_path, capsys):
    plan = tmp_path / "p.toml"
    plan.write_text('[plan]\ndistance = "1 mi"\ngoal = "4:75"\n')
    err = _one_line_error(capsys, ["sim", "--plan", str(plan), "--display", "none"])
    assert "p.toml, line 3: plan.goal" in err


def test_a_broken_track_is_one_line(tmp_path, capsys):
    track = tmp_path / "t.gpx"
    track.write_text("<gpx><trk><trkseg><trkpt lat='1' lon='2'></trkseg>")
    err = _one_line_error(capsys, ["sim", str(track), "--plan", str(PLANS / "mile_4_40.toml"), "--display", "none"])
    assert "t.gpx: not a well-formed GPX file" in err


def test_a_track_needs_a_plan(capsys):
    err = _one_line_error(capsys, ["sim", str(TRACKS / "mile_road_1hz.gpx")])
    assert "--plan" in err and "mile_4_40.toml" in err


def test_json_and_the_terminal_display_cannot_share_stdout(capsys):
    err = _one_line_error(capsys, ["sim", "--json", "--display", "terminal"])
    assert "--display none" in err


def test_an_unknown_display(capsys):
    err = _one_line_error(capsys, ["sim", "--display", "hdmi"])
    assert "hdmi" in err


def test_a_bad_speed_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as e:
        main(["sim", "--speed", "fast"])
    assert e.value.code == 2
    assert "expected a number" in capsys.readouterr().err


def test_every_subcommand_is_in_the_help(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "sim" in out and "plan" in out


def test_json_says_which_speed_the_distance_came_from_and_what_was_rejected(capsys):
    from pacer.cli import main

    assert main(["sim", "--json", "--display", "none"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["speed_source"] == "doppler"
    assert doc["rejected_fixes"] >= 0 and doc["restarts"] >= 0


@pytest.mark.parametrize("argv", [["plan", "5k_20_00"], ["sim", "--json", "--display", "none"]])
def test_a_reader_that_stops_early_gets_no_traceback(argv):
    """`pacer plan ... | head`: the pipe closes under pacer, which ends quietly."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "pacer.cli", *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # before pacer (still importing) writes a byte: its write meets a closed pipe
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert "Traceback" not in err and err == "", err
    assert proc.returncode == 0
