"""The simulator's buzzer: gpiozero's own mock pins, driven by the shared player.

A real `gpiozero.Buzzer` / `TonalBuzzer` on a private `MockFactory`, so the
simulator exercises exactly the device code the Pi runs, and the mock pin
records every change. Nothing here sleeps: time is the simulated time the
caller passes (Status.t_s), and the player's log holds what sounded when.
"""

from __future__ import annotations

from gpiozero import Buzzer, TonalBuzzer
from gpiozero.pins.mock import MockFactory, MockPin, MockPWMPin

from pacer.player import PatternPlayer, Sounded
from pacer.status import Status

BUZZER_PIN = 17  # BCM; the same number hw/ uses by default, for familiarity only


def mock_buzzer(tonal: bool = False, pin: int = BUZZER_PIN) -> tuple[Buzzer | TonalBuzzer, MockPin]:
    """A gpiozero buzzer on its own MockFactory, and its mock pin (whose `states` record changes).

    A passive (tonal) buzzer needs PWM, hence `MockPWMPin`. The factory is
    private to the device, so tests and runs never share pin state through
    `gpiozero.Device.pin_factory`.
    """
    factory = MockFactory(pin_class=MockPWMPin) if tonal else MockFactory()
    device: Buzzer | TonalBuzzer
    device = TonalBuzzer(pin, pin_factory=factory) if tonal else Buzzer(pin, pin_factory=factory)
    return device, factory.pin(pin)


class SimBuzzer:
    """The buzzer sink of the simulator: sounds each Status's cues in simulated time."""

    def __init__(self, tonal: bool = False) -> None:
        self.device, self.pin = mock_buzzer(tonal)
        self.player = PatternPlayer(self.device)

    def feed(self, status: Status) -> None:
        """Queue the cues of `status` at its time, then apply what is due."""
        self.player.play_step(status.sounds, status.t_s)

    def advance(self, t_s: float) -> None:
        self.player.advance(t_s)

    @property
    def log(self) -> list[Sounded]:
        return self.player.log

    def close(self, t_s: float | None = None) -> None:
        """Let the queued patterns finish (or cut them at `t_s`), then release the pin."""
        if t_s is None:
            while (t := self.player.next_change_s) is not None:
                self.player.advance(t)
        else:
            self.player.stop(t_s)
        self.device.close()
