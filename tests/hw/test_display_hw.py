"""hw.display.OledDisplay on luma's own ssd1306 with a mock serial: frames and fault recovery."""

from __future__ import annotations

import logging
from unittest.mock import Mock

import pytest
from luma.core.error import DeviceNotFoundError
from luma.oled.device import ssd1306
from PIL import Image

from hw.display import RETRY_S, OledDisplay


def frame(fill: int = 1) -> Image.Image:
    return Image.new("1", (128, 64), fill)


class Panel:
    """A factory of luma ssd1306 devices on mock serials; `broken` makes the next opens fail."""

    def __init__(self) -> None:
        self.serials: list[Mock] = []
        self.broken = False

    def __call__(self) -> ssd1306:
        if self.broken:
            raise DeviceNotFoundError("I2C device not found: /dev/i2c-1")
        serial = Mock(unsafe=True)
        self.serials.append(serial)
        return ssd1306(serial_interface=serial)


def test_frames_reach_the_device() -> None:
    panel = Panel()
    display = OledDisplay(device_factory=panel)
    assert display.healthy
    panel.serials[0].data.reset_mock()
    display.show(frame(1), t_s=100.0)
    assert panel.serials[0].data.called  # luma pushed pixel data to the bus
    assert display.frames == 1
    display.close()
    assert panel.serials[0].cleanup.called


def test_fault_mid_run_is_logged_once_and_recovers_after_retry(caplog: pytest.LogCaptureFixture) -> None:
    panel = Panel()
    display = OledDisplay(device_factory=panel)
    display.show(frame(1), t_s=100.0)
    panel.serials[0].data.side_effect = OSError(121, "Remote I/O error")
    panel.broken = True
    with caplog.at_level(logging.INFO, logger="pacer.hw.display"):
        display.show(frame(0), t_s=101.0)  # raises inside luma: swallowed
        assert not display.healthy
        assert "Remote I/O error" in display.last_error
        for t in (102.0, 105.0, 101.0 + RETRY_S):  # the retry at +10 s fails too: no new ERROR
            display.show(frame(0), t_s=t)
        panel.broken = False
        display.show(frame(0), t_s=101.0 + RETRY_S + 1)  # not yet: last try was at +10
        assert not display.healthy
        display.show(frame(1), t_s=101.0 + 2 * RETRY_S)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert display.healthy and display.last_error == ""
    assert len(panel.serials) == 2
    assert panel.serials[0].cleanup.called  # the dead bus handle was released
    assert panel.serials[1].data.called
    assert display.frames == 2


def test_open_failure_at_start_does_not_raise(caplog: pytest.LogCaptureFixture) -> None:
    panel = Panel()
    panel.broken = True
    with caplog.at_level(logging.ERROR, logger="pacer.hw.display"):
        display = OledDisplay(device_factory=panel)
    assert not display.healthy
    assert "DeviceNotFoundError" in display.last_error
    assert len(caplog.records) == 1
    display.show(frame(), t_s=50.0)  # no-op
    panel.broken = False
    display.show(frame(), t_s=50.0 + RETRY_S - 0.1)
    assert not display.healthy
    display.show(frame(), t_s=50.0 + RETRY_S)
    assert display.healthy and display.frames == 1
    display.close()
    display.close()


def test_real_i2c_missing_bus_does_not_raise() -> None:
    """No /dev/i2c-99 here (nor on a Pi): luma raises DeviceNotFoundError, the display goes quiet."""
    display = OledDisplay(driver="sh1106", port=99)
    assert not display.healthy
    display.show(frame(), t_s=0.0)
    display.close()


def test_unknown_driver_is_a_config_error() -> None:
    with pytest.raises(ValueError):
        OledDisplay(driver="ssd9999")
