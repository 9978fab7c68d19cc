"""The offset between the fixes and the course's line, learnt across the course's corners.

Separate from the matching because it is an estimate, not geometry. Two
errors put the filtered position beside the course: the receiver's wander
(~2 m per axis, ~30 s; sim/gnss.py) and the map's own registration error (a
course drawn on a map sits a couple of metres off the road, the same way for
the whole course). Projection removes only their part across the course;
their part ALONG it is an error in progress (1-2 m, a quarter to half a
second at running pace, which jumps at every corner as the direction turns).
But the bike rides the course, so how far the position sits off the line
measures the sum along the line's normal; as corners turn the normal, a
Kalman filter on both (east, north each) learns the part along the course
too, and the position is corrected before it is matched: the track mode's
idea (pacer/track_bias.py) with a second, slow pair of states for the map.
"""

from __future__ import annotations

import math

WANDER_SIGMA_M = 2.0  # the receiver's wander, per axis ...
WANDER_TAU_S = 30.0  # ... and its correlation time
MAP_SIGMA_M = 2.5  # the map's registration error, per axis ...
MAP_TAU_S = 3600.0  # ... constant over a run
LINE_SIGMA_M = 1.5  # how far the bike's line and the map's wobble stray from the course's line
MAX_RESIDUAL_M = 12.0  # a residual beyond this is a wrong match or a manoeuvre: not learnt from


class CourseBias:
    """A 4-state Kalman filter: (wander east, north, map east, north); the bias is their sum."""

    def __init__(self) -> None:
        self.x = [0.0] * 4
        s = [WANDER_SIGMA_M**2, WANDER_SIGMA_M**2, MAP_SIGMA_M**2, MAP_SIGMA_M**2]
        self.p = [[s[i] if i == j else 0.0 for j in range(4)] for i in range(4)]
        self.t_s: float | None = None

    @property
    def bx(self) -> float:
        return self.x[0] + self.x[2]

    @property
    def by(self) -> float:
        return self.x[1] + self.x[3]

    def predict(self, t_s: float) -> None:
        if self.t_s is not None and t_s > self.t_s:
            dt = t_s - self.t_s
            phis = [math.exp(-dt / WANDER_TAU_S)] * 2 + [math.exp(-dt / MAP_TAU_S)] * 2
            sig2 = [WANDER_SIGMA_M**2] * 2 + [MAP_SIGMA_M**2] * 2
            for i in range(4):
                self.x[i] *= phis[i]
                for j in range(4):
                    self.p[i][j] *= phis[i] * phis[j]
                self.p[i][i] += (1.0 - phis[i] ** 2) * sig2[i]
        self.t_s = t_s

    def update(self, off_line_m: float, nx: float, ny: float) -> None:
        """The corrected position lies `off_line_m` along the unit normal (nx, ny) off the line."""
        if abs(off_line_m) > MAX_RESIDUAL_M:
            return
        h = (nx, ny, nx, ny)
        ph = [sum(self.p[i][j] * h[j] for j in range(4)) for i in range(4)]
        s = sum(h[i] * ph[i] for i in range(4)) + LINE_SIGMA_M**2
        k = [v / s for v in ph]
        for i in range(4):
            self.x[i] += k[i] * off_line_m
        for i in range(4):
            for j in range(4):
                self.p[i][j] -= k[i] * ph[j]
