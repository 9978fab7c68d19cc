"""Splits are timed on the distance smoothed over a couple of seconds, and announced then."""

import numpy as np
import pytest

from pacer.config import parse_config
from pacer.events import Fix
from pacer.geo import LocalPlane
from pacer.session import Session
from pacer.split_timing import LAG_S, DistanceHistory
from pacer.status import Cue, SplitKind


def test_a_straight_line_is_crossed_where_it_crosses():
    h = DistanceHistory()
    for t in range(30):
        h.add(float(t), 4.0 * t)
    assert h.crossing_s(50.0, live_t_s=12.5) == pytest.approx(12.5)


def test_jitter_moves_the_smoothed_crossing_less_than_the_live_one():
    rng = np.random.default_rng(3)
    live_err, smooth_err = [], []
    for _ in range(200):
        h = DistanceHistory()
        d = 4.0 * np.arange(40.0) + rng.normal(0.0, 0.8, 40)
        j = int(np.argmax(d >= 80.0))
        live = j - 1 + (80.0 - d[j - 1]) / (d[j] - d[j - 1])
        for t, x in enumerate(d[: int(live + LAG_S) + 2]):  # what the session has when it times the split
            h.add(float(t), float(x))
        live_err.append(live - 20.0)
        smooth_err.append(h.crossing_s(80.0, live) - 20.0)
    assert np.sqrt(np.mean(np.square(smooth_err))) < 0.8 * np.sqrt(np.mean(np.square(live_err)))


def test_without_samples_around_it_the_live_crossing_stands():
    h = DistanceHistory()
    h.add(0.0, 0.0)
    assert h.crossing_s(10.0, live_t_s=2.5) == 2.5


def test_the_session_announces_a_split_once_the_lag_has_passed():
    plane = LocalPlane(47.0, 8.0)
    config = parse_config('[plan]\ndistance = "1 km"\ngoal = "4:00"\nsplit_every = "400 m"\n')
    session = Session(config)
    announced = {}
    for k in range(260):
        lat, lon = plane.to_latlon(4.2 * k, 0.0)
        status = session.step(Fix(1.7e9 + k, lat, lon, speed_mps=4.2, track_deg=90.0))
        for split in status.new_splits:
            announced[split.kind, split.distance_m] = (k, split.elapsed_s)
            assert Cue.SPLIT in status.sounds or Cue.FINISH in status.sounds
    k, elapsed = announced[SplitKind.MARK, 400.0]
    assert elapsed == pytest.approx(400.0 / 4.2, abs=0.05)  # timed where it was crossed
    assert k == pytest.approx(elapsed + LAG_S, abs=1.0)  # and told when the lag had passed
    assert (SplitKind.FINISH, 1000.0) in announced
