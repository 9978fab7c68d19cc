"""`pacer run` restarted mid-run (crash, systemd restart, power cut) resumes the
same run from its log: same start time, same plan position, the splits already
passed kept. Driven by a fake fix source (the bundled mile as events, no gpsd)
on a simulated clock, with gpiozero's MockFactory for the buttons."""

from __future__ import annotations

from pathlib import Path

import pytest

from hw.device_config import device_config
from hw.logfile import log_settings, read_log_file
from hw.recorder import DeviceRecorder
from hw.run import run_device
from pacer.config import parse_config
from pacer.events import Tick
from pacer.status import Phase
from sim.clock import SimClock
from sim.gpx_source import load_gpx, replay_events

ROOT = Path(__file__).resolve().parents[2]
TRACK = ROOT / "sim" / "tracks" / "mile_road_1hz.gpx"
PLAN = (ROOT / "sim" / "plans" / "mile_4_40.toml").read_text()
CRASH_AT = 150  # events before the restart: past the first split (~73 s), before the second


@pytest.fixture(scope="module")
def events():
    return list(replay_events(load_gpx(TRACK).fixes))


def make_config(log_dir: Path, window: str = "10:00"):
    return parse_config(
        PLAN + '[device]\nstart = "moving"\ndisplay = "none"\nbuzzer = "none"\n'
        f'[log]\ndir = "{log_dir}"\nresume_window = "{window}"\n',
        "pacer.toml",
    )


class Crash(Exception):
    pass


def ride(config, source, crash_after: int | None = None):
    """One life of the device process: until the source ends, or a crash after `crash_after` steps."""
    recorder = DeviceRecorder(config, "moving", log_settings(config))
    steps = [0]

    def on_status(_status):
        steps[0] += 1
        if crash_after is not None and steps[0] >= crash_after:
            raise Crash()

    try:
        result = run_device(config, device_config(config), source=iter(source), clock=SimClock(),
                            on_status=on_status, finish_hold_s=0.0, recorder=recorder)
    except Crash:
        return None, recorder
    return result, recorder


def test_a_run_restarted_at_once_ends_exactly_as_one_never_stopped(tmp_path, mock_pins, events):
    whole, _ = ride(make_config(tmp_path / "a"), events)
    config = make_config(tmp_path / "b")
    ride(config, events, crash_after=CRASH_AT)
    result, recorder = ride(config, events[CRASH_AT:])

    assert recorder.resumed_from is not None
    assert result.final.phase == Phase.FINISHED
    assert result.splits == whole.splits  # the split before the crash kept, the rest bit for bit
    log = read_log_file(recorder.path)
    assert [st.event for st in log.steps] == events[: len(log.steps)]
    assert len(log.resumes) == 1 and log.warnings == []
    assert list((tmp_path / "b").iterdir()) == [recorder.path]  # one run, one file


def test_after_a_gap_the_run_keeps_its_start_time_and_passed_splits(tmp_path, mock_pins, events):
    whole, _ = ride(make_config(tmp_path / "a"), events)
    config = make_config(tmp_path / "b")
    ride(config, events, crash_after=CRASH_AT)
    # a reboot: 25 s without the device; gpsd's first ticks are in monotonic time, before any fix
    after = [Tick(31.0, "gpsd gone"), Tick(32.0, "no fix"), *events[CRASH_AT + 25 :]]
    result, recorder = ride(config, after)

    assert recorder.resumed_from is not None
    log = read_log_file(recorder.path)
    assert log.resumes[0]["dropped_events"] == 2  # the ticks before the fix never reach the log
    assert result.splits[0] == whole.splits[0]
    assert [s.kind.value for s in result.splits] == ["mark", "mark", "mark", "finish"]
    for resumed, truth in zip(result.splits[1:], whole.splits[1:]):
        assert resumed.elapsed_s == pytest.approx(truth.elapsed_s, abs=2.0)  # from the same start
    assert all(st.status.elapsed_s >= 0 for st in log.steps)


def test_beyond_the_resume_window_a_new_run_begins(tmp_path, mock_pins, events):
    config = make_config(tmp_path, window="0:20")
    ride(config, events, crash_after=CRASH_AT)
    result, recorder = ride(config, events[CRASH_AT + 25 :])

    assert recorder.resumed_from is None
    assert len(list(tmp_path.glob("run-*.jsonl"))) == 2
    first = read_log_file(recorder.path).steps[0]
    assert first.event == events[CRASH_AT + 25] and first.status.elapsed_s == 0.0


def test_a_finished_run_is_not_resumed(tmp_path, mock_pins, events):
    config = make_config(tmp_path)
    done, _ = ride(config, events)
    assert done.final.phase == Phase.FINISHED
    _, recorder = ride(config, events[-5:])
    assert recorder.resumed_from is None and len(list(tmp_path.glob("run-*.jsonl"))) == 2


def test_a_record_cut_off_by_a_power_cut_is_dropped_and_the_run_resumed(tmp_path, mock_pins, events):
    whole, _ = ride(make_config(tmp_path / "a"), events)
    config = make_config(tmp_path / "b")
    _, first = ride(config, events, crash_after=CRASH_AT)
    with open(first.path, "ab") as f:
        f.write(b'{"fix":{"t_s":1777618949.0,"lat_')  # half a record, then the power went
    result, recorder = ride(config, events[CRASH_AT:])

    assert recorder.resumed_from == first.path
    assert result.splits == whole.splits
    assert read_log_file(first.path).warnings == []  # the half record is gone, not buried mid-file


def test_pacing_goes_on_when_the_log_folder_cannot_be_written(tmp_path, mock_pins, events, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result, recorder = ride(make_config(blocker / "logs"), events)
    assert result.final.phase == Phase.FINISHED and recorder.failed
    assert "pacing without a log" in caplog.text
