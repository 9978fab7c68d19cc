"""`pacer run` off the Pi: real gpsd fed a track, gpiozero's MockFactory for the
buttons and buzzer, luma's dummy device for the OLED. It shows the ready
screen, starts on a button press, and paces the track to the finish screen."""

from __future__ import annotations

import threading

import pytest

from hw.clock import MonotonicClock
from hw.device_config import device_config
from hw.run import run_device
from pacer.cli import main
from pacer.config import parse_config
from pacer.errors import ConfigError
from pacer.screen import render
from pacer.status import Cue, Phase
from sim.display import DummyDisplay
from sim.gpsd_harness import run_gpsd
from sim.gpx_source import load_gpx
from sim.nmea_feed import NmeaFeed, epochs_from_fixes

from pathlib import Path
from tests.conftest import NEEDS_GPSD

ROOT = Path(__file__).resolve().parents[2]
TRACK = ROOT / "sim" / "tracks" / "mile_road_1hz.gpx"
PLAN = (ROOT / "sim" / "plans" / "mile_4_40.toml").read_text()


@NEEDS_GPSD[0]
@NEEDS_GPSD[1]
def test_ready_then_button_start_then_paced_to_the_finish_screen(mock_pins):
    track = load_gpx(TRACK)
    clock = MonotonicClock()
    speedup = 20.0
    display = DummyDisplay()
    phases: list[Phase] = []
    sounds: list[Cue] = []
    ready_frame = []
    start_pin = mock_pins.pin(17)

    with NmeaFeed(epochs_from_fixes(track.fixes), clock, speedup=speedup) as feed, run_gpsd(feed.port) as daemon:
        config = parse_config(
            PLAN + f'[device]\ngpsd_port = {daemon.port}\ngps_rate_hz = {speedup}\nstart = "button"\n'
            'display = "none"\nbuzzer = "active"\n',
            "pacer.toml",
        )

        def on_status(status):
            phases.append(status.phase)
            sounds.extend(status.sounds)
            if status.phase == Phase.READY and len(phases) == 3:
                ready_frame.append(display.last_image.copy())
                start_pin.drive_low()  # the rider presses START
                start_pin.drive_high()

        result = run_device(config, device_config(config), clock=clock, display=display,
                            on_status=on_status, finish_hold_s=0.2)

    assert phases[0] == Phase.READY
    assert ready_frame and ready_frame[0].getbbox() is not None  # the ready screen was drawn
    assert Phase.RUNNING in phases and phases[-1] == Phase.FINISHED
    assert Cue.START in sounds and Cue.FINISH in sounds
    assert [s.kind.value for s in result.splits][-1] == "finish"
    assert display.last_image.tobytes() == render(result.final, config.display).tobytes()  # the finish screen
    assert result.final.elapsed_s == pytest.approx(281.06 - 2.0, abs=2.5)  # started on the 3rd fix


def test_stop_event_ends_the_loop(mock_pins):
    config = parse_config(PLAN + '[device]\ndisplay = "none"\nbuzzer = "none"\n')
    stop = threading.Event()
    fixes = iter(load_gpx(TRACK).fixes)

    def on_status(status):
        if status.t_s - load_gpx(TRACK).fixes[0].t_s >= 5:
            stop.set()

    result = run_device(config, device_config(config), source=fixes, stop=stop, on_status=on_status)
    assert result.statuses == 6


def test_a_wrong_device_key_is_one_line(tmp_path, capsys):
    path = tmp_path / "pacer.toml"
    path.write_text(PLAN + '[device]\ndisplay = "hdmi"\n')
    assert main(["run", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pacer: error: ") and "device.display" in err and "'ssd1306'" in err


def test_device_config_rejects_unknown_keys_and_types():
    with pytest.raises(ConfigError, match="device.gps_port: unknown key"):
        device_config(parse_config(PLAN + "[device]\ngps_port = 1\n", "p.toml"))
    with pytest.raises(ConfigError, match="device.gpsd_port: expected int"):
        device_config(parse_config(PLAN + '[device]\ngpsd_port = "x"\n', "p.toml"))


def test_the_oled_gets_only_changed_frames_at_most_five_a_second():
    from PIL import Image

    from hw.run import FrameGate
    from sim.clock import SimClock

    clock = SimClock()
    gate = FrameGate(clock)
    a, b = Image.new("1", (128, 64), 0), Image.new("1", (128, 64), 1)
    assert gate.due(a)
    clock.jump(1.0)
    assert not gate.due(a)  # unchanged
    assert gate.due(b)
    clock.jump(0.1)
    assert not gate.due(a)  # changed, but 0.1 s after the last frame
    assert gate.due(a, urgent=True)  # a split or a cue goes at once
    clock.jump(0.25)
    assert gate.due(b)
