"""Buzzer patterns: one per cue, each told apart by ear even on a one-tone buzzer."""

from __future__ import annotations

import itertools

import pytest

from pacer.sounds import ADVICE, PATTERNS, PRIORITY, URGENT, duration_s, rhythm
from pacer.status import Cue


def test_every_cue_has_a_pattern_and_a_priority() -> None:
    assert set(PATTERNS) == set(Cue) == set(PRIORITY)


@pytest.mark.parametrize("cue", list(Cue), ids=lambda c: c.name)
def test_pattern_alternates_sound_and_silence_starting_and_ending_on_sound(cue: Cue) -> None:
    sounding = [hz is not None for _, hz in PATTERNS[cue]]
    assert sounding == [i % 2 == 0 for i in range(len(sounding))]
    assert sounding[-1]


@pytest.mark.parametrize("cue", list(Cue), ids=lambda c: c.name)
def test_step_durations_are_positive_sixteenths_so_times_stay_exact(cue: Cue) -> None:
    for dur_s, _ in PATTERNS[cue]:
        assert dur_s > 0 and (dur_s * 16).is_integer()


@pytest.mark.parametrize("a, b", list(itertools.combinations(list(Cue), 2)), ids=lambda c: c.name)
def test_two_cues_differ_in_rhythm_alone(a: Cue, b: Cue) -> None:
    assert rhythm(PATTERNS[a]) != rhythm(PATTERNS[b])


def test_rhythms_are_the_documented_ones() -> None:
    assert {cue: "".join(rhythm(p)) for cue, p in PATTERNS.items()} == {
        Cue.ON_PACE: "S", Cue.SPLIT: "L", Cue.FASTER: "SSS", Cue.SLOWER: "LL",
        Cue.FINISH: "LSL", Cue.GPS_LOST: "MMM", Cue.GPS_BACK: "SL", Cue.START: "SSL",
        Cue.PIP: "M", Cue.GO: "ML", Cue.REP_DONE: "LS", Cue.BLOCK_DONE: "LSS",
    }


def test_faster_sounds_higher_than_slower() -> None:
    assert min(hz for _, hz in PATTERNS[Cue.FASTER] if hz) > max(hz for _, hz in PATTERNS[Cue.SLOWER] if hz)


def test_only_finish_and_gps_lost_are_urgent() -> None:
    assert {cue for cue, p in PRIORITY.items() if p >= URGENT} == {Cue.FINISH, Cue.GPS_LOST}


def test_advice_is_the_least_urgent() -> None:
    assert max(PRIORITY[c] for c in ADVICE) < min(PRIORITY[c] for c in set(Cue) - ADVICE)


def test_a_countdown_pip_is_over_before_the_next_one_a_second_later() -> None:
    from pacer.sounds import PATTERN_GAP_S

    assert duration_s(PATTERNS[Cue.PIP]) + PATTERN_GAP_S < 1.0


def test_every_pattern_is_over_within_two_seconds() -> None:
    assert max(duration_s(p) for p in PATTERNS.values()) <= 2.0
