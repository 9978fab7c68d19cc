"""The schedule: target time at any distance, and where the splits fall."""

import pytest

from pacer.plan import even_plan, segments_plan, split_marks_m, splits_plan

MILE = 1609.344


def test_even_plan_runs_at_one_pace_to_the_goal():
    plan = even_plan("5k", 5000, 1200, 1000)
    assert plan.target_elapsed_s(2500) == pytest.approx(600)
    assert plan.target_elapsed_s(5000) == pytest.approx(1200)
    assert plan.target_speed_mps(100) == pytest.approx(5000 / 1200)


def test_road_marks_fall_every_split_with_a_short_last_split():
    assert split_marks_m(21097.5, 1000)[-2:] == (21000, 21097.5)
    assert split_marks_m(5000, 1000) == (1000, 2000, 3000, 4000, 5000)


def test_a_mile_in_400m_splits_is_four_laps_split_at_the_finish_line():
    marks = split_marks_m(MILE, 400)
    assert len(marks) == 4
    assert marks[0] == pytest.approx(409.344)
    assert marks[-1] == MILE


def test_a_large_remainder_makes_a_short_last_split():
    assert split_marks_m(3000, 400)[-2:] == (2800, 3000)


def test_explicit_splits_set_the_time_at_each_mark():
    plan = splits_plan("mile", MILE, 400, [69, 70, 71, 70])
    assert [round(t, 6) for _, _, t in plan.rows()] == [69, 139, 210, 280]
    assert plan.target_speed_mps(500) == pytest.approx(400 / 70)


def test_explicit_splits_must_match_the_marks():
    with pytest.raises(ValueError):
        splits_plan("mile", MILE, 400, [70, 70, 70])


def test_segments_give_a_negative_split():
    plan = segments_plan("neg", 5000, 1000, [(2500, 0.25), (5000, 0.23)])
    assert plan.target_elapsed_s(2500) == pytest.approx(625)
    assert plan.goal_s == pytest.approx(625 + 575)
    assert plan.target_speed_mps(3000) == pytest.approx(1 / 0.23)


def test_beyond_the_finish_the_last_pace_holds():
    plan = even_plan("m", 1000, 200, 1000)
    assert plan.target_elapsed_s(1100) == pytest.approx(220)
