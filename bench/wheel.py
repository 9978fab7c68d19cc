"""Split accuracy with the wheel beside GPS alone (issue 14).

Every row runs generated 5ks (a new town road or city grid every seed) through
the session twice on the very same fixes: GPS alone, and with the wheel's
revolutions (sim/wheel_gen.py: the true circumference off the configured one,
the bike's line weaving, a sensor that may stop). The wheel starts either

- uncalibrated: the table's 2.105 m, +-2 % (the true wheel is 2 % off it), or
- calibrated: from a calibration ride on the track the day before (25 laps,
  10 km, in lane 2: whole laps of known length; sim's track scenario with its
  own seed and the same wheel), carried over as pacer carries it from ride to
  ride (pacer.wheel_circumference.next_ride_start).

Fault rows: a calibration that is wrong (a new tyre, 2 % bigger, while the
stored value says +-0.1 %), a wheel that slips (8 % short for a minute) and
a sensor that stops at 40 % of the run. "drag" is how much further from the
truth the distance ever was than GPS alone was at the same moment, in % of
the distance (from 1 km on).

Seeds: TUNE_SEEDS 0-9 were used while setting the constants; rows use 1000 on.
`python -m bench.wheel [--seeds N] [--only TEXT] [--tune]`.
"""

from __future__ import annotations

import argparse
import functools
import heapq
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from bench.world import JUDGE_SEED0, TUNE_SEEDS, summarise
from pacer.config import parse_config
from pacer.events import Event
from pacer.session import Session
from pacer.status import Status
from pacer.wheel import DEFAULT_CIRCUMFERENCE_M, WheelSettings
from pacer.wheel_circumference import Circumference, next_ride_start
from sim.clock import SimClock
from sim.generate import GeneratedRun, make_run
from sim.scenarios import track_scenario
from sim.gpx_source import replay_events
from sim.replay import replay
from sim.speed_channels import CHANNELS
from sim.wheel_gen import wheel_truth
from sim.wheel_source import wheel_events

CALIBRATION = track_scenario("track_calibration_10k_lane2", "10000 m", "36:00", 2, "track_calibration_10k_lane2")
"""The calibration ride: 25 laps in lane 2 at an even pace (whole laps of known length)."""
CALIBRATION_SEED_OFFSET = 50_000
UNCALIBRATED = Circumference(DEFAULT_CIRCUMFERENCE_M, 0.02 * DEFAULT_CIRCUMFERENCE_M)


@dataclass(frozen=True)
class Row:
    scenario: str
    channel: str  # a key of sim.speed_channels.CHANNELS
    wheel: str  # "none", "calibrated", "uncalibrated", "wrong calibration", "slipping", "lost mid-run"
    error_pct: float = 2.0  # the true circumference against the table's 2.105 m
    rate_hz: int = 1

    @property
    def label(self) -> str:
        course = self.scenario.replace("_random", "").replace("_", " ")
        err = f" {self.error_pct:+.0f} %" if self.wheel != "none" else ""
        return f"{course} {self.rate_hz} Hz {self.channel}, wheel {self.wheel}{err}"


def rows() -> list[Row]:
    out = []
    for course in ("road_5k_random", "city_5k"):
        for channel in ("positions only", "doppler"):
            out.append(Row(course, channel, "none"))
            out.append(Row(course, channel, "calibrated", 2.0))
            out.append(Row(course, channel, "calibrated", -2.0))
            out.append(Row(course, channel, "uncalibrated", 2.0))
            out.append(Row(course, channel, "uncalibrated", -2.0))
            out.append(Row(course, channel, "wrong calibration", 2.0))
            out.append(Row(course, channel, "slipping", 2.0))
            out.append(Row(course, channel, "lost mid-run", 2.0))
    out.append(Row("track_3000_lane3", "positions only", "none"))
    out.append(Row("track_3000_lane3", "positions only", "uncalibrated", 2.0))
    return out


@functools.lru_cache(maxsize=None)  # every calibrated row of a seed starts from the same calibration ride
def calibrate_on_track(seed: int, error_pct: float, start: Circumference = UNCALIBRATED) -> Circumference:
    """A calibration ride: 3000 m on the track in lane 2 with the same wheel; what pacer keeps after it."""
    run = make_run(CALIBRATION, 1, seed + CALIBRATION_SEED_OFFSET)
    session = _session(run, WheelSettings(start.metres, start.sigma_m, "sim"))
    _replay(run, CHANNELS["positions only"](run.fixes), session, wheel_truth(run, error_pct).times_s)
    assert session.wheel is not None
    return next_ride_start(session.wheel.end_circumference())


def _session(run: GeneratedRun, wheel: WheelSettings | None) -> Session:
    return Session(parse_config(run.scenario.plan.toml()), wheel=wheel)


def _replay(run: GeneratedRun, fixes: Sequence[Any], session: Session, rev_times_s: np.ndarray | None) -> list[Status]:
    events: Any = replay_events(fixes)
    if rev_times_s is not None:
        wheel = wheel_events([float(t) for t in rev_times_s], run.fixes[0].t_s, "sim")
        events = heapq.merge(events, wheel, key=lambda e: e.t_s)
    statuses: list[Status] = []
    replay(events, session, SimClock(), [statuses.append])
    return statuses


def run_case(row: Row, seed: int) -> dict[str, Any]:
    run = make_run(row.scenario, row.rate_hz, seed)
    fixes = CHANNELS[row.channel](run.fixes)
    marks = run.marks_m
    first_s = run.fixes[0].t_s - run.start_utc.timestamp()
    truth = [float(run.truth_elapsed_at(m)) - first_s for m in marks]
    wheel = None
    revs = None
    if row.wheel != "none":
        err = row.error_pct
        dropouts: tuple[tuple[float, float], ...] = ()
        if row.wheel == "lost mid-run":
            at = float(run.truth_elapsed_at(0.4 * run.distance_m)) - first_s
            dropouts = ((at, 1e9),)
        wt = wheel_truth(run, err, dropouts_s=dropouts)
        revs = wt.times_s
        if row.wheel == "slipping":
            revs = _slip(revs, float(run.truth_elapsed_at(0.5 * run.distance_m)) - first_s, 60.0, 0.08)
        if row.wheel in ("calibrated", "lost mid-run", "slipping"):
            start = calibrate_on_track(seed, err)
        elif row.wheel == "wrong calibration":
            start = Circumference(DEFAULT_CIRCUMFERENCE_M, 0.001 * DEFAULT_CIRCUMFERENCE_M)  # stored, then a new tyre
        else:
            start = UNCALIBRATED
        wheel = WheelSettings(start.metres, start.sigma_m, "sim")
    session = _session(run, wheel)
    statuses = _replay(run, fixes, session, revs)
    t0 = run.fixes[0].t_s
    by_dist = {s.distance_m: s.elapsed_s + (session.start_t_s or t0) - t0 for s in session.splits if s.kind.value != "lap"}
    errors = [None if by_dist.get(m) is None else by_dist[m] - tr for m, tr in zip(marks, truth)]
    out: dict[str, Any] = {"errors": errors, "truth_s": truth, "marks_m": list(marks), "run": run,
                           "dist": _dist_series(statuses, t0)}
    if session.wheel is not None:
        out["wheel"] = session.wheel.wheel_summary()
        out["true_circumference_m"] = DEFAULT_CIRCUMFERENCE_M * (1 + row.error_pct / 100)
    return out


def _slip(times_s: np.ndarray, at_s: float, for_s: float, short: float) -> np.ndarray:
    """A wheel that turns `short` less than it rolls for `for_s` from `at_s` (a wet, skidding wheel)."""
    t = np.asarray(times_s)
    inside = (t >= at_s) & (t < at_s + for_s)
    keep = np.ones(len(t), dtype=bool)
    idx = np.flatnonzero(inside)
    drop_every = max(2, int(round(1 / short)))
    keep[idx[::drop_every]] = False
    return t[keep]


def _dist_series(statuses: list[Status], t0: float) -> tuple[np.ndarray, np.ndarray]:
    t = np.array([s.t_s - t0 for s in statuses if s.phase.value == "running"])
    d = np.array([s.dist_m for s in statuses if s.phase.value == "running"])
    return t, d


def _max_err_pct(case: dict[str, Any], from_m: float = 1000.0) -> np.ndarray:
    """|distance - truth| / truth in %, along the run from `from_m` on, on a 1 s grid."""
    run = case["run"]
    t, d = case["dist"]
    first_s = run.fixes[0].t_s - run.start_utc.timestamp()
    if len(t) < 2:
        return np.array([])
    grid = np.arange(np.ceil(t[0]), np.floor(t[-1]))
    truth = np.asarray(run.truth_dist_at(grid + first_s), dtype=float)
    # the session's distance counts from its start: the truth from the track's first sample is the same origin
    ours = np.interp(grid, t, d)
    ok = truth >= from_m
    return 100.0 * np.abs(ours[ok] - truth[ok]) / truth[ok], grid[ok]


_GPS_CASES: dict[tuple[str, str, int, int], dict[str, Any]] = {}


def _gps_case(row: Row, seed: int) -> dict[str, Any]:
    """GPS alone on the same run (kept: every wheel row of a course and channel compares with it)."""
    key = (row.scenario, row.channel, row.rate_hz, seed)
    if key not in _GPS_CASES:
        _GPS_CASES[key] = run_case(Row(row.scenario, row.channel, "none", rate_hz=row.rate_hz), seed)
    return _GPS_CASES[key]


def run_row(row: Row, seeds: Sequence[int]) -> dict[str, Any]:
    errs: list[float | None] = []
    later: list[float | None] = []
    truth: list[float] = []
    later_truth: list[float] = []
    missed = 0
    drags: list[float] = []
    circ_err: list[float] = []
    states: dict[str, int] = {}
    for seed in seeds:
        case = run_case(row, seed)
        errs += case["errors"]
        truth += case["truth_s"]
        for e, tr, m in zip(case["errors"], case["truth_s"], case["marks_m"]):
            if m >= 2000.0 - 1e-6:
                later.append(e)
                later_truth.append(tr)
        missed += case["errors"][-1] is None
        if "wheel" in case:
            w = case["wheel"]
            circ_err.append(100.0 * (w["circumference_m"] / case["true_circumference_m"] - 1.0))
            states[w["state"]] = states.get(w["state"], 0) + 1
            gps = _gps_case(row, seed)
            ours, grid = _max_err_pct(case)
            theirs, grid2 = _max_err_pct(gps)
            n = min(len(ours), len(theirs))
            if n:
                drags.append(float(np.max(ours[:n] - theirs[:n])))
    out: dict[str, Any] = {"label": row.label, "seeds": len(seeds),
                           "all": summarise(errs, truth), "from_2km": summarise(later, later_truth),
                           "finishes_missed": missed}
    if circ_err:
        out["circumference_err_pct"] = {"rms": round(float(np.sqrt(np.mean(np.square(circ_err)))), 4),
                                        "worst": round(float(np.max(np.abs(circ_err))), 4)}
        out["drag_pct"] = {"worst": round(max(drags), 3) if drags else None,
                           "p95": round(float(np.percentile(drags, 95)), 3) if drags else None}
        out["wheel_states"] = states
    return out


def run_wheel(seeds: int = 20, only: str | None = None, seed0: int = JUDGE_SEED0) -> dict[str, Any]:
    seed_list = list(range(seed0, seed0 + seeds))
    out = {}
    for row in rows():
        if only and only not in row.label:
            continue
        out[row.label] = run_row(row, seed_list)
    return {"seeds": seeds, "seed0": seed0, "rows": out}


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"{result['seeds']} seeds a row (seeds {result.get('seed0', JUDGE_SEED0)} on; tuning used 0-9). "
        "Split error = device - truth, s; within: share of marks within max(1 s, 0.1 % of the elapsed time), a "
        "missed mark counting as outside. from 2 km: the marks at 2 km and beyond. circumference: the one used at "
        "the end against the true one. drag: the most the distance was ever further from the truth than GPS "
        "alone's at the same moment (% of the distance, from 1 km on; negative: always closer).",
        "",
        "| row | rms / p95 / worst s | within | from 2 km: rms / within | missed finishes | circumference err rms / worst % | drag worst % | wheel at the end |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, r in result["rows"].items():
        a, b = r["all"], r["from_2km"]
        c = r.get("circumference_err_pct")
        d = r.get("drag_pct")
        states = ", ".join(f"{k} {v}" for k, v in sorted(r.get("wheel_states", {}).items()))
        lines.append(
            f"| {label} | {a.get('rms_s', '–')} / {a.get('p95_s', '–')} / {a.get('worst_s', '–')} | "
            f"{100 * a.get('within', 0):.0f} % | {b.get('rms_s', '–')} / {100 * b.get('within', 0):.0f} % | "
            f"{r['finishes_missed']} | {'–' if not c else str(c['rms']) + ' / ' + str(c['worst'])} | "
            f"{'–' if not d else d['worst']} | {states or '–'} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.wheel", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--only", help="rows whose label contains this text")
    parser.add_argument("--tune", action="store_true", help="use the tuning seeds 0-9 instead")
    args = parser.parse_args(argv)
    seed0 = JUDGE_SEED0
    if args.tune:
        seed0 = TUNE_SEEDS.start
        args.seeds = min(args.seeds, len(TUNE_SEEDS))
    print(markdown(run_wheel(args.seeds, args.only, seed0)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
