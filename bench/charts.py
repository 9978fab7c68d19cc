"""PNG charts of the open-loop figures (matplotlib, Agg: no display needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLOURS = {"pacer": "#d62728", "raw": "#7f7f7f", "ma5": "#1f77b4", "ma10": "#17becf", "doppler": "#2ca02c"}


def pace_chart(openloop: dict[str, Any], path: Path) -> Path:
    rows = ["mile 1 Hz doppler", "5k 1 Hz doppler", "5k 10 Hz doppler", "5k 1 Hz positions only"]
    fig, ax = plt.subplots(figsize=(8, 4), dpi=110)
    width = 0.16
    for j, method in enumerate(COLOURS):
        values = [openloop["steady"][r]["pace_rms_s_per_mile"].get(method, float("nan")) for r in rows]
        ax.bar([i + (j - 2) * width for i in range(len(rows))], values, width, label=method, color=COLOURS[method])
    ax.axhline(2.0, color="k", ls="--", lw=1, label="target 2 s/mile")
    ax.set_yscale("log")
    ax.set_xticks(range(len(rows)), rows)
    ax.set_ylabel("displayed pace error, rms (s/mile, log)")
    ax.set_title("Displayed pace on steady runs: pacer vs what a rider would otherwise see")
    ax.legend(ncol=3, fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


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
    rows = [k for k in openloop["steady"]]
    fig, ax = plt.subplots(figsize=(9, 4), dpi=110)
    for j, method in enumerate(("pacer", "doppler", "raw")):
        values = [openloop["steady"][r]["split"].get(method, {}).get("rms_s", float("nan")) for r in rows]
        ax.bar([i + (j - 1) * 0.25 for i in range(len(rows))], values, 0.25, label=method, color=COLOURS[method])
    ax.axhline(1.0, color="k", ls="--", lw=1, label="1 s")
    ax.set_yscale("log")
    ax.set_xticks(range(len(rows)), rows, rotation=20, ha="right", fontsize=8)
    ax.set_ylabel("split time error, rms (s, log)")
    ax.set_title("Split time error against truth, free mode on the road")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
