"""The after-run chart: pace over distance against the plan, and ahead/behind below it.

A matplotlib `Figure` built without pyplot (no global state, no display: the
Agg canvas), so it is as pure as `screen.render`; the CLI saves it. matplotlib
is in the `sim` extra, not the Pi's: import this module only when charting.
"""

from __future__ import annotations

import math

import numpy as np

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MultipleLocator

from pacer.runlog import RunLog
from pacer.runreport import elevation_series, pace_s, pace_series
from pacer.units import MILE_M, format_distance, format_duration

SMOOTH_S = 30.0  # the bold pace line: distance covered over this window, centred
AHEAD_COLOUR = "#2e7d32"
BEHIND_COLOUR = "#c62828"


def _mmss(x: float, _pos: object = None) -> str:
    return format_duration(x) if math.isfinite(x) and x > 0 else ""


def pace_chart(log: RunLog, title: str = "") -> Figure:
    config = log.config
    unit = config.display.pace_unit
    unit_m = MILE_M if unit == "mi" else 1000.0
    s = pace_series(log)
    x = [d / unit_m for d in s.dist_m]
    actual = [pace_s(v, unit) for v in s.speed_mps]
    smooth = [pace_s(v, unit) for v in window_speed_mps(s.elapsed_s, s.dist_m, SMOOTH_S)]
    target = [pace_s(v, unit) for v in s.target_speed_mps]
    elev_d, elev_m = elevation_series(log)
    fig = Figure(figsize=(10, 6.5), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    if elev_d:  # the course's hills under the pace, where a runner looks for why it changed
        gs = fig.add_gridspec(3, 1, height_ratios=(3, 1, 2))
        ax = fig.add_subplot(gs[0])
        ax2 = fig.add_subplot(gs[2], sharex=ax)  # axes[1] is the delta, with or without hills
        axe = fig.add_subplot(gs[1], sharex=ax)
        ax.tick_params(labelbottom=False)
        axe.tick_params(labelbottom=False)
        axe.fill_between([d / unit_m for d in elev_d], elev_m, min(elev_m) - 1.0, color="#bcaaa4", alpha=0.7)
        axe.set_ylim(min(elev_m) - 1.0, max(elev_m) + 1.0)
        axe.set_ylabel("elevation, m")
        axe.grid(True, alpha=0.3)
    else:
        ax, ax2 = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))

    ax.plot(x, _nan(actual), color="#90caf9", lw=0.8, label="pace, live (device estimate)")
    ax.plot(x, _nan(smooth), color="#1565c0", lw=1.6, label=f"pace, {SMOOTH_S:.0f} s average")
    ax.plot(x, _nan(target), color="black", lw=1.5, ls="--", drawstyle="steps-post", label="target")
    ax.set_ylabel(f"pace (min:s per {unit})")
    ax.yaxis.set_major_formatter(FuncFormatter(_mmss))
    lo, hi = _pace_limits([p for p in smooth if p is not None], [p for p in target if p is not None])
    ax.set_ylim(lo, hi)
    ax.yaxis.set_major_locator(MultipleLocator(_tick_step(hi - lo)))
    ax.invert_yaxis()  # faster is up, as runners read a pace chart
    ax.grid(True, alpha=0.3)

    ax2.plot(x, s.delta_s, color="#424242", lw=1.0)
    ax2.fill_between(x, s.delta_s, 0, where=[d <= 0 for d in s.delta_s], color=AHEAD_COLOUR, alpha=0.35, interpolate=True, label="ahead")
    ax2.fill_between(x, s.delta_s, 0, where=[d > 0 for d in s.delta_s], color=BEHIND_COLOUR, alpha=0.35, interpolate=True, label="behind")
    ax2.axhline(0, color="black", lw=0.8)
    ax2.set_ylabel("behind (+) / ahead (−), s")
    ax2.set_xlabel(f"distance ({unit})")
    ax2.grid(True, alpha=0.3)
    if s.delta_s:
        lim = max(2.0, max(abs(d) for d in s.delta_s) * 1.6)  # headroom for the split labels
        ax2.set_ylim(-lim, lim)
        ax2.invert_yaxis()  # ahead is up, like faster above

    for sp in log.splits:
        xm = sp.distance_m / unit_m
        for a in (ax, ax2):
            a.axvline(xm, color="#9e9e9e", lw=0.8, ls=":")
        colour = BEHIND_COLOUR if sp.delta_s > 0 else AHEAD_COLOUR
        ax2.annotate(
            f"{format_duration(sp.split_s, 1)}\n{sp.delta_s:+.1f}", (xm, 1.0), xycoords=("data", "axes fraction"),
            xytext=(0, -2), textcoords="offset points", ha="right", va="top", fontsize=7, color=colour,
        )
    ax.legend(loc="best", fontsize=8)
    ax2.legend(loc="lower right", fontsize=8)
    plan = config.plan
    head = f"{plan.name}: {format_distance(plan.distance_m, unit)}, goal {format_duration(plan.goal_s, 1)}"
    last = log.splits[-1] if log.finished and log.splits else None
    result = (
        f"finished in {format_duration(last.elapsed_s, 1)} ({last.delta_s:+.1f} s)" if last
        else f"not finished ({len(log.splits)} of {len(plan.marks_m)} marks)"
    )
    fig.suptitle(f"{head} — {result}" + (f"\n{title}" if title else ""), fontsize=11)
    return fig


def _nan(values: list[float | None]) -> list[float]:
    return [math.nan if v is None else v for v in values]


def window_speed_mps(elapsed_s: list[float], dist_m: list[float], window_s: float) -> list[float | None]:
    """Speed over a centred window: distance gained from t - w/2 to t + w/2, over w (shorter at the ends)."""
    if len(elapsed_s) < 2:
        return [None] * len(elapsed_s)
    t = np.asarray(elapsed_s)
    d = np.maximum.accumulate(np.asarray(dist_m))  # distance never runs backwards for a pace
    t0 = np.maximum(t - window_s / 2, t[0])
    t1 = np.minimum(t + window_s / 2, t[-1])
    span = t1 - t0
    v = (np.interp(t1, t, d) - np.interp(t0, t, d)) / np.where(span > 0, span, np.nan)
    return [None if not math.isfinite(x) else float(x) for x in v]


def _tick_step(range_s: float) -> float:
    """Pace ticks on round times: 5, 10, 15, 30 s, 1 or 2 min apart, 4 to 10 of them."""
    for step in (5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0):
        if range_s / step <= 8:
            return step
    return 600.0


def _pace_limits(actual: list[float], target: list[float]) -> tuple[float, float]:
    """A window that shows the plan and most of the run, not a walk or a GPS spike."""
    values = sorted(actual)
    if values:
        lo, hi = values[int(0.02 * (len(values) - 1))], values[int(0.98 * (len(values) - 1))]
    else:
        lo = hi = target[0] if target else 300.0
    if target:
        lo, hi = min(lo, min(target)), max(hi, max(target))
    pad = max(5.0, 0.08 * (hi - lo + 1e-9), 0.04 * hi)
    return lo - pad, hi + pad
