"""When a mark was passed, timed on a short fixed-lag smoother of the distance.

The live distance jumps a little at every fix (each fix moves the position
estimate); its first crossing of a mark is early or late by that jitter. A
split does not have to be known the instant it happens: waiting LAG_S
seconds gives fixes on both sides of the crossing, and the distance smoothed
with them, a local straight-line fit over +-LAG_S around each sample, crosses
the mark where the runner most likely did. The live gap on the screen stays
causal; only the split's time comes from the smoothed distance, and the split
is announced (sound, screen) as soon as it is known: LAG_S after the live
crossing, or at the first fix after that.

Pure: samples in, a time out. The session keeps one `DistanceHistory`.
"""

from __future__ import annotations

from collections import deque

LAG_S = 2.0
KEEP_S = 4 * LAG_S + 10.0  # enough history for the fit around any pending crossing


class DistanceHistory:
    """The last KEEP_S seconds of (t_s, dist_m) after each fix, in time order."""

    __slots__ = ("samples",)

    def __init__(self) -> None:
        self.samples: deque[tuple[float, float]] = deque()

    def add(self, t_s: float, dist_m: float) -> None:
        self.samples.append((t_s, dist_m))
        while self.samples and t_s - self.samples[0][0] > KEEP_S:
            self.samples.popleft()

    def shift(self, by_m: float) -> None:
        """Move every sample by `by_m` (a MARK correction), so the series stays continuous
        across it and a mark passed by the jump is timed at the press."""
        self.samples = deque((t, d + by_m) for t, d in self.samples)

    def smoothed_at(self, t_s: float, lag_s: float = LAG_S) -> float | None:
        """The local straight-line fit of the samples within lag_s of t_s, at t_s."""
        n = sx = sy = sxx = sxy = 0.0
        for ts, d in self.samples:
            if abs(ts - t_s) <= lag_s + 1e-9:
                x = ts - t_s
                n += 1
                sx += x
                sy += d
                sxx += x * x
                sxy += x * d
        if n == 0:
            return None
        var = n * sxx - sx * sx
        if n < 2 or var <= 1e-12:
            return sy / n
        slope = (n * sxy - sx * sy) / var
        return (sy - slope * sx) / n  # the fit's value at x = 0

    def crossing_s(self, mark_m: float, live_t_s: float, lag_s: float = LAG_S) -> float:
        """When the smoothed distance crossed `mark_m`, searched within lag_s of the live
        crossing; the live crossing itself if the smoothed one is not found there."""
        times = [t for t, _ in self.samples if abs(t - live_t_s) <= lag_s + 1e-9]
        if len(times) < 2:
            return live_t_s
        prev_t: float | None = None
        prev_d = 0.0
        for t in times:
            d = self.smoothed_at(t, lag_s)
            if d is None:
                continue
            if prev_t is not None and prev_d < mark_m <= d:
                return prev_t + (mark_m - prev_d) / (d - prev_d) * (t - prev_t)
            prev_t, prev_d = t, d
        return live_t_s
