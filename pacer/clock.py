"""The one clock protocol: the Pi's monotonic clock or a simulated one.

The core never calls it; only the shells (`hw/`, `sim/`) do, to pace their
loops. Keeping one protocol means the simulator's loop is the device's loop.
"""

from __future__ import annotations

from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds on this clock's own timeline (monotonic, never backwards)."""
        ...

    def sleep_until(self, t: float) -> None:
        """Return once `now()` has reached `t` (at once if it already has)."""
        ...
