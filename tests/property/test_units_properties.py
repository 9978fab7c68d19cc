"""The unit and time parsers: any text in, a number within the stated limits or one UnitError out."""

from __future__ import annotations

import math

import tests.property.profiles  # noqa: F401  (selects the ci or fuzz profile)
from hypothesis import given
from hypothesis import strategies as st

from pacer.errors import UnitError
from pacer.units import (
    MAX_DISTANCE_M, MAX_DURATION_S, MIN_DISTANCE_M, MIN_DURATION_S, format_duration, parse_distance_m,
    parse_duration_s, parse_pace_s_per_m,
)

# Text that looks like what people write, plus anything at all.
NUMBER = st.one_of(
    st.integers(0, 10**6).map(str),
    st.floats(0, 1e7, allow_nan=False).map(lambda x: f"{x:.6g}"),
    st.text("0123456789.", min_size=1, max_size=400),
)
DISTANCE_TEXT = st.one_of(
    st.tuples(NUMBER, st.sampled_from(["", " "]), st.sampled_from(["m", "km", "mi", "mile", "k", "mm", "KM", ""]))
    .map("".join),
    st.text(max_size=60),
)
DURATION_TEXT = st.one_of(
    st.lists(NUMBER, min_size=1, max_size=3).map(":".join),
    st.text(max_size=60),
)
ANY_VALUE = st.one_of(
    st.integers(), st.floats(), st.booleans(), st.none(), st.text(max_size=50),
    st.lists(st.integers(), max_size=3),
)


@given(DISTANCE_TEXT)
def test_a_distance_is_within_its_limits_or_one_unit_error(text: str) -> None:
    try:
        value = parse_distance_m(text)
    except UnitError as e:
        assert "\n" not in str(e) and len(str(e)) < 300
        return
    assert MIN_DISTANCE_M <= value < MAX_DISTANCE_M


@given(st.one_of(DURATION_TEXT, ANY_VALUE))
def test_a_duration_is_within_its_limits_or_one_unit_error(value: object) -> None:
    try:
        seconds = parse_duration_s(value)  # type: ignore[arg-type]
    except UnitError as e:
        assert "\n" not in str(e) and len(str(e)) < 300
        return
    assert MIN_DURATION_S <= seconds < MAX_DURATION_S


@given(st.one_of(st.tuples(DURATION_TEXT, DISTANCE_TEXT).map("/".join), ANY_VALUE))
def test_a_pace_is_finite_and_positive_or_one_unit_error(value: object) -> None:
    try:
        pace = parse_pace_s_per_m(value)  # type: ignore[arg-type]
    except UnitError as e:
        assert "\n" not in str(e) and len(str(e)) < 400
        return
    assert math.isfinite(pace) and pace > 0


@given(st.floats(MIN_DURATION_S * 100, MAX_DURATION_S - 1))
def test_a_formatted_duration_reads_back_to_the_tenth(seconds: float) -> None:
    assert abs(parse_duration_s(format_duration(seconds, 1)) - seconds) <= 0.05 + 1e-9
