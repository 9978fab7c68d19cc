"""The fault matrix's GPS rows with the real gpsd and the run log: gpsd killed and
restarted, the receiver unplugged and back. The rider sees GPS LOST then the run
goes on (test_via_gpsd.py checks the splits against the truth); here: the log
holds every step, the reason included, and `pacer report` reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from hw.clock import MonotonicClock
from hw.gpsd_source import GpsdSource
from hw.logfile import log_settings, read_log_file
from hw.recorder import DeviceRecorder
from pacer.cli import main
from pacer.config import load_config
from pacer.events import Fix, Tick
from pacer.session import Session
from pacer.status import GpsState, Phase
from sim.gpsd_harness import run_gpsd
from sim.gpx_source import load_gpx
from sim.nmea_feed import NmeaFeed, epochs_from_fixes
from tests.conftest import NEEDS_GPSD

ROOT = Path(__file__).resolve().parents[2]
TRACKS, PLANS = ROOT / "sim" / "tracks", ROOT / "sim" / "plans"

pytestmark = NEEDS_GPSD


def logged_run_with_fault(tmp_path: Path, fault_on, fault_off):
    """The bundled mile through gpsd at 20x into a logging recorder, with a fault of 1 s
    of wall time (20 s of the run) from 100 s in; every status, and the recorder."""
    track = load_gpx(TRACKS / "mile_road_1hz.gpx")
    plan = tmp_path / "pacer.toml"
    plan.write_text((PLANS / "mile_4_40.toml").read_text() + f'[coach]\nloss_timeout = 0.5\n[log]\ndir = "{tmp_path}"\n')
    config = load_config(plan)
    recorder = DeviceRecorder(config, "first_fix", log_settings(config)).attach(Session(config))
    clock = MonotonicClock()
    statuses = []
    with NmeaFeed(epochs_from_fixes(track.fixes), clock, speedup=20.0) as feed, run_gpsd(feed.port) as daemon:
        source = GpsdSource(port=daemon.port, clock=clock, rate_hz=20.0, backend="stream", tick_interval_s=0.05)
        fault_at = None
        try:
            for event in source:
                statuses.append(recorder.step(event))
                if fault_at is None and isinstance(event, Fix) and event.t_s - track.fixes[0].t_s > 100:
                    fault_on(daemon, feed)
                    fault_at = clock.now()
                elif fault_at is not None and clock.now() - fault_at > 1.0 and fault_off is not None:
                    fault_off(daemon, feed)
                    fault_off = None
                if statuses[-1].phase == Phase.FINISHED:
                    break
        finally:
            source.close()
            recorder.close()
    return statuses, recorder


@pytest.mark.parametrize(
    "fault_on, fault_off, reason",
    [
        (lambda d, f: d.kill(), lambda d, f: d.restart(), "gpsd gone"),
        (lambda d, f: f.unplug(), lambda d, f: f.replug(), "no fix"),
    ],
    ids=["gpsd-killed-and-restarted", "receiver-unplugged-and-back"],
)
def test_a_gps_fault_mid_run_is_in_the_log_and_the_report_reads_it(tmp_path, capsys, fault_on, fault_off, reason):
    statuses, recorder = logged_run_with_fault(tmp_path, fault_on, fault_off)
    assert statuses[-1].phase == Phase.FINISHED
    log = read_log_file(recorder.path)
    assert [st.status for st in log.steps] == statuses  # every step, none lost
    lost = [st for st in log.steps if st.status.gps == GpsState.LOST and st.status.elapsed_s > 0]
    assert lost and any(isinstance(st.event, Tick) and st.event.reason == reason for st in lost)
    assert main(["report", str(recorder.path)]) == 0
    assert "finished in" in capsys.readouterr().out


def test_the_loop_sounds_each_pattern_on_time_between_fixes(tmp_path, mock_pins):
    """At 1 Hz a pattern's beeps fall between fixes: the loop is woken for each change
    (GpsdSource.wake_at), so the START pattern's beeps last what pacer/sounds.py says,
    not a whole fix period each."""
    from gpiozero.pins.mock import MockFactory

    from hw.buzzer import BUZZER_PIN, make_hw_buzzer
    from hw.device_config import device_config
    from hw.run import run_device
    from pacer.config import parse_config
    from pacer.sounds import PATTERNS
    from pacer.status import Cue
    from tests.hw.test_gpsd_source import straight_line

    config = parse_config((PLANS / "mile_4_40.toml").read_text()
                          + '[device]\nstart = "moving"\ndisplay = "none"\nbuzzer = "none"\n', "pacer.toml")
    factory = MockFactory()
    buzzer = make_hw_buzzer("active", pin_factory=factory)
    clock = MonotonicClock()
    fixes = straight_line(1.0, 9)
    with NmeaFeed(epochs_from_fixes(fixes), clock) as feed, run_gpsd(feed.port) as daemon:
        source = GpsdSource(port=daemon.port, clock=clock, rate_hz=1.0)
        seen: list = []

        def on_status(status):
            seen.append(status)
            if status.t_s >= fixes[-1].t_s:
                source.close()

        run_device(config, device_config(config), source=source, clock=clock, buzzer=buzzer, on_status=on_status)
    assert any(Cue.START in s.sounds for s in seen)
    pin = factory.pin(BUZZER_PIN)
    changes = pin.states[1:]  # after the initial state: (seconds since the change before, state)
    first_on = next(i for i, c in enumerate(changes) if c.state)
    steps = [d for d, _ in PATTERNS[Cue.START]]  # on, off, on, off, on
    heard = [c.timestamp for c in changes[first_on + 1 : first_on + 1 + len(steps)]]
    assert heard == pytest.approx(steps, abs=0.06)
