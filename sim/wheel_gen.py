"""The bike's wheel in a generated run: when each revolution happened, from the truth.

The wheel turns once per its true circumference along the path the BIKE
rides: the route (or its lane, out from the runner on a track's bends) plus a
line that weaves a little (three sine terms, a few decimetres, 15-60 m long:
what a rider beside a runner does), so the wheel reads a few hundredths of a
percent long even with the circumference right. The true circumference is the
configured one off by `error_pct` (what tyre pressure and load do), which
pacer has to find; `dropouts_s` are stretches with no revolution at all (a
flat sensor battery, a knocked magnet). Its random draws come from their own
stream, so writing a wheel file changes nothing else of a run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pacer.wheel import DEFAULT_CIRCUMFERENCE_M
from sim.generate import GeneratedRun
from sim.routes import offset_path

WEAVE_M = 0.25  # amplitude of the bike's weave (sum of the terms' amplitudes)
WEAVE_WAVELENGTHS_M = (15.0, 60.0)


@dataclass(frozen=True)
class WheelTruth:
    """The revolutions of one run's wheel, and what they were made from."""

    times_s: np.ndarray  # each revolution, seconds from the track's first fix
    circumference_m: float  # the true circumference
    configured_m: float  # what the rider's config says
    error_pct: float
    dropouts_s: tuple[tuple[float, float], ...]

    def header(self) -> str:
        drops = "; ".join(f"{a:.1f}-{b:.1f} s" for a, b in self.dropouts_s) or "none"
        return (f"# wheel revolutions, written by sim.generate from the truth: true circumference "
                f"{self.circumference_m:.5f} m ({self.configured_m:.3f} m {self.error_pct:+.2f} %), dropouts {drops}\n")


def bike_path_m(run: GeneratedRun, rng: np.random.Generator, weave_m: float = WEAVE_M) -> np.ndarray:
    """The length of the bike's path at each point of the fine truth grid."""
    sc = run.scenario
    s = run.fine.dist_m
    stretch = np.ones_like(s)
    if sc.route_from_m or sc.bike_offset_m:
        _, _, stretch, _ = offset_path(run.route, sc.route_from_m + s, sc.bike_offset_m)
    slope = np.zeros_like(s)
    if weave_m > 0:
        terms = 3
        for _ in range(terms):
            wl = rng.uniform(*WEAVE_WAVELENGTHS_M)
            amp = weave_m / terms * rng.uniform(0.5, 1.5)
            slope += amp * 2 * np.pi / wl * np.cos(2 * np.pi * s / wl + rng.uniform(0, 2 * np.pi))
    step = np.diff(s) * 0.5 * (stretch[1:] + stretch[:-1]) * np.sqrt(1.0 + 0.25 * (slope[1:] + slope[:-1]) ** 2)
    return np.concatenate(([0.0], np.cumsum(step)))


def wheel_truth(run: GeneratedRun, error_pct: float = 0.0, configured_m: float = DEFAULT_CIRCUMFERENCE_M,
                dropouts_s: tuple[tuple[float, float], ...] = (), weave_m: float = WEAVE_M,
                seed_stream: int = 3) -> WheelTruth:
    """Every revolution of the run's wheel (dropout windows, in seconds from the first fix, left out)."""
    rng = np.random.default_rng([run.seed, seed_stream])
    path = bike_path_m(run, rng, weave_m)
    true_m = configured_m * (1.0 + error_pct / 100.0)
    phase = rng.uniform(0.0, true_m)  # where the magnet is at the start
    levels = phase + true_m * np.arange(int((path[-1] - phase) // true_m) + 1)
    moving = np.concatenate(([True], np.diff(path) > 0))  # np.interp wants increasing x
    t = np.interp(levels, path[moving], run.fine.t_s[moving])
    first_s = run.fixes[0].t_s - run.start_utc.timestamp()
    t = t - first_s
    keep = np.ones(len(t), dtype=bool)
    for a, b in dropouts_s:
        keep &= ~((t >= a) & (t < b))
    return WheelTruth(t[keep], true_m, configured_m, error_pct, tuple(dropouts_s))


def write_wheel_csv(truth: WheelTruth, path: Path | str) -> None:
    """One row per revolution, `t_s` from the track's first point, to 0.1 ms."""
    rows = "".join(f"{t:.4f}\n" for t in truth.times_s)
    Path(path).write_text(truth.header() + "t_s\n" + rows, encoding="utf-8")
