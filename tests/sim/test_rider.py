"""The virtual rider: exact when nothing disturbs it, and the strategies rank as they must."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pacer.events import Fix
from sim.rider import Course, RiderParams, make_world, ou_series, ride
from sim.rider_strategies import WatchController, quantised_speed

SEEDS = (2000, 2001, 2002)


@pytest.fixture(scope="module")
def mile() -> Course:
    return Course.from_scenario("mile_road")


def test_a_perfect_rider_by_feel_finishes_exactly_on_time(mile: Course) -> None:
    """No bias, drift, bends or wind: the flying start at plan speed holds it, mark by mark."""
    perfect = RiderParams.perfect()
    result = ride(mile, make_world(mile, 1, perfect), "feel", perfect)
    assert len(result.mark_errors_s) == len(mile.config.plan.marks_m)
    assert max(abs(e) for e in result.mark_errors_s) < 1e-6
    assert result.duration_s == pytest.approx(mile.config.plan.goal_s, abs=1e-6)


def test_a_perfect_rider_with_pacer_stays_close_despite_gnss_noise(mile: Course) -> None:
    """Only GNSS errors remain, and pacer must not talk a perfect rider off schedule."""
    perfect = RiderParams.perfect()
    result = ride(mile, make_world(mile, 2000, perfect), "pacer", perfect)
    assert abs(result.finish_error_s) < 1.0
    assert result.cues <= 2


def test_the_same_seed_gives_the_same_ride(mile: Course) -> None:
    a = ride(mile, make_world(mile, 7, RiderParams()), "pacer")
    b = ride(mile, make_world(mile, 7, RiderParams()), "pacer")
    assert a == b


def test_a_rider_following_pacer_finishes_a_mile_within_a_second_where_feel_does_not(mile: Course) -> None:
    pacer = [ride(mile, make_world(mile, s, RiderParams()), "pacer") for s in SEEDS]
    feel = [ride(mile, make_world(mile, s, RiderParams()), "feel") for s in SEEDS]
    assert all(abs(r.finish_error_s) <= 1.0 for r in pacer)
    assert all(max(abs(e) for e in r.mark_errors_s) <= 1.5 for r in pacer)
    assert np.mean([abs(r.finish_error_s) for r in feel]) > 3 * np.mean([abs(r.finish_error_s) for r in pacer])


def test_pacer_hardly_cues_a_rider_who_is_on_schedule(mile: Course) -> None:
    rides = [ride(mile, make_world(mile, s, RiderParams()), "pacer") for s in SEEDS]
    on_minutes = sum(r.on_schedule_s for r in rides) / 60
    assert on_minutes > 0.8 * sum(r.duration_s for r in rides) / 60
    assert sum(r.cues_on_schedule for r in rides) / on_minutes < 2.0


def test_a_rider_with_cues_only_hears_them_and_does_better_than_feel(mile: Course) -> None:
    """Eyes on the road, the buzzer alone: better than feel on the whole, if not by much
    (a cue gives no amount, and a standing one repeats only every 30 s)."""
    cues = [ride(mile, make_world(mile, s, RiderParams()), "cues") for s in SEEDS]
    feel = [ride(mile, make_world(mile, s, RiderParams()), "feel") for s in SEEDS]
    assert all(r.cues > 0 for r in cues)
    assert np.mean([abs(r.finish_error_s) for r in cues]) < np.mean([abs(r.finish_error_s) for r in feel])


def test_the_watch_rider_rides_slow_on_raw_fix_to_fix_pace() -> None:
    """Raw fix-to-fix distance reads long, so the watch shows fast and the rider eases: late."""
    five_k = Course.from_scenario("road_5k_steady")
    rides = [ride(five_k, make_world(five_k, s, RiderParams()), "watch") for s in SEEDS]
    assert all(r.finish_error_s > 10.0 for r in rides)


def test_the_watch_shows_the_true_speed_on_clean_fixes(mile: Course) -> None:
    watch = WatchController(RiderParams(), np.random.default_rng(0), mile)
    for k in range(10):
        lat, lon = mile.plane.to_latlon(0.0, 5.0 * k)
        watch.on_fix(Fix(float(k), lat, lon), float(k), 5.0 * k, 0.0)
    assert watch.shown_speed_mps() == pytest.approx(5.0, rel=1e-6)
    assert len(watch.points) == 6  # the last 5 s: six fixes, five steps


def test_curvature_of_the_junction_turn(mile: Course) -> None:
    """The mile's 40 m right turn sits after 500 m + a 200 m x 30 deg bend + 400 m."""
    middle_m = 500 + 200 * math.pi / 6 + 400 + 10 * math.pi  # half of the 90 deg arc
    assert mile.curvature[int(middle_m)] == pytest.approx(1 / 40, rel=0.02)
    assert mile.curvature[250] == pytest.approx(0.0, abs=1e-9)


def test_pace_is_read_in_whole_seconds_per_unit() -> None:
    shown = quantised_speed(1609.344 / 280.4, 1609.344)
    assert shown == pytest.approx(1609.344 / 280)
    assert quantised_speed(None, 1000.0) is None


def test_the_sense_of_speed_wanders_by_its_sigma() -> None:
    x = ou_series(np.random.default_rng(3), 40_000, 0.02, 180.0)
    assert x.std() == pytest.approx(0.02, rel=0.25)
    assert np.corrcoef(x[:-180], x[180:])[0, 1] == pytest.approx(math.exp(-1), abs=0.15)
