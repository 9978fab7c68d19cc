"""The runner's light on the bike: a gpiozero `RGBLED` (PWM) on three GPIOs.

What to show comes from `pacer.light.light_state`, the same pure function the
simulator plays; here gpiozero's own background blinker times the flash and
the GPS-lost blink, so the loop never waits for the light. Like the buzzer, the
light is an aid: a gpiozero error opening or driving it is logged once and the
light turns into a no-op. Nothing touches GPIO at import time.
"""

from __future__ import annotations

import logging
from typing import Any

from pacer.light import AMBER, BLINK_S, FLASH_S, OFF, WHITE, LightState, dimmed, light_state
from pacer.status import Status

log = logging.getLogger("pacer.hw.light")

LIGHT_PINS = {"red": 5, "green": 6, "blue": 13}  # BCM, hw/README.md: three PWM-capable GPIOs


def _faults() -> tuple[type[BaseException], ...]:
    from gpiozero.exc import GPIOZeroError

    return (GPIOZeroError, OSError)


class HwLight:
    """The light sink of the Pi loop: `feed` each Status; `close` at the end. Never raises
    for a hardware fault (`healthy` turns False and `last_error` says why)."""

    def __init__(self, device: Any, brightness: float = 1.0) -> None:
        if not 0.0 < brightness <= 1.0:
            raise ValueError(f"brightness {brightness}: expected more than 0 and at most 1")
        self.device, self.brightness = device, brightness
        self.last_error = ""
        self._shown: LightState | None = None  # the steady part last applied (flash cleared)

    @property
    def healthy(self) -> bool:
        return self.device is not None

    def feed(self, status: Status) -> None:
        state = light_state(status)
        steady = LightState(state.colour, False, state.blink)
        if not state.flash and steady == self._shown:
            return  # nothing new: do not restart a blink that is running
        self._shown = steady
        self._call(self._apply, state)

    def _apply(self, state: LightState) -> None:
        d, b = self.device, self.brightness
        if state.blink:  # an amber blink until told otherwise; a flash would only blur it
            d.blink(on_time=BLINK_S, off_time=BLINK_S, on_color=dimmed(AMBER, b), off_color=OFF, background=True)
        elif state.flash:  # white, then the steady colour: gpiozero ends a blink on off_color
            d.blink(on_time=FLASH_S, off_time=0, on_color=dimmed(WHITE, b), off_color=dimmed(state.colour, b),
                    n=1, background=True)
        else:
            d.color = dimmed(state.colour, b)

    def _call(self, fn: Any, *args: Any) -> None:
        if self.device is None:
            return
        try:
            fn(*args)
        except _faults() as e:
            self._fail(e)

    def _fail(self, error: BaseException) -> None:
        self.last_error = f"{type(error).__name__}: {error}"
        log.error("light failed, going on dark: %s", self.last_error)
        self.close()

    def close(self, *args: Any) -> None:
        """Dark, and the pins released; never raises."""
        device, self.device = self.device, None
        if device is not None:
            try:
                device.off()
                device.close()
            except _faults() as e:
                log.debug("light close failed: %s", e)


def make_hw_light(pins: dict[str, int] | None = None, brightness: float = 1.0, pin_factory: Any = None) -> HwLight:
    """An RGBLED (PWM) on BCM `pins` {red, green, blue}; a light that cannot open is a dark HwLight."""
    pins = dict(LIGHT_PINS if pins is None else pins)
    light = HwLight(None, brightness)
    try:
        from gpiozero import RGBLED

        light.device = RGBLED(pins["red"], pins["green"], pins["blue"], pwm=True, pin_factory=pin_factory)
    except _faults() as e:
        light.last_error = f"{type(e).__name__}: {e}"
        log.error("light failed to open, going on dark: %s", light.last_error)
    return light
