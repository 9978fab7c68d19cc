"""The track generator: truth that is exact, tracks that are reproducible, and
GPX files that say what the generated fixes say."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import gpxpy
import numpy as np
import pytest

from pacer.geo import LocalPlane
from sim.generate import SIM_DIR, GeneratedRun, make_run, write_bundled, write_gpx
from sim.profiles import FINE_DT_S, race_speed_mps
from sim.routes import position_at
from sim.scenarios import BUNDLED, PLANS

TRACKS = SIM_DIR / "tracks"
PLANS_DIR = SIM_DIR / "plans"
TPX = "{http://www.garmin.com/xmlschemas/TrackPointExtension/v2}"


def bundled_run(track: str) -> GeneratedRun:
    b = next(b for b in BUNDLED if b.track == track)
    return make_run(b.scenario, b.rate_hz, b.seed)


def truth_file(track: str) -> dict:
    return json.loads((TRACKS / f"{track}.truth.json").read_text())


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("regenerated")
    write_bundled(out)
    return out


@pytest.fixture(scope="module")
def steady() -> GeneratedRun:
    return bundled_run("road_5k_steady_1hz")


def test_bundled_files_are_exactly_what_the_generator_writes(regenerated: Path) -> None:
    for sub, bundled in (("tracks", TRACKS), ("plans", PLANS_DIR)):
        fresh = sorted(p.name for p in (regenerated / sub).iterdir())
        assert fresh, sub
        for name in fresh:
            assert (bundled / name).read_bytes() == (regenerated / sub / name).read_bytes(), name


def test_every_bundled_track_has_a_gpx_a_truth_and_its_plan() -> None:
    for b in BUNDLED:
        truth = truth_file(b.track)
        assert (TRACKS / f"{b.track}.gpx").is_file()
        assert (PLANS_DIR / truth["plan"]).is_file()
        assert truth["name"] == b.track and truth["rate_hz"] == b.rate_hz and truth["seed"] == b.seed


def test_plan_files_hold_exactly_the_loaders_keys() -> None:
    plan = tomllib.loads((PLANS_DIR / "mile_4_40.toml").read_text())
    assert plan == {
        "plan": {"name": "Mile PR", "distance": "1 mi", "goal": "4:40", "split_every": "400 m"},
        "display": {"pace_unit": "mi"},
    }


def test_marks_follow_the_core_rule_a_mile_is_four_laps_to_the_finish_line() -> None:
    assert PLANS["mile_4_40"].marks_m() == pytest.approx((409.344, 809.344, 1209.344, 1609.344))
    assert PLANS["5k_20_00"].marks_m() == pytest.approx((1000, 2000, 3000, 4000, 5000))


@pytest.mark.parametrize("track", ["mile_road_1hz", "road_5k_fartlek_1hz"])
def test_truth_distance_is_the_path_length_of_the_true_positions(track: str) -> None:
    run = bundled_run(track)
    before = run.fine.t_s < run.fine.finish_t_s
    dist = np.append(run.fine.dist_m[before], run.distance_m)
    east, north = position_at(run.route, dist)
    assert np.sum(np.hypot(np.diff(east), np.diff(north))) == pytest.approx(truth_file(track)["distance_m"], abs=0.01)


@pytest.mark.parametrize("track", [b.track for b in BUNDLED])
def test_truth_mark_times_are_monotonic_and_match_integrating_the_speed_profile(track: str) -> None:
    run, marks = bundled_run(track), truth_file(track)["marks"]
    t_s = np.arange(0.0, run.fine.finish_t_s + 1.0, 0.002)  # 25x finer than the generator's grid
    speed_mps = race_speed_mps(run.profile, t_s)
    dist_m = np.concatenate(([0.0], np.cumsum(0.001 * (speed_mps[1:] + speed_mps[:-1]))))
    times = [m["truth_elapsed_s"] for m in marks]
    assert [m["distance_m"] for m in marks] == pytest.approx(run.marks_m)
    assert np.all(np.diff(times) > 0)
    integrated = np.interp(run.marks_m, dist_m, t_s)
    assert times == pytest.approx(integrated, abs=0.002)
    assert run.truth_elapsed_at(np.array(run.marks_m)) == pytest.approx(integrated, abs=0.002)


def test_samples_table_interpolates_to_the_mark_times() -> None:
    truth = truth_file("road_5k_steady_1hz")
    t_s, dist_m = np.array(truth["samples"]).T
    assert np.all(np.diff(t_s) == 1.0) and np.all(np.diff(dist_m) > 0)
    for mark in truth["marks"]:
        assert np.interp(mark["distance_m"], dist_m, t_s) == pytest.approx(mark["truth_elapsed_s"], abs=0.02)


def test_the_runner_is_near_but_not_exactly_on_even_pace() -> None:
    truth = truth_file("mile_road_1hz")
    even = [m["distance_m"] / 1609.344 * 280.0 for m in truth["marks"]]
    off = np.array([m["truth_elapsed_s"] for m in truth["marks"]]) - even
    assert np.all(np.abs(off) < 4.0)
    assert np.ptp(off) > 0.3


def test_speed_never_steps(steady: GeneratedRun) -> None:
    accel = np.diff(steady.fine.speed_mps) / FINE_DT_S
    assert steady.fine.speed_mps[0] == 0.0
    assert np.abs(accel).max() < 2.5


def test_fartlek_alternates_fast_and_slow_minutes() -> None:
    run = bundled_run("road_5k_fartlek_1hz")
    speed = run.truth.speed_mps
    for minute in range(0, 10):
        mean = speed[minute * 60 + 10 : minute * 60 + 50].mean()
        assert mean == pytest.approx(1000 / (220 if minute % 2 == 0 else 280), rel=0.03)


def test_outage_track_has_no_fix_for_25_s_in_the_curve_at_2_3_km() -> None:
    run = bundled_run("road_5k_outage_1hz")
    t = np.array([f.t_s for f in run.fixes]) - run.start_utc.timestamp()
    gap = int(np.argmax(np.diff(t)))
    assert np.diff(t)[gap] == 26.0  # 25 fixes missing at 1 Hz
    before, after = run.truth_dist_at(t[gap]), run.truth_dist_at(t[gap + 1])
    assert 0.5 * (before + after) == pytest.approx(2300.0, abs=10.0)
    course = run.truth.course_deg
    assert abs(course[int(t[gap + 1])] - course[int(t[gap])]) > 60.0


def test_outage_track_is_the_steady_track_minus_the_outage(steady: GeneratedRun) -> None:
    outage = bundled_run("road_5k_outage_1hz")
    (start_s, end_s), = outage.model.dropouts_s
    t0 = steady.start_utc.timestamp()
    assert outage.fixes == [f for f in steady.fixes if not start_s <= f.t_s - t0 < end_s]


def test_a_10hz_run_is_the_1hz_run_sampled_ten_times_as_often(steady: GeneratedRun) -> None:
    fast = bundled_run("road_5k_steady_10hz")
    assert len(fast.fixes) == 10 * (len(steady.fixes) - 1) + 1
    assert np.array_equal(fast.truth.elapsed_s[::10], steady.truth.elapsed_s)
    assert np.array_equal(fast.truth.east_m[::10], steady.truth.east_m)


def test_track_starts_from_standing_at_the_start_time(steady: GeneratedRun) -> None:
    truth = truth_file("road_5k_steady_1hz")
    assert truth["start_time"] == "2026-05-01T07:00:00Z"
    assert truth["samples"][0] == [0.0, 0.0]
    assert steady.fixes[0].t_s == steady.start_utc.timestamp()


def test_fixes_scatter_around_the_true_positions(steady: GeneratedRun) -> None:
    plane = LocalPlane(*steady.scenario.origin_deg)
    xy = np.array([plane.to_xy(f.lat_deg, f.lon_deg) for f in steady.fixes])
    err = np.hypot(xy[:, 0] - steady.truth.east_m, xy[:, 1] - steady.truth.north_m)
    assert 0.5 < np.median(err) < 6.0


@pytest.mark.parametrize("rate_hz", [1, 10])
def test_written_gpx_reads_back_with_the_same_points_times_and_speeds(rate_hz: int, tmp_path: Path) -> None:
    run = make_run("mile_road", rate_hz, seed=3)
    write_gpx(run, tmp_path / "run.gpx")
    points = gpxpy.parse((tmp_path / "run.gpx").read_text()).tracks[0].segments[0].points

    def ext(point: gpxpy.gpx.GPXTrackPoint, tag: str) -> float | None:
        found = point.extensions[0].find(TPX + tag)
        return None if found is None else float(found.text)

    assert len(points) == len(run.fixes)
    assert [p.time.timestamp() for p in points] == [f.t_s for f in run.fixes]
    assert [(p.latitude, p.longitude, p.elevation) for p in points] == [(f.lat_deg, f.lon_deg, f.alt_m) for f in run.fixes]
    assert [ext(p, "speed") for p in points] == [f.speed_mps for f in run.fixes]
    assert [ext(p, "course") for p in points] == [f.track_deg for f in run.fixes]


def test_bundled_gpx_has_fractional_seconds_at_10hz() -> None:
    text = (TRACKS / "road_5k_steady_10hz.gpx").read_text()
    assert "<time>2026-05-01T07:00:00.100000Z</time>" in text


def test_a_10hz_marathon_generates_on_the_fly() -> None:
    run = make_run("marathon", 10, seed=1)
    assert run.distance_m == pytest.approx(42195.0)
    assert 2.9 * 3600 < run.fine.finish_t_s < 3.1 * 3600
    assert len(run.fixes) == pytest.approx(10 * run.fine.finish_t_s, rel=0.01)


def test_rates_that_do_not_divide_the_truth_grid_are_refused() -> None:
    with pytest.raises(ValueError, match="rate_hz"):
        make_run("mile_road", 3, seed=0)
