"""The bike's buzzer: gpiozero `Buzzer`/`TonalBuzzer` on GPIO18 driven by the shared player.

The same `PatternPlayer` as the simulator, so what the tests hear is what the
rider hears. The buzzer is an aid, not the run: a gpiozero error when opening
the pin (no pin factory, a pin in use, no PWM) or while switching it is logged
once and the buzzer turns into a silent no-op; the player's schedule and log
go on unchanged. Nothing touches GPIO at import time.
"""

from __future__ import annotations

import logging
from typing import Any

from pacer.player import PatternPlayer, Sounded
from pacer.status import Status

log = logging.getLogger("pacer.hw.buzzer")

BUZZER_PIN = 18  # BCM, hw/README.md: hardware PWM0, so TonalBuzzer plays clean tones
KINDS = ("active", "tonal")


def _faults() -> tuple[type[BaseException], ...]:
    """gpiozero's errors (BadPinFactory, PinInvalidPin, PinPWMUnsupported... all
    GPIOZeroError) and OSError from the GPIO character device."""
    from gpiozero.exc import GPIOZeroError

    return (GPIOZeroError, OSError)


class _SafeDevice:
    """Stands between the player and the gpiozero device: the first error is
    logged, the device is closed and every later call does nothing."""

    def __init__(self, device: Any, kind: str) -> None:
        self.device = device
        self.kind = kind
        self.last_error = ""

    @property
    def healthy(self) -> bool:
        return self.device is not None

    def call(self, name: str, *args: Any) -> None:
        if self.device is None:
            return
        try:
            getattr(self.device, name)(*args)
        except _faults() as e:
            self.fail(e)

    def fail(self, error: BaseException) -> None:
        self.last_error = f"{type(error).__name__}: {error}"
        log.error("%s buzzer failed, going on silent: %s", self.kind, self.last_error)
        device, self.device = self.device, None
        if device is not None:
            try:
                device.close()
            except _faults() as e:
                log.debug("buzzer close failed: %s", e)


class _SafeActive(_SafeDevice):
    def on(self) -> None:
        self.call("on")

    def off(self) -> None:
        self.call("off")


class _SafeTonal(_SafeDevice):
    """Exposes the TonalBuzzer's range so the player clamps tones into it
    (None once failed: the player then passes plain numbers to a no-op)."""

    @property
    def min_tone(self) -> Any:
        return getattr(self.device, "min_tone", None)

    @property
    def max_tone(self) -> Any:
        return getattr(self.device, "max_tone", None)

    def play(self, tone: Any) -> None:
        self.call("play", tone)

    def stop(self) -> None:
        self.call("stop")


class HwBuzzer:
    """The buzzer sink of the Pi loop: `feed` each Status, `advance` at `next_change_s`.

    Times are the caller's (GPS seconds); the player never sleeps, so the loop
    wakes at `next_change_s` to keep the patterns' rhythm.
    """

    def __init__(self, safe: _SafeDevice) -> None:
        self._safe = safe
        self.player = PatternPlayer(safe)  # type: ignore[arg-type]

    @property
    def healthy(self) -> bool:
        return self._safe.healthy

    @property
    def last_error(self) -> str:
        return self._safe.last_error

    @property
    def device(self) -> Any:
        """The gpiozero device, None once failed."""
        return self._safe.device

    def feed(self, status: Status) -> None:
        """Queue the cues of `status` at its time, then apply what is due."""
        self.player.play_step(status.sounds, status.t_s)

    def advance(self, t_s: float) -> None:
        self.player.advance(t_s)

    @property
    def next_change_s(self) -> float | None:
        return self.player.next_change_s

    @property
    def log(self) -> list[Sounded]:
        return self.player.log

    def close(self, t_s: float | None = None) -> None:
        """Silence (cutting any pattern at `t_s` when given) and release the pin; never raises."""
        if t_s is not None:
            try:
                self.player.stop(t_s)
            except ValueError as e:  # t_s before the player's time: silence the pin anyway
                log.debug("buzzer stop: %s", e)
        self._safe.call("off" if self._safe.kind == "active" else "stop")
        device, self._safe.device = self._safe.device, None
        if device is not None:
            try:
                device.close()
            except _faults() as e:
                log.debug("buzzer close failed: %s", e)


def make_hw_buzzer(kind: str = "active", pin: int = BUZZER_PIN, pin_factory: Any = None) -> HwBuzzer:
    """An active (`Buzzer`: on/off) or tonal (`TonalBuzzer`: PWM tones) buzzer on BCM `pin`.

    Never raises for a hardware fault: a buzzer that cannot open gives a silent
    HwBuzzer with `healthy` False and `last_error` set. A wrong `kind` is a
    programming or config error and does raise ValueError.
    """
    if kind not in KINDS:
        raise ValueError(f"buzzer kind {kind!r}: expected one of {', '.join(KINDS)}")
    safe: _SafeDevice = _SafeActive(None, kind) if kind == "active" else _SafeTonal(None, kind)
    try:
        from gpiozero import Buzzer, TonalBuzzer

        safe.device = (Buzzer(pin, pin_factory=pin_factory) if kind == "active"
                       else TonalBuzzer(pin, pin_factory=pin_factory))
    except _faults() as e:
        safe.fail(e)
    return HwBuzzer(safe)
