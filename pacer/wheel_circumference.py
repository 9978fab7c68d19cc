"""The wheel's circumference: what the last rides said, corrected by this ride's GPS (or laps).

Tyre pressure and the rider's weight change a circumference by 1-2 %, and a
table's 2.105 m for a 700x25C is a guess of that order; 1 % is 50 m in a 5k.
So the circumference is estimated, like a speed channel's scale (issue 7's
ScaleCheck), from the positions over long spans: over a span of wheel
revolutions ΔW, the GPS distance ΔR says C ≈ ΔR / ΔW, with an error of the
GPS distance's own error at the span's two ends (metres, not a share: it does
not grow with the span), so the longer the spans the better. The estimate
from GPS and the one the ride started with are weighed by their variances,
so a well calibrated wheel is barely moved by a few hundred metres of GPS and
a guessed one follows GPS at once.

A start far off what the GPS says (beyond REJECT_Z sigmas, once the spans
are long enough to say so) is a wrong calibration (a new tyre): it is
dropped and GPS alone sets the circumference from there.

On a track the spans are whole laps of known length (the bike's lane), far
better than a road's GPS distance: `add_span` with a small `end_sigma_m`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

REJECT_Z = 4.0  # the start and the GPS disagree by this many sigmas: the start is wrong
REJECT_MIN_M = 300.0  # ... judged on spans at least this long
MIN_SIGMA_SHARE = 0.0002  # never claim better than 0.02 % (the bike's line and tyre vary that much)


@dataclass(frozen=True, slots=True)
class Circumference:
    metres: float
    sigma_m: float

    def as_dict(self) -> dict[str, float]:
        return {"circumference_m": round(self.metres, 5), "sigma_m": round(self.sigma_m, 5)}


class CircumferenceEstimate:
    """The start's value and this ride's evidence, combined by inverse variance.

    Evidence comes in spans, each (reference metres, revolutions, the reference's
    error at each end). Finished spans are summed; the open one (the wheel still
    trusted) is replaced at every fix.
    """

    def __init__(self, start: Circumference) -> None:
        self.start = start
        self.start_rejected = False
        self.closed = (0.0, 0.0, 0.0)  # sum ref_m, sum revs, sum of end variances
        self.open = (0.0, 0.0, 0.0)
        self._current: Circumference | None = None  # asked for many times a fix, changed at most once

    def set_open(self, ref_m: float, revs: float, end_sigma_m: float) -> None:
        self.open = (ref_m, revs, 2.0 * end_sigma_m**2)
        self._current = None
        self._judge_start()

    def close_open(self) -> None:
        """The open span ends (the wheel was dropped, or the run ended): keep it."""
        a, b = self.closed, self.open
        self.closed = (a[0] + b[0], a[1] + b[1], a[2] + b[2])
        self.open = (0.0, 0.0, 0.0)
        self._current = None

    def add_span(self, ref_m: float, revs: float, end_sigma_m: float) -> None:
        """A finished span (a run of whole laps on a track)."""
        a = self.closed
        self.closed = (a[0] + ref_m, a[1] + revs, a[2] + 2.0 * end_sigma_m**2)
        self._current = None
        self._judge_start()

    def _sums(self) -> tuple[float, float, float]:
        a, b = self.closed, self.open
        return a[0] + b[0], a[1] + b[1], a[2] + b[2]

    @property
    def measured(self) -> Circumference | None:
        """What this ride's evidence alone says; None before any."""
        ref_m, revs, var = self._sums()
        if revs < 1.0 or ref_m <= 0.0:
            return None
        return Circumference(ref_m / revs, math.sqrt(var) / revs)

    @property
    def current(self) -> Circumference:
        if self._current is None:
            self._current = self._combine()
        return self._current

    def _combine(self) -> Circumference:
        m = self.measured
        s = self.start
        if m is None:
            return s
        if self.start_rejected:
            return Circumference(m.metres, max(m.sigma_m, MIN_SIGMA_SHARE * m.metres))
        w0, w1 = 1.0 / s.sigma_m**2, 1.0 / m.sigma_m**2
        metres = (w0 * s.metres + w1 * m.metres) / (w0 + w1)
        return Circumference(metres, max(math.sqrt(1.0 / (w0 + w1)), MIN_SIGMA_SHARE * metres))

    def _judge_start(self) -> None:
        m = self.measured
        if self.start_rejected or m is None or self._sums()[0] < REJECT_MIN_M:
            return
        z = (m.metres - self.start.metres) / math.hypot(m.sigma_m, self.start.sigma_m)
        if abs(z) > REJECT_Z:
            self.start_rejected = True
            self._current = None


def next_ride_start(end: Circumference, drift_share: float = 0.0005) -> Circumference:
    """What the next ride starts from: this ride's end, a little less sure (pressure, load)."""
    return Circumference(end.metres, math.hypot(end.sigma_m, drift_share * end.metres))
