"""`pacer run` with a magnet sensor on a pin: the real gpsd fed a road mile, gpiozero's MockFactory
pin driven once per revolution of the mile's true path, and the on-device loop in between.

Time runs ten times faster than the track (one scaled clock for the NMEA feed and the loop), and
each magnet pass is driven when the loop's GPS time reaches it, so the edges the pin factory
stamps and the fixes gpsd sends tell the same ride.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from hw.device_config import device_config
from hw.run import run_device
from pacer.config import parse_config
from pacer.status import Phase
from sim.display import DummyDisplay
from sim.gpsd_harness import run_gpsd
from sim.gpx_source import load_gpx
from sim.nmea_feed import NmeaFeed, epochs_from_fixes
from tests.conftest import NEEDS_GPSD

pytestmark = NEEDS_GPSD

ROOT = Path(__file__).resolve().parents[2]
TRACK = ROOT / "sim" / "tracks" / "mile_road_1hz.gpx"
TRUTH = json.loads((ROOT / "sim" / "tracks" / "mile_road_1hz.truth.json").read_text())
PLAN = (ROOT / "sim" / "plans" / "mile_4_40.toml").read_text()
SPEEDUP = 10.0
RIDE_S = 130.0  # the first straight (500 m) and its bend: enough for a calibration span
WHEEL_PIN = 24
CIRCUMFERENCE_M = 2.105


class ScaledClock:
    """Monotonic time, SPEEDUP times faster: the feed and the loop share it."""

    def now(self) -> float:
        return time.monotonic() * SPEEDUP

    def sleep_until(self, t: float) -> None:
        while (remaining := t - self.now()) > 0:
            time.sleep(remaining / SPEEDUP)


def revolution_times_s() -> np.ndarray:
    """When the magnet passes, seconds from the track's first point: the true distance over the wheel."""
    t, d = np.array(TRUTH["samples"], dtype=float).T
    levels = CIRCUMFERENCE_M * (0.5 + np.arange(int(d[-1] / CIRCUMFERENCE_M)))
    moving = np.concatenate(([True], np.diff(d) > 0))
    return np.interp(levels, d[moving], t[moving])


def test_magnet_passes_on_a_mock_pin_are_the_distance_of_a_pacer_run(mock_pins, tmp_path):
    track = load_gpx(TRACK)
    first_t = track.fixes[0].t_s
    clock = ScaledClock()
    pin = mock_pins.pin(WHEEL_PIN)
    anchor: list[tuple[float, float]] = []  # (GPS time, scaled clock) at the loop's last step
    statuses = []
    stop = threading.Event()
    driven = [0]

    def on_status(status):
        anchor.append((status.t_s, clock.now()))
        statuses.append(status)
        if status.t_s - first_t >= RIDE_S:
            stop.set()

    def ride():
        """Drive the pin low at each magnet pass, when the loop's GPS time gets there."""
        for rev_s in revolution_times_s():
            while not anchor and not stop.is_set():
                time.sleep(0.001)
            if stop.is_set():
                return
            gps_t, at = anchor[-1]
            clock.sleep_until(at + (first_t + rev_s - gps_t))
            if stop.is_set():
                return
            pin.drive_low()
            pin.drive_high()
            driven[0] += 1

    rider = threading.Thread(target=ride, daemon=True)
    epochs = epochs_from_fixes([f for f in track.fixes if f.t_s - first_t <= RIDE_S + 5])
    with NmeaFeed(epochs, clock, speedup=1.0) as feed, run_gpsd(feed.port) as daemon:
        config = parse_config(
            PLAN + f'[device]\ngpsd_port = {daemon.port}\ngps_rate_hz = {SPEEDUP}\nstart = "moving"\n'
            f'display = "none"\nbuzzer = "none"\nwheel_pin = {WHEEL_PIN}\n', "pacer.toml")
        rider.start()
        result = run_device(config, device_config(config), clock=clock, display=DummyDisplay(),
                            on_status=on_status, stop=stop, wheel_store_dir=tmp_path)
    stop.set()
    rider.join(timeout=5)

    wheel = result.wheel
    assert wheel is not None and wheel["source"] == "gpio"
    assert wheel["events"] >= 0.9 * driven[0] > 100  # every magnet pass recorded (the last may be unread)
    assert len(pin.states) >= 2 * driven[0]  # MockFactory saw each pass: low, then high
    running = [s for s in statuses if s.phase == Phase.RUNNING]
    assert running and all(s.wheel == "ok" for s in running)
    assert wheel["state"] == "ok" and wheel["progress_from"] == "wheel"
    # the distance is the wheel's: near the truth at the end
    last = running[-1]
    elapsed = last.t_s - first_t
    t, d = np.array(TRUTH["samples"], dtype=float).T
    start_d = float(np.interp(running[0].t_s - running[0].elapsed_s - first_t, t, d))  # distance counts from the start
    # (a loaded machine may drive a pass a few tenths of a track second late: 2 % of slack)
    assert last.dist_m == pytest.approx(float(np.interp(elapsed, t, d)) - start_d, rel=0.02)
    # and the circumference this ride measured is kept beside the logs for the next
    kept = json.loads((tmp_path / "wheel.json").read_text())
    assert kept["configured_m"] == CIRCUMFERENCE_M and kept["circumference_m"] == pytest.approx(CIRCUMFERENCE_M, rel=0.05)
