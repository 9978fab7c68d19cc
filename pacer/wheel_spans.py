"""Straight stretches of road, measured twice: by the chord between their end fixes and by the wheel.

Without a trusted speed the estimator's distance from positions reads a few
tenths of a percent short on a road with corners (bench/world.py), and a
circumference fitted to it would carry that into every later ride. The
chord of a straight stretch does not: its fixes' error is a wander of a few
metres, the same whatever the road does between them, and a wheel's distance
over the same stretch is the stretch. So, as ScaleCheck compares a speed
with the positions on straight windows (pacer/speed_channel.py), this keeps
a stretch open while every fix since its first lies within LATERAL_M of the
line from the first to the latest, and closes it where one does not: a
corner has begun. The last TRIM_S before that are left out (the bike was
already turning) and so are the first SETTLE_S after it (it still was).
"""

from __future__ import annotations

import math

LATERAL_M = 6.0  # three sigmas of a fix's wander across the line (2 m per axis)
TRIM_S = 3.0  # the stretch ends this long before the fix that left the line
SETTLE_S = 3.0  # a new stretch starts this long after it
MIN_SPAN_M = 50.0  # shorter stretches say too little against metres of wander
EVERY_S = 0.9  # fixes closer than this add nothing (their wander is the same)


class StraightSpans:
    """Feed fixes (plane metres) with the wheel's revolutions; get each finished straight stretch."""

    def __init__(self) -> None:
        self.pts: list[tuple[float, float, float, float]] = []  # (t, x, y, revs)
        self.wait_until_s = -math.inf

    def reset(self) -> None:
        """The wheel was dropped or the fixes stopped: whatever was open says nothing."""
        self.pts = []

    def add(self, t_s: float, x: float, y: float, revs: float) -> tuple[float, float] | None:
        """This fix; (chord metres, revolutions) of a stretch it ended, else None."""
        if t_s < self.wait_until_s or (self.pts and t_s - self.pts[-1][0] < EVERY_S):
            return None
        self.pts.append((t_s, x, y, revs))
        if len(self.pts) < 3 or self._straight():
            return None
        pts, self.pts = self.pts, []
        self.wait_until_s = t_s + SETTLE_S
        end = next((p for p in reversed(pts[:-1]) if p[0] <= pts[-1][0] - TRIM_S), None)
        if end is None:
            return None
        a = pts[0]
        chord = math.hypot(end[1] - a[1], end[2] - a[2])
        if chord < MIN_SPAN_M or end[3] <= a[3]:
            return None
        return chord, end[3] - a[3]

    def _straight(self) -> bool:
        a, p = self.pts[0], self.pts[-1]
        dx, dy = p[1] - a[1], p[2] - a[2]
        length = math.hypot(dx, dy)
        if length < 1.0:
            return True  # standing: nothing to judge yet
        ux, uy = dx / length, dy / length
        return all(abs((q[1] - a[1]) * uy - (q[2] - a[2]) * ux) <= LATERAL_M for q in self.pts[1:-1])
