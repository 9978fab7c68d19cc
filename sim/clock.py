"""The simulator's clock: virtual time that runs at N x real time, or as fast as the CPU allows.

Like trio's MockClock, time is a value that only moves forward; with a finite
rate, `sleep_until` waits the matching wall time so a replay can be watched.
This module (not the core) is where the simulator touches the wall clock.
"""

from __future__ import annotations

import math
import time


class SimClock:
    def __init__(self, start_s: float = 0.0, rate: float = math.inf) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self._now = start_s
        self._wall_anchor: float | None = None
        self._sim_anchor = start_s

    def now(self) -> float:
        return self._now

    def sleep_until(self, t: float) -> None:
        if t <= self._now:
            return
        if math.isfinite(self.rate):
            if self._wall_anchor is None:
                self._wall_anchor, self._sim_anchor = time.monotonic(), self._now
            wall_due = self._wall_anchor + (t - self._sim_anchor) / self.rate
            delay = wall_due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        self._now = t

    def jump(self, dt: float) -> None:
        """Move virtual time forward without waiting (tests)."""
        if dt < 0:
            raise ValueError("time cannot go backwards")
        self._now += dt
