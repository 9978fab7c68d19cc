"""The estimator: distance along the way and speed, from noisy fixes, causally.

A constant-velocity Kalman filter in the local east/north plane, fed positions
and, when the receiver gives them, Doppler speed and course (ten times less
noisy than differenced positions). Both axes share one covariance (their noise
is the same), so the filter is a handful of float operations per fix.

Distance is NOT the sum of fix-to-fix distances (that reads 2-3 % long at 1 Hz
and double at 10 Hz). With Doppler, each step adds the receiver's Doppler speed
integrated over the step: its noise is white and unbiased, so its integral is
the better odometer, and positions (whose error is correlated over tens of
seconds) would only add their wander. Without Doppler, each step adds the
mean of two estimates:
the filtered displacement projected on the heading held *before* the fix
arrived (cross-track jitter adds nothing, along-track jitter cancels, but a
noisy heading shrinks it by cos(heading error), about -var(v)/(2|v|) per
second) and the filtered speed times the time step (a noisy velocity's
magnitude is long by about +var(v)/(2|v|)). The two first-order biases cancel;
measured on real and generated tracks, the mean is closer than either alone.
After a gap (a GPS outage), the distance covered is the mean Doppler speed
at its two ends times its length when the receiver gives speed, else the arc of a circle
tangent to the old heading through the new fix: exact on a straight road and
on a steady bend, where a chord would cut short. A source that is sparse on
purpose ("smart recording", a point only where the heading changes) runs
straight between its points, so there the chord is right.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dataclasses import replace

from pacer.events import Fix, FixMode
from pacer.geo import LocalPlane
from pacer.speed_channel import SynthesisTest


SPARSE_GAP_RATE = 0.15  # above this share of gaps, the source records sparsely on purpose


@dataclass(frozen=True, slots=True)
class FilterSettings:
    accel_psd: float = 0.5  # white-noise acceleration spectral density (m^2/s^3): how fast speed may change
    pos_sigma_m: float = 1.5  # per-axis position noise the filter assumes (white part)
    vel_sigma_mps: float = 0.15  # per-axis Doppler velocity noise
    gate_sigma: float = 6.0  # fixes this many sigmas off the prediction are rejected
    max_rejects: int = 5  # ... unless this many in a row: then the filter restarts there
    gap_s: float = 2.5  # a silence longer than this is a gap: arc, then restart
    stop_speed_mps: float = 0.5  # below this the bike is standing: no distance is added
    max_speed_mps: float = 20.0  # a jump faster than this after a restart is not distance


@dataclass(frozen=True, slots=True)
class Estimate:
    t_s: float
    dist_m: float
    speed_mps: float
    accepted: bool  # False: the fix was rejected as an outlier


class Estimator:
    """Feed fixes in time order; read `dist_m` and `speed_mps`."""

    def __init__(self, settings: FilterSettings = FilterSettings()) -> None:
        self.s = settings
        self.plane: LocalPlane | None = None
        self.t_s: float | None = None
        self.dist_m = 0.0
        self.px = self.py = self.vx = self.vy = 0.0
        self.ppp = self.ppv = self.pvv = 0.0
        self.rejects = 0
        self.initialising = False  # True between the first and second fix without Doppler
        self.gap_rate = 0.0  # running share of intervals that are gaps: high for "smart recording"
        self.doppler_mps: float | None = None  # the last accepted fix's Doppler speed
        self.accepted_t_s = 0.0  # the last fix the filter took
        self.accepted_dist_m = 0.0
        self.synthesis = SynthesisTest()  # is the fixes' "speed" a measurement of its own?
        self.had_speed = False
        self.had_course = False
        self.prev_xy: tuple[float, float] | None = None
        self.fixes = 0
        self.rejected = 0
        self.restarts = 0

    @property
    def speed_trusted(self) -> bool:
        """The fixes' speed is used only once shown not to be made from the positions."""
        # gpsd fills in a speed, never a course: a speed that comes with a course is the
        # receiver's, and only a speed without one is put to the test
        return self.had_course or self.synthesis.verdict == "genuine"

    @property
    def speed_source(self) -> str:
        if not self.had_speed:
            return "positions"
        if self.synthesis.verdict == "synthesized":
            return "synthesized→positions"
        if not self.speed_trusted:
            return "undecided→positions"
        return "doppler"

    def describe(self) -> dict[str, object]:
        """What `--json` reports: which speed the distance came from, what was rejected."""
        return {
            "speed_source": self.speed_source,
            "fixes": self.fixes,
            "rejected_fixes": self.rejected,
            "restarts": self.restarts,
        }

    @property
    def speed_mps(self) -> float:
        return math.hypot(self.vx, self.vy)

    @property
    def started(self) -> bool:
        return self.t_s is not None

    def dist_at(self, t_s: float) -> float:
        """Dead-reckoned distance at a later time (no fix since): for the screen only."""
        if self.t_s is None or t_s <= self.t_s:
            return self.dist_m
        return self.dist_m + self.speed_mps * min(t_s - self.t_s, 120.0)

    def update(self, fix: Fix) -> Estimate:
        if self.plane is None:
            self.plane = LocalPlane(fix.lat_deg, fix.lon_deg)
        zx, zy = self.plane.to_xy(fix.lat_deg, fix.lon_deg)
        if self.t_s is not None and fix.t_s <= self.t_s:
            return Estimate(self.t_s, self.dist_m, self.speed_mps, False)
        self.fixes += 1
        fix = self._checked_speed(fix, zx, zy)
        r = self._pos_var(fix)
        if self.t_s is None:
            self._restart(fix, zx, zy, r, speed_mps=0.0, heading_rad=0.0)
            return Estimate(fix.t_s, self.dist_m, self.speed_mps, True)
        dt = fix.t_s - self.t_s
        if dt <= 0:
            return Estimate(self.t_s, self.dist_m, self.speed_mps, False)
        if self.initialising and dt <= self.s.gap_s and fix.speed_mps is None:
            self._initialise_velocity(fix, zx, zy, r, dt)
            return Estimate(fix.t_s, self.dist_m, self.speed_mps, True)
        self.gap_rate = 0.9 * self.gap_rate + (0.1 if dt > self.s.gap_s else 0.0)
        if dt > self.s.gap_s:
            self._bridge_gap(fix, zx, zy, r, dt)
            return Estimate(fix.t_s, self.dist_m, self.speed_mps, True)

        ux, uy, moving = self._heading()
        x0, y0, speed0 = self.px, self.py, self.speed_mps
        self._predict(dt)
        s = self.ppp + r
        ix, iy = zx - self.px, zy - self.py
        if (ix * ix + iy * iy) / s > self.s.gate_sigma**2:
            self.rejects += 1
            self.rejected += 1
            # An outlier: keep the prediction (position and covariance growth), skip the
            # update, and dead-reckon the step: with a trusted speed by that speed, which
            # the rejected position does not change; else at the filter's speed.
            if fix.speed_mps is not None and self.doppler_mps is not None:
                self.dist_m += 0.5 * (self.doppler_mps + fix.speed_mps) * dt
                self.doppler_mps = fix.speed_mps
            else:
                self._advance_distance(x0, y0, ux, uy, moving, speed0 * dt)
            self.t_s = fix.t_s
            if self.rejects >= self.s.max_rejects:
                # Only rejects for a while: the filter, not the fixes, is wrong. The steps
                # are already counted; start again at this fix with the speed it had.
                self.restarts += 1
                speed = fix.speed_mps if fix.speed_mps is not None else min(speed0, self.s.max_speed_mps)
                self._restart(fix, zx, zy, r, speed, math.atan2(ux, uy) if moving else 0.0)
                self.initialising = False
                return Estimate(fix.t_s, self.dist_m, self.speed_mps, True)
            return Estimate(fix.t_s, self.dist_m, self.speed_mps, False)
        self.rejects = 0
        self.accepted_t_s = fix.t_s
        kp, kv = self.ppp / s, self.ppv / s
        self._correct(kp, kv, ix, iy)
        self.pvv -= kv * self.ppv
        self.ppp *= 1 - kp
        self.ppv *= 1 - kp
        self._doppler_update(fix)
        speed_step_m = 0.5 * (speed0 + self.speed_mps) * dt
        if fix.speed_mps is not None and self.doppler_mps is not None:
            # Doppler speed has white noise and no bias: integrated, it is the better
            # odometer (0.32 s vs 0.96 s split rms at 1 Hz, bench/). Positions, whose
            # error wanders over tens of seconds, would only add their wander.
            doppler_step_m = 0.5 * (self.doppler_mps + max(0.0, fix.speed_mps)) * dt
            if doppler_step_m >= self.s.stop_speed_mps * dt:
                self.dist_m += doppler_step_m
        else:
            self._advance_distance(x0, y0, ux, uy, moving, speed_step_m)
        self.doppler_mps = None if fix.speed_mps is None else max(0.0, fix.speed_mps)
        self.t_s = fix.t_s
        self.accepted_dist_m = self.dist_m
        return Estimate(fix.t_s, self.dist_m, self.speed_mps, True)

    # -- the pieces -----------------------------------------------------------

    def _checked_speed(self, fix: Fix, zx: float, zy: float) -> Fix:
        """The fix with its speed and course dropped unless the speed is shown genuine."""
        speed = fix.speed_mps
        prev, self.prev_xy = self.prev_xy, (zx, zy)
        if speed is None or not (0.0 <= speed <= self.s.max_speed_mps):
            return replace(fix, speed_mps=None, track_deg=None) if fix.speed_mps is not None or fix.track_deg is not None else fix
        self.had_speed = True
        self.had_course = self.had_course or fix.track_deg is not None
        if prev is not None and self.t_s is not None and fix.track_deg is None:
            self.synthesis.observe(speed, fix.t_s - self.t_s, math.hypot(zx - prev[0], zy - prev[1]))
        if self.speed_trusted:
            return fix
        return replace(fix, speed_mps=None, track_deg=None)

    def _pos_var(self, fix: Fix) -> float:
        # Not from fix.eph_m: without the receiver's GST sentence, gpsd makes eph up from
        # HDOP times a fixed range error (17 m for HDOP 0.9), which is no measurement.
        sigma = self.s.pos_sigma_m
        if fix.mode == FixMode.TWO_D:
            sigma *= 1.5
        # Fixes closer together than a second are not independent (the error is correlated
        # over tens of seconds): the variance grows with the rate, so the filter takes the
        # same information per second at 1 or 10 Hz. Positions-only 10 Hz split rms
        # 2.2 -> 1.4 s (bench/); with Doppler, distance does not come from positions.
        dt = fix.t_s - self.t_s if self.t_s is not None and fix.t_s > self.t_s else 1.0
        return sigma * sigma * max(1.0, 1.0 / dt)

    def _heading(self) -> tuple[float, float, bool]:
        speed = self.speed_mps
        if speed < self.s.stop_speed_mps:
            return 0.0, 0.0, False
        return self.vx / speed, self.vy / speed, True

    def _advance_distance(
        self, x0: float, y0: float, ux: float, uy: float, moving: bool, speed_step_m: float
    ) -> None:
        if moving:
            projected_m = (self.px - x0) * ux + (self.py - y0) * uy
            self.dist_m += 0.5 * (projected_m + speed_step_m)

    def _predict(self, dt: float) -> None:
        q = self.s.accel_psd
        self.px += self.vx * dt
        self.py += self.vy * dt
        self.ppp += 2 * dt * self.ppv + dt * dt * self.pvv + q * dt**3 / 3
        self.ppv += dt * self.pvv + q * dt * dt / 2
        self.pvv += q * dt

    def _correct(self, kp: float, kv: float, ix: float, iy: float) -> None:
        """Move both axes' state by the gains times the innovation (shared covariance)."""
        self.px += kp * ix
        self.py += kp * iy
        self.vx += kv * ix
        self.vy += kv * iy

    def _doppler_update(self, fix: Fix) -> None:
        if fix.speed_mps is None:
            return
        speed = max(0.0, fix.speed_mps)
        if fix.track_deg is None:
            # A speed without a course says nothing of the direction: pinning the velocity
            # to the old heading overshoots every corner and the gate then rejects the
            # fixes after it. The speed still makes the distance (update).
            return
        c = math.radians(fix.track_deg)
        zvx, zvy = speed * math.sin(c), speed * math.cos(c)
        if speed < 0.3:
            zvx = zvy = 0.0
        rv = (self.s.vel_sigma_mps + 0.02 * speed) ** 2
        s = self.pvv + rv
        kp, kv = self.ppv / s, self.pvv / s
        self._correct(kp, kv, zvx - self.vx, zvy - self.vy)
        self.ppp -= kp * self.ppv
        self.ppv *= 1 - kv
        self.pvv *= 1 - kv

    def _bridge_gap(self, fix: Fix, zx: float, zy: float, r: float, dt: float) -> None:
        """After a silence: add the arc tangent to the old heading, restart at the fix."""
        cx, cy = zx - self.px, zy - self.py
        chord = math.hypot(cx, cy)
        ux, uy, moving = self._heading()
        heading = math.atan2(ux, uy) if moving else math.atan2(cx, cy)
        arc, alpha = chord, 0.0
        # A receiver that lost fixes on a bend: the arc. A "smart recording" file, whose
        # points are sparse on purpose and fall where the heading changes: the chord.
        if moving and chord > 1.0 and self.gap_rate < SPARSE_GAP_RATE:
            alpha = math.atan2(ux * cy - uy * cx, ux * cx + uy * cy)  # chord vs heading, signed
            if abs(alpha) < math.radians(80):
                arc = chord * abs(alpha) / math.sin(abs(alpha)) if alpha else chord
            else:
                alpha = 0.0  # a turnaround or a stop: nothing better than the chord
        if moving and fix.speed_mps is not None and chord > 1.0 and self.gap_rate < SPARSE_GAP_RATE:
            # Doppler at both ends: a paced bike's speed barely changes in a gap, and the
            # mean speed knows nothing of the chord's ends, each off by the GNSS error.
            by_speed = 0.5 * (self.speed_mps + fix.speed_mps) * dt
            arc = min(max(by_speed, 0.9 * chord), 1.6 * chord)
        if arc <= self.s.max_speed_mps * dt:
            self.dist_m += arc
        since_s = max(fix.t_s - self.accepted_t_s, dt)
        mean_speed = (self.dist_m - self.accepted_dist_m) / since_s
        speed = fix.speed_mps if fix.speed_mps is not None else min(max(mean_speed, 0.0), self.s.max_speed_mps)
        chord_heading = math.atan2(cx, cy) if chord > 1.0 else heading
        self._restart(fix, zx, zy, r, speed, chord_heading - alpha)

    def _initialise_velocity(self, fix: Fix, zx: float, zy: float, r: float, dt: float) -> None:
        """Second fix after a (re)start without Doppler: velocity from two points.

        Starting from zero speed instead, the filter would lag behind the bike
        for its first seconds and lose metres that a split cannot spare.
        """
        self.vx, self.vy = (zx - self.px) / dt, (zy - self.py) / dt
        self.dist_m += math.hypot(zx - self.px, zy - self.py)
        self.px, self.py = zx, zy
        self.ppp, self.ppv, self.pvv = r, r / dt, 2 * r / (dt * dt)
        self.initialising = False
        self.t_s = self.accepted_t_s = fix.t_s
        self.accepted_dist_m = self.dist_m

    def _restart(self, fix: Fix, zx: float, zy: float, r: float, speed_mps: float, heading_rad: float) -> None:
        if fix.speed_mps is not None and fix.track_deg is not None:
            speed_mps, heading_rad = fix.speed_mps, math.radians(fix.track_deg)
        self.px, self.py = zx, zy
        self.vx, self.vy = speed_mps * math.sin(heading_rad), speed_mps * math.cos(heading_rad)
        self.ppp, self.ppv = r, 0.0
        self.pvv = self.s.vel_sigma_mps**2 if fix.speed_mps is not None else 4.0
        self.initialising = fix.speed_mps is None and self.dist_m == 0.0
        self.doppler_mps = None if fix.speed_mps is None else max(0.0, fix.speed_mps)
        self.rejects = 0
        self.t_s = self.accepted_t_s = fix.t_s
        self.accepted_dist_m = self.dist_m


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
