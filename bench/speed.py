"""How fast the loop runs: a 10 Hz marathon replayed headless, and the per-fix cost
with the screen rendered, against the cost of merely parsing the same GPX.

Figures are ratios and per-fix costs on this machine; the report states the
machine so a reader can scale them (a Pi Zero 2 W core is several times slower).
"""

from __future__ import annotations

import gc
import platform
import statistics
import time
from pathlib import Path
from typing import Any, Callable

import gpxpy

from pacer.config import parse_config
from pacer.screen import render
from pacer.session import Session
from sim.clock import SimClock
from sim.generate import make_run, write_gpx
from sim.gpx_source import load_gpx, replay_events
from sim.replay import replay

MARATHON_PLAN = '[plan]\nname = "Marathon 3:00"\ndistance = "42.195 km"\ngoal = "3:00:00"\nsplit_every = "1 km"\n'


def _best_of(n: int, fn: Callable[[], Any]) -> float:
    times = []
    for _ in range(n):
        gc.collect()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def marathon_gpx(out_dir: Path, rate_hz: int = 10, seed: int = 42) -> Path:
    """The marathon written once to the output folder (28.7 MB at 10 Hz), reused by later runs."""
    path = out_dir / f"marathon_{rate_hz}hz.gpx"
    if not path.exists():
        write_gpx(make_run("marathon", rate_hz, seed), path)
    return path


def run_speed(out_dir: Path, repeats: int = 3, render_sample: int = 20000, rate_hz: int = 10) -> dict[str, Any]:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = marathon_gpx(out_dir, rate_hz)
    text = path.read_text()
    config = parse_config(MARATHON_PLAN)

    parse_s = _best_of(repeats, lambda: gpxpy.parse(text))
    track = load_gpx(path)
    n = len(track.fixes)
    load_s = _best_of(repeats, lambda: load_gpx(path))

    def core() -> None:
        replay(replay_events(track.fixes), Session(config), SimClock())

    core_s = _best_of(repeats, core)

    def headless() -> None:
        t = load_gpx(path)
        replay(replay_events(t.fixes), Session(config), SimClock())

    headless_s = _best_of(repeats, headless)

    # per-fix cost with the screen rendered: the whole loop plus render on every status
    sample = track.fixes[:render_sample]
    per_fix_us: list[float] = []
    session = Session(config)
    for fix in sample:
        t = time.perf_counter()
        render(session.step(fix), config.display)
        per_fix_us.append((time.perf_counter() - t) * 1e6)
    per_fix_us.sort()

    return {
        "machine": f"{platform.machine()} {platform.processor() or ''} Python {platform.python_version()}".strip(),
        "track": f"generated marathon, {rate_hz} Hz, {n} fixes, {path.stat().st_size / 1e6:.1f} MB GPX",
        "fixes": n,
        "gpxpy_parse_s": round(parse_s, 3),
        "load_gpx_s": round(load_s, 3),
        "core_loop_s": round(core_s, 3),
        "core_fixes_per_s": round(n / core_s),
        "headless_replay_s": round(headless_s, 3),
        "headless_over_gpxpy_parse": round(headless_s / parse_s, 2),
        "per_fix_with_render_us": {
            "median": round(statistics.median(per_fix_us), 1),
            "p90": round(per_fix_us[int(0.9 * len(per_fix_us))], 1),
            "p99": round(per_fix_us[int(0.99 * len(per_fix_us))], 1),
            "max": round(per_fix_us[-1], 1),
        },
    }


PI_ZERO_2W_SLOWDOWN = 10.0
"""How many times slower a Pi Zero 2 W core (Cortex-A53, 1 GHz) runs CPython than
this machine's core: an assumption, not a measurement here. Published
pyperformance-style comparisons put Cortex-A53 boards at roughly 8-12x slower
than a current x86-64 desktop core; 10x is the middle. The report states it."""


def import_time_s(repeats: int = 3) -> float:
    """Fresh-interpreter import of the `pacer run` path (cli, session, screen, hw loop)."""
    import subprocess
    import sys

    code = (
        "import time; t = time.perf_counter(); "
        "import pacer.cli, pacer.session, pacer.screen, hw.run, hw.gpsd_source, hw.display, hw.buzzer; "
        "print(time.perf_counter() - t)"
    )
    times = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        times.append(float(out.stdout.strip()))
    return min(times)


def peak_memory_mb(fixes: int = 20000) -> dict[str, float]:
    """Peak Python heap of the core loop over a long 10 Hz run, fixes held in memory."""
    import tracemalloc

    run = make_run("marathon", 10, 7)
    config = parse_config(MARATHON_PLAN)
    tracemalloc.start()
    session = Session(config)
    for fix in run.fixes[:fixes]:
        session.step(fix)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"core_loop_peak_mb": round(peak / 1e6, 2), "fixes": fixes}


def pi_cpu_share(per_fix_us: float, rate_hz: float = 10.0) -> float:
    """Share of one Pi Zero 2 W core the loop needs at `rate_hz`, with the assumed slowdown."""
    return per_fix_us * 1e-6 * PI_ZERO_2W_SLOWDOWN * rate_hz
