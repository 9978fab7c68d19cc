"""The runner's light: one colour per advice, a flash on each cue and split, amber blink when GPS is lost.

`light_state` is pure (Status in, state out); `LightPlayer` times the flash and
the blink exactly in caller-given time and drives any device with a `color`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable

import pytest

from pacer.light import (AMBER, BLINK_S, BLUE, FLASH_S, GREEN, OFF, RED, WHITE, LightPlayer, LightState,
                         dimmed, light_state)
from pacer.status import Cue, GpsState, Phase, Split, SplitKind, Status

T0 = 1_700_000_000.0  # GPS seconds: the player's arithmetic must stay exact at this size
MakeStatus = Callable[..., Status]


@pytest.fixture
def make_status() -> MakeStatus:
    base = Status(
        t_s=T0, phase=Phase.RUNNING, plan_name="mile", elapsed_s=60.0, dist_m=350.0, total_m=1609.344,
        speed_mps=5.7, delta_s=0.2, target_speed_mps=5.75, needed_speed_mps=5.8, next_mark_m=409.344,
        split_number=1, split_count=4, projected_finish_s=280.2, gps=GpsState.OK, satellites=9, advice=Cue.ON_PACE,
    )

    def make(**overrides: Any) -> Status:
        return replace(base, **overrides)

    return make


@pytest.fixture
def rgbled() -> Any:
    """gpiozero's own RGBLED on MockFactory PWM pins: what the player drives on the Pi, minus the GPIO."""
    from gpiozero import RGBLED
    from gpiozero.pins.mock import MockFactory, MockPWMPin

    led = RGBLED(5, 6, 13, pwm=True, pin_factory=MockFactory(pin_class=MockPWMPin))
    yield led
    led.close()


@pytest.mark.parametrize("advice, colour", [(Cue.ON_PACE, GREEN), (Cue.FASTER, RED), (Cue.SLOWER, BLUE)])
def test_each_advice_has_its_colour(make_status: MakeStatus, advice: Cue, colour: tuple) -> None:
    assert light_state(make_status(advice=advice)) == LightState(colour, flash=False, blink=False)


def test_the_three_advice_colours_differ_in_more_than_red_and_green() -> None:
    """Push and ease off must differ for a red-green colour-blind runner too: blue carries it."""
    assert len({GREEN, RED, BLUE}) == 3 and BLUE[2] > 0 and RED[2] == 0 == GREEN[2]


@pytest.mark.parametrize("phase", [Phase.READY, Phase.FINISHED])
def test_the_light_is_dark_before_the_start_and_after_the_finish(make_status: MakeStatus, phase: Phase) -> None:
    assert light_state(make_status(phase=phase)).colour == OFF


def test_gps_lost_blinks_amber_whatever_the_stale_advice(make_status: MakeStatus) -> None:
    state = light_state(make_status(gps=GpsState.LOST, advice=Cue.FASTER))
    assert state.blink and state.colour == OFF


def test_a_2d_fix_still_shows_the_advice(make_status: MakeStatus) -> None:
    assert light_state(make_status(gps=GpsState.DEGRADED, advice=Cue.SLOWER)).colour == BLUE


@pytest.mark.parametrize("sounds, splits", [((Cue.SPLIT,), ()), ((Cue.FASTER,), ()), ((), ("split",)),
                                            ((Cue.START,), ())])
def test_every_cue_and_every_split_flashes(make_status: MakeStatus, sounds: tuple, splits: tuple) -> None:
    split = Split(1, SplitKind.MARK, 409.344, 71.2, 71.5, 71.2, 71.5)
    status = make_status(sounds=sounds, new_splits=(split,) if splits else ())
    assert light_state(status).flash


def test_a_quiet_step_does_not_flash(make_status: MakeStatus) -> None:
    assert not light_state(make_status()).flash


def test_a_flash_is_white_for_its_quarter_second_then_the_advice(make_status: MakeStatus) -> None:
    player = LightPlayer()
    player.feed(make_status(sounds=(Cue.FASTER,), advice=Cue.FASTER))
    player.advance(T0 + 1.0)
    assert [(x.t_s - T0, x.colour) for x in player.log] == [(0.0, WHITE), (FLASH_S, RED)]


def test_gps_lost_blinks_one_second_on_one_off_between_steps(make_status: MakeStatus) -> None:
    player = LightPlayer()
    player.feed(make_status())
    player.feed(make_status(t_s=T0 + 1, gps=GpsState.LOST, sounds=(Cue.GPS_LOST,)))
    player.advance(T0 + 5.5)  # no steps meanwhile: the blink runs on its own
    assert [(x.t_s - T0, x.colour) for x in player.log] == [
        (0.0, GREEN), (1.0, WHITE), (1.0 + FLASH_S, AMBER), (1.0 + BLINK_S, OFF), (1.0 + 2 * BLINK_S, AMBER),
        (1.0 + 3 * BLINK_S, OFF), (1.0 + 4 * BLINK_S, AMBER)]


def test_gps_back_ends_the_blink_with_a_flash_into_the_advice(make_status: MakeStatus) -> None:
    player = LightPlayer()
    player.feed(make_status(gps=GpsState.LOST))
    player.feed(make_status(t_s=T0 + 1.5, sounds=(Cue.GPS_BACK,), advice=Cue.SLOWER))
    player.advance(T0 + 10)
    assert [(x.t_s - T0, x.colour) for x in player.log] == [(0.0, AMBER), (1.0, OFF), (1.5, WHITE), (1.75, BLUE)]


def test_an_unchanged_light_logs_nothing(make_status: MakeStatus) -> None:
    player = LightPlayer()
    for k in range(5):
        player.feed(make_status(t_s=T0 + k))
    assert len(player.log) == 1


def test_brightness_dims_what_the_device_gets_not_the_log(make_status: MakeStatus, rgbled: Any) -> None:
    player = LightPlayer(rgbled, brightness=0.25)
    player.feed(make_status(advice=Cue.FASTER))
    assert rgbled.color == dimmed(RED, 0.25) == (0.25, 0.0, 0.0) and player.log[-1].colour == RED


@pytest.mark.parametrize("brightness", [0.0, -0.1, 1.5])
def test_brightness_outside_0_to_1_is_refused(brightness: float) -> None:
    with pytest.raises(ValueError, match="brightness"):
        LightPlayer(brightness=brightness)


def test_close_lets_the_flash_end_then_goes_dark(make_status: MakeStatus, rgbled: Any) -> None:
    player = LightPlayer(rgbled)
    player.feed(make_status(phase=Phase.FINISHED, sounds=(Cue.FINISH,)))
    assert rgbled.color == WHITE
    player.close()
    assert [(x.t_s - T0, x.colour) for x in player.log] == [(0.0, WHITE), (FLASH_S, OFF)] and rgbled.color == OFF


def test_time_going_backwards_is_refused(make_status: MakeStatus) -> None:
    player = LightPlayer()
    player.feed(make_status(t_s=T0 + 2))
    with pytest.raises(ValueError, match="backwards"):
        player.advance(T0 + 1)
