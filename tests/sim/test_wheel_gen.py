"""The generated wheel: one revolution per true circumference of the bike's path, from the truth."""

from __future__ import annotations

import numpy as np
import pytest

from pacer.wheel import DEFAULT_CIRCUMFERENCE_M
from sim.generate import make_run
from sim.wheel_gen import bike_path_m, wheel_truth, write_wheel_csv
from sim.wheel_source import load_wheel_csv, wheel_events


@pytest.fixture(scope="module")
def mile():
    return make_run("mile_road", 1, 1609)


def test_revolutions_times_circumference_is_the_bike_path(mile):
    truth = wheel_truth(mile, 2.0)
    path_m = bike_path_m(mile, np.random.default_rng([mile.seed, 3]))[-1]
    assert len(truth.times_s) == pytest.approx(path_m / truth.circumference_m, abs=1.0)
    assert truth.circumference_m == pytest.approx(DEFAULT_CIRCUMFERENCE_M * 1.02)


def test_the_bike_weaves_a_little_longer_than_the_route(mile):
    path_m = bike_path_m(mile, np.random.default_rng([mile.seed, 3]))[-1]
    straight_m = bike_path_m(mile, np.random.default_rng([mile.seed, 3]), weave_m=0.0)[-1]
    assert 1.0 < path_m / straight_m < 1.001


def test_on_a_track_the_bike_rides_its_lane_longer_than_lane_one():
    run = make_run("track_mile_lane3", 1, 1609)
    path_m = bike_path_m(run, np.random.default_rng(0), weave_m=0.0)[-1]
    assert path_m > run.fine.dist_m[-1] * 1.02


def test_dropouts_leave_no_revolution_inside(mile):
    truth = wheel_truth(mile, 0.0, dropouts_s=((100.0, 130.0),))
    t = truth.times_s
    assert not ((t >= 100.0) & (t < 130.0)).any() and (t > 130.0).any()


def test_the_file_reads_back_as_written(mile, tmp_path):
    truth = wheel_truth(mile, -1.0)
    path = tmp_path / "w.csv"
    write_wheel_csv(truth, path)
    assert path.read_text().startswith("# wheel revolutions")
    assert load_wheel_csv(path) == pytest.approx(list(truth.times_s), abs=1e-4)


def test_revolutions_replay_as_cumulative_wheel_events():
    events = list(wheel_events([0.5, 1.0, 1.0, 1.6], 1000.0))
    assert [(e.t_s, e.revs) for e in events] == [(1000.5, 1), (1001.0, 3), (1001.6, 4)]
