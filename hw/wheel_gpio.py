"""A magnet sensor on a GPIO pin (hall or reed): one `Wheel` event per pass of the magnet.

gpiozero stamps each edge with its pin factory's ticks when it sees it (lgpio
in the kernel's edge queue; MockFactory when a test drives the pin), so the
revolution's time is the edge's, not when the loop gets round to it: the
callback turns the ticks into GPS time (`now_gps_s()` less the ticks since
the edge) and appends to a deque the loop drains with `poll()`, as the
buttons do. A reed switch bounces for a millisecond or two on each pass;
edges closer than `debounce_s` to the last counted one are that bounce (a
2.1 m wheel turns at most 12 times a second at 90 km/h), counted in
`bounces`. The sensor pulls the pin low (open collector, or a reed to
ground), so the pin has the Pi's pull-up and counts falling edges.
"""

from __future__ import annotations

import collections
import logging
import time
from typing import Any, Callable

from pacer.events import Wheel

log = logging.getLogger("pacer.hw.wheel")

DEBOUNCE_S = 0.03  # shorter than a revolution at any bike's speed, longer than a reed's bounce


def _faults() -> tuple[type[BaseException], ...]:
    from gpiozero.exc import GPIOZeroError

    return (GPIOZeroError, OSError)


class GpioWheelSource:
    """Wheel events from a magnet sensor on `pin` (BCM), drained by `poll()`.

    Opening faults (a pin in use, no GPIO) are logged and leave the source
    empty (`healthy` False): the run goes on on GPS, as for every device.
    """

    def __init__(self, pin: int, now_gps_s: Callable[[], float] = time.time, pin_factory: Any = None,
                 debounce_s: float = DEBOUNCE_S) -> None:
        self._now = now_gps_s
        self.debounce_s = debounce_s
        self._queue: collections.deque[Wheel] = collections.deque()
        self.revs = 0
        self.bounces = 0
        self._last_ticks: Any = None
        self.pin: Any = None
        self.factory: Any = None
        self.last_error = ""
        try:
            from gpiozero import Device

            self.factory = pin_factory or Device.pin_factory
            if self.factory is None:
                Device.ensure_pin_factory()
                self.factory = Device.pin_factory
            self.pin = self.factory.pin(pin)
            self.pin.function = "input"
            self.pin.pull = "up"
            self.pin.edges = "falling"
            self.pin.when_changed = self._edge
        except _faults() as e:
            self.last_error = f"{type(e).__name__}: {e}"
            log.error("the wheel sensor on GPIO%s failed, going on without it: %s", pin, self.last_error)
            self.close()

    @property
    def healthy(self) -> bool:
        return self.pin is not None

    def _edge(self, ticks: Any, state: Any) -> None:
        """gpiozero's thread: the magnet passed at `ticks` (the factory's clock)."""
        factory = self.factory
        if self._last_ticks is not None and factory.ticks_diff(ticks, self._last_ticks) < self.debounce_s:
            self.bounces += 1
            return
        self._last_ticks = ticks
        ago_s = max(0.0, factory.ticks_diff(factory.ticks(), ticks))
        self.revs += 1
        self._queue.append(Wheel(self._now() - ago_s, self.revs, "gpio"))

    def poll(self) -> list[Wheel]:
        """Every revolution since the last poll, oldest first."""
        out = []
        while True:
            try:
                out.append(self._queue.popleft())
            except IndexError:
                return out

    def close(self) -> None:
        """Release the pin; never raises."""
        pin, self.pin = self.pin, None
        if pin is not None:
            try:
                pin.when_changed = None
                pin.close()
            except _faults() as e:
                log.debug("wheel pin close failed: %s", e)
