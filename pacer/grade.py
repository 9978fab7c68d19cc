"""Grade-adjusted targets: the goal spread over the course's hills by the energy cost of running.

Model: Minetti et al. (2002), "Energy cost of walking and running at extreme
uphill and downhill slopes", J Appl Physiol 93:1039-1046: the cost of running
per kg and metre on a grade i (a fraction, -0.45..0.45) is

    C(i) = 155.4 i^5 - 30.4 i^4 - 43.3 i^3 + 46.3 i^2 + 19.5 i + 3.6  J/(kg m).

A runner who holds an even effort (metabolic power) runs each metre in a time
proportional to its cost, so each cell's time is the flat plan's time there
times C(i)/C(0); then every cell is scaled by one factor so the sum is the
goal again. Why Minetti: it is the published, peer-reviewed model measured
over the widest range of grades, it is the one the issue names, and the
better-known alternative (Strava's grade-adjusted pace) is fitted to data
that is not published. Its known bias: on descents steeper than about -10 %
runners cannot use all of the energy saving it predicts; on road courses
(within ±5 %) the two agree within a few per cent.

Resolution: CELL_M cells (finer than any split, so a climb and a descent in
one split do not cancel), on the elevation smoothed over SMOOTH_M (GPS and
DEM elevations are noisy by a metre or two point to point, which at 10 m
spacing would read as 10-20 % grades).
"""

from __future__ import annotations

import math

import numpy as np

from pacer.plan import Plan

CELL_M = 10.0
SMOOTH_M = 100.0  # moving-average window of the elevation profile
MAX_GRADE = 0.45  # the model's measured range


def minetti_cost(grade: float | np.ndarray) -> float | np.ndarray:
    """Energy cost of running, J/(kg m), at a grade (rise over run), clipped to the measured range."""
    i = np.clip(grade, -MAX_GRADE, MAX_GRADE)
    return 155.4 * i**5 - 30.4 * i**4 - 43.3 * i**3 + 46.3 * i**2 + 19.5 * i + 3.6


def smoothed_elevation(dist_m: tuple[float, ...], alt_m: tuple[float, ...], at_m: np.ndarray) -> np.ndarray:
    """The course's elevation at `at_m` (polyline metres), averaged over SMOOTH_M."""
    d, a = np.asarray(dist_m, dtype=float), np.asarray(alt_m, dtype=float)
    step = 1.0
    grid = np.arange(d[0], d[-1] + step, step)
    fine = np.interp(grid, d, a)
    half = int(SMOOTH_M / 2 / step)
    # a centred window, narrowed near the ends to stay centred (a climb to the line stays a climb)
    i = np.arange(len(fine))
    h = np.minimum(half, np.minimum(i, len(fine) - 1 - i))
    csum = np.concatenate(([0.0], np.cumsum(fine)))
    smooth = (csum[i + h + 1] - csum[i - h]) / (2 * h + 1)
    return np.interp(at_m, grid, smooth)


def run_profile(
    dist_m: tuple[float, ...], alt_m: tuple[float, ...], start_at_m: float, stretch: float, distance_m: float
) -> tuple[np.ndarray, np.ndarray]:
    """(run distance of each cell edge, smoothed elevation there), every CELL_M from the start."""
    n = max(1, math.ceil(distance_m / CELL_M - 1e-9))
    edges = np.minimum(np.arange(n + 1) * CELL_M, distance_m)
    return edges, smoothed_elevation(dist_m, alt_m, start_at_m + edges / stretch)


def gain_loss_m(edges_alt_m: np.ndarray) -> tuple[float, float]:
    """Total climb and total descent (both positive) of a smoothed profile."""
    diff = np.diff(edges_alt_m)
    return float(diff[diff > 0].sum()), float(-diff[diff < 0].sum())


def graded_plan(
    plan: Plan, dist_m: tuple[float, ...], alt_m: tuple[float, ...], start_at_m: float, stretch: float, model: str
) -> Plan:
    """`plan` with its times redistributed by the grade of every CELL_M; the goal unchanged."""
    if model != "minetti":
        raise ValueError(f"unknown grade model {model!r}")
    edges, alt = run_profile(dist_m, alt_m, start_at_m, stretch, plan.distance_m)
    flat_s = np.diff([plan.target_elapsed_s(float(d)) for d in edges])
    grade = np.diff(alt) / np.maximum(np.diff(edges), 1e-9)
    weight = minetti_cost(grade) / minetti_cost(0.0)
    cell_s = flat_s * weight
    cell_s *= plan.goal_s / cell_s.sum()
    knots_s = np.concatenate(([0.0], np.cumsum(cell_s)))
    knots_s[-1] = plan.goal_s
    return Plan(plan.name, plan.distance_m, tuple(float(x) for x in edges), tuple(float(x) for x in knots_s), plan.marks_m)
