"""Closed loop on a track: a virtual rider paces workouts by feel and with pacer.

`python -m bench.workouts [--seeds 50] [--out DIR]`: 5 x 400 m in 1:10 with 2:00
rests, 8 x 200 m in 0:32 with 200 m floats at 6:00/mi, and 30:00 at threshold
(5:45/mi), on the issue's track with the bike in lane 3; each rep's error
against its target, as a distribution over the seeds.

The rider is `sim.rider`'s (same parameters and reasons: a sense of speed off
by a per-run bias and a slow drift, reactions of 0.5-1.5 s, glances every
3-8 s, 5 % misreads, 5 % missed cues), on a track instead of a road, with
what a workout adds:

- Reps start from standing: the bike and runner reach speed at up to
  ``START_ACCEL_MPS2`` (a runner's first strides), then follow the rider's
  speed as on the road. A rider by feel aims at the speed that makes the rep's
  time with that start; with pacer the same, then corrects.
- By feel the rep is timed from the runner's first step (a coach's watch);
  with pacer from its GO, and the runner goes 0.1-0.4 s after it.
- With pacer the rider hears FASTER / SLOWER (a 1.5 % step) and, at glances,
  reads the gap and sets the speed that closes it over the rest of the rep (at
  most 30 s ahead) against the speed now, as the road rider does with the need pace.
- Rests: the runner stands through a counted rest; a float is ridden at its
  pace (by feel, or paced by pacer like a rep).

A rep's error: its true time (from its start to the runner's crossing of its
distance from where they started) minus its target; a time block's: the
distance short of (+) or beyond (-) its target, in seconds at the target pace.
GNSS errors are `sim.gnss`'s model at 1 Hz; the session is the device's own
`WorkoutSession`, fed fixes of the bike's position in its lane.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pacer.config import Config, parse_config
from pacer.events import Fix, FixMode, Tick
from pacer.geo import LocalPlane
from pacer.oval import LANE1_RADIUS_M, lane_centre_radius_m
from pacer.status import Cue, GpsState, Phase
from pacer.workout import Step
from pacer.workout_session import WorkoutSession
from sim.gnss import GnssErrorModel, draw_errors
from sim.rider import START_UNIX_S, RiderParams, ou_series
from sim.routes import build_route, offset_path
from sim.scenarios import TRACK_FINISH_DEG, TRACK_HEADING_DEG, TRACK_LAP

SEED_BASE = 3000
LANE = 3
START_ACCEL_MPS2 = 1.5
REACTION_S = (0.1, 0.4)
WITHIN_S = 1.0
TARGET_WITHIN = 0.95  # issue 11: >= 95 % of reps within +-1 s with pacer
ROUTE = build_route(TRACK_LAP * 40, TRACK_HEADING_DEG)  # lane 1's line from the finish, 16 km of laps
PLANE = LocalPlane(*TRACK_FINISH_DEG)
OFFSET_M = lane_centre_radius_m(LANE) - LANE1_RADIUS_M
ROUTE_TOML = (f'\n[route]\nmode = "track"\nlane = {LANE}\nfinish = [{TRACK_FINISH_DEG[0]}, {TRACK_FINISH_DEG[1]}]\n'
              f"heading = {TRACK_HEADING_DEG}\n")

WORKOUTS = {
    "5 x 400 m": '[[workout]]\nrepeat = 5\ndistance = "400 m"\ngoal = "1:10"\nrest = "2:00"\n',
    "8 x 200 m / 200 m float": '[[workout]]\nrepeat = 8\ndistance = "200 m"\ngoal = "0:32"\nrest = "200 m"\nrest_pace = "6:00/mi"\n',
    "30:00 at threshold": '[[workout]]\ntime = "30:00"\npace = "5:45/mi"\n',
}


@dataclass
class _Rider:
    """The bike and runner: true lane-1 distance and speed, the speed meant, and the glances."""

    p: RiderParams
    feel: np.ndarray
    rng: np.random.Generator
    d: float = 0.0
    v: float = 0.0
    u: float = 0.0
    next_glance_s: float = 0.0
    pending: list[tuple[float, float]] | None = None  # (at time, speed factor)

    def react(self, t_s: float, factor: float) -> None:
        assert self.pending is not None
        self.pending.append((t_s + self.rng.uniform(*self.p.reaction_s), factor))

    def correct(self, t_s: float, r: float) -> None:
        if self.rng.random() < self.p.misread_ignore or abs(r) < self.p.deadband:
            return
        if self.rng.random() < self.p.misread_flip:
            r = -r
        r = max(-self.p.max_correction, min(self.p.max_correction, self.p.gain * r))
        self.react(t_s, 1.0 + r)

    def move(self, t_s: float, dt: float, standing: bool) -> None:
        assert self.pending is not None
        while self.pending and self.pending[0][0] <= t_s:
            self.u *= self.pending.pop(0)[1]
        target = 0.0 if standing else self.u * float(self.feel[min(int(t_s), len(self.feel) - 1)])
        accel = START_ACCEL_MPS2 if self.v < 0.9 * target or standing else self.p.accel_max_mps2
        dv = max(-accel * dt * 2, min(accel * dt, (target - self.v) * dt / (0.5 if standing else self.p.lag_tau_s)))
        if self.v < 0.9 * target:
            dv = min(accel * dt, target - self.v)
        v0 = self.v
        self.v = max(0.0, self.v + dv)
        self.d += 0.5 * (v0 + self.v) * dt


def _start_speed_mps(distance_m: float, target_s: float) -> float:
    """The speed that covers `distance_m` in `target_s` from standing at START_ACCEL_MPS2."""
    a = START_ACCEL_MPS2
    # d = v (T - v / (2a)) -> v^2 / (2a) - v T + d = 0
    disc = target_s * target_s - 2.0 * distance_m / a
    return (target_s - math.sqrt(disc)) * a


def ride_workout(config: Config, seed: int, with_pacer: bool, p: RiderParams = RiderParams()) -> list[float]:
    """One seed of one workout, by feel or with pacer: each rep's error (s), in order."""
    steps = config.workout.steps() if config.workout else ()
    reps = [s for s in steps if s.kind == "rep"]
    planned = sum((s.target_s or s.duration_s or 0.0) + 130.0 for s in steps) + 120.0
    n = int(planned)
    feel_rng, wind_rng, gnss_rng = (np.random.default_rng([seed, k]) for k in range(3))
    feel = 1.0 + feel_rng.normal(0.0, 1.0) * p.bias_sigma + ou_series(feel_rng, n, p.drift_sigma, p.drift_tau_s)
    err = draw_errors(np.arange(n, dtype=float), GnssErrorModel(), gnss_rng)
    rider = _Rider(p, feel, np.random.default_rng([seed, 99 if with_pacer else 98]), pending=[])
    session = WorkoutSession(config) if with_pacer else None
    errors: list[float] = []
    dt, t, k = p.dt_s, 0.0, 0
    history: list[tuple[float, float]] = [(0.0, 0.0)]  # (t, true d) every step, for the truth of a rep
    i = 0  # the step being run (by feel: the rider's own count)
    step_t0, step_d0 = 0.0, 0.0
    go_at = rider.rng.uniform(*REACTION_S)  # the runner's first step after the start (GO)
    moving_from = go_at if with_pacer else 0.0
    rep_planned = _plan_speed(steps[0])
    rider.u = rep_planned
    seen_records = 0
    while i < len(steps) and t < n - 2:
        step = steps[i]
        standing = step.counted or t < moving_from
        # the rider: glances and cues (pacer), or nothing (feel)
        if session is not None:
            if k < n and abs(t - k) < dt / 2:
                status = session.step(_fix(rider, err, k, t))
                k += 1
                _hear(rider, status.sounds, t)
                if t >= rider.next_glance_s:
                    rider.next_glance_s = t + rider.rng.uniform(*p.glance_s)
                    _glance(rider, status, t)
            due = session.next_due_s
            while due is not None and due <= START_UNIX_S + t:
                status = session.step(Tick(due, "due"))
                _hear(rider, status.sounds, t)
                due = session.next_due_s
            while len(session.records) > seen_records:  # a step ended: the next begins
                rec = session.records[seen_records]
                seen_records += 1
                if rec.kind == "rep":
                    errors.append(_truth_error(history, rec.start_t_s - START_UNIX_S, step_of(reps, rec), rider))
                i += 1
                if i < len(steps):
                    nxt = steps[i]
                    start_t = session.step_t0_s - START_UNIX_S
                    if nxt.kind == "rep":
                        rider.u = _plan_speed(nxt, standing=steps[i - 1].counted)
                        if steps[i - 1].counted:
                            moving_from = start_t + rider.rng.uniform(*REACTION_S)
                    elif nxt.paced:
                        rider.u = 1.0 / (nxt.pace_s_per_m or 1.0)
            if session.phase is Phase.FINISHED:
                break
        else:  # by feel: the rider ends each step by their own measure (a coach's watch, the track's marks)
            ended = (step.distance_m is not None and rider.d - step_d0 >= step.distance_m) or (
                step.distance_m is None and t - step_t0 >= (step.duration_s or 0.0))
            if ended:
                if step.kind == "rep":
                    errors.append(_truth_error(history, step_t0, step, rider))
                i += 1
                step_t0, step_d0 = t, rider.d
                if i < len(steps):
                    nxt = steps[i]
                    rider.u = _plan_speed(nxt, standing=step.counted) if nxt.kind == "rep" else 1.0 / (nxt.pace_s_per_m or 1.0) if nxt.paced else 0.0
                    if nxt.kind == "rep" and step.counted:
                        moving_from = t
                continue
        rider.move(t, dt, standing)
        t += dt
        history.append((t, rider.d))
    return errors


def step_of(reps: list[Step], rec: Any) -> Step:
    return next(s for s in reps if s.block == rec.block and s.index == rec.index)


def _plan_speed(step: Step, standing: bool = True) -> float:
    """The speed a rider means for a step: a rep's from standing (or even pace on the move)."""
    if step.kind == "rep" and step.distance_m is not None and step.target_s is not None:
        return _start_speed_mps(step.distance_m, step.target_s) if standing else step.distance_m / step.target_s
    if step.kind == "rep" and step.duration_s is not None and step.pace_s_per_m is not None:
        target_m = step.duration_s / step.pace_s_per_m
        return _start_speed_mps(target_m, step.duration_s)
    return 1.0 / step.pace_s_per_m if step.pace_s_per_m else 0.0


def _truth_error(history: list[tuple[float, float]], start_s: float, step: Step, rider: _Rider) -> float:
    """The rep's true time minus its target (a time block: its distance short, in seconds)."""
    ts = np.array([h[0] for h in history])
    ds = np.array([h[1] for h in history])
    d0 = float(np.interp(start_s, ts, ds))
    if step.distance_m is not None:
        if ds[-1] < d0 + step.distance_m:  # not there yet: the rider's loop ends the rep at this step
            return float(ts[-1] - start_s) - (step.target_s or 0.0)
        return float(np.interp(d0 + step.distance_m, ds, ts)) - start_s - (step.target_s or 0.0)
    covered = float(np.interp(start_s + (step.duration_s or 0.0), ts, ds)) - d0
    return ((step.target_m or 0.0) - covered) * (step.pace_s_per_m or 0.0)


def _fix(rider: _Rider, err: Any, k: int, t_s: float) -> Fix:
    east, north, stretch, course = offset_path(ROUTE, np.array([rider.d + 1.0]), OFFSET_M)
    e, n_ = float(east[0]) + err.east_m[k], float(north[0]) + err.north_m[k]
    c = math.radians(float(course[0]))
    v = rider.v * float(stretch[0])
    ve, vn = v * math.sin(c) + err.vel_east_mps[k], v * math.cos(c) + err.vel_north_mps[k]
    lat, lon = PLANE.to_latlon(e, n_)
    return Fix(START_UNIX_S + t_s, round(lat, 7), round(lon, 7), speed_mps=round(math.hypot(ve, vn), 3),
               track_deg=round(math.degrees(math.atan2(ve, vn)) % 360.0, 1), mode=FixMode.THREE_D, eph_m=5.0)


def _hear(rider: _Rider, sounds: tuple[Cue, ...], t_s: float) -> None:
    for cue in sounds:
        if cue in (Cue.FASTER, Cue.SLOWER) and rider.rng.random() >= rider.p.cue_miss:
            rider.react(t_s, 1.0 + rider.p.cue_step if cue is Cue.FASTER else 1.0 - rider.p.cue_step)


def _glance(rider: _Rider, status: Any, t_s: float) -> None:
    """Read the gap and set the speed that closes it over the rest of the rep (at most
    30 s ahead), against the speed now, as `sim.rider`'s pacer rider does with the need pace."""
    w = status.workout
    if (w is None or w.step is None or not w.step.paced or status.gps is GpsState.LOST or w.step_elapsed_s < 8.0
            or status.speed_mps is None or status.speed_mps < 1.0):
        return
    left_s = (w.left_m / max(rider.v, 1.0)) if w.left_m is not None else (w.left_s or 0.0)
    horizon = max(5.0, min(rider.p.catch_up_s, left_s))
    need = status.target_speed_mps * (1.0 + max(-0.05, min(0.05, round(status.delta_s, 1) / horizon)))
    rider.correct(t_s, need / status.speed_mps - 1.0)


def distribution(x: list[float]) -> dict[str, float]:
    a = np.abs(np.asarray(x))
    return {
        "reps": len(x), "mean_s": round(float(np.mean(x)), 2), "sd_s": round(float(np.std(x)), 2),
        "p95_abs_s": round(float(np.percentile(a, 95)), 2), "max_abs_s": round(float(a.max()), 2),
        "within_1s": round(float(np.mean(a <= WITHIN_S)), 3),
    }


def run_workouts(seeds: int = 50) -> dict[str, Any]:
    t0 = time.perf_counter()
    rows: dict[str, Any] = {}
    for name, body in WORKOUTS.items():
        config = parse_config(body + ROUTE_TOML, f"<{name}>")
        for with_pacer in (False, True):
            errs = [e for s in range(seeds) for e in ride_workout(config, SEED_BASE + s, with_pacer)]
            rows[f"{name} / {'pacer' if with_pacer else 'feel'}"] = distribution(errs)
    return {"seeds": seeds, "seed_base": SEED_BASE, "lane": LANE, "rows": rows,
            "runtime_s": round(time.perf_counter() - t0, 1)}


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"## Workouts on a track, closed loop ({result['seeds']} seeds, bike in lane {result['lane']})",
        "",
        "`python -m bench.workouts` (bench/workouts.py): the virtual rider of `sim/rider.py` paces each workout "
        "by feel and with pacer (the device's `WorkoutSession`, fixes of the bike in its lane at 1 Hz). "
        "Error per rep: true time minus target (+ is slow); a time block's distance short of its target, "
        "in seconds at its pace.",
        "",
        "| workout / rider | reps | mean (s) | sd (s) | p95 abs (s) | max abs (s) | within ±1 s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, r in result["rows"].items():
        lines.append(f"| {label} | {r['reps']} | {r['mean_s']:+.2f} | {r['sd_s']:.2f} | {r['p95_abs_s']:.2f} | "
                     f"{r['max_abs_s']:.2f} | {100 * r['within_1s']:.1f} % |")
    lines += ["", f"Target (issue 11): ≥ {100 * TARGET_WITHIN:.0f} % of reps within ±1 s with pacer. "
              f"Runtime {result['runtime_s']} s.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.workouts", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("--out", default="bench/out")
    args = parser.parse_args(argv)
    result = run_workouts(args.seeds)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "workouts.json").write_text(json.dumps(result, indent=2))
    text = markdown(result)
    (out / "workouts.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
