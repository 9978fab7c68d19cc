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
The matrices are this small and the loop runs on a Pi, where plain floats beat
an array library's per-call cost.
"""

from __future__ import annotations

import math

X, Y, V, PSI, W = range(5)
N = 5

PAIRS = tuple((i, j) for i in range(N) for j in range(i, N))
"""The covariance is kept as its upper triangle, these (row, column) pairs in this
order: a symmetric 5x5 has 15 numbers, and a flat list of them updates in one
comprehension (three times faster than a list of rows, measured)."""
_A = tuple(i for i, _ in PAIRS)
_B = tuple(j for _, j in PAIRS)
_IDX = [[0] * N for _ in range(N)]
for _n, (_i, _j) in enumerate(PAIRS):
    _IDX[_i][_j] = _IDX[_j][_i] = _n
ROW = tuple(tuple(r) for r in _IDX)  # ROW[i][j]: where P[i][j] is in the flat list
_V_SIGN = tuple(-1.0 if (i == V) != (j == V) else 1.0 for i, j in PAIRS)


def wrap_pi(a: float) -> float:
    return (a + math.pi) % (2 * math.pi) - math.pi


class MotionFilter:
    """x, y, v, psi, w with covariance P: predict, then position, speed and heading updates."""

    __slots__ = ("x", "y", "v", "psi", "w", "p")

    def __init__(self, x: float, y: float, v: float, psi: float, var_pos: float, var_v: float, var_psi: float,
                 var_w: float = 0.01) -> None:
        self.x, self.y, self.v, self.psi, self.w = x, y, v, psi, 0.0
        diag = (var_pos, var_pos, var_v, var_psi, var_w)
        self.p = [diag[i] if i == j else 0.0 for i, j in PAIRS]

    def cov(self, i: int, j: int) -> float:
        """One entry of the covariance."""
        return self.p[ROW[i][j]]

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
        # P <- A P A^T + Q, A the identity plus the Jacobian's entries in rows x, y, psi
        ax, bx, cx = s * dt, v * c * dt, 0.5 * v * c * dt * dt  # d x / d(v, psi, w)
        ay, by, cy = c * dt, -v * s * dt, -0.5 * v * s * dt * dt  # d y / d(v, psi, w)
        p = self.p
        full = [[p[k] for k in ROW[i]] for i in range(N)]
        pv, pp, pw = full[V], full[PSI], full[W]
        full[X] = [a + ax * b + bx * c_ + cx * d for a, b, c_, d in zip(full[X], pv, pp, pw)]
        full[Y] = [a + ay * b + by * c_ + cy * d for a, b, c_, d in zip(full[Y], pv, pp, pw)]
        full[PSI] = [a + dt * d for a, d in zip(pp, pw)]
        out = []
        for i, j in PAIRS:  # (A P) A^T, its upper triangle: columns x, y, psi change
            row = full[i]
            if j == X:
                out.append(row[X] + ax * row[V] + bx * row[PSI] + cx * row[W])
            elif j == Y:
                out.append(row[Y] + ay * row[V] + by * row[PSI] + cy * row[W])
            elif j == PSI:
                out.append(row[PSI] + dt * row[W])
            else:
                out.append(row[j])
        out[ROW[X][X]] += q_pos * dt
        out[ROW[Y][Y]] += q_pos * dt
        out[ROW[V][V]] += q_accel * dt
        out[ROW[PSI][PSI]] += q_turn * dt**3 / 3 + q_heading * dt
        out[ROW[PSI][W]] += q_turn * dt * dt / 2
        out[ROW[W][W]] += q_turn * dt
        self.p = out

    def innovation(self, zx: float, zy: float, r: float) -> tuple[float, float, float]:
        """(ix, iy, d2): a fix's offset from the prediction and its squared Mahalanobis distance."""
        p = self.p
        ix, iy = zx - self.x, zy - self.y
        s00, s01, s11 = p[ROW[X][X]] + r, p[ROW[X][Y]], p[ROW[Y][Y]] + r
        det = s00 * s11 - s01 * s01
        d2 = (ix * (s11 * ix - s01 * iy) + iy * (s00 * iy - s01 * ix)) / det
        return ix, iy, d2

    def update_position(self, ix: float, iy: float, r: float) -> tuple[float, float]:
        """Take the position innovation (per-axis variance r); returns how far the position moved.

        The two axes' noises are independent, so x then y as two scalar updates is exact.
        """
        x0, y0 = self.x, self.y
        zy = y0 + iy
        self.update_state(X, ix, r)
        self.update_state(Y, zy - self.y, r)  # y moved with x where they are correlated
        return self.x - x0, self.y - y0

    def update_state(self, index: int, innovation: float, r: float) -> None:
        """A direct measurement of one state (X, Y: a position; V: a speed; PSI: a course)."""
        p = self.p
        col = [p[k] for k in ROW[index]]
        inv = 1.0 / (col[index] + r)
        g = innovation * inv
        self.x += col[X] * g
        self.y += col[Y] * g
        self.v += col[V] * g
        self.psi = wrap_pi(self.psi + col[PSI] * g)
        self.w += col[W] * g
        self.p = [q - col[a] * col[b] * inv for q, a, b in zip(p, _A, _B)]

    def normalise(self) -> None:
        """A negative speed is a heading half a turn off (a bike never rides backwards): turn it round."""
        if self.v < 0.0:
            self.v = -self.v
            self.psi = wrap_pi(self.psi + math.pi)
            self.p = [q * sign for q, sign in zip(self.p, _V_SIGN)]
