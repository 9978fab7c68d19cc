"""Speed profiles of a runner over time, and their exact integration to distance.

A profile is a function of time (seconds since the start) giving the runner's
speed; `integrate_run` turns it into the truth of a run on a fine 20 Hz grid,
so the true time at any distance is known to well under a millisecond.
Kept apart from routes because how fast a runner goes does not depend on where.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

FINE_HZ = 20
"""Rate of the internal truth grid; every track rate (1, 2, 4, 5, 10, 20 Hz) divides it,
so the samples of a track are grid points and need no interpolation."""

FINE_DT_S = 1.0 / FINE_HZ

START_RAMP_S = 4.0
"""A runner from a standing start reaches race pace in about 4 s (peak 1.5 m/s^2 at 4 m/s)."""

Drift = tuple[tuple[float, float, float], ...]
"""Slow wander of pace: (fraction, period_s, phase_rad) sine terms, a real runner's ±1-2 %."""

SpeedFn = Callable[[np.ndarray], np.ndarray]


def smoothstep(x: np.ndarray) -> np.ndarray:
    """0 -> 1 with zero slope at both ends: speed changes with no jump in acceleration."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def drift_factor(t_s: np.ndarray, drift: Drift) -> np.ndarray:
    out = np.ones(np.shape(t_s))
    for frac, period_s, phase in drift:
        out = out + frac * np.sin(2 * np.pi * np.asarray(t_s) / period_s + phase)
    return out


def random_drift(rng: np.random.Generator, amplitude_frac: float = 0.015, terms: int = 3) -> Drift:
    """A few slow sines (periods 1.5-10 min) whose sum stays within ±amplitude_frac."""
    weights = rng.uniform(0.5, 1.0, terms)
    weights = weights / weights.sum()
    return tuple(
        (float(amplitude_frac * w), float(rng.uniform(90.0, 600.0)), float(rng.uniform(0, 2 * math.pi)))
        for w in weights
    )


@dataclass(frozen=True)
class Steady:
    """A pacer-led runner: one target speed with a slow drift around it."""

    speed_mps: float
    drift: Drift = ()

    def __call__(self, t_s: np.ndarray) -> np.ndarray:
        return self.speed_mps * drift_factor(t_s, self.drift)


@dataclass(frozen=True)
class Fartlek:
    """Alternating fast and slow periods (fast first), each change blended over
    `blend_s` seconds centred on the minute, as a runner surges and eases."""

    fast_mps: float
    slow_mps: float
    period_s: float = 60.0
    blend_s: float = 6.0
    drift: Drift = ()

    def __call__(self, t_s: np.ndarray) -> np.ndarray:
        t = np.asarray(t_s, dtype=float)
        k = np.round(t / self.period_s)  # nearest change of pace
        x = (t - k * self.period_s) / self.blend_s + 0.5
        level = np.where(np.floor(t / self.period_s) % 2 == 0, self.fast_mps, self.slow_mps)
        before = np.where((k - 1) % 2 == 0, self.fast_mps, self.slow_mps)
        after = np.where(k % 2 == 0, self.fast_mps, self.slow_mps)
        blending = (k > 0) & (x > 0.0) & (x < 1.0)
        v = np.where(blending, before + (after - before) * smoothstep(x), level)
        return v * drift_factor(t, self.drift)


def race_speed_mps(profile: SpeedFn, t_s: np.ndarray) -> np.ndarray:
    """The profile from a standing start: speed 0 at t=0, ramping up over START_RAMP_S."""
    return profile(t_s) * smoothstep(np.asarray(t_s) / START_RAMP_S)


def cumulative_dist_m(speed_mps: np.ndarray, dt_s: float) -> np.ndarray:
    """Trapezoidal integral of speed: exact for speed linear within each step."""
    return np.concatenate(([0.0], np.cumsum(0.5 * (speed_mps[1:] + speed_mps[:-1]) * dt_s)))


@dataclass(frozen=True, eq=False)
class SpeedTruth:
    """A run's truth on the fine grid: time, speed, distance, and the finish."""

    t_s: np.ndarray
    speed_mps: np.ndarray
    dist_m: np.ndarray
    distance_m: float
    finish_t_s: float

    def elapsed_at(self, dist_m: float | np.ndarray) -> float | np.ndarray:
        """True time (s since the start) at which the runner passes a distance."""
        return np.interp(dist_m, self.dist_m, self.t_s)

    def dist_at(self, t_s: float | np.ndarray) -> float | np.ndarray:
        return np.interp(t_s, self.t_s, self.dist_m)


def integrate_run(
    profile: SpeedFn, distance_m: float, tail_s: float = 5.0, cooldown_frac: float = 0.4
) -> SpeedTruth:
    """Run the profile from a standing start until `distance_m`, then ease down
    to `cooldown_frac` of race speed over `tail_s` (the bike rolls on past the
    line, so the track has fixes after the finish), ending on a whole second.
    """
    guess_mps = float(np.mean(profile(np.arange(0.0, 600.0, 1.0))))
    horizon_s = 1.3 * distance_m / guess_mps + tail_s + 30.0
    while True:
        t = np.arange(int(math.ceil(horizon_s * FINE_HZ)) + 1) / FINE_HZ  # i/20: whole seconds exact
        v = race_speed_mps(profile, t)
        d = cumulative_dist_m(v, FINE_DT_S)
        if d[-1] > distance_m and np.interp(distance_m, d, t) + tail_s + 2.0 < t[-1]:
            break
        horizon_s *= 1.5
    finish_s = float(np.interp(distance_m, d, t))
    v = v * (1.0 - (1.0 - cooldown_frac) * smoothstep((t - finish_s) / tail_s))
    d = cumulative_dist_m(v, FINE_DT_S)
    finish_s = float(np.interp(distance_m, d, t))
    end = int(math.ceil(finish_s + tail_s)) * FINE_HZ + 1
    return SpeedTruth(t_s=t[:end], speed_mps=v[:end], dist_m=d[:end], distance_m=distance_m, finish_t_s=finish_s)
