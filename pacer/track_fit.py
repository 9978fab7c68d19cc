"""Fitting the 400 m oval to the path of a lap, when the plan gives no finish.

Separate from the geometry (oval.py) because it runs once, not per fix: the
collector keeps the filtered path (a point every metre while moving) and the
turning since the first point; after a lap's worth of turning (two bends, even
without the home straight) a least-squares fit places the stadium shape:
centre, axis and the radius the bike rides at. The straights' length is the
standard 84.39 m, so the shape has four unknowns and a lap has hundreds of
points. A stadium looks the same turned half a turn, so the fit cannot tell the
home straight from the back one; the caller places the finish line from where
the run started (see route.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pacer.oval import HALF_M, KERB_RADIUS_M, LANE_WIDTH_M, LANES, Oval, lane_centre_radius_m

FIT_TURN_RAD = math.radians(340.0)  # two bends (360 degrees) less a margin
POINT_SPACING_M = 1.0  # one point per metre: the same weight for every part of the path
MIN_MOVING_MPS = 2.0
MAX_POINTS = 1200  # a lap and a half in any lane
MAX_RMS_M = 4.0  # a worse fit is not a 400 m track (or not ridden in one lane)
MIN_RADIUS_M = KERB_RADIUS_M - 1.0
MAX_RADIUS_M = KERB_RADIUS_M + LANES * LANE_WIDTH_M + 2.0


@dataclass(frozen=True, slots=True)
class OvalFit:
    oval: Oval  # its home straight is either straight: see the module's note
    radius_m: float  # the radius of the bike's path on the bends
    rms_m: float  # residual of the path about the fitted shape
    points: int

    @property
    def lane(self) -> int:
        """The lane whose middle is nearest the bike's fitted path."""
        return min(range(1, LANES + 1), key=lambda k: abs(lane_centre_radius_m(k) - self.radius_m))


class LapCollector:
    """The path of the bike, one point per metre while it moves, and how far it has turned."""

    def __init__(self) -> None:
        self.xs: list[float] = []
        self.ys: list[float] = []
        self.turn_rad = 0.0
        self._heading: float | None = None

    def add(self, x: float, y: float, vx: float, vy: float) -> None:
        if math.hypot(vx, vy) < MIN_MOVING_MPS:
            return
        if self.xs and math.hypot(x - self.xs[-1], y - self.ys[-1]) < POINT_SPACING_M:
            return
        heading = math.atan2(vx, vy)
        if self._heading is not None:
            # compass headings grow clockwise: a left turn (counterclockwise) makes them smaller
            self.turn_rad -= (heading - self._heading + math.pi) % (2 * math.pi) - math.pi
        self._heading = heading
        self.xs.append(x)
        self.ys.append(y)
        if len(self.xs) > MAX_POINTS:
            del self.xs[:100], self.ys[:100]

    @property
    def lap_done(self) -> bool:
        """A lap's turning, to the left (runners go counterclockwise)."""
        return self.turn_rad >= FIT_TURN_RAD


def _residuals(xs: list[float], ys: list[float], p: tuple[float, float, float, float]) -> tuple[list[float], list[tuple[float, float, float, float]]]:
    """Distance of each point from the stadium minus the radius, and its gradient."""
    cx, cy, theta, radius = p
    ux, uy = math.sin(theta), math.cos(theta)
    res, jac = [], []
    for x, y in zip(xs, ys):
        dx, dy = x - cx, y - cy
        s = dx * ux + dy * uy
        n = dy * ux - dx * uy
        a = s - HALF_M if s > HALF_M else s + HALF_M if s < -HALF_M else 0.0
        d = math.hypot(a, n) or 1e-9
        es, en = a / d, n / d
        res.append(d - radius)
        jac.append((-es * ux + en * uy, -es * uy - en * ux, -es * n + en * s, -1.0))
    return res, jac


def _solve(a: list[list[float]], b: list[float]) -> list[float] | None:
    """Gaussian elimination with partial pivoting (4 unknowns)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        piv = max(range(c, n), key=lambda r: abs(m[r][c]))
        if abs(m[piv][c]) < 1e-12:
            return None
        m[c], m[piv] = m[piv], m[c]
        for r in range(c + 1, n):
            f = m[r][c] / m[c][c]
            for k in range(c, n + 1):
                m[r][k] -= f * m[c][k]
    out = [0.0] * n
    for c in range(n - 1, -1, -1):
        out[c] = (m[c][n] - sum(m[c][k] * out[k] for k in range(c + 1, n))) / m[c][c]
    return out


def fit_oval(xs: list[float], ys: list[float], iterations: int = 30) -> OvalFit | None:
    """Least-squares stadium through the points (Levenberg-Marquardt); None if it is no track."""
    count = len(xs)
    if count < 30:
        return None
    mx, my = sum(xs) / count, sum(ys) / count
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    major = 0.5 * math.atan2(2 * sxy, sxx - syy)  # the long axis, math angle from east
    p = (mx, my, math.pi / 2 - major, lane_centre_radius_m(2))
    res, jac = _residuals(xs, ys, p)
    cost = sum(r * r for r in res)
    lam = 1e-3
    for _ in range(iterations):
        jtj = [[sum(j[r] * j[c] for j in jac) for c in range(4)] for r in range(4)]
        jtr = [-sum(j[r] * e for j, e in zip(jac, res)) for r in range(4)]
        for k in range(4):
            jtj[k][k] *= 1 + lam
        step = _solve(jtj, jtr)
        if step is None:
            return None
        trial = (p[0] + step[0], p[1] + step[1], p[2] + step[2], p[3] + step[3])
        t_res, t_jac = _residuals(xs, ys, trial)
        t_cost = sum(r * r for r in t_res)
        if t_cost < cost:
            done = cost - t_cost < 1e-9 * cost
            p, res, jac, cost, lam = trial, t_res, t_jac, t_cost, lam * 0.3
            if done:
                break
        else:
            lam *= 10.0
    rms = math.sqrt(cost / count)
    cx, cy, theta, radius = p
    if rms > MAX_RMS_M or not MIN_RADIUS_M <= radius <= MAX_RADIUS_M:
        return None
    return OvalFit(Oval(cx, cy, math.sin(theta), math.cos(theta)), radius, rms, count)
