"""The wheel: revolutions as an odometer, the circumference from GPS, and a wheel never trusted blindly."""

from __future__ import annotations

import heapq
import math

import numpy as np
import pytest

from pacer.config import parse_config
from pacer.events import Fix, Wheel
from pacer.session import Session
from pacer.status import Phase
from pacer.wheel import DEFAULT_CIRCUMFERENCE_M, WheelOdometer, WheelSettings
from pacer.wheel_circumference import Circumference, CircumferenceEstimate, next_ride_start
from pacer.wheel_spans import StraightSpans
from sim.generate import make_run
from sim.gpx_source import replay_events
from sim.speed_channels import CHANNELS
from sim.wheel_gen import wheel_truth
from sim.wheel_source import wheel_events

# -- the odometer ---------------------------------------------------------------


def test_the_first_revolution_counts_half_a_turn():
    """Where the magnet was at the start is unknown: half a turn is the best guess."""
    odo = WheelOdometer()
    odo.add(Wheel(10.0, 57))
    assert odo.revs == 0.5


def test_revolutions_between_events_are_interpolated():
    odo = WheelOdometer()
    odo.add(Wheel(10.0, 1))
    odo.add(Wheel(11.0, 3))
    assert odo.revs_at(10.5) == pytest.approx(1.5)


def test_past_the_last_event_at_most_one_more_revolution_is_assumed():
    odo = WheelOdometer()
    odo.add(Wheel(10.0, 1))
    odo.add(Wheel(10.5, 2))
    assert odo.revs_at(10.75) == pytest.approx(2.0)
    assert odo.revs_at(30.0) == pytest.approx(2.5)


def test_a_reconnected_sensor_counting_from_zero_goes_on_from_where_it_was():
    odo = WheelOdometer()
    for t, n in ((1.0, 100), (2.0, 102), (3.0, 0), (4.0, 3)):
        odo.add(Wheel(t, n))
    assert odo.revs == pytest.approx(2.5 + 3)
    assert odo.resets == 1


def test_an_event_older_than_the_last_is_dropped():
    odo = WheelOdometer()
    odo.add(Wheel(10.0, 1))
    assert not odo.add(Wheel(9.0, 2))


# -- the circumference ------------------------------------------------------------


def test_with_no_evidence_the_start_value_is_used():
    est = CircumferenceEstimate(Circumference(2.105, 0.04))
    assert est.current == Circumference(2.105, 0.04)


def test_a_guessed_start_follows_long_gps_spans():
    est = CircumferenceEstimate(Circumference(2.105, 0.04))
    est.add_span(4300.0, 2000.0, 2.5)  # 2.15 m a turn
    assert est.current.metres == pytest.approx(2.15, abs=0.002)


def test_a_well_calibrated_start_is_barely_moved_by_a_short_span():
    est = CircumferenceEstimate(Circumference(2.105, 0.001))
    est.add_span(215.0, 100.0, 2.5)  # 2.15, but +-0.035 m
    assert est.current.metres == pytest.approx(2.105, abs=0.001)
    assert not est.start_rejected


def test_a_start_the_gps_contradicts_is_dropped():
    """A stored calibration, then a new tyre 2 % bigger: once the spans say so, GPS alone decides."""
    est = CircumferenceEstimate(Circumference(2.105, 0.002))
    for _ in range(10):
        est.add_span(430.0, 200.0, 2.5)
    assert est.start_rejected
    assert est.current.metres == pytest.approx(2.15, abs=0.001)


def test_the_next_ride_starts_a_little_less_sure():
    nxt = next_ride_start(Circumference(2.11, 0.0005))
    assert nxt.metres == 2.11 and nxt.sigma_m > 0.0005


# -- straight stretches -------------------------------------------------------------


def test_a_straight_then_a_corner_gives_one_span_ended_before_the_corner():
    spans = StraightSpans()
    got = []
    for k in range(60):  # 4 m/s north for 40 s, then east
        t = float(k)
        x, y = (0.0, 4.0 * t) if t <= 40 else (4.0 * (t - 40), 160.0)
        span = spans.add(t, x, y, revs=4.0 * min(t, 40) / 2.0 + (4.0 * (t - 40) / 2.0 if t > 40 else 0.0))
        if span:
            got.append(span)
    assert len(got) == 1
    chord, revs = got[0]
    assert chord == pytest.approx(2.0 * revs)  # chord and wheel agree: nothing of the corner inside
    assert chord >= 140.0


# -- the wheel in a session -----------------------------------------------------------


def _session_with_wheel(run, settings: WheelSettings, rev_times_s, channel="positions only"):
    config = parse_config(run.scenario.plan.toml())
    session = Session(config, wheel=settings)
    fixes = CHANNELS[channel](run.fixes)
    events = heapq.merge(replay_events(fixes), wheel_events(list(rev_times_s), run.fixes[0].t_s), key=lambda e: e.t_s)
    statuses = [session.step(e) for e in events]
    return session, statuses


@pytest.fixture(scope="module")
def road_run():
    return make_run("road_2k_random", 1, 7)


def test_a_calibrated_wheel_gives_the_distance_at_every_mark(road_run):
    truth = wheel_truth(road_run, 1.0)
    session, _ = _session_with_wheel(road_run, WheelSettings(truth.circumference_m, 0.0005 * truth.circumference_m),
                                     truth.times_s)
    first_s = road_run.fixes[0].t_s - road_run.start_utc.timestamp()
    for split in session.splits:
        true_s = float(road_run.truth_elapsed_at(split.distance_m)) - first_s
        assert abs(split.elapsed_s - true_s) < 0.5
    assert session.route.describe()["wheel"]["state"] == "ok"


def test_a_sensor_that_stops_is_dropped_within_5_s_and_gps_carries_on(road_run):
    truth = wheel_truth(road_run, 0.0)
    stop_s = 200.0
    revs = [t for t in truth.times_s if t < stop_s]
    session, statuses = _session_with_wheel(road_run, WheelSettings(), revs)
    t0 = road_run.fixes[0].t_s
    lost_at = next(s.t_s - t0 for s in statuses if s.wheel == "lost")
    last_rev = max(revs)
    assert last_rev < lost_at <= last_rev + 5.0
    assert all(s.wheel == "ok" for s in statuses if s.t_s - t0 < last_rev)
    # the run goes on and finishes on GPS, near the truth
    assert statuses[-1].phase == Phase.FINISHED
    first_s = t0 - road_run.start_utc.timestamp()
    finish = session.splits[-1]
    assert abs(finish.elapsed_s - (float(road_run.truth_elapsed_at(finish.distance_m)) - first_s)) < 4.0
    w = session.route.describe()["wheel"]
    assert w["state"] == "lost" and w["progress_from"] == "gps" and w["drops"][0]["why"] == "lost"


def test_distance_does_not_jump_when_the_sensor_is_dropped(road_run):
    truth = wheel_truth(road_run, 0.0)
    revs = [t for t in truth.times_s if t < 200.0]
    _, statuses = _session_with_wheel(road_run, WheelSettings(), revs)
    running = [s for s in statuses if s.phase == Phase.RUNNING]
    steps = np.diff([s.dist_m for s in running])
    assert steps.max() < 12.0  # a second at most twice a runner's pace


def test_a_slipping_wheel_is_dropped_and_its_stretch_given_back_to_gps(road_run):
    truth = wheel_truth(road_run, 0.0)
    t = np.asarray(truth.times_s)
    inside = np.flatnonzero((t >= 150.0) & (t < 180.0))
    revs = np.delete(t, inside[::3])  # a third of the turns missed for 30 s: 40 m short
    session, _ = _session_with_wheel(road_run, WheelSettings(truth.circumference_m, 0.001), revs)
    drops = session.route.describe()["wheel"]["drops"]
    assert drops and drops[0]["why"] == "slipping"
    first_s = road_run.fixes[0].t_s - road_run.start_utc.timestamp()
    finish = session.splits[-1]
    assert abs(finish.elapsed_s - (float(road_run.truth_elapsed_at(finish.distance_m)) - first_s)) < 3.0


def test_an_uncalibrated_wheel_ends_nearer_its_true_circumference(road_run):
    truth = wheel_truth(road_run, 2.0)
    session, _ = _session_with_wheel(road_run, WheelSettings(), truth.times_s, channel="doppler")
    w = session.route.describe()["wheel"]
    assert abs(w["circumference_m"] - truth.circumference_m) < 0.25 * abs(DEFAULT_CIRCUMFERENCE_M - truth.circumference_m)
    assert w["circumference_sigma_m"] < 0.02 * DEFAULT_CIRCUMFERENCE_M


def test_without_a_wheel_the_status_says_nothing_of_one(road_run):
    config = parse_config(road_run.scenario.plan.toml())
    session = Session(config)
    status = session.step(road_run.fixes[0])
    assert status.wheel is None and session.wheel is None


def test_a_wheel_event_never_moves_progress_by_itself():
    config = parse_config('[plan]\nname = "x"\ndistance = "1 km"\ngoal = "4:00"\n')
    session = Session(config, wheel=WheelSettings())
    fix = Fix(1_777_000_000.0, 51.0, 7.0)
    session.step(fix)
    before = session.route.dist_m
    session.step(Wheel(fix.t_s + 0.5, 3))
    assert session.route.dist_m == before
    assert math.isfinite(session.step(Wheel(fix.t_s + 0.6, 4)).dist_m)
