"""Lead (issue 12): the bike rides `lead` in front of its runner, so the runner's progress
is the bike's less the lead, and every split is the runner's: later by lead / speed,
in free, course and track mode alike."""

from __future__ import annotations

import math

import pytest

from pacer.config import parse_config
from pacer.course import CoursePoints
from pacer.errors import ConfigError
from pacer.events import Fix
from pacer.geo import LocalPlane
from pacer.oval import Oval
from pacer.session import Session

PLANE = LocalPlane(47.0, 8.0)
T0 = 1.7e9
SPEED = 5.0
LEAD_M = 3.0


def straight_fixes(n: int) -> list[Fix]:
    return [Fix(T0 + k, *PLANE.to_latlon(SPEED * k, 0.0)) for k in range(n)]


def split_times(text: str, fixes: list[Fix], reader=None) -> list[float]:
    config = parse_config(text, "p.toml", reader) if reader else parse_config(text, "p.toml")
    s = Session(config)
    for f in fixes:
        s.step(f)
    s.close(fixes[-1].t_s)
    return [x.elapsed_s for x in s.splits]


def assert_shifted(text: str, fixes: list[Fix], speed_mps: float, reader=None) -> None:
    lead = "[coach]\nlead = \"3 m\"\n"
    base = split_times(text, fixes, reader)
    led = split_times(text + lead, fixes, reader)
    assert len(base) == len(led) >= 3
    for a, b in zip(base, led):
        assert b - a == pytest.approx(LEAD_M / speed_mps, abs=0.02)


def test_lead_delays_every_split_by_lead_over_speed_in_free_mode() -> None:
    assert_shifted('[plan]\ndistance = "2 km"\ngoal = "6:40"\nsplit_every = "500 m"\n', straight_fixes(420), SPEED)


def test_lead_delays_every_split_by_lead_over_speed_in_course_mode() -> None:
    xs = [float(x) for x in range(0, 2001, 20)]
    ll = [PLANE.to_latlon(x, 1.0) for x in xs]
    course = CoursePoints("c.gpx", tuple(p[0] for p in ll), tuple(p[1] for p in ll), (None,) * len(xs))
    text = ('[plan]\ndistance = "2 km"\ngoal = "6:40"\nsplit_every = "500 m"\n'
            '[route]\nmode = "course"\ncourse = "c.gpx"\n')
    assert_shifted(text, straight_fixes(420), SPEED, reader=lambda p: course)


def test_lead_delays_every_split_by_lead_over_speed_in_track_mode() -> None:
    finish = (32.2321268, -110.9504239)
    heading = 217.0
    plane = LocalPlane(*finish)
    oval = Oval.from_finish(0.0, 0.0, heading)
    start = (0.0 - 1609.344) % 400.001
    fixes = []
    for k in range(346):  # lane 1, at 5 m/s from the mile's start
        x, y = oval.point_at(start + SPEED * k)
        fixes.append(Fix(T0 + k, *plane.to_latlon(x, y)))
    text = (f'[plan]\ndistance = "1 mi"\ngoal = "5:22"\nsplit_every = "400 m"\n[route]\nmode = "track"\nlane = 1\n'
            f"finish = [{finish[0]}, {finish[1]}]\nheading = {heading}\n")
    assert_shifted(text, fixes, SPEED)


def test_a_workout_takes_no_lead() -> None:
    text = '[plan]\nname = "w"\n[coach]\nlead = "3 m"\n[[workout]]\ndistance = "400 m"\ngoal = "1:10"\n'
    with pytest.raises(ConfigError, match=r"coach.lead: not with \[\[workout\]\] blocks"):
        parse_config(text, "w.toml")


def test_zero_lead_is_allowed() -> None:
    assert parse_config('[plan]\ndistance = "1 km"\ngoal = "4:00"\n[coach]\nlead = "0 m"\n').coach.lead_m == 0.0
    assert math.isclose(parse_config('[plan]\ndistance = "1 km"\ngoal = "4:00"\n[coach]\nlead = "3 m"\n').coach.lead_m, 3.0)
