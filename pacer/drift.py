"""How far a trusted speed's integral has drifted, told by the positions over minutes.

Integrated, a Doppler speed's white noise is a random walk: 0.1 m/s per fix
at 1 Hz is 3.5 m after 20 minutes (0.8 s at 5k pace), and nothing in the
speed itself can see it. Positions can, but not fix by fix: their error
wanders over tens of seconds (a Gauss-Markov process, ~2 m per axis, ~30 s),
so one fix says little, while fixes minutes apart carry independent errors.

So a small linear Kalman filter watches the gap between each fix and the
dead-reckoned track (the speed along the heading, summed): that gap is the
receiver's wandering error `b` minus the dead reckoning's own drift `e`. Both
are states, with their own dynamics (b decays with its correlation time, e
grows by the speed's and the heading's noise), and so is `eps`, the part of
the drift that came from the speed along the way: the odometer's error. The
distance is then the speed's integral minus `eps`.

States: e_x, e_y, eps, b_x, b_y (metres). Linear: the heading only shapes the
process noise. Pure floats, as in pacer/motion.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

N = 5
EX, EY, EPS, BX, BY = range(N)


@dataclass(frozen=True, slots=True)
class DriftSettings:
    gm_sigma_m: float = 3.0  # the receiver's wandering error per axis (a u-blox M8: ~2 m; a margin)
    gm_tau_s: float = 60.0  # its correlation time
    white_sigma_m: float = 0.7  # the fix-to-fix noise on top
    speed_sigma_mps: float = 0.1  # the speed's noise per fix, when not measured


class DriftFilter:
    """Feed every fix with the dead-reckoned step; read `eps_m`, the speed odometer's error."""

    __slots__ = ("s", "dr_x", "dr_y", "P", "state")

    def __init__(self, x: float, y: float, settings: DriftSettings = DriftSettings()) -> None:
        self.s = settings
        self.state = [0.0] * N
        self.P = [[0.0] * N for _ in range(N)]
        self.dr_x = self.dr_y = 0.0
        self.reanchor(x, y, 0.0)

    def reanchor(self, x: float, y: float, eps_var_m2: float) -> None:
        """Start the dead reckoning again at a fix (the first, or the first after a gap,
        whose path is not known well enough to dead-reckon across): there its error is
        the fix's own. What the odometer's error was is kept, a little less certain."""
        eps, var = self.state[EPS], self.P[EPS][EPS] + eps_var_m2
        self.dr_x, self.dr_y = x, y
        self.state = [0.0] * N
        self.state[EPS] = eps
        g2, w2 = self.s.gm_sigma_m**2, self.s.white_sigma_m**2
        self.P = [[0.0] * N for _ in range(N)]
        for i, j, v in ((EX, EX, g2 + w2), (EY, EY, g2 + w2), (BX, BX, g2), (BY, BY, g2), (EX, BX, g2),
                        (BX, EX, g2), (EY, BY, g2), (BY, EY, g2), (EPS, EPS, var)):
            self.P[i][j] = v

    @property
    def eps_m(self) -> float:
        return self.state[EPS]

    def advance(self, step_m: float, heading_rad: float, dt: float) -> None:
        """Dead-reckon without a fix (an outlier was rejected): only the prediction."""
        self.step(step_m, heading_rad, dt, math.nan, math.nan)

    def step(self, step_m: float, heading_rad: float, dt: float, zx: float, zy: float,
             speed_sigma_mps: float | None = None) -> None:
        """The speed odometer moved `step_m` along `heading_rad` over dt; a fix came at (zx, zy).

        `speed_sigma_mps`: the speed's noise per fix as measured (default: the settings');
        the course's noise across the heading is taken to be the same, as for a
        receiver's Doppler velocity."""
        s, P, st = self.s, self.P, self.state
        ux, uy = math.sin(heading_rad), math.cos(heading_rad)
        self.dr_x += step_m * ux
        self.dr_y += step_m * uy
        # predict: b decays, e and eps take the step's noise (along: speed, across: course)
        phi = math.exp(-dt / s.gm_tau_s)
        st[BX] *= phi
        st[BY] *= phi
        for i in range(N):
            for j in range(N):
                f = (phi if i >= BX else 1.0) * (phi if j >= BX else 1.0)
                if f != 1.0:
                    P[i][j] *= f
        sigma = s.speed_sigma_mps if speed_sigma_mps is None else speed_sigma_mps
        qa = qc = (sigma * dt) ** 2
        P[EX][EX] += qa * ux * ux + qc * uy * uy
        P[EY][EY] += qa * uy * uy + qc * ux * ux
        cross = (qa - qc) * ux * uy
        P[EX][EY] += cross
        P[EY][EX] += cross
        P[EPS][EPS] += qa
        for i, u in ((EX, ux), (EY, uy)):
            P[i][EPS] += qa * u
            P[EPS][i] += qa * u
        qb = s.gm_sigma_m**2 * (1.0 - phi * phi)
        P[BX][BX] += qb
        P[BY][BY] += qb
        if math.isnan(zx):
            return
        # update: the fix minus the dead reckoning = b - e + white
        r = s.white_sigma_m**2
        for axis, (ie, ib, z) in enumerate(((EX, BX, zx - self.dr_x), (EY, BY, zy - self.dr_y))):
            h = [P[i][ib] - P[i][ie] for i in range(N)]  # P H^T
            innov = z - (st[ib] - st[ie])
            var = h[ib] - h[ie] + r
            k = [hi / var for hi in h]
            for i in range(N):
                st[i] += k[i] * innov
            hrow = [P[ib][j] - P[ie][j] for j in range(N)]  # H P
            for i in range(N):
                ki = k[i]
                row = P[i]
                for j in range(N):
                    row[j] -= ki * hrow[j]
