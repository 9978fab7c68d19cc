"""The run log on a real card that fills up or goes read-only mid-run, and comes back.

The card is a real file system: a small tmpfs mounted for the test (root only;
the test is skipped elsewhere, naming why). Filling it and remounting it
read-only are what the kernel does to a Pi's SD card; the writer meets the
kernel's own ENOSPC and EROFS, not an error raised by the test. The rider sees
LOG FULL / NO LOG once and the pacing never changes; when the card takes writes
again the log is written whole (test_faults.py has the same rows at the file
seam, and the card that never comes back).
"""

from __future__ import annotations

import errno
import os
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from hw.logfile import LOG_FULL, NO_LOG, read_log_file
from tests.hw.test_faults import FAULT_AT, clean, events, make_config, report_reads, ride, same_pacing  # noqa: F401

BACK_AT = FAULT_AT + 45  # 45 s of a failing card: the retry at 30 s fails, the one at 60 s takes it


def _mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True)


@pytest.fixture
def card(tmp_path):
    """A 1 MiB tmpfs: the run log's card."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system for a real full card needs root")
    path = tmp_path / "card"
    path.mkdir()
    done = _mount("-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", str(path))
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    yield path
    _mount("-o", "remount,rw", str(path))
    subprocess.run(["umount", "-l", str(path)], check=False)


def fill(folder: Path) -> Path:
    """Write zeros until the card says it is full (the kernel's ENOSPC)."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as f:
        block = b"\0" * 4096
        try:
            while True:
                f.write(block)
        except OSError as e:
            assert e.errno == errno.ENOSPC
    return filler


def logged_as_made(shown, word):
    return [replace(s, message="") if s.message == word else s for s in shown]


def test_a_real_card_filling_up_says_log_full_once_and_keeps_everything_to_the_last_whole_record(
    card, mock_pins, events, clean, capsys
):
    def on_step(n, recorder):
        if n == FAULT_AT:
            fill(card)

    result, recorder, shown = ride(make_config(card), events, on_step)
    same_pacing(result, clean)
    said = [s for s in shown if s.message == LOG_FULL]
    assert said and said[-1].t_s - said[0].t_s <= 10.0
    assert recorder.failed and recorder.recovered == 0
    log = read_log_file(recorder.path)
    assert log.warnings == []  # the kernel's short write was cut off: the file ends on a whole record
    assert len(log.steps) >= FAULT_AT - 2
    assert [s.status for s in log.steps] == logged_as_made(shown, LOG_FULL)[: len(log.steps)]
    assert "not finished" in report_reads(recorder.path, capsys)


def test_a_real_card_that_fills_up_then_frees_space_loses_no_step(card, mock_pins, events, clean, capsys):
    filler: list[Path] = []

    def on_step(n, recorder):
        if n == FAULT_AT:
            filler.append(fill(card))
        elif n == BACK_AT:
            filler[0].unlink()  # the rider's phone deleted old logs, say

    result, recorder, shown = ride(make_config(card), events, on_step)
    same_pacing(result, clean)
    assert any(s.message == LOG_FULL for s in shown)
    assert recorder.recovered == 1 and not recorder.failed
    log = read_log_file(recorder.path)
    assert log.warnings == []
    assert [s.status for s in log.steps] == logged_as_made(shown, LOG_FULL)  # every step
    assert "finished in" in report_reads(recorder.path, capsys)


def test_a_run_restarted_onto_a_card_gone_read_only_resumes_and_logs_once_it_is_writable(
    card, mock_pins, events, clean, capsys
):
    """The device died mid-run and its card came back read-only (ext4's errors=remount-ro;
    Linux refuses that remount while a file is open for writing, so the read-only card
    is met at the restart): the run resumes from the log it can still read, the screen
    says NO LOG, and once the card is writable again the log goes on whole."""
    config = make_config(card)

    class Crash(Exception):
        pass

    def crash(n, _recorder):
        if n == FAULT_AT:
            raise Crash()

    with pytest.raises(Crash):
        ride(config, events, crash)
    path = next(card.glob("run-*.jsonl"))
    done = len(read_log_file(path).steps)
    assert _mount("-o", "remount,ro", str(card)).returncode == 0

    def on_step(n, recorder):
        if n == 45:
            assert _mount("-o", "remount,rw", str(card)).returncode == 0

    result, recorder, shown = ride(config, events[done:], on_step)
    assert recorder.resumed_from == path and recorder.recovered == 1
    same_pacing(result, clean)
    assert shown[0].message == NO_LOG
    log = read_log_file(path)
    assert len(log.resumes) == 1 and log.warnings == []
    assert [s.status for s in log.steps[done:]] == logged_as_made(shown, NO_LOG)  # after the restart: every step
    assert "finished in" in report_reads(path, capsys)


def test_a_card_read_only_from_the_start_paces_and_logs_once_it_is_writable(card, mock_pins, events, clean, capsys):
    assert _mount("-o", "remount,ro", str(card)).returncode == 0

    def on_step(n, recorder):
        if n == FAULT_AT:
            assert _mount("-o", "remount,rw", str(card)).returncode == 0

    result, recorder, shown = ride(make_config(card / "logs"), events, on_step)
    same_pacing(result, clean)
    assert shown[0].message == NO_LOG
    log = read_log_file(recorder.path)  # opened at the first retry after the card came back
    assert [s.status for s in log.steps] == logged_as_made(shown, NO_LOG)
    assert "finished in" in report_reads(recorder.path, capsys)
