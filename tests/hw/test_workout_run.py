"""`pacer run` with a workout: real gpsd fed a track, gpiozero's MockFactory for the LAP
and STOP buttons; and a restart in the middle of a rep that keeps the rep."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from hw.clock import MonotonicClock
from hw.device_config import device_config
from hw.logfile import log_settings
from hw.recorder import DeviceRecorder
from hw.run import run_device
from pacer.config import parse_config
from pacer.screen import render
from pacer.status import Cue, Phase
from sim.clock import SimClock
from sim.display import DummyDisplay
from sim.gpsd_harness import run_gpsd
from sim.gpx_source import load_gpx, replay_events
from sim.nmea_feed import NmeaFeed, epochs_from_fixes
from tests.conftest import NEEDS_GPSD

ROOT = Path(__file__).resolve().parents[2]
TRACK = ROOT / "sim" / "tracks" / "mile_road_1hz.gpx"  # a steady 4:40 mile: 400 m in about 70 s
START_PIN, LAP_PIN, STOP_PIN = 17, 27, 22

WORKOUT = """\
[plan]
name = "2 x 400 m"

[[workout]]
free = "until lap"

[[workout]]
repeat = 2
distance = "400 m"
goal = "1:10"
rest = "0:15"

[[workout]]
free = "until stop"
"""


def press(pins, pin: int) -> None:
    pins.pin(pin).drive_low()
    pins.pin(pin).drive_high()


@NEEDS_GPSD[0]
@NEEDS_GPSD[1]
def test_a_workout_runs_through_gpsd_with_lap_and_stop(mock_pins):
    track = load_gpx(TRACK)
    clock = MonotonicClock()
    speedup = 20.0
    display = DummyDisplay()
    statuses = []
    pressed = {"lap": False, "stop": False}
    stop = threading.Event()

    with NmeaFeed(epochs_from_fixes(track.fixes[:240]), clock, speedup=speedup) as feed, run_gpsd(feed.port) as daemon:
        config = parse_config(
            WORKOUT + f'[device]\ngpsd_port = {daemon.port}\ngps_rate_hz = {speedup}\n'
            'display = "none"\nbuzzer = "active"\n',
            "pacer.toml",
        )

        def on_status(status):
            statuses.append(status)
            w = status.workout
            if status.phase is Phase.READY and len(statuses) == 3:
                press(mock_pins, START_PIN)  # the rider starts the session: the warm-up
            if w is not None and w.kind == "free" and status.elapsed_s >= 20 and not pressed["lap"]:
                pressed["lap"] = True
                press(mock_pins, LAP_PIN)  # the runner goes: LAP starts the first rep
            if w is not None and w.kind == "free" and w.next_step is None and w.step_elapsed_s >= 5 and not pressed["stop"]:
                pressed["stop"] = True
                press(mock_pins, STOP_PIN)  # the cool-down is over

        give_up = threading.Timer(40.0, stop.set)  # a hang fails the test instead of the suite
        give_up.start()
        try:
            result = run_device(config, device_config(config), clock=clock, display=display,
                                on_status=on_status, finish_hold_s=0.2, stop=stop)
        finally:
            give_up.cancel()

    records = [r for s in statuses if s.workout for r in s.workout.new_records]
    assert [(r.kind, r.index, r.ended) for r in records] == [("rep", 1, "distance"), ("rest", 1, "go"), ("rep", 2, "distance")]
    rep1, rest, rep2 = records
    started = next(s for s in statuses if s.phase is Phase.RUNNING)
    assert 20.0 <= rep1.start_t_s - started.t_s <= 22.0  # the LAP, a turn of the loop after it was pressed
    for rep in (rep1, rep2):
        assert rep.elapsed_s == pytest.approx(69.6, abs=2.0)
    assert rest.elapsed_s == 15.0 and rep2.start_t_s == rep1.start_t_s + rep1.elapsed_s + 15.0
    sounds = [c for s in statuses for c in s.sounds]
    assert sounds.count(Cue.PIP) == 3 and sounds.count(Cue.GO) == 2  # the LAP's GO and the rest's
    assert Cue.REP_DONE in sounds and Cue.BLOCK_DONE in sounds and sounds[-1] is Cue.FINISH
    assert result.final.phase is Phase.FINISHED
    assert display.last_image.tobytes() == render(result.final, config.display).tobytes()


# -- a restart in the middle of a rep ---------------------------------------------------

RESUMABLE = """\
[[workout]]
repeat = 2
distance = "400 m"
goal = "1:10"
rest = "0:10"
"""
CRASH_AT = 110  # events: in the second rep (about 80 s to 150 s)


@pytest.fixture(scope="module")
def events():
    return list(replay_events(load_gpx(TRACK).fixes))


def make_config(log_dir: Path):
    return parse_config(RESUMABLE + f'[device]\nstart = "moving"\ndisplay = "none"\nbuzzer = "none"\n[log]\ndir = "{log_dir}"\n',
                        "pacer.toml")


class Crash(Exception):
    pass


def ride(config, source, crash_after: int | None = None):
    recorder = DeviceRecorder(config, "moving", log_settings(config))
    seen = []

    def on_status(status):
        seen.append(status)
        if crash_after is not None and len(seen) >= crash_after:
            raise Crash()

    try:
        run_device(config, device_config(config), source=iter(source), clock=SimClock(), on_status=on_status,
                   finish_hold_s=0.0, recorder=recorder)
    except Crash:
        pass
    return recorder, seen[-1].t_s


def after(events, t_s: float, gap_s: float = 0.0):
    """The source of the next life of the device: the fixes after `t_s` (+ a gap without the device)."""
    return [e for e in events if e.t_s > t_s + gap_s]


def test_a_restart_mid_rep_keeps_the_rep(tmp_path, mock_pins, events):
    whole = ride(make_config(tmp_path / "a"), events)[0].session.records
    config = make_config(tmp_path / "b")
    crashed, last_t = ride(config, events, crash_after=CRASH_AT)
    before = crashed.session
    assert before.steps[before.i].kind == "rep" and before.steps[before.i].index == 2  # crashed mid-rep
    recorder, _ = ride(config, after(events, last_t))
    assert recorder.resumed_from is not None
    assert recorder.session.records == whole  # the rep run across the restart, bit for bit


def test_after_a_reboot_gap_the_rep_keeps_its_start(tmp_path, mock_pins, events):
    whole = ride(make_config(tmp_path / "a"), events)[0].session.records
    config = make_config(tmp_path / "b")
    _, last_t = ride(config, events, crash_after=CRASH_AT)
    recorder, _ = ride(config, after(events, last_t, gap_s=15.0))  # 15 s without the device
    records = recorder.session.records
    assert recorder.resumed_from is not None
    assert records[:2] == whole[:2]
    assert records[2].start_t_s == whole[2].start_t_s
    assert records[2].elapsed_s == pytest.approx(whole[2].elapsed_s, abs=1.0)


def test_a_changed_workout_is_not_resumed(tmp_path, mock_pins, events):
    from pacer.config import load_config

    plan = tmp_path / "pacer.toml"
    device = f'[device]\nstart = "moving"\ndisplay = "none"\nbuzzer = "none"\n[log]\ndir = "{tmp_path / "logs"}"\n'
    plan.write_text(RESUMABLE + device)
    config = load_config(plan)
    _, last_t = ride(config, events, crash_after=CRASH_AT)
    plan.write_text(RESUMABLE.replace('goal = "1:10"', 'goal = "1:10.5"\nprogression = "-1 s"') + device)
    changed = load_config(plan)
    assert changed.plan == config.plan and changed.workout != config.workout  # the same totals
    recorder, _ = ride(changed, after(events, last_t))
    assert recorder.resumed_from is None
    assert len(list((tmp_path / "logs").iterdir())) == 2  # a new run, a new log


def test_the_same_workout_from_its_file_is_resumed(tmp_path, mock_pins, events):
    from pacer.config import load_config

    plan = tmp_path / "pacer.toml"
    plan.write_text(RESUMABLE + f'[device]\nstart = "moving"\ndisplay = "none"\nbuzzer = "none"\n'
                    f'[log]\ndir = "{tmp_path / "logs"}"\n')
    _, last_t = ride(load_config(plan), events, crash_after=CRASH_AT)
    recorder, _ = ride(load_config(plan), after(events, last_t))
    assert recorder.resumed_from is not None
