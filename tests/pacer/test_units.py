"""Distances, durations and paces: what a person writes, what pacer understands."""

import pytest

from pacer.errors import PacerError, UnitError
from pacer.units import (
    format_distance,
    format_duration,
    format_pace,
    format_speed,
    parse_distance_m,
    parse_duration_s,
    parse_pace_s_per_m,
)


@pytest.mark.parametrize(
    "text, metres",
    [("1 mi", 1609.344), ("400 m", 400.0), ("5 km", 5000.0), ("5000 m", 5000.0), ("3000m", 3000.0),
     ("26.2 mi", 26.2 * 1609.344), ("42.195 km", 42195.0), ("1 mile", 1609.344)],
)
def test_distances_parse_to_metres(text, metres):
    assert parse_distance_m(text) == pytest.approx(metres)


@pytest.mark.parametrize("text", ["-3 km", "0 m", "5 furlongs", "km", "", "5"])
def test_bad_distances_are_refused_with_a_unit_error(text):
    with pytest.raises(UnitError):
        parse_distance_m(text)


def test_unit_errors_are_pacer_errors_and_value_errors():
    with pytest.raises(PacerError):
        parse_distance_m("-3 km")
    with pytest.raises(ValueError):
        parse_distance_m("-3 km")


@pytest.mark.parametrize(
    "text, seconds",
    [("4:40", 280.0), ("70.0", 70.0), ("70", 70.0), ("1:02:03", 3723.0), ("4:39.5", 279.5), (70, 70.0), ("0:59", 59.0)],
)
def test_durations_parse_to_seconds(text, seconds):
    assert parse_duration_s(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["4:75", "1:60:00", "abc", "-1:00", "0:00", True, "4:40:", ""])
def test_impossible_durations_are_refused(text):
    with pytest.raises(UnitError):
        parse_duration_s(text)


def test_paces_parse_per_km_per_mile_and_per_lap():
    assert parse_pace_s_per_m("3:45/km") == pytest.approx(225 / 1000)
    assert parse_pace_s_per_m("4:40/mi") == pytest.approx(280 / 1609.344)
    assert parse_pace_s_per_m("70/400m") == pytest.approx(70 / 400)


@pytest.mark.parametrize("text", ["4:40", "4:40/furlong", "x/km"])
def test_bad_paces_are_refused(text):
    with pytest.raises(UnitError):
        parse_pace_s_per_m(text)


def test_durations_format_as_a_runner_writes_them():
    assert format_duration(62.3, 1) == "1:02.3"
    assert format_duration(3723) == "1:02:03"
    assert format_duration(59.96, 1) == "1:00.0"
    assert format_duration(-5.04, 1) == "-0:05.0"


def test_pace_and_speed_format_in_the_chosen_unit():
    assert format_pace(1000 / 225, "km") == "3:45"
    assert format_pace(1609.344 / 280, "mi") == "4:40"
    assert format_pace(0.0, "km") == "--:--"
    assert format_pace(None, "km") == "--:--"
    assert format_speed(5.0, "km") == "18.0"
    assert format_speed(1609.344 / 3600 * 12, "mi") == "12.0"


def test_mark_names_prefer_the_plan_unit():
    assert format_distance(1609.344, "mi") == "1 mi"
    assert format_distance(400, "mi") == "400 m"
    assert format_distance(5000, "km") == "5 km"
    assert format_distance(409.344, "mi") == "409 m"
