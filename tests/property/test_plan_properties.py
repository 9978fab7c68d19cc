"""Plan files: any text in, a usable Config or one ConfigError out; a usable plan's
schedule is finite, increasing and ends at the goal."""

from __future__ import annotations

import json
import math

import tests.property.profiles  # noqa: F401  (selects the ci or fuzz profile)
from hypothesis import given
from hypothesis import strategies as st

from pacer.config import MAX_MARKS, parse_config
from pacer.errors import ConfigError
from pacer.report import schedule_table

from tests.property.test_units_properties import DISTANCE_TEXT, DURATION_TEXT

KEYS = {
    "distance": DISTANCE_TEXT, "goal": st.one_of(DURATION_TEXT, st.integers(-10, 10**30).map(str)),
    "split_every": DISTANCE_TEXT, "name": st.text(max_size=20),
}


def _toml_value(v: object) -> str:
    """JSON's string and number syntax is TOML's, near enough (what is not is a ConfigError too)."""
    if isinstance(v, bool):
        return str(v).lower()
    return json.dumps(v) if isinstance(v, str) else str(v)


@st.composite
def plan_texts(draw: st.DrawFn) -> str:
    """TOML of a [plan] with some of its keys, valid or not, sometimes with junk around it."""
    lines = ["[plan]"]
    for key, strategy in KEYS.items():
        if draw(st.booleans()):
            value = draw(st.one_of(strategy, st.integers(), st.floats(), st.booleans()))
            lines.append(f"{key} = {_toml_value(value)}")
    if draw(st.booleans()):
        n = draw(st.integers(1, 20))
        lines.append("splits = [" + ", ".join(_toml_value(draw(DURATION_TEXT)) for _ in range(n)) + "]")
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from([
            "[route]\nmode = \"track\"\nfinish = [0, 0]\nheading = 10.0",
            "[display]\npace_unit = \"yd\"", "[coach]\ntolerance = nan", "[coach]\ntolerance = inf",
            "x = " + "[" * 2000 + "]" * 2000, "[plan.segments]", "[[plan.segments]]\npace = \"4:00/km\"",
        ])))
    if draw(st.booleans()):
        lines.append(draw(st.text(max_size=40)))
    return "\n".join(lines)


@given(st.one_of(plan_texts(), st.text(max_size=200)))
def test_a_plan_file_gives_a_usable_plan_or_one_config_error(text: str) -> None:
    try:
        config = parse_config(text, "p.toml")
    except ConfigError as e:
        assert str(e).startswith("p.toml") and "\n" not in str(e).strip() or "not valid TOML" in str(e)
        return
    plan = config.plan
    assert 1 <= len(plan.marks_m) <= MAX_MARKS
    assert plan.marks_m[-1] == plan.distance_m
    assert all(b > a for a, b in zip(plan.marks_m, plan.marks_m[1:]))
    rows = plan.rows()
    assert all(math.isfinite(x) for row in rows for x in row)
    assert all(split > 0 for _, split, _ in rows)
    assert abs(rows[-1][2] - plan.goal_s) < 0.06
    assert math.isfinite(plan.target_speed_mps(plan.distance_m / 2)) and plan.target_speed_mps(0.0) > 0
    schedule_table(config)  # the plan command prints it without a traceback
