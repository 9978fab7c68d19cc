"""The pattern player on gpiozero's own mock buzzers, in exact simulated time."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from pacer.player import PatternPlayer, Sounded
from pacer.sounds import PATTERN_GAP_S, PATTERNS
from pacer.status import Cue, GpsState, Phase, Status
from sim.buzzer import SimBuzzer, mock_buzzer

T0 = 100.0


@dataclass
class Rig:
    player: PatternPlayer
    device: object
    pin: object

    def states(self) -> list[object]:
        return [s.state for s in self.pin.states]  # type: ignore[attr-defined]

    def run_out(self) -> None:
        while (t := self.player.next_change_s) is not None:
            self.player.advance(t)


@pytest.fixture
def rig() -> Rig:
    """A player on an active buzzer (one tone: on/off only)."""
    device, pin = mock_buzzer(tonal=False)
    return Rig(PatternPlayer(device), device, pin)


@pytest.fixture
def tonal_rig() -> Rig:
    device, pin = mock_buzzer(tonal=True)
    return Rig(PatternPlayer(device), device, pin)


def expected_log(cue: Cue, start_s: float) -> list[Sounded]:
    """What `cue` should log when it starts at `start_s`, ending silent."""
    pattern = PATTERNS[cue]
    starts = [start_s] + [start_s + off for off in itertools.accumulate(d for d, _ in pattern)]
    return [Sounded(t, cue, hz) for t, (_, hz) in zip(starts, [*pattern, (0.0, None)])]


def beeps(cue: Cue) -> int:
    return sum(hz is not None for _, hz in PATTERNS[cue])


@pytest.mark.parametrize("cue", list(Cue), ids=lambda c: c.name)
def test_active_buzzer_pin_goes_on_and_off_once_per_beep(rig: Rig, cue: Cue) -> None:
    rig.player.play(cue, T0)
    rig.run_out()
    expected = [False] + [True, False] * beeps(cue)
    assert len(rig.pin.states) == len(expected)  # type: ignore[attr-defined]
    rig.pin.assert_states(expected)  # type: ignore[attr-defined]


@pytest.mark.parametrize("cue", list(Cue), ids=lambda c: c.name)
def test_passive_buzzer_pin_pulses_once_per_beep(tonal_rig: Rig, cue: Cue) -> None:
    tonal_rig.player.play(cue, T0)
    tonal_rig.run_out()
    assert tonal_rig.states() == [False] + [0.5, 0.0] * beeps(cue)


def test_passive_buzzer_plays_each_steps_tone(tonal_rig: Rig) -> None:
    tonal_rig.player.play(Cue.FINISH, T0)
    heard = []
    while (t := tonal_rig.player.next_change_s) is not None:
        tonal_rig.player.advance(t)
        tone = tonal_rig.device.tone  # type: ignore[attr-defined]
        heard.append(None if tone is None else round(tone.frequency))
    assert heard == [None if hz is None else round(hz) for _, hz in PATTERNS[Cue.FINISH]] + [None]


@pytest.mark.parametrize("cue", list(Cue), ids=lambda c: c.name)
def test_every_change_is_logged_at_its_exact_simulated_time(rig: Rig, cue: Cue) -> None:
    rig.player.play(cue, T0)
    rig.run_out()
    assert rig.player.log == expected_log(cue, T0)


def test_one_coarse_advance_logs_the_same_exact_times(rig: Rig) -> None:
    rig.player.play(Cue.GPS_LOST, T0)
    rig.player.advance(T0 + 60.0)
    assert rig.player.log == expected_log(Cue.GPS_LOST, T0)


def test_nothing_sounds_before_advance_reaches_the_cue(rig: Rig) -> None:
    rig.player.play(Cue.SPLIT, T0)
    assert rig.player.log == [] and rig.states() == [False]
    rig.player.advance(T0)
    assert rig.player.log == [Sounded(T0, Cue.SPLIT, PATTERNS[Cue.SPLIT][0][1])]


def test_next_change_tells_when_to_advance(rig: Rig) -> None:
    assert rig.player.next_change_s is None
    rig.player.play(Cue.ON_PACE, T0)
    assert rig.player.next_change_s == T0
    rig.player.advance(T0)
    assert rig.player.next_change_s == T0 + PATTERNS[Cue.ON_PACE][0][0]


def test_a_second_cue_waits_for_the_first_then_a_gap(rig: Rig) -> None:
    rig.player.play(Cue.SPLIT, T0)
    rig.player.advance(T0 + 0.25)
    rig.player.play(Cue.ON_PACE, T0 + 0.25)
    rig.run_out()
    split_end = T0 + PATTERNS[Cue.SPLIT][0][0]
    assert rig.player.log == expected_log(Cue.SPLIT, T0) + expected_log(Cue.ON_PACE, split_end + PATTERN_GAP_S)


def test_cues_of_one_step_sound_most_urgent_first(rig: Rig) -> None:
    rig.player.play(Cue.SPLIT, T0)
    rig.player.play(Cue.FINISH, T0)
    rig.run_out()
    assert [s.cue for s in rig.player.log] == [Cue.FINISH] * 6 + [Cue.SPLIT] * 2


def test_an_urgent_cue_cuts_off_sounding_advice(rig: Rig) -> None:
    rig.player.play(Cue.SLOWER, T0)
    rig.player.advance(T0 + 0.5)  # inside SLOWER's first long beep
    rig.player.play(Cue.GPS_LOST, T0 + 0.5)
    rig.run_out()
    slower = [s for s in rig.player.log if s.cue is Cue.SLOWER]
    lost = [s for s in rig.player.log if s.cue is Cue.GPS_LOST]
    assert slower == [Sounded(T0, Cue.SLOWER, PATTERNS[Cue.SLOWER][0][1]), Sounded(T0 + 0.5, Cue.SLOWER, None)]
    assert lost == expected_log(Cue.GPS_LOST, T0 + 0.5 + PATTERN_GAP_S)


def test_advice_never_cuts_off_an_urgent_cue(rig: Rig) -> None:
    rig.player.play(Cue.GPS_LOST, T0)
    rig.player.advance(T0 + 0.1)
    rig.player.play(Cue.FASTER, T0 + 0.1)
    rig.run_out()
    lost_end = T0 + sum(d for d, _ in PATTERNS[Cue.GPS_LOST])
    assert rig.player.log == expected_log(Cue.GPS_LOST, T0) + expected_log(Cue.FASTER, lost_end + PATTERN_GAP_S)


def test_a_split_waits_behind_sounding_advice(rig: Rig) -> None:
    rig.player.play(Cue.FASTER, T0)
    rig.player.advance(T0)
    rig.player.play(Cue.SPLIT, T0 + 0.1)
    rig.run_out()
    assert [s.cue for s in rig.player.log] == [Cue.FASTER] * 6 + [Cue.SPLIT] * 2


def test_a_more_urgent_waiting_cue_jumps_the_queue(rig: Rig) -> None:
    rig.player.play(Cue.SPLIT, T0)
    rig.player.advance(T0)
    rig.player.play(Cue.ON_PACE, T0 + 0.1)
    rig.player.play(Cue.GPS_BACK, T0 + 0.2)
    rig.run_out()
    order = [c for c, _ in itertools.groupby(s.cue for s in rig.player.log)]
    assert order == [Cue.SPLIT, Cue.GPS_BACK, Cue.ON_PACE]


def test_new_advice_replaces_advice_still_waiting(rig: Rig) -> None:
    rig.player.play(Cue.SPLIT, T0)
    rig.player.advance(T0)
    rig.player.play(Cue.FASTER, T0 + 0.1)
    rig.player.play(Cue.SLOWER, T0 + 0.2)
    rig.run_out()
    assert {s.cue for s in rig.player.log} == {Cue.SPLIT, Cue.SLOWER}


def test_a_cue_already_waiting_is_not_queued_twice(rig: Rig) -> None:
    rig.player.play(Cue.SPLIT, T0)
    rig.player.advance(T0)
    rig.player.play(Cue.GPS_BACK, T0 + 0.1)
    rig.player.play(Cue.GPS_BACK, T0 + 0.2)
    rig.run_out()
    assert sum(s.cue is Cue.GPS_BACK and s.tone_hz is not None for s in rig.player.log) == beeps(Cue.GPS_BACK)


def test_stop_silences_at_once_and_forgets_waiting_cues(rig: Rig) -> None:
    rig.player.play(Cue.SPLIT, T0)
    rig.player.play(Cue.FASTER, T0)
    rig.player.advance(T0)
    rig.player.stop(T0 + 0.25)
    assert rig.player.log[-1] == Sounded(T0 + 0.25, Cue.SPLIT, None)
    assert rig.player.idle and rig.states() == [False, True, False]


def test_time_may_not_go_backwards(rig: Rig) -> None:
    rig.player.advance(T0)
    with pytest.raises(ValueError):
        rig.player.play(Cue.SPLIT, T0 - 1.0)


def test_sim_buzzer_sounds_the_cues_of_each_status() -> None:
    status = Status(t_s=T0, phase=Phase.RUNNING, plan_name="p", elapsed_s=0.0, dist_m=0.0, total_m=400.0,
                    speed_mps=None, delta_s=0.0, target_speed_mps=5.0, needed_speed_mps=None,
                    next_mark_m=400.0, split_number=1, split_count=1, projected_finish_s=80.0,
                    gps=GpsState.OK, satellites=None, advice=Cue.ON_PACE, sounds=(Cue.START,))
    buzzer = SimBuzzer()
    buzzer.feed(status)
    buzzer.close()
    assert buzzer.log == expected_log(Cue.START, T0)
