"""Workout plan files: `[[workout]]` blocks expand into the steps the device runs, and
every wrong key gets one line naming the file, the line, the key and what was expected."""

from pathlib import Path

import pytest

from pacer.config import load_config, parse_config
from pacer.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parents[2] / "sim" / "plans" / "workout_issue_example.toml"
MILE = 1609.344


def steps_of(text: str):
    config = parse_config(text, "w.toml")
    assert config.workout is not None
    return config.workout.steps()


def error_of(text: str) -> str:
    with pytest.raises(ConfigError) as e:
        parse_config(text, "w.toml")
    message = str(e.value)
    assert "\n" not in message
    return message


def test_the_issue_example_loads_every_block_kind():
    config = load_config(EXAMPLE)
    assert config.workout is not None
    assert config.plan.name == "Tuesday: 5 × 400 m"
    assert [b.kind for b in config.workout.blocks] == ["free", "distance", "distance", "distance", "time", "time", "free"]
    steps = config.workout.steps()
    # 1 warm-up, 5 reps + 4 rests, 8 + 7, 4 + 3, 1 tempo, 8 + 7, 1 cool-down
    assert len(steps) == 1 + 9 + 15 + 7 + 1 + 15 + 1


def test_a_rest_comes_between_reps_not_after_the_last():
    steps = steps_of('[[workout]]\nrepeat = 3\ndistance = "400 m"\ngoal = "1:10"\nrest = "2:00"\n')
    assert [s.kind for s in steps] == ["rep", "rest", "rep", "rest", "rep"]
    assert [s.index for s in steps] == [1, 1, 2, 2, 3]
    assert all(s.duration_s == 120.0 for s in steps if s.kind == "rest")


def test_rest_after_last_adds_a_rest_after_the_last_rep():
    steps = steps_of('[[workout]]\nrepeat = 2\ndistance = "400 m"\nrest = "1:00"\nrest_after_last = true\n')
    assert [s.kind for s in steps] == ["rep", "rest", "rep", "rest"]


def test_a_progression_makes_each_rep_faster_by_its_step():
    steps = steps_of('[[workout]]\nrepeat = 5\ndistance = "400 m"\ngoal = "1:10"\nprogression = "-1 s"\n')
    assert [s.target_s for s in steps] == [70.0, 69.0, 68.0, 67.0, 66.0]


def test_a_pace_sets_a_distance_reps_target():
    (rep,) = steps_of('[[workout]]\ndistance = "1200 m"\npace = "5:20/mi"\n')
    assert rep.target_s == pytest.approx(1200 * 320 / MILE)


def test_a_float_is_a_paced_distance_rest():
    steps = steps_of('[[workout]]\nrepeat = 2\ndistance = "200 m"\ngoal = "0:32"\nrest = "200 m"\nrest_pace = "6:00/mi"\n')
    rest = steps[1]
    assert rest.kind == "rest" and rest.distance_m == 200.0 and not rest.counted
    assert rest.pace_s_per_m == pytest.approx(360 / MILE)


def test_an_equal_rest_is_counted_and_has_no_fixed_length():
    steps = steps_of('[[workout]]\nrepeat = 2\ndistance = "1200 m"\npace = "5:20/mi"\nrest = "equal"\n')
    assert steps[1].equal and steps[1].counted and steps[1].duration_s is None


def test_a_time_block_targets_a_distance_with_splits_inside():
    (rep,) = steps_of('[[workout]]\ntime = "30:00"\npace = "5:45/mi"\nsplit_every = "400 m"\n')
    assert rep.target_m == pytest.approx(1800 / 345 * MILE)
    assert rep.marks_m[:2] == (400.0, 800.0) and len(rep.marks_m) == int(rep.target_m // 400)


def test_unpaced_timed_reps_have_no_target():
    steps = steps_of('[[workout]]\nrepeat = 8\ntime = "0:15"\nrest = "1:30"\n')
    assert len(steps) == 15 and all(not s.paced for s in steps)


@pytest.mark.parametrize("value, until", [('"until lap"', "lap"), ('"until stop"', "stop"), ('"2 km"', "distance"), ('"10:00"', "time")])
def test_a_free_block_ends_at_a_lap_a_stop_a_distance_or_a_time(value, until):
    (free,) = steps_of(f"[[workout]]\nfree = {value}\n")
    assert free.kind == "free" and free.free_until == until


def test_the_plan_name_defaults_to_the_reps():
    config = parse_config('[[workout]]\nrepeat = 5\ndistance = "400 m"\ngoal = "1:10"\n')
    assert config.plan.name == "5 x 400 m"


# -- one line for every wrong key: file, line, key, expected -----------------------

HEAD = '[plan]\nname = "x"\n\n[[workout]]\nfree = "1 km"\n\n[[workout]]\n'  # the second block starts on line 7


@pytest.mark.parametrize("body, line, key, expected", [
    ('repeat = 5\ndistance = "400 m"\ngoal = "1:75"\n', 10, "workout[2].goal", "seconds must be below 60"),
    ('repeat = 0\ndistance = "400 m"\n', 8, "workout[2].repeat", "whole number of reps from 1"),
    ('repeat = "5"\ndistance = "400 m"\n', 8, "workout[2].repeat", "whole number"),
    ('distance = "400 yards"\n', 8, "workout[2].distance", "expected a distance"),
    ('distance = "400 m"\ntime = "1:00"\n', 9, "workout[2].time", "exactly one of `free`, `distance` or `time`"),
    ('goal = "1:10"\n', 7, "workout[2]", "exactly one of `free`, `distance` or `time` (got none)"),
    ('distance = "400 m"\ngoal = "1:10"\npace = "4:40/mi"\n', 10, "workout[2].pace", "either `goal`"),
    ('distance = "400 m"\npace = "4:40"\n', 9, "workout[2].pace", "expected a pace"),
    ('distance = "400 m"\nrest = "forever"\n', 9, "workout[2].rest", 'a distance ("200 m") or "equal"'),
    ('distance = "400 m"\nrest = true\n', 9, "workout[2].rest", "expected a time"),
    ('distance = "400 m"\nrest = "1:00"\nrest_pace = "6:00/mi"\n', 10, "workout[2].rest_pace", "only for a distance rest"),
    ('distance = "400 m"\nrest_pace = "6:00/mi"\n', 9, "workout[2].rest_pace", "needs a distance `rest`"),
    ('distance = "400 m"\nrest = "200 m"\nrest_pace = "slow"\n', 10, "workout[2].rest_pace", "expected a pace"),
    ('distance = "400 m"\nprogression = "-1 s"\n', 9, "workout[2].progression", "needs a `goal` or `pace`"),
    ('distance = "400 m"\ngoal = "1:10"\nprogression = "faster"\n', 10, "workout[2].progression", "seconds per rep"),
    ('repeat = 10\ndistance = "400 m"\ngoal = "0:10"\nprogression = "-2 s"\n', 11, "workout[2].progression", "no time"),
    ('distance = "400 m"\nsplit_every = "200 m"\n', 9, "workout[2].split_every", "needs a `goal` or `pace`"),
    ('distance = "400 m"\ngoal = "1:10"\nsplit_every = "400 m"\n', 10, "workout[2].split_every", "less than the rep's distance"),
    ('time = "30:00"\ngoal = "1:10"\n', 9, "workout[2].goal", "not for a time block"),
    ('time = "30:00"\nsplit_every = "400 m"\n', 9, "workout[2].split_every", "needs a `pace`"),
    ('time = "30:00"\nprogression = "-1 s"\n', 9, "workout[2].progression", "only for distance reps"),
    ('time = "-5"\n', 8, "workout[2].time", "expected a time"),
    ('distance = "400 m"\nrest_after_last = true\n', 9, "workout[2].rest_after_last", "needs a `rest`"),
    ('distance = "400 m"\nrest = "1:00"\nrest_after_last = "yes"\n', 10, "workout[2].rest_after_last", "true or false"),
    ('distance = "400 m"\nreps = 5\n', 9, "workout[2].reps", "unknown key; expected one of free, distance, time"),
    ('free = "forever"\n', 8, "workout[2].free", '"until lap", "until stop"'),
    ('free = "until lap"\ngoal = "1:10"\n', 9, "workout[2].goal", "not for a free block"),
])
def test_a_wrong_workout_key_gets_one_line(body, line, key, expected):
    message = error_of(HEAD + body)
    assert message.startswith(f"w.toml, line {line}: {key}: "), message
    assert expected in message


def test_pacing_keys_in_plan_beside_workout_blocks_are_refused():
    message = error_of('[plan]\nname = "x"\ndistance = "5 km"\n\n[[workout]]\nfree = "until stop"\n')
    assert message.startswith("w.toml, line 3: plan.distance: ")
    assert "expected only `name`" in message


def test_a_workout_table_instead_of_an_array_of_tables_is_refused():
    message = error_of('[workout]\nfree = "until stop"\n')
    assert "expected [[workout]] blocks" in message


def test_a_plan_without_workout_still_needs_a_distance():
    assert "plan.distance: missing" in error_of('[plan]\nname = "x"\n')


def test_a_standing_start_schedule_reaches_the_distance_at_the_goal():
    from pacer.workout import START_ACCEL_MPS2, standing_start_elapsed_s, standing_start_speed_mps

    assert standing_start_elapsed_s(400.0, 400.0, 70.0) == pytest.approx(70.0)
    assert standing_start_elapsed_s(0.0, 400.0, 70.0) == 0.0
    v = standing_start_speed_mps(400.0, 400.0, 70.0)
    assert v > 400 / 70  # faster than even pace, to make up for the start
    assert 70.0 - 400 / v == pytest.approx(v / (2 * START_ACCEL_MPS2))  # the start costs v / 2a
    ramp_m = v * v / (2 * START_ACCEL_MPS2)
    assert standing_start_elapsed_s(ramp_m / 2, 400.0, 70.0) == pytest.approx((ramp_m / START_ACCEL_MPS2) ** 0.5)
    assert standing_start_speed_mps(ramp_m / 4, 400.0, 70.0) == pytest.approx(v / 2)


def test_a_rep_reads_its_schedule_from_behind_its_start_as_time_zero():
    """Found by the property suite: GNSS noise can put the bike behind its rep's start
    (a negative distance), and the standing-start schedule took a square root of it."""
    from pacer.workout import standing_start_elapsed_s

    assert standing_start_elapsed_s(-1.5, 400.0, 70.0) == 0.0
