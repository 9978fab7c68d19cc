"""hw.buttons.ButtonSource on gpiozero's MockFactory: presses become Press events in GPS time."""

from __future__ import annotations

import itertools
import logging
import time

import pytest
from gpiozero.pins.mock import MockFactory

from hw.buttons import ButtonSource
from pacer.events import Button, Press


def gps_clock(start: float = 1_700_000_000.0):  # type: ignore[no-untyped-def]
    """A fake GPS clock: 1 s further on each reading, so each press has its own time."""
    counter = itertools.count()
    return lambda: start + next(counter)


def click(factory: MockFactory, pin: int) -> None:
    p = factory.pin(pin)
    p.drive_low()  # pull-up: pressed is low
    p.drive_high()


def test_start_pin_press_gives_start_in_gps_time() -> None:
    factory = MockFactory()
    source = ButtonSource(pin_factory=factory, now_gps_s=gps_clock(500.0))
    click(factory, 17)
    assert source.poll() == [Press(500.0, Button.START)]
    assert source.poll() == []
    source.close()


def test_three_buttons_map_to_their_events() -> None:
    factory = MockFactory()
    source = ButtonSource({"start": 17, "lap": 27, "stop": 22}, pin_factory=factory, now_gps_s=gps_clock(0.0))
    for pin in (17, 27, 27, 22):
        click(factory, pin)
    assert source.poll() == [Press(0.0, Button.START), Press(1.0, Button.LAP),
                             Press(2.0, Button.LAP), Press(3.0, Button.STOP)]
    source.close()


def test_a_long_lap_press_is_mark_and_its_release_adds_nothing() -> None:
    factory = MockFactory()
    source = ButtonSource({"start": 17, "lap": 27, "stop": 22}, long_press_s=0.05, pin_factory=factory,
                          now_gps_s=gps_clock(0.0))
    click(factory, 27)
    pin = factory.pin(27)
    pin.drive_low()
    deadline = time.monotonic() + 0.25
    while not source._queue or source._queue[-1].button is not Button.MARK:  # hold thread fires
        assert time.monotonic() < deadline, "long LAP press never became MARK"
        time.sleep(0.01)
    pin.drive_high()
    click(factory, 27)
    assert [p.button for p in source.poll()] == [Button.LAP, Button.MARK, Button.LAP]
    source.close()


def test_single_button_short_is_start_then_lap_and_long_is_stop() -> None:
    factory = MockFactory()
    source = ButtonSource(17, long_press_s=0.05, pin_factory=factory, now_gps_s=gps_clock(0.0))
    click(factory, 17)
    click(factory, 17)
    pin = factory.pin(17)
    pin.drive_low()
    deadline = time.monotonic() + 0.25
    while not source._queue or source._queue[-1].button is not Button.STOP:  # hold thread fires
        assert time.monotonic() < deadline, "long press never became STOP"
        time.sleep(0.01)
    pin.drive_high()  # the release after a hold adds nothing
    assert [p.button for p in source.poll()] == [Button.START, Button.LAP, Button.STOP]
    source.close()


def test_pin_fault_at_open_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    factory = MockFactory()
    with caplog.at_level(logging.ERROR, logger="pacer.hw.buttons"):
        source = ButtonSource({"start": 17, "lap": "GPIO99"}, pin_factory=factory)  # type: ignore[dict-item]
    assert not source.healthy and source.last_error
    assert len(caplog.records) == 1
    assert source.poll() == []
    source.close()
    ButtonSource(pin_factory=factory).close()  # close released pin 17: it opens again


def test_unknown_button_name_is_a_config_error() -> None:
    with pytest.raises(ValueError):
        ButtonSource({"pause": 17}, pin_factory=MockFactory())
