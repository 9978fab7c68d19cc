"""`python -m bench [--quick] [--out DIR]`: how well pacer paces, in one command.

Writes report.md, results.json and PNG charts to DIR (default bench/out/, ignored
by git); `docs/benchmarks.md` is a committed copy of the full report. Sections
whose module is absent (track mode, closed loop) are skipped with a note.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import shutil
import time
from pathlib import Path
from typing import Any, Callable

from bench import charts
from bench.accuracy import run_accuracy
from bench.openloop import run_openloop
from bench.report import render_report
from bench.speed import import_time_s, peak_memory_mb, pi_cpu_share, run_speed

OPTIONAL = {
    # section: (module, function, kwargs for full, kwargs for quick)
    "world": ("bench.world", "run_world_section", {"seeds": 20}, {"seeds": 2, "only": "1 Hz, doppler"}),
    "workouts": ("bench.workouts", "run_workouts", {"seeds": 50}, {"seeds": 2}),
    "rep_timing": ("bench.rep_timing", "run_rep_timing", {"seeds": 20}, {"seeds": 1}),
    "closed_loop": ("bench.closedloop", "run_closed_loop", {"seeds": 50}, {"seeds": 4}),
    "track": ("bench.track", "run_track", {"seeds": 5}, {"seeds": 1}),
    "course": ("bench.course", "run_course", {"seeds": 20}, {"seeds": 2, "only": "1 Hz, positions only"}),
    "grade": ("bench.grade", "run_grade", {"seeds": 20}, {"seeds": 2}),
    "wheel": ("bench.wheel", "run_wheel", {"seeds": 20}, {"seeds": 1, "only": "road 5k 1 Hz positions only, wheel calibrated +2"}),
}


def _optional(name: str, out: Path, quick: bool) -> Any:
    """Run an optional section: `func(**kwargs)`, with `out_dir` when it takes one."""
    module_name, func_name, full, fast = OPTIONAL[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        return {"skipped": f"{module_name} is not there"}
    func: Callable[..., Any] = getattr(module, func_name)
    kwargs = dict(fast if quick else full)
    if "out_dir" in func.__code__.co_varnames[: func.__code__.co_argcount]:
        kwargs["out_dir"] = out
    result = func(**kwargs)
    markdown = getattr(module, "markdown", None)
    if callable(markdown) and isinstance(result, dict):
        result["report_md"] = markdown(result)
    return result


def _clean(x: Any) -> Any:
    """JSON has no inf/nan: write them as strings."""
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    if isinstance(x, dict):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    return x


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="few seeds, one repeat: the variant a test runs")
    parser.add_argument("--out", default="bench/out", help="folder for report.md, results.json and charts")
    parser.add_argument("--docs", action="store_true", help="also copy the report and charts to docs/")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    results: dict[str, Any] = {"quick": args.quick}
    results["accuracy"] = run_accuracy(seeds=2 if args.quick else 20)
    results["openloop"] = run_openloop(seeds=2 if args.quick else 10)
    speed = run_speed(out, repeats=1 if args.quick else 3, render_sample=2000 if args.quick else 20000,
                      rate_hz=2 if args.quick else 10)
    speed["import_time_s"] = round(import_time_s(1 if args.quick else 3), 3)
    speed.update(peak_memory_mb(5000 if args.quick else 20000))
    speed["pi_zero_2w_cpu_share_at_10hz"] = round(pi_cpu_share(speed["per_fix_with_render_us"]["median"]), 4)
    results["speed"] = speed
    for name in OPTIONAL:
        results[name] = _optional(name, out, args.quick)
    results["charts"] = [
        p.name for p in (
            charts.pace_chart(results["openloop"], out / "pace.png"),
            charts.step_chart(results["openloop"], out / "step.png"),
            charts.split_chart(results["openloop"], out / "splits.png"),
        )
    ] + [p.name for p in out.glob("closed*.png")] + [p.name for p in out.glob("track*.png")]
    results["bench_s"] = round(time.perf_counter() - t0, 1)
    (out / "results.json").write_text(json.dumps(_clean(results), indent=2))
    report = render_report(results)
    (out / "report.md").write_text(report)
    if args.docs:
        docs = Path("docs")
        (docs / "benchmarks").mkdir(parents=True, exist_ok=True)
        (docs / "benchmarks.md").write_text(report.replace("](", "](benchmarks/"))
        for name in results["charts"]:
            shutil.copy(out / name, docs / "benchmarks" / name)
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
