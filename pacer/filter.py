"""The estimator: distance along the way and speed, from noisy fixes, causally.

Position, speed, heading and turn rate come from one extended Kalman filter
(pacer/motion.py), fed positions and, once it is trusted, the fix's speed and
course. Distance comes from one of two odometers:

- the speed odometer: the trapezoidal integral of a trusted speed channel. A
  receiver's Doppler speed has white noise and no bias, so its integral is the
  better odometer; positions, whose error wanders over tens of seconds, would
  only add their wander (bench/world.py);
- the positions odometer, when there is no trusted speed: per fix, the
  filter's speed over the step, plus how far the fix moved the position
  estimate along the heading (so a standing start, where a filter's speed lags
  the truth, costs nothing), plus the move across the heading beyond what
  noise alone explains (so a corner the heading has not caught up with yet is
  not cut).

A speed is trusted when it comes with a course (gpsd never fills in a course),
or once `SynthesisTest` has shown that it is not gpsd's fill-in made from the
positions (then integrated it is the raw fix-to-fix sum). Until then the
positions odometer is used; the speed odometer runs from the first fix anyway,
so when the verdict comes (within about ten seconds of moving) its distance
from the start replaces the positions'.

A fix far off the prediction is rejected: the speed odometer does not care,
the positions odometer dead-reckons the step at the filter's speed. After
`reject_restart_s` of nothing but rejects the filter restarts at the new fix,
the distance kept. A silence (a GPS outage) is bridged with the mean trusted
speed at its two ends, else the arc of a circle tangent to the old heading
through the new fix (exact on a straight road and a steady bend), or the chord
for a source that records sparsely on purpose ("smart recording").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pacer.events import Fix, FixMode
from pacer.geo import LocalPlane
from pacer.drift import DriftFilter
from pacer.motion import PSI, V, X, Y, MotionFilter
from pacer.speed_channel import ScaleCheck, SynthesisTest

SPARSE_GAP_RATE = 0.15  # above this share of gaps, the source records sparsely on purpose


@dataclass(frozen=True, slots=True)
class FilterSettings:
    q_accel: float = 0.3  # speed random walk (m^2/s^3): how fast a runner's or a bike's speed changes
    q_turn: float = 0.01  # turn-rate random walk (rad^2/s^3), with a course: a steady bend is followed without lag
    q_turn_positions: float = 1e-5  # the same from positions alone
    var_turn: float = 0.0  # the turn rate's variance at a (re)start ((rad/s)^2)
    manoeuvre_gain: float = 15.0  # heading noise grows by this per unit of excess cross-track offset
    manoeuvre_z2: float = 2.0  # ... beyond this squared offset in its own sigmas
    q_heading: float = 0.005  # heading random walk (rad^2/s): a corner is taken within a few seconds
    q_pos: float = 0.05  # path weave (m^2/s)
    pos_sigma_m: float = 1.5  # per-axis position noise the filter assumes, per second of fixes
    speed_sigma_mps: float = 0.15  # a trusted speed's noise
    cross_noise: float = 1.5  # a move across the heading counts beyond this many times its noise variance
    gate_d2: float = 36.0  # squared Mahalanobis distance beyond which a fix is rejected
    reject_restart_s: float = 5.0  # this long with only rejects: restart at the new fix
    position_every_s: float = 0.45  # with a measured velocity, the filter steps at most this often
    gap_s: float = 2.5  # a silence longer than this is a gap: bridge, then restart
    init_m: float = 5.0  # from a standstill, the heading is taken once the fixes moved this far
    max_speed_mps: float = 25.0  # faster than this is no bike
    drift_fusion: bool = True  # correct a trusted speed's integral by the positions over minutes (pacer/drift.py)
    stop_speed_mps: float = 0.3  # a speed below this is a standing bike's noise (|noise| > 0)


@dataclass(frozen=True, slots=True)
class Estimate:
    t_s: float
    dist_m: float
    speed_mps: float
    accepted: bool  # False: the fix was rejected as an outlier (or repeated)


class Estimator:
    """Feed fixes in time order; read `dist_m` and `speed_mps`."""

    def __init__(self, settings: FilterSettings = FilterSettings()) -> None:
        self.s = settings
        self.plane: LocalPlane | None = None
        self.kf: MotionFilter | None = None
        self.t_s: float | None = None
        self.anchor: tuple[float, float] | None = None  # where the fixes were while standing
        self.recent: list[tuple[float, float, float]] = []  # the last two seconds of fixes, while standing
        self.prev: tuple[float, float, float] | None = None  # (t, x, y) of the last fix
        self.last_accept_t_s = 0.0
        self.position_t_s = -math.inf  # the last fix whose position the filter took
        self.coast_x = self.coast_y = self.coast_s = 0.0  # moved by a measured velocity since the filter's last step
        self.gap_rate = 0.0  # running share of intervals that are gaps: high for "smart recording"
        self.positions_m = 0.0  # the positions odometer
        self.speed_m = 0.0  # the speed odometer (integral of the fixes' speed, whatever it is)
        self.speed_end: float | None = None  # the last fix's speed
        self.synthesis = SynthesisTest()
        self.scale_check = ScaleCheck()
        self.had_speed = False
        self.had_course = False
        self.drift: DriftFilter | None = None  # the speed odometer's drift, told by the positions
        self.drift_last_m = 0.0  # the speed odometer where the drift filter last advanced
        self.speed_var = 0.1**2  # running estimate of the speed's noise variance per fix
        self.offset_m = 0.0  # keeps the output continuous if a trusted speed is dropped later
        self.was_trusted = False
        self.dist_m = 0.0
        self.fixes = 0
        self.rejected = 0
        self.restarts = 0

    # -- what the session and the routes read --------------------------------

    @property
    def started(self) -> bool:
        return self.t_s is not None

    @property
    def speed_trusted(self) -> bool:
        """The fixes' speed is used only when it came with a course (gpsd fills in a
        speed, never a course) or once shown not to be made from the positions."""
        if self.synthesis.verdict == "synthesized":
            return False
        return self.had_course or self.synthesis.verdict == "genuine"

    @property
    def speed_mps(self) -> float:
        return max(0.0, self.kf.v) if self.kf is not None else 0.0

    @property
    def px(self) -> float:
        return self.kf.x + self.coast_x if self.kf is not None else (self.prev[1] if self.prev else 0.0)

    @property
    def py(self) -> float:
        return self.kf.y + self.coast_y if self.kf is not None else (self.prev[2] if self.prev else 0.0)

    @property
    def vx(self) -> float:
        return self.speed_mps * math.sin(self.kf.psi) if self.kf is not None else 0.0

    @property
    def vy(self) -> float:
        return self.speed_mps * math.cos(self.kf.psi) if self.kf is not None else 0.0

    @property
    def speed_source(self) -> str:
        if not self.had_speed:
            return "positions"
        if self.synthesis.verdict == "synthesized":
            return "synthesized→positions"
        if not self.speed_trusted:
            return "undecided→positions"
        check = self.scale_check
        return "doppler" if check.scale == 1.0 and check.lag_s == 0.0 else "speed, corrected"

    def describe(self) -> dict[str, object]:
        """What `--json` reports: which speed the distance came from, what was rejected."""
        check = self.scale_check
        return {"speed_source": self.speed_source, "fixes": self.fixes, "rejected_fixes": self.rejected,
                "restarts": self.restarts, "speed_scale": round(check.scale, 4), "speed_lag_s": check.lag_s,
                "scale_windows": check.windows}

    def dist_at(self, t_s: float) -> float:
        """Dead-reckoned distance at a later time (no fix since): for the screen only."""
        if self.t_s is None or t_s <= self.t_s:
            return self.dist_m
        return self.dist_m + self.speed_mps * min(t_s - self.t_s, 120.0)

    # -- the one entry point --------------------------------------------------

    def update(self, fix: Fix) -> Estimate:
        if self.plane is None:
            self.plane = LocalPlane(fix.lat_deg, fix.lon_deg)
        if self.t_s is not None and fix.t_s <= self.t_s:
            return Estimate(self.t_s, self.dist_m, self.speed_mps, False)
        zx, zy = self.plane.to_xy(fix.lat_deg, fix.lon_deg)
        dt = fix.t_s - self.t_s if self.t_s is not None else 0.0
        r = self._pos_var(fix, dt)
        speed = fix.speed_mps if fix.speed_mps is not None and 0.0 <= fix.speed_mps <= self.s.max_speed_mps else None
        course = math.radians(fix.track_deg) if speed is not None and fix.track_deg is not None else None
        self.fixes += 1
        self._speed_odometer(fix.t_s, zx, zy, dt, speed, course)
        trusted = self.speed_trusted
        use_speed = speed if trusted else None
        use_course = course if trusted else None
        accepted = True
        if self.t_s is None:
            self.anchor = (zx, zy)
            if use_speed is not None and use_course is not None and use_speed > 1.0:
                self._start(fix.t_s, zx, zy, r, use_speed, use_course)
        elif self.kf is None:
            self._wait_for_motion(fix.t_s, zx, zy, r, dt, use_speed, use_course)
        elif dt > self.s.gap_s:
            self._bridge_gap(fix.t_s, zx, zy, r, dt, use_speed)
        else:
            accepted = self._step(fix.t_s, zx, zy, r, dt, use_speed, use_course)
        self.gap_rate = 0.9 * self.gap_rate + (0.1 if dt > self.s.gap_s else 0.0)
        self._watch_drift(trusted, zx, zy, dt, speed, course, accepted)
        self.t_s = fix.t_s
        self.prev = (fix.t_s, zx, zy)
        self._choose(trusted)
        return Estimate(fix.t_s, self.dist_m, self.speed_mps, accepted)

    # -- the pieces -----------------------------------------------------------

    def _speed_odometer(self, t_s: float, zx: float, zy: float, dt: float, speed: float | None,
                        course: float | None) -> None:
        """Integrate whatever the fixes call speed, and test it against the positions."""
        if speed is None:
            self.speed_end = None
            return
        self.had_speed = True
        self.had_course = self.had_course or course is not None
        if self.prev is not None and course is None:
            self.synthesis.observe(speed, dt, math.hypot(zx - self.prev[1], zy - self.prev[2]))
        if self.speed_end is not None and 0.0 < dt <= self.s.gap_s:
            # the speed's own noise, from fix-to-fix changes (a runner's acceleration is far smaller)
            if dt <= 1.1:  # over longer steps a change is the runner's, not noise
                self.speed_var += 0.02 * (min(0.5 * (speed - self.speed_end) ** 2, 0.1) - self.speed_var)
            mean = 0.5 * (self.speed_end + speed)
            if mean >= self.s.stop_speed_mps:  # standing, a speed's noise only ever adds
                # the norm of a noisy velocity is long by about var/(2 v): 1.4 m a 5k at 0.1 m/s
                self.speed_m += (mean - self.speed_var / (2.0 * mean)) * dt
        elif self.speed_end is not None and dt > self.s.gap_s and self.prev is not None:
            # a gap: the mean speed at its ends, kept near the chord (each end is off by the
            # GNSS error); standing at both ends, nothing (the chord is then the GNSS wander)
            mean = 0.5 * (self.speed_end + speed)
            if mean >= self.s.stop_speed_mps:
                chord = math.hypot(zx - self.prev[1], zy - self.prev[2])
                sparse = self.gap_rate >= SPARSE_GAP_RATE  # "smart recording": gaps are its rhythm, not outages
                self.speed_m += min(max(mean * dt, 0.9 * chord), 1.6 * chord) if chord > 1.0 and not sparse else mean * dt
        self.speed_end = speed
        if self.gap_rate < SPARSE_GAP_RATE:  # a sparse recording has no windows of steady fixes
            self.scale_check.add(t_s, zx, zy, self.speed_m)

    @property
    def speed_noise_mps(self) -> float:
        return max(0.02, math.sqrt(self.speed_var))

    def _watch_drift(self, trusted: bool, zx: float, zy: float, dt: float, speed: float | None,
                     course: float | None, accepted: bool) -> None:
        """Keep the drift filter beside a trusted speed (from its first trusted fix on)."""
        if not trusted or speed is None or not self.s.drift_fusion:
            self._drop_drift()
            return
        if self.drift is None:
            self.drift = DriftFilter(zx, zy)
            self.drift_last_m = self.speed_m
            return
        step_m = (self.speed_m - self.drift_last_m) / self.scale_check.scale
        self.drift_last_m = self.speed_m
        if dt > self.s.gap_s:  # across a gap the path is a guess: start the dead reckoning again
            self.drift.reanchor(zx, zy, (self.speed_noise_mps * dt) ** 2)
            return
        if course is None:  # without a course the dead reckoning's shape is a guess: no better than the integral
            self._drop_drift()
            return
        # along the course at the step's end (bench/world.py: the mean of its two ends'
        # courses read 0.68 -> 0.76 s split rms on city 5ks)
        self.drift.advance(step_m, course, dt, self.speed_noise_mps)
        if accepted and self.drift.due():  # an outlier is dead-reckoned over, not taken
            self.drift.update(zx, zy)

    def _speed_dist_m(self) -> float:
        """The speed odometer with its scale and lag (ScaleCheck) and its drift (DriftFilter) taken out."""
        check = self.scale_check
        ahead_m = (self.speed_end or 0.0) * check.lag_s  # a lagging speed's integral is that far behind
        return (self.speed_m + ahead_m) / check.scale - (self.drift.eps_m if self.drift is not None else 0.0)

    def _drop_drift(self) -> None:
        """Stop watching the drift; what it had found stays in the speed odometer."""
        if self.drift is not None:
            self.speed_m -= self.drift.eps_m * self.scale_check.scale
            self.drift = None

    def _choose(self, trusted: bool) -> None:
        """The trusted speed's distance when there is one; a later distrust never jumps."""
        if trusted:
            self.dist_m = self._speed_dist_m()
            self.was_trusted = True
            return
        if self.was_trusted:  # trusted once, not any more: go on from here on positions
            self.offset_m = self.dist_m - self.positions_m
            self.was_trusted = False
        self.dist_m = self.positions_m + self.offset_m

    def _step(self, t_s: float, zx: float, zy: float, r: float, dt: float, speed: float | None,
              course: float | None) -> bool:
        s, kf = self.s, self.kf
        assert kf is not None
        v0 = kf.v
        if course is not None and speed is not None:
            # A measured velocity: positions matter only over seconds (their error is the
            # same wander fix to fix), so at most POSITION_EVERY_S of them are taken, with
            # the variance of that interval; the velocity is taken at every fix.
            since_s = t_s - self.position_t_s
            if since_s < s.position_every_s:
                # In between, the filter coasts: the position moves on by the measured
                # velocity, and the filter takes the whole stretch at its next step.
                self.coast_x += speed * math.sin(course) * dt
                self.coast_y += speed * math.cos(course) * dt
                self.coast_s += dt
                self.last_accept_t_s = t_s
                return True
            r = self.s.pos_sigma_m**2 * max(1.0, 1.0 / since_s)
        dt += self.coast_s
        self.coast_x = self.coast_y = self.coast_s = 0.0
        self.position_t_s = t_s
        # A turn rate is followed only when a course measures the heading: from positions
        # alone at 1 Hz it overshoots after every corner (bench/world.py).
        kf.predict(dt, s.q_accel, s.q_turn if course is not None else s.q_turn_positions, s.q_pos,
                   s.q_heading * self._manoeuvre(zx, zy, r, dt))
        ux, uy = math.sin(kf.psi), math.cos(kf.psi)  # the heading before this fix moves it
        ix, iy, d2 = kf.innovation(zx, zy, r)
        if d2 > s.gate_d2 or not math.isfinite(d2):
            self.positions_m += 0.5 * (v0 + kf.v) * dt  # dead-reckoned: nothing is dropped
            assert self.prev is not None
            cx, cy = zx - self.prev[1], zy - self.prev[2]
            step_m = math.hypot(cx, cy)
            # A fix that moved on from the last one just as fast as a trusted speed says is
            # no spike (a spike jumps): the filter lost the bike in a U-turn. And after only
            # rejects for a while, the filter is wrong whatever the fixes do. Either way:
            # start again at this fix, heading where the fixes went.
            followed = speed is not None and abs(step_m - speed * dt) < 2.0 + 0.2 * speed * dt
            if followed or t_s - self.last_accept_t_s >= s.reject_restart_s:
                self.restarts += 1
                psi = math.atan2(cx, cy) if step_m > 1.0 else kf.psi
                self._start(t_s, zx, zy, r, speed if speed is not None else min(max(kf.v, 0.0), s.max_speed_mps),
                            psi, var_v=2.0, var_psi=0.5)
                if followed:
                    return True
            self.rejected += 1
            return False
        pxx, pxy, pyy = kf.cov(X, X), kf.cov(X, Y), kf.cov(Y, Y)
        dx, dy = kf.update_position(ix, iy, r)
        if speed is not None:
            self._velocity(speed, course)
        kf.normalise()
        if not kf.v <= s.max_speed_mps:  # diverged (or NaN): start again at this fix
            self.restarts += 1
            self._start(t_s, zx, zy, r, 0.0 if speed is None else speed, 0.0, var_v=4.0, var_psi=10.0)
            return True
        # the position's move across the heading that noise alone would explain
        cross_var = ((pxx - kf.cov(X, X)) * uy * uy - 2 * (pxy - kf.cov(X, Y)) * ux * uy
                     + (pyy - kf.cov(Y, Y)) * ux * ux)
        along_m = 0.5 * (v0 + kf.v) * dt + dx * ux + dy * uy
        cross_m = dx * uy - dy * ux
        excess = cross_m * cross_m - s.cross_noise * cross_var
        self.positions_m += math.sqrt(along_m * along_m + excess) if excess > 0 and along_m > 0 else along_m
        self.last_accept_t_s = t_s
        return True

    def _velocity(self, speed: float, course: float | None) -> None:
        """A trusted speed (and course) as measurements of the filter's speed (and heading)."""
        kf = self.kf
        assert kf is not None
        sigma = self.s.speed_sigma_mps + 0.02 * speed
        kf.update_state(V, speed - kf.v, sigma * sigma)
        if course is not None and speed > 1.0:
            kf.update_state(PSI, math.remainder(course - kf.psi, 2 * math.pi), (sigma / speed) ** 2)

    def _manoeuvre(self, zx: float, zy: float, r: float, dt: float) -> float:
        """How much faster than usual the heading may change at this step: more when
        the fix lies across the heading further than the filter's spread explains
        (a corner has begun), so the heading is stiff on a straight and quick in a turn."""
        kf = self.kf
        assert kf is not None
        ux, uy = math.sin(kf.psi), math.cos(kf.psi)
        cx, cy = zx - kf.x - kf.v * ux * dt, zy - kf.y - kf.v * uy * dt
        cross = cx * uy - cy * ux
        # r without its rate inflation: a corner shows in each fix at any rate
        var = 0.5 * (kf.cov(X, X) + kf.cov(Y, Y)) + r * min(1.0, dt) + (kf.v * dt) ** 2 * kf.cov(PSI, PSI)
        z2 = cross * cross / var
        if z2 > self.s.gate_d2:  # an outlier, most likely: it must not swing the heading open
            return 1.0
        return 1.0 + self.s.manoeuvre_gain * max(0.0, z2 - self.s.manoeuvre_z2)

    def _start(self, t_s: float, zx: float, zy: float, r: float, v: float, psi: float,
               var_v: float = 1.0, var_psi: float = 0.2) -> None:
        self.kf = MotionFilter(zx, zy, v, psi, r, var_v, var_psi, self.s.var_turn)
        self.coast_x = self.coast_y = self.coast_s = 0.0
        self.last_accept_t_s = t_s
        self.anchor = None

    def _wait_for_motion(self, t_s: float, zx: float, zy: float, r: float, dt: float, speed: float | None,
                         course: float | None) -> None:
        """Standing: hold the first position until the fixes have moved away from it.

        The heading is then the direction from there, and the distance so far the
        straight line: a start is straight for its first metres.
        """
        assert self.anchor is not None and self.prev is not None
        x0, y0 = self.anchor
        away = math.hypot(zx - x0, zy - y0)
        self.recent = [h for h in self.recent if t_s - h[0] <= 2.0] + [self.prev]
        if speed is not None and speed > 1.0 and (course is not None or away > 1.0):
            self.positions_m += away
            self._start(t_s, zx, zy, r, speed, course if course is not None else math.atan2(zx - x0, zy - y0))
            return
        if away < self.s.init_m:
            return
        # the speed over the last second (from one step at 10 Hz it would be mostly noise)
        t1, x1, y1 = next((h for h in self.recent if t_s - h[0] >= 1.0), self.recent[-1] if self.recent else self.prev)
        step = math.hypot(zx - x1, zy - y1) / max(t_s - t1, 1e-3)
        self.positions_m += away
        v = speed if speed is not None else min(step, self.s.max_speed_mps)
        self._start(t_s, zx, zy, r, v, math.atan2(zx - x0, zy - y0), var_v=2.0)

    def _bridge_gap(self, t_s: float, zx: float, zy: float, r: float, dt: float, speed: float | None) -> None:
        """After a silence: add the arc (positions odometer), restart at the fix."""
        kf = self.kf
        assert kf is not None
        cx, cy = zx - kf.x, zy - kf.y  # the filter has not been predicted over the gap
        chord = math.hypot(cx, cy)
        moving = kf.v > 0.5
        ux, uy = math.sin(kf.psi), math.cos(kf.psi)
        arc, alpha = chord, 0.0
        if moving and chord > 1.0 and self.gap_rate < SPARSE_GAP_RATE:
            alpha = math.atan2(ux * cy - uy * cx, ux * cx + uy * cy)  # chord vs heading, signed
            if abs(alpha) < math.radians(80):
                arc = chord * abs(alpha) / math.sin(abs(alpha)) if alpha else chord
            else:
                alpha = 0.0  # a turnaround or a stop: nothing better than the chord
        if arc <= self.s.max_speed_mps * dt:
            self.positions_m += arc
        since_s = max(t_s - self.last_accept_t_s, dt)
        v = speed if speed is not None else min(arc / since_s, self.s.max_speed_mps)
        heading = (math.atan2(cx, cy) if chord > 1.0 else kf.psi) - alpha
        self._start(t_s, zx, zy, r, v, heading, var_v=2.0 if speed is None else 0.05, var_psi=0.3)

    def _pos_var(self, fix: Fix, dt: float) -> float:
        # Not from fix.eph_m: without the receiver's GST sentence, gpsd makes eph up from
        # HDOP times a fixed range error (17 m for HDOP 0.9), which is no measurement.
        sigma = self.s.pos_sigma_m
        if fix.mode == FixMode.TWO_D:
            sigma *= 1.5
        # Fixes closer together than a second are not independent (the error is correlated
        # over tens of seconds): the variance grows with the rate, so the filter takes the
        # same information per second at 1 or 10 Hz.
        return sigma * sigma * max(1.0, 1.0 / dt) if dt > 0 else sigma * sigma


class SpeedSmoother:
    """The speed the rider reads: the filter's speed through a time-constant low-pass.

    Doppler speed is noisy fix to fix (0.05-0.2 m/s: 2-9 s/mile at 5k pace), and
    a number that jitters cannot be read from a bike. With Doppler, a
    first-order low-pass of TAU_DOPPLER_S = 1.5 s reaches 90 % of a step in
    3.5 s, leaving room for the Kalman filter's own lag within the 5 s bound,
    while cutting white noise to 0.43 of its per-fix size at 1 Hz. From
    positions alone the speed is five times noisier and no time constant meets
    both bounds, so it gets TAU_POSITIONS_S = 4 s: a steadier number than a
    watch's 10 s average, and quicker (bench/). A gap restarts it at the new
    value, since the old one says nothing any more.
    """

    TAU_DOPPLER_S = 1.5
    TAU_POSITIONS_S = 4.0

    def __init__(self, gap_s: float = 3.0) -> None:
        self.gap_s = gap_s
        self.t_s: float | None = None
        self.speed_mps = 0.0

    def update(self, t_s: float, speed_mps: float, doppler: bool = True) -> float:
        if self.t_s is None or t_s - self.t_s > self.gap_s:
            self.speed_mps = speed_mps
        elif t_s > self.t_s:
            tau_s = self.TAU_DOPPLER_S if doppler else self.TAU_POSITIONS_S
            self.speed_mps += (1.0 - math.exp(-(t_s - self.t_s) / tau_s)) * (speed_mps - self.speed_mps)
        self.t_s = t_s
        return self.speed_mps
