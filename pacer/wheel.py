"""The wheel as an odometer: revolutions with their times, and how many had turned at any moment.

A wheel turns exactly once per circumference, so its count is a distance
channel with no noise to speak of, only a scale (the circumference, kept in
pacer/wheel_circumference.py). This module knows nothing of metres: it turns
`Wheel` events (a cumulative count and the time of its last revolution) into
revolutions at any time, between and a little beyond the events, and says
when the sensor has gone quiet while the bike is moving (a flat battery, a
knocked magnet). Pure: the sources are in hw/ and sim/.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from pacer.events import Wheel

DEFAULT_CIRCUMFERENCE_M = 2.105  # a 700x25C road tyre (ETRTO 25-622), the usual tables' value


@dataclass(frozen=True, slots=True)
class WheelSettings:
    """What the core needs to know of the wheel (from [device] and the stored calibration).

    `circumference_sigma_m` is how far the starting circumference may be off (one
    sigma): 2 % for a table's value, less once rides have refined it.
    """

    circumference_m: float = DEFAULT_CIRCUMFERENCE_M
    circumference_sigma_m: float = 0.02 * DEFAULT_CIRCUMFERENCE_M
    source: str = "gpio"  # "gpio", "ble" or "sim": reported, not used
    lost_after_s: float = 3.0  # moving and no revolution for this long (and 4 expected ones): lost
    moving_mps: float = 1.5  # the bike is moving when GPS says at least this


class WheelOdometer:
    """Revolutions at any time, from the events so far (in time order; a late one is dropped)."""

    KEEP_S = 30.0  # history kept for interpolation and the rate

    def __init__(self) -> None:
        self.times: list[float] = []  # time of each kept event
        self.counts: list[float] = []  # revolutions at it, counted from the first event
        self.base = 0  # added to a sensor's count: the count starts at the first event
        self.first_half = 0.0
        self.last_raw: int | None = None
        self.events = 0
        self.resets = 0

    @property
    def last_t_s(self) -> float | None:
        return self.times[-1] if self.times else None

    @property
    def revs(self) -> float:
        return self.counts[-1] if self.counts else 0.0

    def add(self, event: Wheel) -> bool:
        """Take an event; False if it says nothing new (older, or no new revolution)."""
        if self.last_raw is None:
            # the magnet passed somewhere in its first turn: half a revolution is the best guess of
            # how far the wheel had rolled (a standing start), so the count starts at 0.5
            self.base = -event.revs
            self.first_half = 0.5
        elif event.revs < self.last_raw:
            self.base = int(self.revs - self.first_half) - event.revs  # a reset count: go on from where we were
            self.resets += 1
        self.last_raw = event.revs
        count = float(event.revs + self.base) + self.first_half
        if self.times and (event.t_s <= self.times[-1] or count <= self.counts[-1]):
            return False
        self.times.append(event.t_s)
        self.counts.append(count)
        self.events += 1
        if self.times[0] < event.t_s - 2 * self.KEEP_S:
            cut = bisect.bisect_left(self.times, event.t_s - self.KEEP_S)
            del self.times[:cut], self.counts[:cut]
        return True

    def revs_at(self, t_s: float) -> float:
        """Revolutions at `t_s`: between events, linear; after the last, at the last interval's
        rate for at most one revolution (the next one has not been seen yet)."""
        times, counts = self.times, self.counts
        if not times:
            return 0.0
        i = bisect.bisect_right(times, t_s)
        if i == 0:
            return counts[0]
        if i < len(times):
            t0, t1 = times[i - 1], times[i]
            return counts[i - 1] + (counts[i] - counts[i - 1]) * (t_s - t0) / (t1 - t0)
        if len(times) < 2:
            return counts[-1]
        rate = (counts[-1] - counts[-2]) / (times[-1] - times[-2])
        return counts[-1] + min(1.0, rate * (t_s - times[-1]))

    def rate_rps(self, t_s: float, span_s: float = 2.0) -> float:
        """Revolutions per second over the last `span_s` up to `t_s` (0 when standing)."""
        if not self.times or t_s - self.times[-1] > 4.0:
            return 0.0
        t0 = max(self.times[0], t_s - span_s)
        return (self.revs_at(t_s) - self.revs_at(t0)) / (t_s - t0) if t_s > t0 else 0.0

    def quiet_s(self, t_s: float) -> float:
        """How long since the last revolution (infinite before any)."""
        return t_s - self.times[-1] if self.times else float("inf")
