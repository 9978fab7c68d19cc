"""Generated track runs (issue 5): the runner in lane 1 from the start the distance
places, the bike abreast in the middle of its own lane, the truth the runner's."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pacer.oval import LAP_M, STRAIGHT_M, Oval, lane_centre_radius_m, lane_radius_m
from sim.generate import SIM_DIR, lap_crossings_m, make_run
from sim.scenarios import TRACK_HEADING_DEG


@pytest.mark.parametrize("lane", [1, 4])
def test_the_bike_rides_abreast_of_its_runner_in_the_middle_of_its_lane(lane: int) -> None:
    run = make_run(f"track_mile_lane{lane}", 1, seed=1)
    oval = Oval.from_finish(0.0, 0.0, TRACK_HEADING_DEG)
    start = (STRAIGHT_M - run.distance_m) % LAP_M
    dist = run.truth_dist_at(run.truth.elapsed_s)
    for e, n, d in zip(run.truth.east_m, run.truth.north_m, dist):
        w = oval.project(float(e), float(n))
        assert (w.coord_m - start - d + LAP_M / 2) % LAP_M - LAP_M / 2 == pytest.approx(0.0, abs=0.05)
        assert w.offset_m == pytest.approx(lane_centre_radius_m(lane) - lane_radius_m(1), abs=0.02)


def test_on_the_bends_the_bikes_doppler_speed_is_its_lanes() -> None:
    run = make_run("track_mile_lane4", 1, seed=1)
    ratio = run.truth.speed_mps[10:] / run.fine.speed_mps[::20][10 : len(run.truth.speed_mps)]
    assert ratio.max() == pytest.approx(lane_centre_radius_m(4) / lane_radius_m(1), abs=0.003)
    assert ratio.min() == pytest.approx(1.0, abs=0.003)


def test_a_3000_m_truth_lists_every_crossing_of_the_line() -> None:
    truth = json.loads((SIM_DIR / "tracks" / "track_3000_lane2_1hz.truth.json").read_text())
    assert [round(lap["distance_m"]) for lap in truth["laps"]] == [200, 600, 1000, 1400, 1800, 2200, 2600]
    assert np.all(np.diff([lap["truth_elapsed_s"] for lap in truth["laps"]]) > 60)


def test_a_mile_crosses_the_line_9_34_m_after_its_start() -> None:
    # 9.34 m, plus 4 laps of the chords the polyline draws its bends with (6 mm a lap)
    assert lap_crossings_m(make_run("track_mile_lane1", 1, seed=1))[0] == pytest.approx(9.34, abs=0.03)
