"""Grade-adjusted targets (issue 12): the goal spread over the course's hills by Minetti's
energy cost of running, at a resolution finer than a split; the sum is the goal."""

from __future__ import annotations

import pytest

from pacer.config import parse_config
from pacer.course import CoursePoints
from pacer.errors import ConfigError
from pacer.geo import LocalPlane
from pacer.grade import minetti_cost
from pacer.report import schedule_table

PLANE = LocalPlane(47.0, 8.0)


def course(alt_at, length_m: float = 2000.0, step_m: float = 10.0) -> CoursePoints:
    """A straight course north with a point every `step_m`, elevation alt_at(distance)."""
    n = int(length_m / step_m)
    ll = [PLANE.to_latlon(0.0, k * step_m) for k in range(n + 1)]
    return CoursePoints("hill.gpx", tuple(p[0] for p in ll), tuple(p[1] for p in ll),
                        tuple(alt_at(k * step_m) for k in range(n + 1)))


def graded(points: CoursePoints, distance: str = "2 km", goal: str = "8:00", extra: str = ""):
    text = (f'[plan]\ndistance = "{distance}"\ngoal = "{goal}"\nsplit_every = "1 km"\ngrade = "minetti"\n{extra}'
            '[route]\nmode = "course"\ncourse = "hill.gpx"\n')
    return parse_config(text, "p.toml", lambda p: points)


def test_minetti_cost_is_the_published_polynomial() -> None:
    assert minetti_cost(0.0) == pytest.approx(3.6)
    # by hand: 3.6 + 19.5(.05) + 46.3(.05)^2 - 43.3(.05)^3 - 30.4(.05)^4 + 155.4(.05)^5
    assert minetti_cost(0.05) == pytest.approx(4.6852, abs=1e-4)
    assert minetti_cost(-0.10) == pytest.approx(2.1517, abs=1e-4)


def test_a_flat_km_then_a_5_percent_climb_splits_as_the_model_says() -> None:
    """km 1 flat, km 2 climbs 50 m. Smoothed over 100 m, the grade ramps 0 -> 5 % from
    950 to 1050 m, so the 10 m cells there have grades 0.25 %, 0.75 %, ... 4.75 %."""
    config = graded(course(lambda d: 0.0 if d <= 1000 else 0.05 * (d - 1000)))
    ramp = [minetti_cost(0.05 * (j + 0.5) / 10) / 3.6 for j in range(10)]
    r = minetti_cost(0.05) / 3.6  # 1.30145: a metre at 5 % costs 30 % more
    w1 = 95 + sum(ramp[:5])  # cells of km 1, in flat cells' worth
    w2 = sum(ramp[5:]) + 95 * r
    goal = 480.0
    rows = config.plan.rows()
    # within 0.05 s: the smoothing runs on a 1 m grid, the hand sum on the continuous ramp
    assert rows[0][1] == pytest.approx(goal * w1 / (w1 + w2), abs=0.05)
    assert rows[1][1] == pytest.approx(goal * w2 / (w1 + w2), abs=0.05)
    assert rows[-1][2] == pytest.approx(goal, abs=1e-9)


def test_a_climb_and_a_descent_inside_one_split_do_not_cancel() -> None:
    # km 1: 500 m up at 4 %, 500 m down at 4 %; km 2 flat
    config = graded(course(lambda d: 0.04 * min(d, 1000 - d) if d < 1000 else 0.0))
    split1, split2 = (row[1] for row in config.plan.rows())
    assert split1 > split2 + 5.0  # up and down costs more than flat (the cost is convex)
    assert split1 + split2 == pytest.approx(480.0, abs=1e-9)


def test_the_targets_add_up_to_the_goal_on_a_rolling_course() -> None:
    import math

    config = graded(course(lambda d: 8 * math.sin(d / 300.0) + 3 * math.sin(d / 70.0), 5000.0), "5 km", "20:00")
    assert sum(row[1] for row in config.plan.rows()) == pytest.approx(1200.0, abs=1e-6)
    assert config.plan.knots_s[-1] == 1200.0


def test_elevation_noise_does_not_read_as_hills() -> None:
    import random

    rng = random.Random(1)
    config = graded(course(lambda d: 100.0 + rng.gauss(0.0, 1.0)))  # a flat course, a noisy DEM
    split1, split2 = (row[1] for row in config.plan.rows())
    assert split1 == pytest.approx(240.0, abs=1.5) and split2 == pytest.approx(240.0, abs=1.5)


def test_pacer_plan_shows_the_grade_targets_and_the_gain_and_loss() -> None:
    text = schedule_table(graded(course(lambda d: 0.0 if d <= 1000 else 0.05 * (d - 1000))))
    assert "grade-adjusted, Minetti" in text
    assert "gain m  loss m" in text
    assert "elevation (smoothed over 100 m): +50 m, -0 m" in text


def test_grade_needs_a_course_with_elevation() -> None:
    with pytest.raises(ConfigError, match=r'plan.grade: needs a course with elevation; expected \[route\] mode = "course"'):
        parse_config('[plan]\ndistance = "5 km"\ngoal = "20:00"\ngrade = "minetti"\n', "p.toml")
    flat = course(lambda d: None)  # type: ignore[arg-type,return-value]
    with pytest.raises(ConfigError, match=r"plan.grade: the course hill.gpx has no elevation"):
        graded(flat)
    with pytest.raises(ConfigError, match=r"plan.grade: expected one of 'flat', 'minetti', got 'strava'"):
        parse_config('[plan]\ndistance = "5 km"\ngoal = "20:00"\ngrade = "strava"\n', "p.toml")
