"""`pacer sim --log` and `pacer report`: any replay can be reported; a replay
killed with SIGKILL loses nothing but the record being written; bad input is
one line, never a traceback."""

from __future__ import annotations

import csv
import io
import math
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import gpxpy
import pytest

from hw.logfile import read_log_file
from pacer.cli import main
from pacer.config import load_config
from pacer.report import split_table
from pacer.session import Session
from sim.gpx_source import load_gpx, replay_events

ROOT = Path(__file__).resolve().parents[2]
TRACK = ROOT / "sim" / "tracks" / "mile_road_1hz.gpx"
PLAN = ROOT / "sim" / "plans" / "mile_4_40.toml"


@pytest.fixture(scope="module")
def mile_log(tmp_path_factory):
    log = tmp_path_factory.mktemp("log") / "mile.jsonl"
    assert main(["sim", str(TRACK), "--plan", str(PLAN), "--display", "none", "--log", str(log)]) == 0
    return log


def test_the_report_of_a_replay_is_the_replays_split_table(mile_log, capsys):
    assert main(["sim", str(TRACK), "--plan", str(PLAN), "--display", "none"]) == 0
    sim_out = capsys.readouterr().out
    assert main(["report", str(mile_log)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == "Mile PR: 1 mi, goal 4:40.0, from mile.jsonl"
    assert out.splitlines()[1:] == sim_out.splitlines()[1:]
    assert "finished in 4:4" in out and err == ""


def test_the_report_writes_chart_gpx_and_csv(mile_log, tmp_path, capsys):
    png, gpx, table = tmp_path / "pace.png", tmp_path / "run.gpx", tmp_path / "splits.csv"
    assert main(["report", str(mile_log), "--plot", str(png), "--gpx", str(gpx), "--csv", str(table)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(gpxpy.parse(gpx.read_text()).tracks[0].segments[0].points) > 250
    assert [r["kind"] for r in csv.DictReader(io.StringIO(table.read_text()))] == ["mark"] * 3 + ["finish"]


def test_a_cut_off_last_record_is_a_warning_and_the_rest_is_reported(mile_log, tmp_path, capsys):
    cut = tmp_path / "cut.jsonl"
    data = mile_log.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    assert main(["report", str(cut)]) == 0
    out, err = capsys.readouterr()
    assert err.startswith(f"pacer: warning: {cut}, line ") and "the last record is incomplete" in err
    assert "not finished: 1 of 4 marks passed" in out


def _one_line_error(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert err.startswith("pacer: error: ") and err.count("\n") == 1 and "Traceback" not in err
    return err


def test_a_missing_log(tmp_path, capsys):
    assert "nope.jsonl: no such log file" in _one_line_error(capsys, ["report", str(tmp_path / "nope.jsonl")])


def test_a_folder_is_not_a_log(tmp_path, capsys):
    assert "expected a run log file" in _one_line_error(capsys, ["report", str(tmp_path)])


@pytest.mark.parametrize("what", [TRACK, PLAN, ROOT / "tests" / "pacer" / "golden"])
def test_a_file_that_is_not_a_log(what, capsys):
    if what.is_dir():
        what = next(what.glob("*.png"))
    err = _one_line_error(capsys, ["report", str(what)])
    assert f"{what}: not a pacer run log" in err


def test_a_corrupt_record_mid_log_names_the_line(mile_log, tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    lines = mile_log.read_bytes().splitlines(keepends=True)
    lines[10] = b'{"fix": garbage}\n'
    bad.write_bytes(b"".join(lines))
    err = _one_line_error(capsys, ["report", str(bad)])
    assert f"{bad}, line 11: corrupt record" in err


def test_an_output_that_cannot_be_written(mile_log, tmp_path, capsys):
    err = _one_line_error(capsys, ["report", str(mile_log), "--csv", str(tmp_path / "no" / "such" / "dir.csv")])
    assert "dir.csv: cannot write it" in err


def test_sim_log_to_a_path_that_cannot_be_written(tmp_path, capsys):
    (tmp_path / "file").write_text("")
    err = _one_line_error(capsys, ["sim", "--display", "none", "--log", str(tmp_path / "file" / "x.jsonl")])
    assert "x.jsonl: cannot write the log" in err


def test_report_is_in_the_help(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "report" in capsys.readouterr().out


# -- SIGKILL at random points ---------------------------------------------------

SPEED = 30.0  # records a second of wall time (a 1 Hz track): one every 33 ms
KILLS = 20
SLACK = 3  # records either way: 100 ms of scheduling; an unflushed 8 KiB buffer would hide ~19


def _kill_after_first_record(log: Path, delay_s: float, out: dict) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "pacer.cli", "sim", str(TRACK), "--plan", str(PLAN), "--display", "none",
         "--speed", str(SPEED), "--log", str(log)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while not (log.exists() and log.read_bytes().count(b"\n") >= 2):  # the header and the first step
            if time.monotonic() > deadline or proc.poll() is not None:
                out["error"] = f"no first record ({proc.poll()}): {proc.stderr.read().decode() if proc.poll() is not None else ''}"
                return
            time.sleep(0.002)
        first_seen = time.monotonic()
        time.sleep(max(0.0, first_seen + delay_s - time.monotonic()))
        proc.send_signal(signal.SIGKILL)
        out["killed_after_s"] = time.monotonic() - first_seen
    finally:
        proc.kill()
        proc.wait()
        proc.stderr.close()


def test_a_replay_killed_at_20_random_points_loses_nothing_but_the_record_being_written(tmp_path, capsys):
    rng = random.Random(6)
    delays = [rng.uniform(0.2, 3.6) for _ in range(KILLS)]  # past the first split (record 76: 2.5 s)
    outs: list[dict] = [{} for _ in delays]
    threads = []
    for i, delay in enumerate(delays):  # in parallel, started 0.15 s apart (each is mostly asleep)
        t = threading.Thread(target=_kill_after_first_record, args=(tmp_path / f"run{i}.jsonl", delay, outs[i]))
        t.start()
        threads.append(t)
        time.sleep(0.15)
    for t in threads:
        t.join()

    config = load_config(PLAN)
    events = list(replay_events(load_gpx(TRACK).fixes))
    session = Session(config)
    statuses = [session.step(e) for e in events]
    for i, (delay, out) in enumerate(zip(delays, outs)):
        assert "error" not in out, out
        log = read_log_file(tmp_path / f"run{i}.jsonl")
        n = len(log.steps)
        expected = 1 + math.floor(out["killed_after_s"] * SPEED)  # the first record, then one per 1/SPEED s
        assert expected - SLACK <= n <= expected + SLACK, (i, delay, n, expected)
        assert len(log.warnings) <= 1  # at most the record being written
        assert [st.event for st in log.steps] == events[:n]
        assert [st.status for st in log.steps] == statuses[:n]
        assert main(["report", str(tmp_path / f"run{i}.jsonl")]) == 0
        table = capsys.readouterr().out
        prefix_splits = [sp for st in statuses[:n] for sp in st.new_splits]
        assert table.splitlines()[1:] == split_table(config, prefix_splits, False).splitlines()[1:]
    assert any(len(read_log_file(tmp_path / f"run{i}.jsonl").splits) for i in range(KILLS))  # some passed a mark
