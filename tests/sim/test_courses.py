"""The course beside a generated run (issue 12): the map's line, not the truth, but close
enough that course mode follows it, and read back by the course reader."""

from __future__ import annotations

import heapq
from pathlib import Path

import numpy as np
import pytest

from pacer.config import parse_config
from pacer.course_file import parse_course
from pacer.events import Button, Press
from pacer.session import Session
from sim.clock import SimClock
from sim.courses import course_gpx, course_points
from sim.generate import make_run
from sim.gpx_source import replay_events
from sim.replay import replay
from sim.speed_channels import CHANNELS


@pytest.fixture(scope="module")
def city():
    return make_run("city_5k", 1, 7)


def test_the_course_is_within_the_stretch_of_the_run_and_a_few_metres_off_its_line(city) -> None:
    course = course_points(city)
    line = course.line(city.plane)
    assert abs(line.length_m / city.distance_m - 1.0) < 0.01
    d = np.linspace(0.0, city.distance_m, 200)
    from sim.routes import position_at

    east, north = position_at(city.route, d)
    off = [min(np.hypot(np.array(line.xs) - e, np.array(line.ys) - n)) for e, n in zip(east, north)]
    assert 0.5 < float(np.median(off)) < 8.0


def test_the_course_gpx_reads_back_with_its_points_and_elevation(city, tmp_path: Path) -> None:
    course = course_points(city)
    back = parse_course(course_gpx(course, "city"), "city.course.gpx")
    assert len(back.lat_deg) == len(course.lat_deg)
    assert back.lat_deg[5] == pytest.approx(course.lat_deg[5], abs=1e-7)
    assert back.alt_m[5] == course.alt_m[5]


def test_course_mode_on_a_generated_city_run_splits_within_a_second(city) -> None:
    course = course_points(city)
    text = city.scenario.plan.toml() + '[route]\nmode = "course"\ncourse = "c.gpx"\n'
    session = Session(parse_config(text, "p.toml", lambda p: course))
    fixes = CHANNELS["positions only"](city.fixes)
    result = replay(replay_events(fixes), session, SimClock())
    errors = [s.elapsed_s - float(city.truth_elapsed_at(s.distance_m)) for s in result.splits]
    assert len(errors) == 5 and result.finished
    assert max(abs(e) for e in errors) < 1.5
    assert session.route.describe()["time_off_course_s"] == 0.0


@pytest.mark.parametrize("seed", [1, 4])
def test_a_mark_at_a_board_after_a_drifting_outage_brings_the_next_split_within_0_6_s(seed: int) -> None:
    """Free mode, Doppler: a 25 s outage on a bend at 2.3 km leaves the distance off by
    metres; the rider presses MARK at the 2.5 km board (markers every 500 m)."""
    run = make_run("road_5k_outage", 1, seed)
    t0 = run.fixes[0].t_s
    text = run.scenario.plan.toml() + '[route]\nmarkers = "500 m"\n'

    def error_at_3k(press: bool) -> float:
        session = Session(parse_config(text))
        events = replay_events(run.fixes)
        if press:
            at = Press(t0 + float(run.truth_elapsed_at(2500.0)), Button.MARK)
            events = heapq.merge(events, [at], key=lambda e: (e.t_s, isinstance(e, Press)))
        result = replay(events, session, SimClock())
        split = next(s for s in result.splits if s.distance_m == 3000.0)
        return split.elapsed_s - float(run.truth_elapsed_at(3000.0))

    assert abs(error_at_3k(press=False)) > 0.9  # the drift
    assert abs(error_at_3k(press=True)) < 0.6


def test_a_marathon_out_and_back_is_never_matched_to_the_other_carriageway() -> None:
    """The return runs 10 m beside the way out; a wrong-leg match would be kilometres off."""
    run = make_run("marathon", 1, 1000)
    course = course_points(run)
    text = run.scenario.plan.toml() + '[route]\nmode = "course"\ncourse = "c.gpx"\n'
    session = Session(parse_config(text, "p.toml", lambda p: course))
    result = replay(replay_events(CHANNELS["positions only"](run.fixes)), session, SimClock())
    errors = [s.elapsed_s - float(run.truth_elapsed_at(s.distance_m)) for s in result.splits]
    assert result.finished and len(errors) == len(run.marks_m)
    assert max(abs(e) for e in errors) < 3.0
    assert session.route.describe()["time_off_course_s"] == 0.0
