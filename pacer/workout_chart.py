"""A workout's chart: pace over time with each rep shaded and its target drawn.

Over time, not distance, because a workout's rests stand still; separate from
`pacer.chart` (a continuous run against one schedule). Needs matplotlib.
"""

from __future__ import annotations

import math

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from pacer.chart import SMOOTH_S, _mmss, window_speed_mps
from pacer.runlog import RunLog
from pacer.runreport import pace_s, pace_series
from pacer.units import format_duration
from pacer.workout_log import LoggedWorkout

REP_COLOUR = "#ffe082"
REST_COLOUR = "#e0e0e0"


def workout_chart(log: RunLog, workout: LoggedWorkout, title: str = "") -> Figure:
    unit = workout.config.display.pace_unit
    s = pace_series(log)
    start_s = log.steps[0].event.t_s if log.steps else 0.0
    # the series counts from the session's start; the reps from the first logged step
    t0 = workout.first_t_s
    offset = next((st.event.t_s - st.status.elapsed_s for st in log.steps if st.status.phase.value == "running"), start_s)
    x = [(offset + e - t0) / 60 for e in s.elapsed_s]
    smooth = [pace_s(v, unit) for v in window_speed_mps(s.elapsed_s, s.dist_m, 10.0)]
    live = [pace_s(v, unit) for v in s.speed_mps]
    fig = Figure(figsize=(10, 5), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    for r in workout.records:
        a, b = (r.start_t_s - t0) / 60, (r.start_t_s + r.elapsed_s - t0) / 60
        ax.axvspan(a, b, color=REP_COLOUR if r.kind == "rep" else REST_COLOUR, alpha=0.6, lw=0)
        if r.kind == "rep" and r.pace_s_per_m is not None:
            target = r.pace_s_per_m * (1609.344 if unit == "mi" else 1000.0)
            ax.plot([a, b], [target, target], color="black", ls="--", lw=1.2)
        if r.kind == "rep":
            label = format_duration(r.elapsed_s, 1) + ("" if r.delta_s is None else f"\n{r.delta_s:+.1f}")
            ax.annotate(label, ((a + b) / 2, 1.0), xycoords=("data", "axes fraction"), xytext=(0, -2),
                        textcoords="offset points", ha="center", va="top", fontsize=7)
    ax.plot(x, [math.nan if p is None else p for p in live], color="#90caf9", lw=0.8, label="pace, live")
    ax.plot(x, [math.nan if p is None else p for p in smooth], color="#1565c0", lw=1.5, label="pace, 10 s average")
    paces = [p for p in smooth if p is not None and p < 20 * 60]
    if paces:
        lo = min(paces)
        hi = min(max(paces), 2.5 * lo)  # standing still is off the chart, jogging is on it
        ax.set_ylim(hi + 15, lo - 0.25 * (hi - lo) - 10)  # faster is up; room for the labels
    ax.yaxis.set_major_formatter(FuncFormatter(_mmss))
    ax.set_ylabel(f"pace (min:s per {unit})")
    ax.set_xlabel("time (min)")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    name = workout.config.workout.name if workout.config.workout else ""
    fig.suptitle(f"{name}: reps shaded, target dashed" + (f"\n{title}" if title else ""), fontsize=11)
    return fig


__all__ = ["workout_chart", "SMOOTH_S"]
