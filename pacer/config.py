"""A plan file (TOML) to a typed `Config`, or one sentence saying what is wrong.

The schema is a table of sections and keys, each with a parser, so an unknown
key, a wrong type and a bad value all get the same treatment: the file, the
key path, the line it stands on, and what was expected. Never a traceback.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from pacer.course import CoursePoints
from pacer.errors import ConfigError, UnitError, read_user_file
from pacer.plan import Plan, even_plan, segments_plan, split_marks_m, splits_plan
from pacer.prefs import DisplayPrefs
from pacer.workout import Workout, parse_workout
from pacer.units import MILE_M, format_duration, parse_distance_m, parse_duration_s, parse_pace_s_per_m

SPLITS_SUM_TOLERANCE_S = 0.05
MAX_MARKS = 10_000  # split marks a plan may have: a marathon split every 5 m, not every millimetre
MAX_PLAN_BYTES = 256 * 1024  # a plan is a few hundred bytes; this keeps a stray big file out of memory
MAX_STRETCH = 0.03  # a course within 3 % of the plan's distance is stretched to it; further is an error
MAX_LEAD_M = 50.0  # a bike further ahead than this is not leading its runner


@dataclass(frozen=True, slots=True)
class CoachSettings:
    """How the coach turns a delta into advice (see coach.py)."""

    tolerance_s: float | None = None  # band around schedule counted as on pace; None: from the goal
    horizon_s: float = 10.0  # advice looks this far ahead at the current speed
    reminder_s: float = 30.0  # repeat FASTER/SLOWER this often while it stands
    loss_timeout_s: float = 3.0  # no fix for this long means GPS LOST
    lead_m: float = 0.0  # the bike rides this far in front of the runner: the runner's progress is the bike's less this


@dataclass(frozen=True, slots=True)
class RouteSettings:
    """[route]: how progress is measured (see pacer/route.py)."""

    mode: str = "free"  # "free": the odometer; "track": a 400 m oval, the runner in lane 1
    lane: int | None = None  # the lane the BIKE rides in (track mode); None: not given
    finish_deg: tuple[float, float] | None = None  # a point on the finish line (lat, lon)
    heading_deg: float | None = None  # running direction on the home straight, clockwise from north
    course_path: str | None = None  # "course": the course file, resolved against the plan file's folder
    course: CoursePoints | None = None  # "course": the course as read from it
    start_at_m: float = 0.0  # "course": the start, this far along the course's polyline
    stretch: float = 1.0  # "course": plan distance / course length (within MAX_STRETCH)
    markers_m: float | None = None  # boards every this far from the start, for MARK; None: the plan's marks


@dataclass(frozen=True, slots=True)
class Config:
    plan: Plan
    display: DisplayPrefs = DisplayPrefs()
    coach: CoachSettings = CoachSettings()
    route_mode: str = "free"
    source_path: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # sections owned by the device world ([device], …)
    route: RouteSettings = RouteSettings()
    workout: Workout | None = None  # [[workout]] blocks (pacer/workout.py); `plan` then stands in for them
    grade: str = "flat"  # [plan] grade: "minetti" spreads the goal over the course's hills (pacer/grade.py)


# -- the schema ---------------------------------------------------------------

def _str(v: Any) -> str:
    if not isinstance(v, str):
        raise UnitError(f"expected a string, got {_show(v)}")
    return v


def _show(v: Any) -> str:
    kind = {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "a table"}.get(type(v))
    return f"{kind} ({v!r})" if kind else repr(v)


def _goal(v: Any) -> float:
    """A finish time. "4.40" is refused: a person means 4 min 40 s, pacer would read 4.4 s.

    Decided (issue 10): a string goal must hold a colon ("4:40") or be whole
    seconds ("280"); a bare TOML number (goal = 280) is seconds, as every
    duration key reads numbers, and `pacer plan` shows it back as m:ss.
    """
    if isinstance(v, str) and ":" not in v and "." in v:
        raise UnitError(
            f"{v!r} is ambiguous (minutes.seconds or seconds?); write minutes and seconds with a colon "
            f"(\"{v.strip().replace('.', ':', 1)}\") or seconds as a number ({v.strip()})"[:300]
        )
    return _seconds(v)


def _seconds(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise UnitError(f"expected seconds such as 1.5 or \"0:02\", got {_show(v)}")
    return parse_duration_s(v)


def _choice(*options: str) -> Callable[[Any], str]:
    def parse(v: Any) -> str:
        if v not in options:
            raise UnitError(f"expected one of {', '.join(repr(o) for o in options)}, got {_show(v)}")
        return v

    return parse


def _split_list(v: Any) -> list[float]:
    if not isinstance(v, list) or not v:
        raise UnitError(f"expected a list of split times such as [\"1:10\", \"1:10\"], got {_show(v)}")
    out = []
    for i, item in enumerate(v):
        try:
            out.append(parse_duration_s(item))
        except UnitError as e:
            raise UnitError(f"item {i + 1}: {e}") from None
    return out


def _segment_list(v: Any) -> list[dict[str, Any]]:
    if not isinstance(v, list) or not v or not all(isinstance(x, dict) for x in v):
        raise UnitError(f"expected [[plan.segments]] tables with `to` and `pace`, got {_show(v)}")
    return v


def _lane(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 8:
        raise UnitError(f"expected the bike's lane, a whole number from 1 to 8, got {_show(v)}")
    return v


def _latlon(v: Any) -> tuple[float, float]:
    shape = "a point on the finish line as [lat, lon] in degrees, such as [32.2321268, -110.9504239]"
    if not isinstance(v, list) or len(v) != 2 or any(isinstance(x, bool) or not isinstance(x, (int, float)) for x in v):
        raise UnitError(f"expected {shape}, got {_show(v)}")
    try:
        lat, lon = float(v[0]), float(v[1])
    except OverflowError:  # integers of hundreds of digits
        lat = lon = float("inf")
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise UnitError(f"expected {shape} (lat within ±90, lon within ±180), got {_show(v)[:80]}")
    if lat == 0.0 and lon == 0.0:  # what a receiver without a fix reports: never a real finish line
        raise UnitError(f"expected {shape}; [0, 0] is the point a receiver without a fix reports")
    return lat, lon


def _heading(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0.0 <= v <= 360.0:
        raise UnitError(f"expected a heading in degrees clockwise from north, 0 to 360, such as 217.0, got {_show(v)}")
    return float(v) % 360.0


def _course_file(v: Any) -> str:
    if not isinstance(v, str) or not v.strip():
        raise UnitError(f"expected the course's GPX file, such as \"course.gpx\", got {_show(v)}")
    return v.strip()


def _distance_or_zero(v: Any) -> float:
    if isinstance(v, str) and v.strip() in ("0", "0 m", "0 km", "0m"):
        return 0.0
    return parse_distance_m(_str(v))


def _lead(v: Any) -> float:
    if isinstance(v, str) and v.strip() in ("0", "0 m", "0m"):
        return 0.0
    lead_m = parse_distance_m(_str(v))
    if lead_m > MAX_LEAD_M:
        raise UnitError(f"expected the bike's lead on its runner, up to {MAX_LEAD_M:g} m, got {_show(v)}")
    return lead_m


SCHEMA: dict[str, dict[str, Callable[[Any], Any]]] = {
    "plan": {
        "name": _str,
        "distance": lambda v: parse_distance_m(_str(v)),
        "goal": _goal,
        "split_every": lambda v: parse_distance_m(_str(v)),
        "splits": _split_list,
        "segments": _segment_list,
        "grade": _choice("flat", "minetti"),
    },
    "route": {
        "mode": _choice("free", "track", "course"), "lane": _lane, "finish": _latlon, "heading": _heading,
        "course": _course_file, "start_at": _distance_or_zero, "markers": lambda v: parse_distance_m(_str(v)),
    },
    "display": {"pace_unit": _choice("km", "mi"), "needed": _choice("pace", "speed")},
    "coach": {
        "tolerance": _seconds,
        "horizon": _seconds,
        "reminder": _seconds,
        "loss_timeout": _seconds,
        "lead": _lead,
    },
}
REQUIRED = {"plan": ("distance",)}
OPEN_SECTIONS = ("device", "log")  # validated by the world that uses them


def _line_of(text: str, section: str, key: str) -> int | None:
    """The line a key stands on in its section (tomllib gives lines only for syntax errors)."""
    current = ""
    for n, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        m = re.match(r"^\[\[?\s*([A-Za-z0-9_.\-]+)\s*\]\]?", stripped)
        if m:
            current = m.group(1)
            if current == f"{section}.{key}":
                return n
            continue
        if current == section and re.match(rf"^\"?{re.escape(key)}\"?\s*=", stripped):
            return n
    return None


class _Reporter:
    def __init__(self, path: str, text: str) -> None:
        self.path, self.text = path, text

    def error(self, section: str, key: str | None, what: str) -> ConfigError:
        where = f"[{section}]" if key is None else f"{section}.{key}"
        line = _line_of(self.text, section, key) if key else None
        at = f", line {line}" if line else ""
        return ConfigError(f"{self.path}{at}: {where}: {what}")


def load_config(path: str | Path) -> Config:
    """Read and check a plan file (and its course file); raise ConfigError with one clear sentence."""
    return parse_config(read_user_file(str(path), "plan", ConfigError, max_bytes=MAX_PLAN_BYTES), str(path))


def read_course(path: str) -> CoursePoints:
    """The course file a plan names: read, then parsed (pacer/course_file.py)."""
    from pacer.course_file import MAX_COURSE_BYTES, parse_course

    return parse_course(read_user_file(path, "course", ConfigError, max_bytes=MAX_COURSE_BYTES), path)


CourseReader = Callable[[str], CoursePoints]


def parse_config(text: str, path: str = "<plan>", course_reader: CourseReader = read_course) -> Config:
    """The plan file's `text`; `course_reader` reads a course file it names (the simulator
    and the bench hand one that knows their generated courses)."""
    rep = _Reporter(path, text)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    except RecursionError:  # tomllib recurses once per level of nesting
        raise ConfigError(f"{path}: not a plan: tables or lists nested too deeply; expected [plan] with keys") from None

    workout_raw = raw.pop("workout", None)  # [[workout]] blocks: checked in pacer/workout.py
    values: dict[str, dict[str, Any]] = {}
    for section, table in raw.items():
        if section in OPEN_SECTIONS:
            continue
        if section not in SCHEMA:
            raise rep.error(section, None, f"unknown section; expected one of {', '.join(sorted(SCHEMA))}")
        if not isinstance(table, dict):
            raise rep.error(section, None, "expected a table")
        values[section] = {}
        for key, v in table.items():
            parser = SCHEMA[section].get(key)
            if parser is None:
                known = ", ".join(SCHEMA[section])
                raise rep.error(section, key, f"unknown key; expected one of {known}")
            try:
                values[section][key] = parser(v)
            except UnitError as e:
                raise rep.error(section, key, str(e)) from None
    workout = None
    if workout_raw is not None:
        for key in values.get("plan", {}):
            if key != "name":
                raise rep.error("plan", key, "not with [[workout]] blocks; expected only `name` in [plan]")
        workout = parse_workout(workout_raw, values.get("plan", {}), text, path)
        plan = workout.as_plan()
    route = _route(values.get("route", {}), rep, path, course_reader)
    plan_values = values.get("plan", {})
    if workout is None and route.course is not None:
        plan_values = _course_distance(plan_values, route, rep)
        route = _stretched(plan_values["distance"], route)
    if workout is None:
        for section, keys in REQUIRED.items():
            for key in keys:
                if key not in values.get(section, {}) and not (section == "plan" and route.course is not None):
                    raise rep.error(section, key, "missing; expected e.g. distance = \"5 km\"")
        plan = _build_plan(plan_values, rep)
        if plan_values.get("grade", "flat") != "flat":
            plan = _graded(plan, route, plan_values["grade"], rep)
    elif route.mode == "course":
        raise rep.error("route", "mode", "course mode is for a [plan], not for [[workout]] blocks")
    disp = values.get("display", {})
    miles = workout is None and _is_miles(values.get("plan", {}).get("distance", 0.0))  # a workout: km unless asked
    pace_unit = disp.get("pace_unit") or ("mi" if miles else "km")
    display = DisplayPrefs(pace_unit=pace_unit, needed_as=disp.get("needed", "pace"))
    c = values.get("coach", {})
    default = CoachSettings()
    coach = CoachSettings(
        tolerance_s=c.get("tolerance"),
        horizon_s=c.get("horizon", default.horizon_s),
        reminder_s=c.get("reminder", default.reminder_s),
        loss_timeout_s=c.get("loss_timeout", default.loss_timeout_s),
    )
    if c.get("lead") and workout is not None:
        raise rep.error("coach", "lead", "not with [[workout]] blocks; expected it in a [plan] run")
    coach = replace(coach, lead_m=c.get("lead", 0.0))
    extra = {k: raw[k] for k in OPEN_SECTIONS if k in raw}
    return Config(plan, display, coach, route.mode, path, extra, route, workout,
                  plan_values.get("grade", "flat") if workout is None else "flat")


def _route(v: dict[str, Any], rep: _Reporter, path: str, course_reader: CourseReader) -> RouteSettings:
    mode = v.get("mode", "free")
    markers = v.get("markers")
    if mode == "track" and markers is not None:
        raise rep.error("route", "markers", 'not on a track (its boards are the laps); expected mode = "free" or "course"')
    if mode != "course":
        for key in ("course", "start_at"):
            if key in v:
                raise rep.error("route", key, 'only for a course; expected mode = "course" in [route]')
    if mode == "course":
        for key in ("lane", "finish", "heading"):
            if key in v:
                raise rep.error("route", key, 'only for a track; expected mode = "track" in [route]')
        if "course" not in v:
            raise rep.error("route", "mode", '"course" needs the course file; expected course = "course.gpx" in [route]')
        course_path = str(Path(path).parent / v["course"]) if not Path(v["course"]).is_absolute() else v["course"]
        course = course_reader(course_path)
        start_at = v.get("start_at", 0.0)
        length_m = course.length_m()
        if start_at >= length_m - 10.0:
            raise rep.error("route", "start_at", f"{start_at:g} m is beyond the course's end ({length_m:.0f} m); "
                            "expected a start on the course")
        return RouteSettings("course", course_path=course_path, course=course, start_at_m=start_at, markers_m=markers)
    if mode != "track":
        for key in ("lane", "finish", "heading"):
            if key in v:
                raise rep.error("route", key, 'only for a track; expected mode = "track" in [route]')
        return RouteSettings(markers_m=markers)
    if ("finish" in v) != ("heading" in v):
        missing = "heading" if "finish" in v else "finish"
        raise rep.error(
            "route", "finish" if missing == "heading" else "heading",
            f"needs `{missing}` too; give both, or neither and the oval is fitted from the fixes",
        )
    return RouteSettings("track", v.get("lane"), v.get("finish"), v.get("heading"))


def _course_distance(v: dict[str, Any], route: RouteSettings, rep: _Reporter) -> dict[str, Any]:
    """The plan's keys with `distance` defaulting to the course's length from its start, and the
    plan's distance checked against it: within MAX_STRETCH, or one line saying by how much not."""
    assert route.course is not None
    course_m = route.course.length_m() - route.start_at_m
    if "distance" not in v:
        return {**v, "distance": course_m}
    off = course_m / v["distance"] - 1.0
    if abs(off) > MAX_STRETCH:
        raise rep.error(
            "plan", "distance",
            f"{v['distance']:g} m, but the course {Path(route.course.path).name} is {course_m:.0f} m from its start, "
            f"{100 * abs(off):.1f} % {'shorter' if off < 0 else 'longer'}; expected them within {100 * MAX_STRETCH:g} % "
            "(or leave distance out)",
        )
    return v


def _stretched(distance_m: float, route: RouteSettings) -> RouteSettings:
    assert route.course is not None
    return replace(route, stretch=distance_m / (route.course.length_m() - route.start_at_m))


def _graded(plan: Plan, route: RouteSettings, model: str, rep: _Reporter) -> Plan:
    from pacer.grade import graded_plan

    if route.course is None:
        raise rep.error("plan", "grade", 'needs a course with elevation; expected [route] mode = "course"')
    dist_m, alt_m = route.course.profile()
    if len(dist_m) < 2:
        raise rep.error("plan", "grade", f"the course {Path(route.course.path).name} has no elevation; "
                        "expected <ele> in its points (or grade = \"flat\")")
    return graded_plan(plan, dist_m, alt_m, route.start_at_m, route.stretch, model)


def _is_miles(distance_m: float) -> bool:
    return abs(distance_m / MILE_M - round(distance_m / MILE_M, 1)) < 1e-6


def _build_plan(v: dict[str, Any], rep: _Reporter) -> Plan:
    distance_m: float = v["distance"]
    name = v.get("name") or f"{format_duration(v['goal']) if 'goal' in v else ''} {distance_m:g} m".strip()
    split_every_m = v.get("split_every") or (MILE_M if _is_miles(distance_m) else 1000.0)
    if split_every_m > distance_m:
        split_every_m = distance_m
    if distance_m / split_every_m > MAX_MARKS:
        raise rep.error(
            "plan", "split_every",
            f"{split_every_m:g} m makes {distance_m / split_every_m:.0f} split marks in {distance_m:g} m; "
            f"expected at most {MAX_MARKS:,} (a split of at least {distance_m / MAX_MARKS:.3g} m)",
        )
    if "splits" in v and "segments" in v:
        raise rep.error("plan", "segments", "give either `splits` or `segments`, not both")
    if "splits" in v:
        marks = split_marks_m(distance_m, split_every_m)
        if len(v["splits"]) != len(marks):
            raise rep.error(
                "plan", "splits",
                f"expected {len(marks)} split times (one per {split_every_m:g} m mark and the finish), got {len(v['splits'])}",
            )
        plan = splits_plan(name, distance_m, split_every_m, v["splits"])
    elif "segments" in v:
        plan = segments_plan(name, distance_m, split_every_m, _segments(v["segments"], distance_m, rep))
    elif "goal" in v:
        return even_plan(name, distance_m, v["goal"], split_every_m)
    else:
        raise rep.error("plan", "goal", "missing; give a goal time (\"4:40\"), `splits` or `segments`")
    if "goal" in v and abs(plan.goal_s - v["goal"]) > SPLITS_SUM_TOLERANCE_S:
        key = "splits" if "splits" in v else "segments"
        raise rep.error(
            "plan", key,
            f"adds up to {format_duration(plan.goal_s, 2)}, but goal is {format_duration(v['goal'], 2)}; "
            "expected them to agree (or leave goal out)",
        )
    return plan


def _segments(items: list[dict[str, Any]], distance_m: float, rep: _Reporter) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for i, seg in enumerate(items, start=1):
        unknown = set(seg) - {"to", "pace"}
        if unknown:
            raise rep.error("plan", "segments", f"segment {i}: unknown key {sorted(unknown)[0]!r}; expected `to` and `pace`")
        try:
            if "pace" not in seg:
                raise UnitError("missing `pace`, such as pace = \"4:40/mi\"")
            pace = parse_pace_s_per_m(_str(seg["pace"]))
            last = i == len(items)
            if "to" not in seg and not last:
                raise UnitError("missing `to` (only the last segment may leave it out)")
            to_m = parse_distance_m(_str(seg["to"])) if "to" in seg else distance_m
        except UnitError as e:
            raise rep.error("plan", "segments", f"segment {i}: {e}") from None
        if out and to_m <= out[-1][0]:
            raise rep.error("plan", "segments", f"segment {i}: `to` must be beyond the previous segment's end")
        if to_m > distance_m + 0.01 or (i == len(items) and abs(to_m - distance_m) > 0.01):
            raise rep.error("plan", "segments", f"segment {i}: the segments must end exactly at the distance ({distance_m:g} m)")
        out.append((to_m, pace))
    return out
