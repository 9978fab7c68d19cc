"""hw.buzzer on gpiozero's own MockFactory: patterns reach the pin, faults leave a silent buzzer."""

from __future__ import annotations

import logging

import pytest
from gpiozero.pins.mock import MockFactory, MockPin, MockPWMPin

from hw.buzzer import BUZZER_PIN, make_hw_buzzer
from pacer.sounds import PATTERNS
from pacer.status import Cue

T0 = 1000.0


class FakeStatus:
    """The two fields `feed` reads; a full Status is the session's business."""

    def __init__(self, t_s: float, sounds: tuple[Cue, ...]) -> None:
        self.t_s, self.sounds = t_s, sounds


class FlakyPin(MockPin):
    """A mock pin whose writes fail once `broken` is set (a GPIO chip gone away)."""

    broken = False

    def _set_state(self, value: object) -> None:
        if FlakyPin.broken:
            raise OSError(5, "Input/output error")
        super()._set_state(value)


@pytest.fixture(autouse=True)
def _fix_flaky() -> None:
    FlakyPin.broken = False


def run_out(buzzer: object) -> None:
    while (t := buzzer.next_change_s) is not None:  # type: ignore[attr-defined]
        buzzer.advance(t)  # type: ignore[attr-defined]


def test_finish_toggles_the_active_pin_per_pattern() -> None:
    factory = MockFactory()
    buzzer = make_hw_buzzer("active", pin_factory=factory)
    assert buzzer.healthy
    pin = factory.pin(BUZZER_PIN)
    pin.clear_states()
    buzzer.feed(FakeStatus(T0, (Cue.FINISH,)))
    assert pin.state  # first beep on at once
    run_out(buzzer)
    sounding = [tone is not None for _, tone in PATTERNS[Cue.FINISH]]
    expected = [s for i, s in enumerate(sounding) if i == 0 or s != sounding[i - 1]]
    if expected[-1]:
        expected.append(False)
    assert [bool(s.state) for s in pin.states[1:]] == expected  # states[0]: the level at clear_states()
    assert [e.t_s - T0 for e in buzzer.log][0] == 0.0
    buzzer.close()


def test_tonal_buzzer_plays_tones_on_pwm() -> None:
    factory = MockFactory(pin_class=MockPWMPin)
    buzzer = make_hw_buzzer("tonal", pin_factory=factory)
    pin = factory.pin(BUZZER_PIN)
    buzzer.feed(FakeStatus(T0, (Cue.FINISH,)))
    assert pin.frequency is not None and pin.state > 0
    run_out(buzzer)
    assert pin.frequency is None  # silent at the end
    buzzer.close(T0 + 100)


def test_open_failure_is_logged_and_silent(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="pacer.hw.buzzer"):
        tonal_without_pwm = make_hw_buzzer("tonal", pin_factory=MockFactory())  # PinPWMUnsupported
        bad_pin = make_hw_buzzer("active", pin="GPIO99", pin_factory=MockFactory())  # type: ignore[arg-type]
    for buzzer in (tonal_without_pwm, bad_pin):
        assert not buzzer.healthy and buzzer.last_error
        buzzer.feed(FakeStatus(T0, (Cue.FINISH, Cue.FASTER)))
        run_out(buzzer)  # the schedule still runs, on nothing
        assert buzzer.log
        buzzer.close()
    assert len(caplog.records) == 2


def test_failing_pin_mid_run_goes_silent(caplog: pytest.LogCaptureFixture) -> None:
    factory = MockFactory(pin_class=FlakyPin)
    buzzer = make_hw_buzzer("active", pin_factory=factory)
    buzzer.feed(FakeStatus(T0, (Cue.START,)))
    FlakyPin.broken = True
    with caplog.at_level(logging.ERROR, logger="pacer.hw.buzzer"):
        run_out(buzzer)
        buzzer.feed(FakeStatus(T0 + 10, (Cue.FINISH,)))
        run_out(buzzer)
    assert not buzzer.healthy and "Input/output error" in buzzer.last_error
    assert len(caplog.records) == 1
    assert any(s.cue is Cue.FINISH for s in buzzer.log)  # the player's log goes on
    buzzer.close()


def test_unknown_kind_is_a_config_error() -> None:
    with pytest.raises(ValueError):
        make_hw_buzzer("loud")
