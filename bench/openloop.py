"""Open loop: pacer's live estimates against the truth and against what a rider
would otherwise use, on the same generated runs (and real recordings).

Baselines, computed from the very same fixes:
- raw: fix-to-fix distance summed, pace from the last fix-to-fix step (cheap devices);
- ma5 / ma10: pace from the distance covered in the last 5 s / 10 s (a watch's "instant pace");
- doppler: the receiver's Doppler speed alone, integrated for distance.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Sequence

import numpy as np

from pacer.config import parse_config
from pacer.events import Fix
from pacer.geo import LocalPlane
from pacer.plan import Plan
from pacer.session import Session
from pacer.status import Cue
from pacer.units import MILE_M
from sim.generate import GeneratedRun, make_run
from sim.gnss import GnssErrorModel
from sim.profiles import Fartlek
from sim.scenarios import SCENARIOS

SETTLE_S = 30.0  # the first seconds (standing start, filter start) are not "steady"
STEP_PERIOD_S = 120.0
METHODS = ("pacer", "raw", "ma5", "ma10", "doppler")


def strip_doppler(fixes: Sequence[Fix]) -> list[Fix]:
    return [dataclasses.replace(f, speed_mps=None, track_deg=None) for f in fixes]


@dataclasses.dataclass
class Traces:
    """Per-fix series of one run, for every method."""

    t_s: np.ndarray  # elapsed since the first fix
    true_speed: np.ndarray
    speed: dict[str, np.ndarray]
    dist: dict[str, np.ndarray]  # pacer, raw, doppler
    splits: dict[str, list[float]]  # elapsed at each plan mark
    truth_splits: list[float]
    cues: list[tuple[float, Cue, float]]  # (elapsed, cue, true projected delta)
    tol_s: float
    finish_t_s: float


def _window_speed(t: np.ndarray, d: np.ndarray, window_s: float) -> np.ndarray:
    j = np.searchsorted(t, t - window_s)
    span = t - t[j]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(span > 0, (d - d[j]) / np.where(span > 0, span, 1), 0.0)


def _crossings(t: np.ndarray, d: np.ndarray, marks: Sequence[float]) -> list[float]:
    out = []
    for m in marks:
        i = int(np.argmax(d >= m))
        if d[i] < m:
            out.append(math.nan)
            continue
        out.append(float(t[i]) if i == 0 else float(np.interp(m, d[i - 1 : i + 1], t[i - 1 : i + 1])))
    return out


def traces(run: GeneratedRun, doppler: bool = True, plan_toml: str | None = None) -> Traces:
    fixes = run.fixes if doppler else strip_doppler(run.fixes)
    config = parse_config(plan_toml or run.scenario.plan.toml())
    plan: Plan = config.plan
    session = Session(config)
    t0 = fixes[0].t_s
    t = np.array([f.t_s - t0 for f in fixes])
    pacer_speed, pacer_dist, cues = [], [], []
    splits: list[float] = []
    for f in fixes:
        st = session.step(f)
        pacer_speed.append(st.speed_mps or 0.0)
        pacer_dist.append(session.estimator.dist_m - session.start_dist_m)  # not frozen at the finish
        splits.extend(s.elapsed_s for s in st.new_splits)
        for c in st.sounds:
            if c in (Cue.FASTER, Cue.SLOWER):
                cues.append((f.t_s - t0, c, _true_projected_delta(run, plan, f.t_s - t0, config.coach.horizon_s)))
    plane = LocalPlane(fixes[0].lat_deg, fixes[0].lon_deg)
    xy = np.array([plane.to_xy(f.lat_deg, f.lon_deg) for f in fixes])
    raw_d = np.concatenate(([0.0], np.cumsum(np.hypot(*np.diff(xy, axis=0).T))))
    dop = np.array([f.speed_mps if f.speed_mps is not None else math.nan for f in run.fixes])
    dop_d = np.concatenate(([0.0], np.cumsum(0.5 * (dop[1:] + dop[:-1]) * np.diff(t))))
    dt = np.diff(t, prepend=t[0] - 1.0)
    raw_speed = np.concatenate(([0.0], np.diff(raw_d))) / np.where(dt > 0, dt, 1.0)
    true_speed = np.interp(t, run.fine.t_s, run.fine.speed_mps)
    marks = plan.marks_m
    return Traces(
        t_s=t,
        true_speed=true_speed,
        speed={
            "pacer": np.array(pacer_speed), "raw": raw_speed, "ma5": _window_speed(t, raw_d, 5.0),
            "ma10": _window_speed(t, raw_d, 10.0), "doppler": dop,
        },
        dist={"pacer": np.array(pacer_dist), "raw": raw_d, "doppler": dop_d},
        splits={"pacer": splits[: len(marks)], "raw": _crossings(t, raw_d, marks), "doppler": _crossings(t, dop_d, marks)},
        truth_splits=[float(run.truth_elapsed_at(m)) for m in marks],
        cues=cues,
        tol_s=session.tol_s,
        finish_t_s=run.fine.finish_t_s,
    )


def _true_projected_delta(run: GeneratedRun, plan: Plan, t_s: float, horizon_s: float) -> float:
    d = float(run.truth_dist_at(t_s))
    v = float(np.interp(t_s, run.fine.t_s, run.fine.speed_mps))
    delta = t_s - plan.target_elapsed_s(d)
    return delta + horizon_s * (1 - v / plan.target_speed_mps(d))


def pace_s_per_mile(speed: np.ndarray) -> np.ndarray:
    return MILE_M / np.maximum(speed, 0.5)


def pace_rms(tr: Traces, method: str, exclude: np.ndarray | None = None) -> float:
    mask = (tr.t_s > SETTLE_S) & (tr.t_s < tr.finish_t_s)
    if exclude is not None:
        mask &= ~exclude
    est = tr.speed[method]
    mask &= np.isfinite(est)
    if not mask.any():
        return math.nan
    err = pace_s_per_mile(est[mask]) - pace_s_per_mile(tr.true_speed[mask])
    return float(np.sqrt(np.mean(err**2)))


def _step_scenario() -> Any:
    base = SCENARIOS["road_5k_steady"]
    v = 1000 / 240
    return dataclasses.replace(
        base, name="step5", profile=lambda rng: Fartlek(v * 1.05, v, period_s=STEP_PERIOD_S, blend_s=0.5)
    )


def step_response(runs: Sequence[GeneratedRun], method: str, doppler: bool, span_s: int = 20) -> dict[str, Any]:
    """Mean response of the displayed pace to a 5 % pace step, up and down alike.

    Each step's error (displayed minus new true pace) is signed so that it
    starts near minus the step size and should rise to zero; averaging over
    every step of every seed leaves the filter's lag and not its noise.
    """
    curves = []
    for run in runs:
        tr = traces(run, doppler)
        p_est, p_true = pace_s_per_mile(tr.speed[method]), pace_s_per_mile(tr.true_speed)
        for k in range(1, int(tr.finish_t_s // STEP_PERIOD_S)):
            t_step = k * STEP_PERIOD_S
            idx = np.searchsorted(tr.t_s, t_step + np.arange(span_s + 1) - 1.0)
            i_new, i_old = np.searchsorted(tr.t_s, [t_step + 15.0, t_step - 3.0])
            if idx[-1] >= len(tr.t_s) or i_new >= len(tr.t_s):
                continue
            sign = np.sign(p_true[i_new] - p_true[i_old])
            curves.append(sign * (p_est[idx] - p_true[i_new]))
    mean = np.nanmean(curves, axis=0) if curves else np.full(span_s + 1, math.nan)
    size = abs(float(mean[0]))
    within = np.where(np.abs(mean) <= 2.0)[0]
    ninety = np.where(np.abs(mean) <= 0.1 * size)[0]
    return {
        "lag_to_2s_per_mile_s": float(within[0] - 1) if len(within) else math.inf,
        "lag_to_90pct_s": float(ninety[0] - 1) if len(ninety) else math.inf,
        "mean_response_s_per_mile": [round(float(x), 2) for x in mean],
        "steps": len(curves),
    }


def _split_stats(errors: list[float]) -> dict[str, float]:
    e = np.array([x for x in errors if np.isfinite(x)])
    if not len(e):
        return {"rms_s": math.nan, "worst_s": math.nan, "missing": len(errors)}
    return {"rms_s": float(np.sqrt(np.mean(e**2))), "worst_s": float(np.max(np.abs(e))), "missing": len(errors) - len(e)}


def steady_case(scenario: Any, rate_hz: int, doppler: bool, seeds: Sequence[int],
                model: GnssErrorModel | None = None) -> dict[str, Any]:
    """Split errors, distance error, pace rms and cues on steady runs, all methods."""
    split_err: dict[str, list[float]] = {m: [] for m in ("pacer", "raw", "doppler")}
    dist_err: dict[str, list[float]] = {m: [] for m in ("pacer", "raw", "doppler")}
    pace: dict[str, list[float]] = {m: [] for m in METHODS}
    cues = false_cues = 0
    minutes = 0.0
    for seed in seeds:
        run = make_run(scenario, rate_hz, seed, model=model)
        tr = traces(run, doppler)
        for m in split_err:
            split_err[m] += [a - b for a, b in zip(tr.splits[m], tr.truth_splits)]
            d_at_finish = float(np.interp(tr.finish_t_s, tr.t_s, tr.dist[m]))
            dist_err[m].append(100 * (d_at_finish - run.distance_m) / run.distance_m)
        for m in METHODS:
            pace[m].append(pace_rms(tr, m))
        minutes += (tr.finish_t_s - SETTLE_S) / 60
        for t, cue, true_proj in tr.cues:
            if t < SETTLE_S:
                continue
            cues += 1
            warranted = true_proj > tr.tol_s / 2 if cue == Cue.FASTER else true_proj < -tr.tol_s / 2
            false_cues += not warranted
    usable = [m for m in METHODS if doppler or m != "doppler"]
    return {
        "split": {m: _split_stats(v) for m, v in split_err.items() if doppler or m != "doppler"},
        "distance_error_pct": {
            m: {"mean": float(np.mean(v)), "rms": float(np.sqrt(np.mean(np.square(v))))}
            for m, v in dist_err.items() if doppler or m != "doppler"
        },
        "pace_rms_s_per_mile": {m: float(np.nanmean(pace[m])) for m in usable},
        "cues_per_min": cues / minutes if minutes else math.nan,
        "false_cues_per_min": false_cues / minutes if minutes else math.nan,
    }


def outage_case(seeds: Sequence[int], outage_s: float = 30.0) -> dict[str, Any]:
    """A 30 s outage on a bend at 2.3 km: the split after it and the jump on re-acquisition."""
    scenario = dataclasses.replace(SCENARIOS["road_5k_outage"], dropouts_at_m=((2300.0, outage_s),))
    errs: list[float] = []
    jumps: list[float] = []
    lost_shown: list[bool] = []
    for seed in seeds:
        run = make_run(scenario, 1, seed)
        tr = traces(run, True)
        errs += [a - b for a, b in zip(tr.splits["pacer"], tr.truth_splits)][2:3]
        gaps = np.where(np.diff(tr.t_s) > 5)[0]
        if len(gaps):
            i = gaps[0]
            jumps.append(float(tr.dist["pacer"][i + 1] - tr.dist["pacer"][i] - tr.true_speed[i] * (tr.t_s[i + 1] - tr.t_s[i])))
        lost_shown.append(bool(len(gaps)))
    return {
        "outage_s": outage_s,
        "split_after_outage": _split_stats(errs),
        "distance_jump_on_reacquire_m": {"rms": float(np.sqrt(np.mean(np.square(jumps)))) if jumps else math.nan},
    }


def real_tracks(realdata_gpx: Any, device_km: dict[str, float]) -> dict[str, Any]:
    """Distance of each real recording: pacer and the raw sum against the device's own."""
    from sim.gpx_source import load_gpx

    out = {}
    config = parse_config('[plan]\nname = "long"\ndistance = "100 km"\ngoal = "5:00:00"\n')
    for name, km in device_km.items():
        path = realdata_gpx / name
        if not path.exists():
            continue
        track = load_gpx(path)
        session = Session(config)
        last = None
        for f in track.fixes:
            last = session.step(f)
        plane = LocalPlane(track.fixes[0].lat_deg, track.fixes[0].lon_deg)
        xy = np.array([plane.to_xy(f.lat_deg, f.lon_deg) for f in track.fixes])
        raw_m = float(np.sum(np.hypot(*np.diff(xy, axis=0).T)))
        out[name] = {
            "device_km": km,
            "pacer_pct": 100 * ((last.dist_m if last else 0.0) / 1000 - km) / km,
            "raw_pct": 100 * (raw_m / 1000 - km) / km,
        }
    return out


def run_openloop(seeds: int) -> dict[str, Any]:
    seed_list = list(range(2000, 2000 + seeds))
    steady = SCENARIOS["road_5k_steady"]
    mile = SCENARIOS["mile_road"]
    out: dict[str, Any] = {"seeds": seeds, "steady": {}, "pace_vs_doppler_noise": {}}
    for rate in (1, 5, 10):
        for dop in (True, False):
            out["steady"][f"5k {rate} Hz {'doppler' if dop else 'positions only'}"] = steady_case(steady, rate, dop, seed_list)
    out["steady"]["mile 1 Hz doppler"] = steady_case(mile, 1, True, seed_list)
    for sigma in (0.05, 0.1, 0.2):
        model = GnssErrorModel(speed_sigma_mps=sigma)
        row = {}
        for name, sc in (("5k", steady), ("mile", mile)):
            row[name] = steady_case(sc, 1, True, seed_list[: max(2, seeds // 2)], model=model)["pace_rms_s_per_mile"]
        out["pace_vs_doppler_noise"][str(sigma)] = row
    step_runs = [make_run(_step_scenario(), 1, s) for s in seed_list]
    out["step"] = {"pacer with Doppler": step_response(step_runs, "pacer", True),
                   "pacer positions only": step_response(step_runs, "pacer", False)}
    out["step"].update({m: step_response(step_runs, m, True) for m in METHODS if m != "pacer"})
    out["outage"] = outage_case(seed_list)
    from pathlib import Path

    realdata = Path(__file__).resolve().parents[1].parent / "shared" / "realdata" / "gpx"
    out["real"] = real_tracks(realdata, REAL_DEVICE_KM)
    return out


REAL_DEVICE_KM = {
    "road_run_9k_fenix2_spike.gpx": 9.007,
    "road_run_4.8k_fr110_smartrec_stops.gpx": 4.835,
    "bike_ride_41k_edge810.gpx": 41.337,
    "bike_ride_9.8k_fr910xt.gpx": 9.785,
    "bike_outback_2.3k_edge520_aerotest.gpx": 2.285,
}
