"""PNG charts of the open-loop figures (matplotlib, Agg: no display needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLOURS = {"pacer": "#d62728", "raw": "#7f7f7f", "ma5": "#1f77b4", "ma10": "#17becf", "doppler": "#2ca02c"}


def _grouped_bars(rows: list[str], series: dict[str, list[float]], line_at: float, line_label: str,
                  ylabel: str, title: str, path: Path, figsize: tuple[float, float] = (8, 4),
                  tick_kw: dict[str, Any] | None = None) -> Path:
    """Bars per row, one colour per method, log scale, a dashed reference line."""
    fig, ax = plt.subplots(figsize=figsize, dpi=110)
    width = 0.8 / len(series)
    for j, (method, values) in enumerate(series.items()):
        offset = (j - (len(series) - 1) / 2) * width
        ax.bar([i + offset for i in range(len(rows))], values, width, label=method, color=COLOURS[method])
    ax.axhline(line_at, color="k", ls="--", lw=1, label=line_label)
    ax.set_yscale("log")
    ax.set_xticks(range(len(rows)), rows, **(tick_kw or {}))
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(ncol=3, fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def pace_chart(openloop: dict[str, Any], path: Path) -> Path:
    rows = ["mile 1 Hz doppler", "5k 1 Hz doppler", "5k 10 Hz doppler", "5k 1 Hz positions only"]
    series = {m: [openloop["steady"][r]["pace_rms_s_per_mile"].get(m, float("nan")) for r in rows] for m in COLOURS}
    return _grouped_bars(rows, series, 2.0, "target 2 s/mile", "displayed pace error, rms (s/mile, log)",
                         "Displayed pace on steady runs: pacer vs what a rider would otherwise see", path)


def step_chart(openloop: dict[str, Any], path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(8, 4), dpi=110)
    for key, resp in openloop["step"].items():
        method = key.split(" ", 1)[0]
        curve = resp["mean_response_s_per_mile"]
        ax.plot(range(-1, len(curve) - 1), curve, label=key, color=COLOURS[method],
                ls=":" if "positions only" in key else "-", lw=2 if method == "pacer" else 1)
    ax.axhspan(-2, 2, color="0.9", label="within 2 s/mile")
    ax.axvline(5, color="k", lw=0.8, ls="--")
    ax.set_xlabel("seconds after a 5 % pace step")
    ax.set_ylabel("displayed - new true pace (s/mile, mean)")
    ax.set_title("Reaction of the displayed pace to a 5 % step (mean over all steps and seeds)")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def split_chart(openloop: dict[str, Any], path: Path) -> Path:
    rows = list(openloop["steady"])
    series = {m: [openloop["steady"][r]["split"].get(m, {}).get("rms_s", float("nan")) for r in rows]
              for m in ("pacer", "doppler", "raw")}
    return _grouped_bars(rows, series, 1.0, "1 s", "split time error, rms (s, log)",
                         "Split time error against truth, free mode on the road", path, figsize=(9, 4),
                         tick_kw={"rotation": 20, "ha": "right", "fontsize": 8})
