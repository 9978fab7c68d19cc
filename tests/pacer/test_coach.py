"""Advice with a tolerance band and hysteresis, so the rider is never nagged by noise."""

import pytest

from pacer.coach import AdviceState, advise, needed_speed_mps, projected_delta_s, tolerance_s
from pacer.config import CoachSettings
from pacer.plan import even_plan
from pacer.status import Cue

SETTINGS = CoachSettings(tolerance_s=1.0, reminder_s=30.0)


def feed(values, start=AdviceState(), dt=1.0):
    """Run projected deltas through the advice; return (advice per step, cues sounded)."""
    state, advice, cues = start, [], []
    for i, v in enumerate(values):
        state, cue = advise(state, v, 1.0, i * dt, SETTINGS)
        advice.append(state.advice)
        if cue:
            cues.append((i, cue))
    return advice, cues


def test_inside_the_band_the_rider_hears_nothing():
    advice, cues = feed([0.3, -0.6, 0.9, -0.9, 0.5] * 20)
    assert set(advice) == {Cue.ON_PACE}
    assert cues == []


def test_falling_behind_says_faster_once():
    advice, cues = feed([0.0, 0.5, 1.2, 1.5, 1.4, 1.3])
    assert advice[2] == Cue.FASTER
    assert cues == [(2, Cue.FASTER)]


def test_getting_ahead_says_slower():
    _, cues = feed([0.0, -1.3])
    assert cues == [(1, Cue.SLOWER)]


def test_back_on_pace_needs_half_the_band_not_just_the_edge():
    advice, cues = feed([0.0, 1.5, 1.5, 1.5, 0.8, 0.7, 0.6, 0.4])
    assert advice[4:7] == [Cue.FASTER] * 3  # inside the band, but not well inside
    assert advice[7] == Cue.ON_PACE
    assert cues == [(1, Cue.FASTER), (7, Cue.ON_PACE)]


def test_noise_across_the_edge_does_not_flip_the_advice():
    _, cues = feed([1.1, 0.9, 1.1, 0.9, 1.1, 0.9, 1.1, 0.9])
    assert cues == [(0, Cue.FASTER)]


def test_a_standing_faster_is_repeated_slowly():
    _, cues = feed([1.2] * 65)
    assert cues == [(0, Cue.FASTER), (30, Cue.FASTER), (60, Cue.FASTER)]


def test_far_off_the_reminder_comes_three_times_as_often():
    _, cues = feed([2.0] * 35)
    assert cues == [(0, Cue.FASTER), (10, Cue.FASTER), (20, Cue.FASTER), (30, Cue.FASTER)]


def test_advice_holds_a_few_seconds_before_changing():
    _, cues = feed([2.0, -2.0, -2.0, -2.0, -2.0])
    assert cues == [(0, Cue.FASTER), (3, Cue.SLOWER)]


def test_projection_credits_a_rider_already_closing_the_gap():
    # 2 s behind, running 3 % faster than plan: in 10 s the gap is 1.7 s ... still behind
    assert projected_delta_s(2.0, 5.15, 5.0, 10.0) == pytest.approx(1.7)
    # 1 s behind at 15 % over plan pace: back on schedule within the horizon
    assert projected_delta_s(1.0, 5.75, 5.0, 10.0) < 0


def test_tolerance_scales_with_the_goal_unless_set():
    assert tolerance_s(even_plan("m", 1609.344, 280, 400), CoachSettings()) == pytest.approx(1.28)
    assert tolerance_s(even_plan("m", 42195, 7500, 1000), CoachSettings()) == pytest.approx(8.5)
    assert tolerance_s(even_plan("m", 1609.344, 280, 400), CoachSettings(tolerance_s=2.0)) == 2.0


def test_pace_needed_aims_at_the_next_mark():
    plan = even_plan("5k", 5000, 1200, 1000)  # 240 s per km
    # at 500 m, 2 s behind (122 s): 500 m to go in 118 s
    assert needed_speed_mps(plan, 500, 122) == pytest.approx(500 / 118)


def test_pace_needed_skips_a_mark_that_is_too_close():
    plan = even_plan("5k", 5000, 1200, 1000)
    assert needed_speed_mps(plan, 950, 230) == pytest.approx(1050 / (480 - 230))


def test_pace_needed_is_none_when_the_mark_time_has_passed():
    plan = even_plan("5k", 5000, 1200, 1000)
    assert needed_speed_mps(plan, 850, 240) is None


def test_pace_needed_is_none_in_the_last_metres():
    plan = even_plan("5k", 5000, 1200, 1000)
    assert needed_speed_mps(plan, 4999, 1198) is None  # 1 m out, 1.8 s ahead: nothing left to act on
    assert needed_speed_mps(plan, 4850, 1160) == pytest.approx(150 / 40)
