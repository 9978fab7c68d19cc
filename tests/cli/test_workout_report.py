"""`pacer report` of a workout's run log: the reps table with its spread, the reps as
CSV, a chart with the reps shaded, and the runner's journal entry."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from pacer.cli import main
from sim.workouts import WORKOUTS, track_file

ROOT = Path(__file__).resolve().parents[2]
TRACKS, PLANS = ROOT / "sim" / "tracks", ROOT / "sim" / "plans"
WS = WORKOUTS["track_workout_400s_lane3"]
TRUTH = json.loads((TRACKS / f"{track_file(WS)}.truth.json").read_text())


@pytest.fixture(scope="module")
def logged(tmp_path_factory):
    """The bundled 5 x 400 m replayed with its presses, logged, and its --json."""
    import contextlib
    import io

    out = tmp_path_factory.mktemp("log")
    log = out / "run.jsonl"
    args = ["sim", str(TRACKS / f"{track_file(WS)}.gpx"), "--plan", str(PLANS / TRUTH["plan"]), "--json",
            "--log", str(log), *[a for p in TRUTH["presses"] for a in ("--press", p)]]
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(args) == 0
    return log, json.loads(buf.getvalue())


def report(capsys, *args) -> str:
    code = main(["report", *map(str, args)])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_the_report_rebuilds_the_reps_the_device_timed(capsys, logged):
    log, doc = logged
    out = report(capsys, log)
    rows = [line.split() for line in out.splitlines() if line[:3].strip().isdigit()]
    assert len(rows) == len(doc["reps"])
    for row, rep in zip(rows, doc["reps"]):
        assert row[2] == rep["kind"]
        if rep.get("delta_s") is not None:
            assert float(row[7]) == pytest.approx(rep["delta_s"], abs=0.051)  # blk rep kind 400 m target actual ±


def test_the_report_gives_the_spread_of_the_reps(capsys, logged):
    log, doc = logged
    out = report(capsys, log)
    deltas = [r["delta_s"] for r in doc["reps"] if r["kind"] == "rep"]
    mean = sum(deltas) / len(deltas)
    assert f"block 2, 5 reps: mean {mean:+.1f} s" in out
    fastest = min((r for r in doc["reps"] if r["kind"] == "rep"), key=lambda r: r["elapsed_s"])
    assert f"(rep {fastest['index']}), slowest" in out


def test_csv_writes_every_rep_and_rest(capsys, logged, tmp_path):
    log, doc = logged
    report(capsys, log, "--csv", tmp_path / "reps.csv")
    rows = list(csv.DictReader((tmp_path / "reps.csv").open()))
    assert [r["kind"] for r in rows] == [r["kind"] for r in doc["reps"]]
    assert [float(r["elapsed_s"]) for r in rows] == pytest.approx([r["elapsed_s"] for r in doc["reps"]], abs=0.001)
    assert [float(r["start_s"]) for r in rows] == pytest.approx([r["start_s"] for r in doc["reps"]], abs=0.001)


def test_the_journal_gets_one_entry_per_report_with_blanks_to_fill(capsys, logged, tmp_path):
    log, _ = logged
    journal = tmp_path / "journal.md"
    journal.write_text("# My training\n")
    report(capsys, log, "--journal", journal)
    report(capsys, log, "--journal", journal)
    text = journal.read_text()
    assert text.startswith("# My training\n\n## 2026-05-01 07:00 UTC: 5 x 400 m on the track")
    assert text.count("## 2026-05-01") == 2
    for heading in ("### How it went", "### Effort (1–10)", "### Pain", "### Weather and humidity",
                    "### What to change next time"):
        assert text.count(heading) == 2
    assert "| 2 | 1/5 | rep | 400 m | 1:10.0 |" in text
    assert "5 reps: 2.00 km in" in text


def test_plot_shades_the_reps(capsys, logged, tmp_path):
    pytest.importorskip("matplotlib")
    log, _ = logged
    report(capsys, log, "--plot", tmp_path / "reps.png")
    assert (tmp_path / "reps.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_continuous_run_gets_a_journal_entry_with_its_splits(capsys, tmp_path):
    log = tmp_path / "mile.jsonl"
    assert main(["sim", str(TRACKS / "mile_road_1hz.gpx"), "--plan", str(PLANS / "mile_4_40.toml"), "--json",
                 "--log", str(log)]) == 0
    capsys.readouterr()
    report(capsys, log, "--journal", tmp_path / "j.md")
    text = (tmp_path / "j.md").read_text()
    assert "Mile PR" in text and "finished in" in text and "### How it went" in text


def test_a_journal_that_cannot_be_written_is_one_line(capsys, logged, tmp_path):
    log, _ = logged
    assert main(["report", str(log), "--journal", str(tmp_path / "no" / "such" / "j.md")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot append the journal entry" in err
