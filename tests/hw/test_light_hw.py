"""The runner's light on the Pi: gpiozero RGBLED (PWM) from `[device] light`, on MockFactory pins.

Steady colours are set at once; the flash and the GPS-lost blink are timed by
gpiozero's own background blinker, so these tests wait for its end state rather
than time it. A light that cannot open goes dark and the run goes on.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

import pytest
from gpiozero.pins.mock import MockFactory, MockPWMPin

from hw.device_config import device_config
from hw.light import HwLight, make_hw_light
from hw.run import run_device
from pacer.config import parse_config
from pacer.errors import ConfigError
from pacer.light import AMBER, BLUE, GREEN, RED, WHITE, dimmed
from pacer.status import Cue, GpsState, Phase, Status
from sim.gpx_source import load_gpx

ROOT = Path(__file__).resolve().parents[2]
TRACK = ROOT / "sim" / "tracks" / "mile_road_1hz.gpx"
PLAN = (ROOT / "sim" / "plans" / "mile_4_40.toml").read_text()
PINS = {"red": 5, "green": 6, "blue": 13}

STATUS = Status(
    t_s=1_700_000_000.0, phase=Phase.RUNNING, plan_name="mile", elapsed_s=60.0, dist_m=350.0, total_m=1609.344,
    speed_mps=5.7, delta_s=0.2, target_speed_mps=5.75, needed_speed_mps=5.8, next_mark_m=409.344,
    split_number=1, split_count=4, projected_finish_s=280.2, gps=GpsState.OK, satellites=9, advice=Cue.ON_PACE,
)


@pytest.fixture
def factory() -> Any:
    return MockFactory(pin_class=MockPWMPin)


@pytest.fixture
def light(factory: MockFactory) -> Any:
    hw = make_hw_light(PINS, brightness=0.5, pin_factory=factory)
    yield hw
    hw.close()


def pins_of(factory: MockFactory) -> tuple[float, float, float]:
    """What the three mock PWM pins hold now: red, green, blue duty cycles."""
    return tuple(float(factory.pin(PINS[c]).state) for c in ("red", "green", "blue"))  # type: ignore[return-value]


def states(factory: MockFactory, colour: str) -> list[float]:
    return [float(s.state) for s in factory.pin(PINS[colour]).states]


def wait_for(condition: Callable[[], bool], timeout_s: float = 3.0) -> bool:
    """Until gpiozero's blinker thread has done its part (bounded; no duration is asserted)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_a_steady_advice_colour_is_set_at_once_dimmed(light: HwLight, factory: MockFactory) -> None:
    light.feed(replace(STATUS, advice=Cue.SLOWER))
    assert light.healthy and pins_of(factory) == dimmed(BLUE, 0.5)


def test_a_flash_goes_white_then_settles_on_the_advice(light: HwLight, factory: MockFactory) -> None:
    light.feed(replace(STATUS, advice=Cue.FASTER, sounds=(Cue.FASTER,)))
    assert wait_for(lambda: pins_of(factory) == dimmed(RED, 0.5))
    assert states(factory, "green") == [0.0, dimmed(WHITE, 0.5)[1], 0.0]  # up for the white flash, down for red
    assert states(factory, "red")[-1] == 0.5


def test_gps_lost_blinks_and_gps_back_stops_the_blink(light: HwLight, factory: MockFactory) -> None:
    light.feed(replace(STATUS, gps=GpsState.LOST))
    assert wait_for(lambda: pins_of(factory) == dimmed(AMBER, 0.5))  # amber came on
    light.feed(replace(STATUS, advice=Cue.ON_PACE))
    assert pins_of(factory) == dimmed(GREEN, 0.5)


def test_a_repeated_state_does_not_restart_the_blink(light: HwLight) -> None:
    light.feed(replace(STATUS, gps=GpsState.LOST))
    thread = light.device._blink_thread
    light.feed(replace(STATUS, t_s=STATUS.t_s + 1, gps=GpsState.LOST))
    assert light.device._blink_thread is thread


def test_a_light_on_pins_without_pwm_goes_dark_and_says_why() -> None:
    light = make_hw_light(PINS, pin_factory=MockFactory())  # plain MockPin: no PWM
    light.feed(STATUS)
    assert not light.healthy and "PWM" in light.last_error


def test_close_turns_it_off_and_frees_the_pins(light: HwLight) -> None:
    device = light.device
    light.feed(STATUS)
    light.close()
    assert device.closed and not light.healthy
    light.feed(STATUS)  # after close: nothing, no error


def test_device_config_reads_the_light_table_and_brightness() -> None:
    dev = device_config(parse_config(PLAN + "[device]\nlight = { red = 5, green = 6, blue = 13 }\nlight_brightness = 0.4\n"))
    assert dev.light == PINS and dev.light_brightness == 0.4
    assert device_config(parse_config(PLAN)).light is None  # none fitted unless wired


@pytest.mark.parametrize("line, expected", [
    ("light = { red = 5, green = 6 }", "three BCM pins"),
    ("light = { red = 5, green = 5, blue = 13 }", "three BCM pins"),
    ('light = "on"', "three BCM pins"),
    ("light_brightness = 0", "above 0 and at most 1"),
    ("light_brightness = 2", "above 0 and at most 1"),
])
def test_a_wrong_light_setting_is_one_sentence(line: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        device_config(parse_config(PLAN + f"[device]\n{line}\n", "pacer.toml"))


def test_the_device_loop_drives_the_light_and_leaves_it_off(light: HwLight, factory: MockFactory) -> None:
    config = parse_config(PLAN + '[device]\ndisplay = "none"\nbuzzer = "none"\nstart = "moving"\n')
    device = light.device
    run_device(config, device_config(config), source=iter(load_gpx(TRACK).fixes), light=light, finish_hold_s=0.0,
               buttons=_NoButtons())
    assert device.closed and pins_of(factory) == (0.0, 0.0, 0.0)
    assert max(states(factory, "red")) == 0.5 and max(states(factory, "green")) >= 0.5  # advice colours were shown


class _NoButtons:
    """No buttons wired: `start = "moving"` starts the run."""

    def poll(self) -> list[Any]:
        return []

    def close(self) -> None: ...
