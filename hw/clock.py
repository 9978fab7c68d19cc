"""The Pi's clock: monotonic seconds, real sleeps.

The one place in pacer that sleeps in real time; everything else is handed a
`pacer.clock.Clock`, so the simulator can swap in virtual time.
"""

from __future__ import annotations

import time


class MonotonicClock:
    """`pacer.clock.Clock` on `time.monotonic()`: never steps when NTP or GPS sets the wall clock."""

    def now(self) -> float:
        return time.monotonic()

    def sleep_until(self, t: float) -> None:
        """Sleep until `now() >= t`; loops because a sleep may end early."""
        while True:
            remaining_s = t - time.monotonic()
            if remaining_s <= 0:
                return
            time.sleep(remaining_s)
