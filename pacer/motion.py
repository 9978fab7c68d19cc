"""The motion model: position, speed, heading and turn rate as states (an extended Kalman filter).

Why not a constant-velocity filter in east/north: through a turn its velocity
is a blend of the two directions, so its magnitude dips and the distance read
from it comes out short (about 1.1 m x theta^2 per corner, 2.7 m for a right
angle; on a city course a corner every 60-150 m). Here speed and heading are
separate states: a turn moves the heading, and the speed, which is what
distance is made of, does not notice. Noise across the track moves the
heading and the position, never the speed, so a noisy fix does not lengthen
the path either. The turn rate is a state too, so a steady bend (a track's,
a roundabout's) is followed without the heading lagging behind it.

States, in this order: east x, north y (m), speed v (m/s; signed, see
`normalise`), heading psi (rad, clockwise from north), turn rate w (rad/s).
The covariance is a list of lists: the matrices are this small and the loop
runs on a Pi, where plain floats beat an array library's per-call cost.
"""

from __future__ import annotations

import math

X, Y, V, PSI, W = range(5)
N = 5


def wrap_pi(a: float) -> float:
    return (a + math.pi) % (2 * math.pi) - math.pi


class MotionFilter:
    """x, y, v, psi, w with covariance P: predict, then position, speed and heading updates."""

    __slots__ = ("x", "y", "v", "psi", "w", "P")

    def __init__(self, x: float, y: float, v: float, psi: float, var_pos: float, var_v: float, var_psi: float,
                 var_w: float = 0.01) -> None:
        self.x, self.y, self.v, self.psi, self.w = x, y, v, psi, 0.0
        self.P = [[0.0] * N for _ in range(N)]
        for i, var in enumerate((var_pos, var_pos, var_v, var_psi, var_w)):
            self.P[i][i] = var

    def predict(self, dt: float, q_accel: float, q_turn: float, q_pos: float, q_heading: float = 0.0) -> None:
        """Move on for dt along the arc the speed and turn rate describe.

        q_accel (m^2/s^3): how fast speed may change; q_turn (rad^2/s^3): how
        fast the turn rate may; q_heading (rad^2/s): how fast the heading may
        change on its own (a corner taken within a second or two, faster than a
        turn rate can follow at 1 Hz); q_pos (m^2/s): how far the path may weave.
        """
        v, w = self.v, self.w
        mid = self.psi + 0.5 * w * dt
        s, c = math.sin(mid), math.cos(mid)
        self.x += v * s * dt
        self.y += v * c * dt
        self.psi = wrap_pi(self.psi + w * dt)
        # The Jacobian is the identity plus these entries: (row, col, value)
        a = ((X, V, s * dt), (X, PSI, v * c * dt), (X, W, 0.5 * v * c * dt * dt),
             (Y, V, c * dt), (Y, PSI, -v * s * dt), (Y, W, -0.5 * v * s * dt * dt),
             (PSI, W, dt))
        P = self.P
        rows = [r[:] for r in P]
        for i, j, val in a:  # A P: row i gains val x row j (of the old P)
            ri, rj = P[i], rows[j]
            for k in range(N):
                ri[k] += val * rj[k]
        for row in P:  # (A P) A^T: column i gains val x column j
            old = row[:]
            for i, j, val in a:
                row[i] += val * old[j]
        P[X][X] += q_pos * dt
        P[Y][Y] += q_pos * dt
        P[V][V] += q_accel * dt
        P[PSI][PSI] += q_turn * dt**3 / 3 + q_heading * dt
        P[PSI][W] += q_turn * dt * dt / 2
        P[W][PSI] += q_turn * dt * dt / 2
        P[W][W] += q_turn * dt

    def innovation(self, zx: float, zy: float, r: float) -> tuple[float, float, float]:
        """(ix, iy, d2): a fix's offset from the prediction and its squared Mahalanobis distance."""
        P = self.P
        ix, iy = zx - self.x, zy - self.y
        s00, s01, s11 = P[X][X] + r, P[X][Y], P[Y][Y] + r
        det = s00 * s11 - s01 * s01
        d2 = (ix * (s11 * ix - s01 * iy) + iy * (s00 * iy - s01 * ix)) / det
        return ix, iy, d2

    def update_position(self, ix: float, iy: float, r: float) -> tuple[float, float]:
        """Take the position innovation (per-axis variance r); returns how far the position moved."""
        P = self.P
        s00, s01, s11 = P[X][X] + r, P[X][Y], P[Y][Y] + r
        det = s00 * s11 - s01 * s01
        i00, i01, i11 = s11 / det, -s01 / det, s00 / det
        gains = [(row[X] * i00 + row[Y] * i01, row[X] * i01 + row[Y] * i11) for row in P]
        moves = [k0 * ix + k1 * iy for k0, k1 in gains]
        self._move(moves)
        p0, p1 = P[X][:], P[Y][:]
        for (k0, k1), row in zip(gains, P):
            for j in range(N):
                row[j] -= k0 * p0[j] + k1 * p1[j]
        return moves[X], moves[Y]

    def update_state(self, index: int, innovation: float, r: float) -> None:
        """A direct measurement of one state (V: a speed, PSI: a course) with variance r."""
        P = self.P
        s = P[index][index] + r
        gains = [row[index] / s for row in P]
        self._move([k * innovation for k in gains])
        prow = P[index][:]
        for k, row in zip(gains, P):
            for j in range(N):
                row[j] -= k * prow[j]

    def _move(self, d: list[float]) -> None:
        self.x += d[X]
        self.y += d[Y]
        self.v += d[V]
        self.psi = wrap_pi(self.psi + d[PSI])
        self.w += d[W]

    def normalise(self) -> None:
        """A negative speed is a heading half a turn off (a bike never rides backwards): turn it round."""
        if self.v < 0.0:
            self.v = -self.v
            self.psi = wrap_pi(self.psi + math.pi)
            P = self.P
            for row in P:
                row[V] = -row[V]
            P[V] = [-p for p in P[V]]
