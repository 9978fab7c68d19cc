"""How far a trusted speed's integral has drifted, told by the positions over minutes.

Integrated, a Doppler speed's white noise is a random walk: 0.1 m/s per fix
at 1 Hz is 3.5 m after 20 minutes (0.8 s at 5k pace), and nothing in the
speed itself can see it. Positions can, but not fix by fix: their error
wanders over tens of seconds (a Gauss-Markov process, ~2 m per axis, ~30 s),
so one fix says little, while fixes minutes apart carry independent errors.

So a small linear Kalman filter watches the gap between the fixes and the
dead-reckoned track (the speed along the course, summed): that gap is the
receiver's wandering error `b` minus the dead reckoning's own drift `e`. Both
are states, with their own dynamics (b decays with its correlation time, e
grows by the velocity's noise along and across the course), and so is `eps`,
the part of the drift that came from the speed along the way: the odometer's
error. The distance is then the speed's integral minus `eps`.

States: e_x, e_y, eps, b_x, b_y (metres). The dead reckoning advances at every
fix; the filter takes a fix at most once a second (fixes closer together add
little: their errors are the same wander), which keeps it cheap at 10 Hz.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

N = 5
EX, EY, EPS, BX, BY = range(N)


@dataclass(frozen=True, slots=True)
class DriftSettings:
    gm_sigma_m: float = 3.0  # the receiver's wandering error per axis (a u-blox M8: ~2 m; a margin)
    gm_tau_s: float = 60.0  # its correlation time (30 s typical; longer is the cautious side)
    white_sigma_m: float = 0.7  # the fix-to-fix noise on top
    update_every_s: float = 0.9  # take a fix at most this often


class DriftFilter:
    """Advance with every step of the speed odometer; read `eps_m`, its error."""

    __slots__ = ("s", "dr_x", "dr_y", "P", "state", "q_e", "q_ex_eps", "q_ey_eps", "since_s")

    def __init__(self, x: float, y: float, settings: DriftSettings = DriftSettings()) -> None:
        self.s = settings
        self.state = [0.0] * N
        self.P = [[0.0] * N for _ in range(N)]
        self.dr_x = self.dr_y = 0.0
        self.q_e = self.q_ex_eps = self.q_ey_eps = self.since_s = 0.0
        self.reanchor(x, y, 0.0)

    @property
    def eps_m(self) -> float:
        return self.state[EPS]

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
        self.q_e = self.q_ex_eps = self.q_ey_eps = self.since_s = 0.0

    def advance(self, step_m: float, heading_rad: float, dt: float, speed_sigma_mps: float) -> None:
        """The speed odometer moved `step_m` along `heading_rad` in dt, its speed noisy by
        `speed_sigma_mps` per fix (and the course as much across it, as for Doppler)."""
        ux, uy = math.sin(heading_rad), math.cos(heading_rad)
        self.dr_x += step_m * ux
        self.dr_y += step_m * uy
        q = (speed_sigma_mps * dt) ** 2  # along and across alike: isotropic on e
        self.q_e += q
        self.q_ex_eps += q * ux
        self.q_ey_eps += q * uy
        self.since_s += dt

    def due(self) -> bool:
        return self.since_s >= self.s.update_every_s

    def update(self, zx: float, zy: float) -> None:
        """Take a fix: first the process noise gathered since the last one, then the fix."""
        s, P, st = self.s, self.P, self.state
        phi = math.exp(-self.since_s / s.gm_tau_s)
        st[BX] *= phi
        st[BY] *= phi
        phi2 = phi * phi
        for i in (EX, EY, EPS):
            P[i][BX] *= phi
            P[i][BY] *= phi
            P[BX][i] *= phi
            P[BY][i] *= phi
        for i in (BX, BY):
            P[i][BX] *= phi2
            P[i][BY] *= phi2
        qb = s.gm_sigma_m**2 * (1.0 - phi2)
        P[BX][BX] += qb
        P[BY][BY] += qb
        P[EX][EX] += self.q_e
        P[EY][EY] += self.q_e
        P[EPS][EPS] += self.q_e
        P[EX][EPS] += self.q_ex_eps
        P[EPS][EX] += self.q_ex_eps
        P[EY][EPS] += self.q_ey_eps
        P[EPS][EY] += self.q_ey_eps
        self.q_e = self.q_ex_eps = self.q_ey_eps = self.since_s = 0.0
        # the fix minus the dead reckoning = b - e + white, one axis after the other
        r = s.white_sigma_m**2
        for ie, ib, z in ((EX, BX, zx - self.dr_x), (EY, BY, zy - self.dr_y)):
            h = [row[ib] - row[ie] for row in P]  # P H^T
            var = h[ib] - h[ie] + r
            innov = z - (st[ib] - st[ie])
            k = [x / var for x in h]
            for i in range(N):
                st[i] += k[i] * innov
            for g, row in zip(k, P):
                row[:] = [p - g * c for p, c in zip(row, h)]
