"""Plan files: the keys the issue spells out work; every wrong input gets one line
naming the file, the key (and its line) and what was expected."""

import pytest

from pacer.config import load_config, parse_config
from pacer.errors import ConfigError

MILE = 1609.344

ISSUE_EXAMPLE = """\
[plan]
name = "Mile PR"
distance = "1 mi"         # also "5000 m", "5 km", "3000m", "26.2 mi", "42.195 km"
goal = "4:40"             # finish time: h:mm:ss, m:ss, m:ss.s
split_every = "400 m"     # split marks; default 1 km or 1 mi after the distance's unit
splits = ["1:10", "1:10", "1:10", "1:10"]   # optional: explicit split times instead of even pace
"""


@pytest.fixture
def plan_file(tmp_path):
    def write(text: str):
        path = tmp_path / "plan.toml"
        path.write_text(text)
        return path

    return write


def test_the_issue_example_loads(plan_file):
    config = load_config(plan_file(ISSUE_EXAMPLE))
    assert config.plan.name == "Mile PR"
    assert config.plan.distance_m == pytest.approx(MILE)
    assert config.plan.goal_s == pytest.approx(280)
    assert len(config.plan.marks_m) == 4
    assert config.display.pace_unit == "mi"


@pytest.mark.parametrize("distance", ["5000 m", "5 km", "3000m", "26.2 mi", "42.195 km"])
def test_every_distance_form_of_the_issue_loads(distance):
    config = parse_config(f'[plan]\ndistance = "{distance}"\ngoal = "1:00:00"\n')
    assert config.plan.distance_m > 0


def test_split_every_defaults_to_the_distance_unit():
    assert parse_config('[plan]\ndistance = "5 km"\ngoal = "20:00"\n').plan.marks_m[0] == 1000
    assert parse_config('[plan]\ndistance = "26.2 mi"\ngoal = "2:30:00"\n').plan.marks_m[0] == pytest.approx(MILE)


def test_per_segment_paces_make_a_negative_split():
    config = parse_config(
        '[plan]\ndistance = "1 mi"\nsplit_every = "400 m"\n'
        '[[plan.segments]]\nto = "1200 m"\npace = "4:45/mi"\n'
        '[[plan.segments]]\npace = "4:25/mi"\n'
    )
    plan = config.plan
    assert plan.target_speed_mps(100) == pytest.approx(MILE / 285)
    assert plan.target_speed_mps(1500) == pytest.approx(MILE / 265)


def test_display_and_coach_options():
    config = parse_config(
        '[plan]\ndistance = "5 km"\ngoal = "20:00"\n[display]\npace_unit = "mi"\nneeded = "speed"\n[coach]\ntolerance = 2.5\n'
    )
    assert config.display.pace_unit == "mi" and config.display.needed_as == "speed"
    assert config.coach.tolerance_s == 2.5


def _error(text: str) -> str:
    with pytest.raises(ConfigError) as e:
        parse_config(text, "plan.toml")
    message = str(e.value)
    assert "\n" not in message
    assert message.startswith("plan.toml")
    return message


def test_splits_that_do_not_add_up_to_the_goal():
    msg = _error(ISSUE_EXAMPLE.replace('"1:10", "1:10", "1:10", "1:10"', '"1:10", "1:10", "1:10", "1:12"'))
    assert "line 6" in msg and "plan.splits" in msg and "4:42" in msg and "4:40" in msg


def test_a_negative_distance():
    msg = _error('[plan]\ndistance = "-3 km"\ngoal = "12:00"\n')
    assert "line 2" in msg and "plan.distance" in msg and "positive" in msg


def test_a_time_with_75_seconds():
    msg = _error('[plan]\ndistance = "1 mi"\ngoal = "4:75"\n')
    assert "line 3" in msg and "plan.goal" in msg and "below 60" in msg


def test_an_unknown_key():
    msg = _error('[plan]\ndistance = "1 mi"\ngoal = "4:40"\nsplit_evry = "400 m"\n')
    assert "line 4" in msg and "plan.split_evry" in msg and "split_every" in msg


def test_an_unknown_section():
    msg = _error('[plan]\ndistance = "1 mi"\ngoal = "4:40"\n[dispaly]\npace_unit = "mi"\n')
    assert "[dispaly]" in msg and "display" in msg


def test_a_wrong_type():
    msg = _error('[plan]\ndistance = 5000\ngoal = "20:00"\n')
    assert "line 2" in msg and "plan.distance" in msg and "a number" in msg


def test_a_wrong_choice():
    msg = _error('[plan]\ndistance = "5 km"\ngoal = "20:00"\n[display]\npace_unit = "furlong"\n')
    assert "display.pace_unit" in msg and "'km'" in msg


def test_the_wrong_number_of_splits():
    msg = _error('[plan]\ndistance = "5 km"\nsplits = ["4:00", "4:00"]\n')
    assert "expected 5 split times" in msg


def test_a_bad_split_time_names_the_item():
    msg = _error('[plan]\ndistance = "1 mi"\nsplit_every = "400 m"\nsplits = ["1:10", "1:70", "1:10", "1:10"]\n')
    assert "item 2" in msg and "below 60" in msg


def test_a_missing_goal():
    msg = _error('[plan]\ndistance = "5 km"\n')
    assert "goal" in msg


def test_a_missing_distance():
    assert "plan.distance" in _error('[plan]\ngoal = "20:00"\n')


def test_segments_that_stop_short_of_the_distance():
    msg = _error('[plan]\ndistance = "5 km"\n[[plan.segments]]\nto = "4 km"\npace = "4:00/km"\n')
    assert "segment 1" in msg and "end exactly at the distance" in msg


def test_a_toml_syntax_error_gives_its_line():
    msg = _error('[plan]\ndistance = "5 km\ngoal = "20:00"\n')
    assert "not valid TOML" in msg and "line 2" in msg


def test_a_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="no such plan file"):
        load_config(tmp_path / "nope.toml")
