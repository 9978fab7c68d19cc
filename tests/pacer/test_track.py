"""Track mode (issue 5): the standard oval, the runner's lane-1 coordinate whatever
lane the bike is in, the start placed from the distance, laps at the finish line."""

from __future__ import annotations

import math

import pytest

from pacer.config import parse_config
from pacer.errors import ConfigError
from pacer.events import Fix
from pacer.geo import LocalPlane
from pacer.oval import BEND_M, LAP_M, STRAIGHT_M, Oval, lane_centre_radius_m, lane_radius_m
from pacer.session import Session
from pacer.status import Cue, SplitKind
from pacer.track_fit import LapCollector, fit_oval

FINISH = (32.2321268, -110.9504239)
HEADING = 217.0
T0 = 1.7e9


@pytest.fixture
def oval() -> Oval:
    return Oval.from_finish(0.0, 0.0, HEADING)


def track_plan(distance: str = "1 mi", goal: str = "4:40", route: str = "", lane: int = 3) -> str:
    route = route or f"lane = {lane}\nfinish = [{FINISH[0]}, {FINISH[1]}]\nheading = {HEADING}\n"
    return f'[plan]\ndistance = "{distance}"\ngoal = "{goal}"\nsplit_every = "400 m"\n[route]\nmode = "track"\n{route}'


# -- the geometry ---------------------------------------------------------------


def test_lane_one_is_400_m_and_each_lane_out_adds_about_7_66_m() -> None:
    assert LAP_M == pytest.approx(400.0, abs=0.002)
    assert 2 * STRAIGHT_M + 2 * math.pi * lane_radius_m(2) - LAP_M == pytest.approx(7.04, abs=0.01)
    assert 2 * math.pi * (lane_radius_m(4) - lane_radius_m(3)) == pytest.approx(7.665, abs=0.001)


def test_the_finish_point_is_coordinate_zero_at_the_end_of_the_home_straight(oval: Oval) -> None:
    w = oval.project(0.0, 0.0)
    assert w.coord_m == pytest.approx(STRAIGHT_M)
    assert math.degrees(math.atan2(w.tx, w.ty)) % 360 == pytest.approx(HEADING)


@pytest.mark.parametrize("coord_m", [0.0, 10.0, 84.0, 100.0, 150.0, 200.0, 250.0, 316.0, 350.0, 399.9])
@pytest.mark.parametrize("lane", [1, 2, 3, 4, 8])
def test_any_lane_projects_to_the_runners_lane_one_coordinate(oval: Oval, coord_m: float, lane: int) -> None:
    x, y = oval.point_at(coord_m, lane_centre_radius_m(lane) - lane_radius_m(1))
    assert oval.project(x, y).coord_m == pytest.approx(coord_m, abs=1e-6)


@pytest.mark.parametrize("coord_m", [40.0, 140.0, 250.0, 330.0])
def test_an_error_across_the_track_does_not_move_the_coordinate(oval: Oval, coord_m: float) -> None:
    base = oval.project(*oval.point_at(coord_m, 2.0))
    nx, ny = base.ty, -base.tx  # outward
    for across_m in (-3.0, 3.0):
        x, y = oval.point_at(coord_m, 2.0)
        assert oval.project(x + across_m * nx, y + across_m * ny).coord_m == pytest.approx(coord_m, abs=1e-6)


def test_on_a_bend_a_bike_further_out_runs_faster_than_its_runner(oval: Oval) -> None:
    x, y = oval.point_at(STRAIGHT_M + BEND_M / 2, lane_centre_radius_m(4) - lane_radius_m(1))
    assert oval.project(x, y).scale == pytest.approx(lane_radius_m(1) / lane_centre_radius_m(4))
    x, y = oval.point_at(40.0, 4.0)
    assert oval.project(x, y).scale == 1.0


# -- the config -----------------------------------------------------------------


def test_the_issue_example_loads() -> None:
    route = parse_config(track_plan()).route
    assert (route.mode, route.lane, route.finish_deg, route.heading_deg) == ("track", 3, FINISH, HEADING)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("lane = 9", "route.lane: expected the bike's lane, a whole number from 1 to 8"),
        ("lane = 2.5", "route.lane: expected the bike's lane"),
        ("finish = [32.2]", "route.finish: expected a point on the finish line as [lat, lon]"),
        ('finish = ["32.2", "-110.9"]', "route.finish: expected a point on the finish line"),
        ("finish = [132.2, -110.9]", "lat within ±90"),
        ("heading = 400", "route.heading: expected a heading in degrees clockwise from north"),
        ("finish = [32.2, -110.9]", "route.finish: needs `heading` too"),
        ("heading = 217", "route.heading: needs `finish` too"),
        ("lap = 1", "route.lap: unknown key; expected one of mode, lane, finish, heading"),
    ],
)
def test_a_wrong_route_key_is_one_line_naming_file_line_and_key(line: str, expected: str) -> None:
    with pytest.raises(ConfigError) as e:
        parse_config(track_plan(route=line + "\n"), "t.toml")
    assert str(e.value).startswith("t.toml, line 7: ") and expected in str(e.value)


def test_track_keys_need_track_mode() -> None:
    with pytest.raises(ConfigError, match='route.lane: only for a track; expected mode = "track"'):
        parse_config('[plan]\ndistance = "1 mi"\ngoal = "4:40"\n[route]\nlane = 2\n', "t.toml")


# -- the session on a track ------------------------------------------------------


def lap_fixes(distance_m: float, speed_mps: float, lane: int, rate_hz: int = 1, before_m: float = 0.0) -> list[Fix]:
    """Noise-free fixes of a bike beside a runner at even speed, from the planned start."""
    plane = LocalPlane(*FINISH)
    oval = Oval.from_finish(0.0, 0.0, HEADING)
    start = (STRAIGHT_M - distance_m) % LAP_M
    offset = lane_centre_radius_m(lane) - lane_radius_m(1)
    out = []
    n = int((distance_m + 20.0) / speed_mps * rate_hz)
    for k in range(-int(before_m / speed_mps * rate_hz), n):
        d = k * speed_mps / rate_hz
        x, y = oval.point_at(start + d, offset)
        w = oval.project(x, y)
        lat, lon = plane.to_latlon(x, y)
        v = speed_mps / w.scale
        track = math.degrees(math.atan2(w.tx, w.ty)) % 360
        out.append(Fix(T0 + k / rate_hz, lat, lon, v, track))
    return out


@pytest.mark.parametrize("lane", [1, 3, 4])
def test_a_mile_at_even_pace_splits_on_target_in_any_lane(lane: int) -> None:
    session = Session(parse_config(track_plan(lane=lane)))
    fixes = lap_fixes(1609.344, 1609.344 / 280, lane)
    splits = [sp for f in fixes for sp in session.step(f).new_splits]
    splits += session.close(fixes[-1].t_s).new_splits  # the finish is timed once 2 s past it are known (split_timing.py)
    assert [sp.kind for sp in splits] == [SplitKind.MARK] * 3 + [SplitKind.FINISH]
    for sp in splits:
        assert sp.delta_s == pytest.approx(0.0, abs=0.05)


def test_the_displayed_speed_is_the_runners_not_the_bikes() -> None:
    session = Session(parse_config(track_plan(lane=4)))
    statuses = [session.step(f) for f in lap_fixes(1609.344, 5.0, 4)]
    assert statuses[60].speed_mps == pytest.approx(5.0, abs=0.05)  # mid-run, bend or straight


def test_a_3000_m_starts_200_m_before_the_line_and_splits_at_every_crossing_too() -> None:
    session = Session(parse_config(track_plan("3000 m", "9:00", lane=2)))
    fixes = lap_fixes(3000.0, 3000 / 540, 2)
    statuses = [session.step(f) for f in fixes]
    statuses.append(session.close(fixes[-1].t_s))  # the finish is timed once 2 s past it are known
    splits = [sp for s in statuses for sp in s.new_splits]
    laps = [round(sp.distance_m) for sp in splits if sp.kind == SplitKind.LAP]
    marks = [round(sp.distance_m) for sp in splits if sp.kind != SplitKind.LAP]
    assert laps == [200, 600, 1000, 1400, 1800, 2200, 2600]
    assert marks == [400, 800, 1200, 1600, 2000, 2400, 2800, 3000]
    assert [sp.index for sp in splits] == list(range(1, 16))
    assert all(sp.delta_s == pytest.approx(0.0, abs=0.05) for sp in splits)
    lap_steps = [s for s in statuses if any(sp.kind == SplitKind.LAP for sp in s.new_splits)]
    assert all(Cue.SPLIT in s.sounds and s.last_split.kind == SplitKind.LAP for s in lap_steps)


def test_a_mile_has_no_9_m_lap_and_its_marks_are_the_lines_crossings() -> None:
    session = Session(parse_config(track_plan()))
    assert session.laps_m == ()


def test_a_1500_m_gets_a_lap_at_300_m() -> None:
    session = Session(parse_config(track_plan("1500 m", "4:00")))
    assert session.laps_m == pytest.approx((300.0, 700.0, 1100.0), abs=0.01)


def test_without_finish_the_oval_is_fitted_from_the_first_lap() -> None:
    session = Session(parse_config(track_plan(route="lane = 3\n")))
    splits = [sp for f in lap_fixes(1609.344, 1609.344 / 280, 3) for sp in session.step(f).new_splits]
    fit = session.route.describe()["oval"]
    assert fit["source"] == "fit" and fit["rms_m"] < 0.2
    assert fit["heading_deg"] == pytest.approx(HEADING, abs=0.5)
    for sp in splits:
        assert sp.delta_s == pytest.approx(0.0, abs=0.1)


def test_a_warm_up_lap_before_the_start_button_fits_the_oval_before_the_run() -> None:
    from pacer.events import Button, Press

    session = Session(parse_config(track_plan(route="lane = 2\n")), start="button")
    fixes = lap_fixes(1609.344, 5.0, 2, before_m=420.0)
    first = next(i for i, f in enumerate(fixes) if f.t_s >= T0)
    for f in fixes[: first + 1]:
        session.step(f)
    assert session.route.fit is not None
    session.step(Press(T0 + 0.001, Button.START))
    statuses = [session.step(f) for f in fixes[first + 1 :]]
    assert statuses[0].dist_m == pytest.approx(5.0, abs=0.1)
    assert [sp.delta_s for s in statuses for sp in s.new_splits][-1] == pytest.approx(1609.344 / 5.0 - 280, abs=0.1)


def test_the_fit_needs_a_lap_of_turning_to_the_left() -> None:
    collector = LapCollector()
    oval = Oval.from_finish(0.0, 0.0, HEADING)
    for k in range(300):
        x, y = oval.point_at(k * 1.1, 2.0)
        w = oval.project(x, y)
        collector.add(x, y, 5 * w.tx, 5 * w.ty)
    assert not collector.lap_done
    fit = fit_oval(collector.xs, collector.ys)
    assert fit is not None and fit.radius_m == pytest.approx(lane_radius_m(1) + 2.0, abs=0.01)
    assert math.hypot(fit.oval.cx - oval.cx, fit.oval.cy - oval.cy) < 0.01


def test_a_bike_in_another_lane_than_configured_costs_little() -> None:
    session = Session(parse_config(track_plan(lane=3)))
    fixes = lap_fixes(1609.344, 1609.344 / 280, 1)
    splits = [sp for f in fixes for sp in session.step(f).new_splits] + list(session.close(fixes[-1].t_s).new_splits)
    assert len(splits) == 4
    # 2.4 m off its line: the positions read it as GNSS error (0.24 s), and the bends'
    # factor on the speed's steps takes about a lap to learn (+0.09 s at the first split)
    assert max(abs(sp.delta_s) for sp in splits) < 0.35
    assert session.route.bend_scale == pytest.approx(lane_radius_m(3) / lane_radius_m(1), abs=0.01)
