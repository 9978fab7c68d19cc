"""The simulator's runner light: gpiozero's own RGBLED on MockFactory PWM pins.

The same `LightPlayer` as the Pi, driving a real `gpiozero.RGBLED` whose mock
pins record every value they are set to; time is the simulated time of each
Status, so nothing here sleeps.
"""

from __future__ import annotations

from gpiozero import RGBLED
from gpiozero.pins.mock import MockFactory, MockPWMPin

from pacer.light import Colour, LightPlayer, Lit
from pacer.status import Status

LIGHT_PINS = {"red": 5, "green": 6, "blue": 13}  # BCM, as hw/README.md wires it


class SimLight:
    """The light sink of the simulator: `feed` each Status, `close` at the end."""

    def __init__(self, brightness: float = 1.0, pins: dict[str, int] | None = None) -> None:
        pins = dict(LIGHT_PINS if pins is None else pins)
        self.factory = MockFactory(pin_class=MockPWMPin)  # its own: no pin state in common with Device.pin_factory
        self.device = RGBLED(pins["red"], pins["green"], pins["blue"], pwm=True, pin_factory=self.factory)
        self.pins = {name: self.factory.pin(number) for name, number in pins.items()}
        self.player = LightPlayer(self.device, brightness)

    def feed(self, status: Status) -> None:
        self.player.feed(status)

    def advance(self, t_s: float) -> None:
        self.player.advance(t_s)

    @property
    def colour(self) -> Colour:
        return self.player.colour

    @property
    def log(self) -> list[Lit]:
        return self.player.log

    def close(self) -> None:
        self.player.close()
        self.device.close()
