"""Course mode (issue 12): progress is the distance along a known course, never on the
wrong leg of an out-and-back, a loop or a course that crosses itself; off course it
dead-reckons and says so; the course is stretched to the plan's distance."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from pacer.config import parse_config
from pacer.course import OFF_COURSE_M, CourseLine, CourseMatcher, CoursePoints
from pacer.errors import ConfigError
from pacer.events import Fix
from pacer.geo import LocalPlane
from pacer.session import Session

PLANE = LocalPlane(47.0, 8.0)
T0 = 1.7e9
SPEED = 4.0


def polyline(*legs: tuple[float, float]) -> tuple[list[float], list[float]]:
    """A course from (0, 0) by legs of (heading deg, length m), a vertex every 5 m."""
    xs, ys = [0.0], [0.0]
    for heading, length in legs:
        h = math.radians(heading)
        n = max(1, round(length / 5.0))
        for _ in range(n):
            xs.append(xs[-1] + length / n * math.sin(h))
            ys.append(ys[-1] + length / n * math.cos(h))
    return xs, ys


def ride(line: CourseLine, offset_m: float = 0.0, every_m: float = SPEED) -> list[tuple[float, float, float, float, float]]:
    """(truth along, x, y, vx, vy) of a bike riding the line `offset_m` to its right at SPEED."""
    out = []
    d = 0.0
    while d <= line.length_m:
        x, y = line.point_at(d)
        i = min(max(next(k for k in range(len(line.tx)) if line.cum_m[k + 1] >= d), 0), len(line.tx) - 1)
        tx, ty = line.tx[i], line.ty[i]
        out.append((d, x + offset_m * ty, y - offset_m * tx, SPEED * tx, SPEED * ty))
        d += every_m
    return out


def worst_error_m(line: CourseLine, offset_m: float = 0.0) -> float:
    m = CourseMatcher(line, 0.0)
    worst = 0.0
    for k, (d, x, y, vx, vy) in enumerate(ride(line, offset_m)):
        m.update(T0 + k, x, y, vx, vy)
        assert m.along_m is not None
        worst = max(worst, abs(m.along_m - d))
    return worst


def test_an_out_and_back_is_never_matched_to_the_other_carriageway() -> None:
    # out 400 m north, a U-turn, back on the other side of the road 8 m away
    xs, ys = polyline((0, 400), (90, 8), (180, 400))
    line = CourseLine.from_xy(xs, ys)
    assert worst_error_m(line, offset_m=3.0) < 4.0  # 3 m towards the other carriageway


def test_a_loop_starts_at_its_start_and_finishes_at_its_finish() -> None:
    xs, ys = polyline((0, 300), (90, 300), (180, 300), (270, 300))  # back where it began
    line = CourseLine.from_xy(xs, ys)
    m = CourseMatcher(line, 0.0)
    m.update(T0, 0.5, 0.5, 0.0, 0.0)  # standing on the start line, which is also the finish
    assert m.along_m == pytest.approx(0.5, abs=1.0)
    assert worst_error_m(line) < 1.0


def test_a_course_that_crosses_itself_is_followed_through_the_crossing() -> None:
    # a figure of eight: north, east, south through the first leg, west, north again
    xs, ys = polyline((0, 200), (90, 100), (180, 200), (270, 200), (0, 100), (90, 300))
    line = CourseLine.from_xy(xs, ys)
    assert worst_error_m(line) < 1.0
    assert worst_error_m(line, offset_m=-4.0) < 5.0


def test_a_hairpin_is_matched_on_the_leg_the_bike_is_heading_along() -> None:
    xs, ys = polyline((0, 200), (90, 4), (180, 200))  # legs 4 m apart
    line = CourseLine.from_xy(xs, ys)
    assert worst_error_m(line) < 3.0


def test_far_from_the_course_for_a_few_fixes_is_off_course_then_reattached() -> None:
    xs, ys = polyline((0, 1000))
    line = CourseLine.from_xy(xs, ys)
    m = CourseMatcher(line, 0.0)
    t = T0
    for k in range(50):  # on the course
        m.update(t + k, 0.0, SPEED * k, 0.0, SPEED)
    for k in range(50, 60):  # a detour 40 m to the side, still moving north
        m.update(t + k, OFF_COURSE_M + 15.0, SPEED * k, 0.0, SPEED)
    assert m.off_course
    assert m.along_m == pytest.approx(SPEED * 59, abs=1.0)  # dead-reckoned
    for k in range(60, 65):
        m.update(t + k, 0.0, SPEED * k, 0.0, SPEED)
    assert not m.off_course and m.along_m == pytest.approx(SPEED * 64, abs=0.5)
    assert m.off_s == pytest.approx(8.0, abs=1.0)


# -- through the session and the config ---------------------------------------------


def course_points(xs: list[float], ys: list[float], alt: list[float | None] | None = None) -> CoursePoints:
    ll = [PLANE.to_latlon(x, y) for x, y in zip(xs, ys)]
    return CoursePoints("course.gpx", tuple(p[0] for p in ll), tuple(p[1] for p in ll),
                        tuple(alt) if alt else (None,) * len(xs))


def course_plan(extra_plan: str = "", extra_route: str = "", distance: str | None = '"1 km"') -> str:
    dist = f"distance = {distance}\n" if distance else ""
    return (f'[plan]\n{dist}goal = "4:00"\nsplit_every = "500 m"\n{extra_plan}'
            f'[route]\nmode = "course"\ncourse = "course.gpx"\n{extra_route}')


def reader(points: CoursePoints):
    return lambda path: points


def test_plan_distance_defaults_to_the_course_length() -> None:
    xs, ys = polyline((0, 1000))
    config = parse_config(course_plan(distance=None), "p.toml", reader(course_points(xs, ys)))
    assert config.plan.distance_m == pytest.approx(1000.0, abs=0.5)


def test_a_course_within_3_percent_is_stretched_to_the_plan_distance() -> None:
    xs, ys = polyline((0, 980))
    config = parse_config(course_plan(), "p.toml", reader(course_points(xs, ys)))
    assert config.route.stretch == pytest.approx(1000.0 / 980.0, rel=1e-4)


def test_a_course_more_than_3_percent_off_the_distance_is_one_line() -> None:
    xs, ys = polyline((0, 950))
    with pytest.raises(ConfigError, match=r"p.toml, line 2: plan.distance: 1000 m, but the course course.gpx is 950 m from its start, 5.0 % shorter; expected them within 3 %"):
        parse_config(course_plan(), "p.toml", reader(course_points(xs, ys)))


def test_start_at_counts_progress_from_there() -> None:
    xs, ys = polyline((0, 1500))
    config = parse_config(course_plan(extra_route='start_at = "500 m"\n', distance=None), "p.toml",
                          reader(course_points(xs, ys)))
    assert config.plan.distance_m == pytest.approx(1000.0, abs=0.5)
    session = Session(config, start="button")
    for k in range(10):
        lat, lon = PLANE.to_latlon(0.0, 500.0 + SPEED * k)
        session.step(Fix(T0 + k, lat, lon))
    session.start(T0 + 9)
    lat, lon = PLANE.to_latlon(0.0, 500.0 + SPEED * 10)
    status = session.step(Fix(T0 + 10, lat, lon))
    assert status.dist_m == pytest.approx(SPEED * 10, abs=1.0)


def test_off_course_shows_on_the_screen_with_the_distance() -> None:
    xs, ys = polyline((0, 1000))
    session = Session(parse_config(course_plan(), "p.toml", reader(course_points(xs, ys))))
    status = None
    for k in range(60):
        x = 0.0 if k < 40 else 60.0  # a 60 m detour to the side
        lat, lon = PLANE.to_latlon(x, SPEED * k)
        status = session.step(Fix(T0 + k, lat, lon))
    assert status is not None and status.message.startswith("OFF COURSE ")
    assert status.message.endswith(" m")
    assert session.route.describe()["time_off_course_s"] > 5


def test_the_route_summary_names_the_course_its_length_and_the_residual() -> None:
    xs, ys = polyline((0, 1000))
    session = Session(parse_config(course_plan(), "p.toml", reader(course_points(xs, ys))))
    for k in range(30):
        lat, lon = PLANE.to_latlon(1.0, SPEED * k)
        session.step(Fix(T0 + k, lat, lon))
    doc = session.route.describe()
    assert doc["mode"] == "course" and doc["course_length_m"] == pytest.approx(1000.0, abs=0.5)
    assert doc["time_off_course_s"] == 0.0 and doc["residual_rms_m"] is not None


@pytest.mark.parametrize(("route", "match"), [
    ('mode = "course"\n', r"line 5: route.mode: \"course\" needs the course file; expected course = "),
    ('mode = "course"\ncourse = 3\n', r"route.course: expected the course's GPX file"),
    ('mode = "free"\ncourse = "c.gpx"\n', r"route.course: only for a course"),
    ('mode = "course"\ncourse = "c.gpx"\nstart_at = "far"\n', r"route.start_at: expected a distance"),
    ('mode = "course"\ncourse = "c.gpx"\nstart_at = "5 km"\n', r"route.start_at: 5000 m is beyond the course's end"),
    ('mode = "course"\ncourse = "c.gpx"\nlane = 2\n', r"route.lane: only for a track"),
    ('mode = "track"\nmarkers = "1 km"\n', r"route.markers: not on a track"),
    ('markers = "often"\n', r"route.markers: expected a distance"),
    ('mode = "course"\ncourse = "c.gpx"\n[coach]\nlead = "100 m"\n', r"coach.lead: expected the bike's lead on its runner, up to 50 m"),
    ('[coach]\nlead = 3\n', r"coach.lead: expected a string"),
])
def test_every_new_key_gets_a_one_line_error(route: str, match: str) -> None:
    xs, ys = polyline((0, 1000))
    text = f'[plan]\ndistance = "1 km"\ngoal = "4:00"\n[route]\n{route}'
    with pytest.raises(ConfigError, match=match) as e:
        parse_config(text, "p.toml", reader(course_points(xs, ys)))
    assert "\n" not in str(e.value)


@pytest.mark.parametrize(("content", "match"), [
    ("", r"c.gpx: not a well-formed GPX file"),
    ("<gpx version='1.1' xmlns='http://www.topografix.com/GPX/1/1'></gpx>", r"c.gpx: no course in it; expected a GPX file with a <trk> or <rte>"),
    ("<gpx version='1.1' xmlns='http://www.topografix.com/GPX/1/1'><trk><trkseg><trkpt lat='47' lon='8'/>"
     "<trkpt lat='47' lon='8'/></trkseg></trk></gpx>", r"c.gpx: the course is under 10 m long"),
    ("<gpx><trk><trkseg><trkpt lat='47' lon='8'>", r"c.gpx: not a well-formed GPX file"),
    ("not xml at all", r"c.gpx: not a well-formed GPX file"),
])
def test_a_broken_or_empty_course_file_is_one_line(tmp_path: Path, content: str, match: str) -> None:
    (tmp_path / "c.gpx").write_text(content)
    plan = tmp_path / "p.toml"
    plan.write_text('[plan]\ngoal = "4:00"\n[route]\nmode = "course"\ncourse = "c.gpx"\n')
    from pacer.config import load_config

    with pytest.raises(ConfigError, match=match) as e:
        load_config(plan)
    assert "\n" not in str(e.value)


def test_a_missing_course_file_is_one_line(tmp_path: Path) -> None:
    plan = tmp_path / "p.toml"
    plan.write_text('[plan]\ngoal = "4:00"\n[route]\nmode = "course"\ncourse = "nowhere.gpx"\n')
    from pacer.config import load_config

    with pytest.raises(ConfigError, match=r"nowhere.gpx: no such course file"):
        load_config(plan)


def test_a_route_gpx_reads_as_a_course_relative_to_the_plan_file(tmp_path: Path) -> None:
    pts = "".join(f"<rtept lat='{47 + k * 0.001}' lon='8'><ele>{400 + k}</ele></rtept>" for k in range(10))
    (tmp_path / "c.gpx").write_text(f"<gpx version='1.1' xmlns='http://www.topografix.com/GPX/1/1'><rte>{pts}</rte></gpx>")
    plan = tmp_path / "p.toml"
    plan.write_text('[plan]\ngoal = "4:00"\n[route]\nmode = "course"\ncourse = "c.gpx"\n')
    from pacer.config import load_config

    config = load_config(plan)
    assert config.plan.distance_m == pytest.approx(9 * 111.2, rel=0.01)
    assert config.route.course is not None and config.route.course.alt_m[3] == 403


def test_a_warm_up_along_the_course_does_not_move_the_start() -> None:
    xs, ys = polyline((0, 1000))
    session = Session(parse_config(course_plan(), "p.toml", reader(course_points(xs, ys))), start="button")
    t = T0
    track = [(0.0, SPEED * k) for k in range(60)]  # 240 m up the course ...
    track += [(40.0, 240.0 - SPEED * k) for k in range(60)]  # ... and back down a parallel street
    track += [(0.0, 0.0)] * 5  # waiting on the start line
    for k, (x, y) in enumerate(track):
        session.step(Fix(t + k, *PLANE.to_latlon(x, y)))
    session.start(t + len(track) - 1)
    for j in range(1, 11):
        status = session.step(Fix(t + len(track) - 1 + j, *PLANE.to_latlon(0.0, SPEED * j)))
    assert status.dist_m == pytest.approx(SPEED * 10, abs=2.0)
