"""The bike's buttons: gpiozero `Button`s turned into `Press` events in GPS time.

gpiozero calls back from its own threads; the loop must not. So callbacks
only append to a deque (thread-safe for append/popleft) and the loop drains it
with `poll()` once a turn. Each press is stamped with the caller's
`now_gps_s()` at the moment it is decoded, so presses share the session's
timebase and arrive in time order with the fixes (a press is never stamped
earlier than events the loop may already have handled).

Three buttons (README wiring: START GPIO17, LAP GPIO27, STOP GPIO22): START
and STOP emit on the press itself; LAP on its release, because LAP held for
`long_press_s` is MARK (issue 12: the bike is at a km board), emitted when the
hold is reached, and its release adds nothing. A single button on GPIO17 is decoded: a short press (emitted
on release) is START the first time and LAP after that; held for
`long_press_s` it is STOP (emitted when the hold is reached, so the rider
feels it took).
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from typing import Any, Callable, Mapping

from pacer.events import Button, Press

log = logging.getLogger("pacer.hw.buttons")

DEFAULT_PINS: dict[str, int] = {"start": 17, "lap": 27, "stop": 22}
SINGLE_PIN = 17
BOUNCE_S = 0.02  # waterproof tact switches settle within a few ms; 20 ms keeps a quick double lap


def _faults() -> tuple[type[BaseException], ...]:
    from gpiozero.exc import GPIOZeroError

    return (GPIOZeroError, OSError)


class ButtonSource:
    """Presses from gpiozero buttons, drained by `poll()`.

    `pins` maps "start"/"lap"/"stop" to BCM pins, or is one pin for the
    single-button build. `now_gps_s` gives the session's GPS time (the default,
    Unix wall time, is the same timebase only approximately: pass the loop's).
    Opening faults are logged and leave the source empty (`healthy` False):
    the run goes on, as for every device.
    """

    def __init__(self, pins: Mapping[str, int] | int = DEFAULT_PINS, long_press_s: float = 1.5,
                 pin_factory: Any = None, now_gps_s: Callable[[], float] = time.time,
                 bounce_s: float | None = BOUNCE_S) -> None:
        self._now = now_gps_s
        self._bounce_s = bounce_s or 0.0
        self._last_press_s: dict[Button, float] = {}
        self._queue: collections.deque[Press] = collections.deque()
        self._lock = threading.Lock()  # the single button's state, touched by two gpiozero threads
        self._held = False
        self._emitted = False
        self._lap_held_now = False
        self.buttons: dict[str, Any] = {}
        self.last_error = ""
        self.single = isinstance(pins, int)
        # an unknown name is a config error: ValueError before any pin is taken
        names = {} if isinstance(pins, int) else {name: Button(name.lower()) for name in pins}
        try:
            from gpiozero import Button as GpioButton

            if isinstance(pins, int):
                b = GpioButton(pins, pull_up=True, bounce_time=bounce_s, hold_time=long_press_s,
                               pin_factory=pin_factory)
                self.buttons["single"] = b
                b.when_pressed = self._single_pressed
                b.when_held = self._single_held
                b.when_released = self._single_released
            else:
                for name, pin in pins.items():
                    button = names[name]
                    if button is Button.LAP:  # short: LAP on release; held: MARK
                        b = GpioButton(pin, pull_up=True, bounce_time=bounce_s, hold_time=long_press_s,
                                       pin_factory=pin_factory)
                        b.when_pressed = self._lap_pressed
                        b.when_held = self._lap_held
                        b.when_released = self._lap_released
                    else:
                        b = GpioButton(pin, pull_up=True, bounce_time=bounce_s, pin_factory=pin_factory)
                        b.when_pressed = lambda _dev=None, _b=button: self._emit(_b)
                    self.buttons[name] = b
        except _faults() as e:
            self.last_error = f"{type(e).__name__}: {e}"
            log.error("buttons on %s failed, going on without them: %s", pins, self.last_error)
            self.close()

    @property
    def healthy(self) -> bool:
        return bool(self.buttons)

    def _emit(self, button: Button) -> None:
        """Queue a press, unless the same button was pressed less than the bounce time ago
        (by the caller's clock): chatter a pin driver lets through (MockFactory filters
        nothing; lgpio's debounce is per-level) must not become a second lap."""
        now = self._now()
        last = self._last_press_s.get(button)
        if last is not None and 0.0 <= now - last < self._bounce_s:
            return
        self._last_press_s[button] = now
        self._queue.append(Press(now, button))

    def _lap_pressed(self) -> None:
        with self._lock:
            self._lap_held_now = False

    def _lap_held(self) -> None:
        with self._lock:
            if self._lap_held_now:
                return
            self._lap_held_now = True
        self._emit(Button.MARK)

    def _lap_released(self) -> None:
        with self._lock:
            if self._lap_held_now:
                return
        self._emit(Button.LAP)

    def _single_pressed(self) -> None:
        with self._lock:
            self._held = False

    def _single_held(self) -> None:
        with self._lock:
            if self._held:
                return
            self._held = True
            self._emitted = True
        self._emit(Button.STOP)

    def _single_released(self) -> None:
        with self._lock:
            if self._held:
                return
            button = Button.LAP if self._emitted else Button.START
            self._emitted = True
        self._emit(button)

    def poll(self) -> list[Press]:
        """Every press since the last poll, oldest first."""
        out = []
        while True:
            try:
                out.append(self._queue.popleft())
            except IndexError:
                return out

    def close(self) -> None:
        """Release the pins; never raises."""
        buttons, self.buttons = self.buttons, {}
        for b in buttons.values():
            try:
                b.close()
            except _faults() as e:
                log.debug("button close failed: %s", e)
