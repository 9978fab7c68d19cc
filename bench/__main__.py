"""`python -m bench [--quick] [--out DIR]`: accuracy and speed, a Markdown report and JSON."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bench.accuracy import run_accuracy
from bench.speed import run_speed


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="few seeds and one repeat (for tests)")
    parser.add_argument("--out", default="bench/out", help="folder for report.md and results.json")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    accuracy = run_accuracy(seeds=3 if args.quick else 20)
    speed = run_speed(out, repeats=1 if args.quick else 3, render_sample=2000 if args.quick else 20000)
    results = {"accuracy": accuracy, "speed": speed, "bench_s": round(time.perf_counter() - t0, 1)}
    (out / "results.json").write_text(json.dumps(results, indent=2))
    (out / "report.md").write_text(report(results))
    print(report(results))
    return 0


def report(r: dict) -> str:
    acc, sp = r["accuracy"], r["speed"]
    lines = [
        "# pacer benchmarks",
        "",
        f"## Split time error against truth ({acc['seeds']} seeds per row, generated runs, GNSS model 2.5 m CEP)",
        "",
        "| run | splits | mean s | rms s | p95 abs s | worst s | within max(1.5 s, 0.3 %) | within max(1 s, 0.1 %) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, row in acc["rows"].items():
        lines.append(
            f"| {name} | {row['splits']} | {row['mean_s']:+.2f} | {row['rms_s']:.2f} | {row['p95_abs_s']:.2f} | "
            f"{row['worst_abs_s']:.2f} | {100 * row['within_issue_bound']:.1f} % | {100 * row['within_max_1s_0.1pct']:.1f} % |"
        )
    pf = sp["per_fix_with_render_us"]
    lines += [
        "",
        f"## Speed ({sp['machine']})",
        "",
        f"- Track: {sp['track']}.",
        f"- gpxpy alone parses it in {sp['gpxpy_parse_s']} s; `load_gpx` (parse + fixes) {sp['load_gpx_s']} s.",
        f"- Core loop (session: filter, coach) headless: {sp['core_loop_s']} s, **{sp['core_fixes_per_s']} fixes/s**.",
        f"- Headless replay from the file: {sp['headless_replay_s']} s = **{sp['headless_over_gpxpy_parse']}× gpxpy's parse** (bound: 3×).",
        f"- Per fix with the screen rendered: median {pf['median']} µs, p90 {pf['p90']} µs, p99 {pf['p99']} µs, max {pf['max']} µs.",
        "",
        f"Bench ran in {r['bench_s']} s.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
