"""Every case issue 10 found failing, through the command line: each ends in exit 0
or one line naming the file (exit 2), never a traceback or a hang."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pacer.cli import main

ROOT = Path(__file__).resolve().parents[2]
TRACK = ROOT / "sim" / "tracks" / "mile_road_1hz.gpx"
PLAN = ROOT / "sim" / "plans" / "mile_4_40.toml"


def one_error_line(capsys, path: Path) -> str:
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("pacer: error: ") and str(path) in lines[0], err
    assert "Traceback" not in err
    return lines[0]


def plan(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "plan.toml"
    path.write_text(body)
    return path


# -- plans ----------------------------------------------------------------------

@pytest.mark.parametrize(
    "body, expected",
    [
        ('[plan]\ndistance = "' + "9" * 4000 + ' m"\ngoal = "4:40"\n', "plan.distance: expected a distance of at most 40"),
        ('[plan]\ndistance = "1 mi"\ngoal = "' + "9" * 4000 + '"\n', "plan.goal: expected a time of at most 40"),
        ('[plan]\ndistance = "1 mi"\ngoal = ' + "9" * 400 + "\n", "plan.goal: expected a time from 0.001 s to under 1000 hours"),
        ('[plan]\ndistance = "1 mi"\ngoal = "99999:00:00"\n', "under 1000 hours"),
        ('[plan]\ndistance = "1000 km"\ngoal = "99:00:00"\n', "plan.distance: expected a distance from 1 m to under 1000 km"),
        ('[plan]\ndistance = "1 mi"\ngoal = "4:40"\nsplit_every = "0.5 m"\n', "plan.split_every: expected a distance from 1 m"),
        ('[plan]\ndistance = "100 km"\ngoal = "9:00:00"\nsplit_every = "1 m"\n', "at most 10,000"),
        ("x = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
        ('[plan]\ndistance = "1 mi"\ngoal = "4.40"\n', "ambiguous"),
        ('[plan]\ndistance = "1 mi"\ngoal = "4:40"\n[route]\nmode = "track"\nfinish = [0, 0]\nheading = 90.0\n',
         "[0, 0] is the point a receiver without a fix reports"),
    ],
)
def test_a_hostile_plan_is_one_line(tmp_path, capsys, body, expected):
    path = plan(tmp_path, body)
    assert main(["plan", str(path)]) == 2
    assert expected in one_error_line(capsys, path)


def test_a_bare_integer_goal_is_seconds_and_shown_back_as_minutes(tmp_path, capsys):
    """Decided: goal = 280 is 280 s; the schedule prints it as 4:40.0 so a slip shows."""
    assert main(["plan", str(plan(tmp_path, '[plan]\ndistance = "1 mi"\ngoal = 280\n'))]) == 0
    assert "1 mi in 4:40.0" in capsys.readouterr().out


def test_a_plan_file_far_too_big_is_refused_before_it_is_read_whole(tmp_path, capsys):
    path = plan(tmp_path, '[plan]\ndistance = "1 mi"\ngoal = "4:40"\n' + "#" * 300_000 + "\n")
    assert main(["plan", str(path)]) == 2
    assert "larger than" in one_error_line(capsys, path)


# -- GPX --------------------------------------------------------------------------

def gpx(tmp_path: Path, times: list[str], speed: str | None = "5.0", version: str = "1.1") -> Path:
    points = "".join(
        f'<trkpt lat="47.0" lon="{8.0 + k * 6e-5:.7f}"><time>{t}</time>'
        + (f"<extensions><speed>{speed}</speed></extensions>" if speed is not None else "")
        + "</trkpt>\n"
        for k, t in enumerate(times)
    )
    path = tmp_path / "t.gpx"
    path.write_text(
        f'<?xml version="1.0"?>\n<gpx version="{version}" creator="t" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><trkseg>\n{points}</trkseg></trk></gpx>\n"
    )
    return path


def sim_json(capsys, track: Path) -> dict:
    code = main(["sim", str(track), "--plan", str(PLAN), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def seconds(n: int, year: int = 2024) -> list[str]:
    return [f"{year:04d}-05-01T06:{k // 60:02d}:{k % 60:02d}Z" for k in range(n)]


@pytest.mark.parametrize(
    "times, span",
    [
        (seconds(20) + seconds(20, 2124)[:20], "years"),  # a 100-year jump (GPS week rollover does this)
        (seconds(20) + [f"2024-05-21T06:00:{k:02d}Z" for k in range(20)], "days"),  # 20 days
        (seconds(20, 1) + seconds(20), "years"),  # dated year 1, then right
        (seconds(20) + seconds(20, 9999), "years"),  # then year 9999
    ],
)
def test_a_clock_jump_is_replayed_as_a_pause_with_a_note_not_as_ticks(tmp_path, capsys, times, span):
    doc = sim_json(capsys, gpx(tmp_path, times))
    assert doc["steps"] < 60  # 40 fixes and a few ticks: never years of ticks to replay
    assert any("clock jumps" in n and span in n and "pause" in n for n in doc["notes"])
    assert doc["track_duration_s"] < 60


@pytest.mark.parametrize("speed", ["1e6", "-1", "nan", "inf", "fast", ""])
def test_an_impossible_speed_is_ignored_with_one_note(tmp_path, capsys, speed):
    doc = sim_json(capsys, gpx(tmp_path, seconds(30), speed=speed))
    notes = [n for n in doc["notes"] if "ignored the speed of 30 points" in n]
    assert len(notes) == 1 and "line 3" in notes[0]
    assert doc["final_dist_m"] < 200  # 30 s at about 4.5 m/s from positions; never a mile in 0.002 s


def test_a_speed_of_a_million_mps_does_not_finish_a_mile(tmp_path, capsys):
    doc = sim_json(capsys, gpx(tmp_path, seconds(30), speed="1e6"))
    assert doc["finished"] is False


def test_an_unknown_gpx_version_is_read_with_a_note(tmp_path, capsys):
    """Decided: version="2.0" is read as 1.1 (its elements are 1.1's), and said."""
    doc = sim_json(capsys, gpx(tmp_path, seconds(10), version="2.0"))
    assert any("GPX version '2.0' is not 1.0 or 1.1" in n for n in doc["notes"])


def test_a_gpx_of_1_0_with_text_for_a_speed_is_one_line_naming_its_line(tmp_path, capsys):
    path = tmp_path / "t.gpx"
    path.write_text(
        '<?xml version="1.0"?>\n<gpx version="1.0" creator="t" xmlns="http://www.topografix.com/GPX/1/0"><trk><trkseg>\n'
        '<trkpt lat="47.0" lon="8.0"><time>2024-05-01T06:00:00Z</time>\n<speed>fast</speed></trkpt>\n'
        "</trkseg></trk></gpx>\n"
    )
    assert main(["sim", str(path), "--plan", str(PLAN), "--json"]) == 2
    line = one_error_line(capsys, path)
    assert "line 4" in line and "expected a number" in line


def test_an_xml_bomb_is_refused_at_once(tmp_path, capsys):
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
    )
    path = tmp_path / "bomb.gpx"
    path.write_text(f'<?xml version="1.0"?><!DOCTYPE gpx [{entities}]><gpx version="1.1" creator="t"><trk><name>&j;</name></trk></gpx>')
    assert main(["sim", str(path), "--plan", str(PLAN), "--json"]) == 2
    assert "not a well-formed GPX file" in one_error_line(capsys, path)


# -- run logs ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def log_lines(tmp_path_factory) -> list[str]:
    path = tmp_path_factory.mktemp("log") / "mile.jsonl"
    assert main(["sim", str(TRACK), "--plan", str(PLAN), "--display", "none", "--log", str(path)]) == 0
    return path.read_text().splitlines(keepends=True)


def damaged(tmp_path: Path, lines: list[str], n: int, old: str, new: str) -> Path:
    lines = list(lines)
    assert re.search(old, lines[n])
    lines[n] = re.sub(old, new, lines[n], count=1)
    path = tmp_path / "run.jsonl"
    path.write_text("".join(lines))
    return path


@pytest.mark.parametrize(
    "n, old, new, expected",
    [
        (5, r'"t_s":[0-9.]+', '"t_s":NaN', "line 6: corrupt record (NaN is not a number a run log holds)"),
        (5, r'"t_s":[0-9.]+', '"t_s":"soon"', "line 6: corrupt record (t_s is 'soon'; expected a finite number)"),
        (5, r'"status":\{.*\}\}$', '"status":null}', "line 6: corrupt record (status is None"),
        (5, r'"t_s":[0-9.]+', '"t_s":1e300', "t_s is 1e+300; expected a finite number"),
        (5, r'"t_s":[0-9.]+', '"t_s":1e14', "t_s is 100000000000000.0; expected GPS time in Unix seconds"),
        (0, r'"pace_unit":"\w+"', '"pace_unit":"yd"', "line 1: damaged header"),
        (5, r'"dist_m":[0-9.]+', '"dist_m":' + "9" * 500, "dist_m is"),
    ],
)
def test_a_damaged_log_field_is_one_line(tmp_path, capsys, log_lines, n, old, new, expected):
    path = damaged(tmp_path, log_lines, n, old, new)
    assert main(["report", str(path)]) == 2
    assert expected in one_error_line(capsys, path)


def test_a_five_megabyte_line_is_refused_without_reading_it_whole(tmp_path, capsys, log_lines):
    path = tmp_path / "run.jsonl"
    path.write_text(log_lines[0] + '{"tick":"' + "x" * 5_000_000 + '"}\n' + "".join(log_lines[1:]))
    assert main(["report", str(path)]) == 2
    assert "line 2: longer than 4,194,304 bytes" in one_error_line(capsys, path)


def test_duplicated_records_are_read_once_with_a_warning(tmp_path, capsys, log_lines):
    path = tmp_path / "run.jsonl"
    path.write_text("".join(log_lines[:50] + log_lines[49:]))
    assert main(["report", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "1 records repeat the one before (the first at line 51); read each once" in err
    assert "finished in" in out and out.count(" finish") == 1


def test_shuffled_records_are_reported_as_logged_with_a_warning(tmp_path, capsys, log_lines):
    path = tmp_path / "run.jsonl"
    path.write_text("".join(log_lines[:1] + log_lines[100:200] + log_lines[1:100] + log_lines[200:]))
    assert main(["report", str(path)]) == 0
    assert "99 records go back in time (the first at line 102)" in capsys.readouterr().err


def test_an_unreadable_gpx_time_names_its_line(tmp_path, capsys):
    path = gpx(tmp_path, ["2024-05-01T06:00:00Z", "yesterday", "2024-05-01T06:00:02Z"])
    assert main(["sim", str(path), "--plan", str(PLAN), "--json"]) == 2
    line = one_error_line(capsys, path)
    assert "line 4: track point 2 has no <time> that reads as a time" in line


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_a_sim_log_on_a_full_device_is_one_line(capsys):
    """/dev/full answers every write with ENOSPC: a real full disk, no root needed."""
    assert main(["sim", str(TRACK), "--plan", str(PLAN), "--display", "none", "--log", "/dev/full"]) == 2
    assert "cannot write the log (No space left on device)" in one_error_line(capsys, Path("/dev/full"))
