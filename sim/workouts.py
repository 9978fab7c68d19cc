"""Generated workouts with a known truth: a runner who stands in rests, starts at GO, floats.

A workout scenario is a plan file's text and a runner script. The script walks
the plan's steps on the 20 Hz truth grid as a runner would: jog the warm-up
and line up, start when the rider presses LAP (the press is recorded), run
each rep at the rep's pace from a standing start, stand through a counted rest
and go at its end (a few tenths late, as people react), float a distance rest
at its pace, and jog the cool-down until the rider presses STOP. The script's
speed over time is then the profile of an ordinary `sim.scenarios.Scenario`,
so the route, the bike's lane and the GNSS errors are made by `make_run`
exactly as for a time trial.

The truth of a rep as the device times it: from its start (GO, LAP, or the end
of a float, at the device's own time t0) until the runner has covered the
rep's distance from where they were at t0 (`rep_truth`). A time block's truth
is the distance covered between t0 and t0 + its time.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from pacer.config import parse_config
from pacer.oval import LANE1_RADIUS_M, lane_centre_radius_m
from pacer.units import MILE_M
from pacer.workout import Step
from sim.generate import GeneratedRun, make_run
from sim.profiles import FINE_DT_S, SpeedTruth, smoothstep
from sim.routes import Hills
from sim.scenarios import (
    MILE_ROAD,
    ROAD_5K,
    TRACK_FINISH_DEG,
    TRACK_HEADING_DEG,
    TRACK_LAP,
    TRACK_LAP_M,
    PlanSpec,
    Scenario,
    fixed,
)

JOG_MPS = 3.0
STAND_S = 5.0  # the runner stands this long at the first point before moving
RAMP_S = 4.0  # from standing to rep pace (as sim.profiles.START_RAMP_S)
EASE_S = 3.0  # from rep pace to a stand or a float
REACTION_S = (0.1, 0.4)  # a runner goes this long after GO (uniform)
LINE_UP_S = 15.0  # after the warm-up, standing on the line before the LAP
SPRINT_MPS = 7.0
COOL_DOWN_S = 60.0


@dataclass
class Script:
    """The runner's truth on the fine grid, and what the rider pressed."""

    speed_mps: list[float] = field(default_factory=lambda: [0.0])
    dist_m: list[float] = field(default_factory=lambda: [0.0])
    presses: list[tuple[float, str]] = field(default_factory=list)  # (s from the first point, button)
    reps: list[dict[str, Any]] = field(default_factory=list)  # each rep as the runner ran it

    @property
    def t_s(self) -> float:
        return (len(self.speed_mps) - 1) * FINE_DT_S

    def run(self, level_mps: float, ramp_s: float, until: Callable[["Script", float, float], bool]) -> None:
        """Move from the current speed to `level_mps` over `ramp_s` (smoothly), holding it
        until `until(script, t0, d0)` is true, with t0, d0 where this leg began."""
        t0, d0, v0 = self.t_s, self.dist_m[-1], self.speed_mps[-1]
        while not until(self, t0, d0):
            x = (self.t_s + FINE_DT_S - t0) / ramp_s if ramp_s > 0 else 1.0
            v = v0 + (level_mps - v0) * float(smoothstep(np.asarray(x)))
            self.dist_m.append(self.dist_m[-1] + 0.5 * (v + self.speed_mps[-1]) * FINE_DT_S)
            self.speed_mps.append(v)

    def for_s(self, level_mps: float, ramp_s: float, seconds: float) -> None:
        end = self.t_s + seconds
        self.run(level_mps, ramp_s, lambda s, t0, d0: s.t_s >= end - 1e-9)

    def for_m(self, level_mps: float, ramp_s: float, metres: float) -> None:
        self.run(level_mps, ramp_s, lambda s, t0, d0: s.dist_m[-1] - d0 >= metres)

    def press(self, button: str) -> None:
        self.presses.append((round(self.t_s, 2), button))


def rep_speed_mps(step: Step, rng: np.random.Generator, standing: bool) -> float:
    """The runner's speed for a rep: its pace, less the half ramp of a standing start,
    off by a small random bias (a runner paced by a bike is close, never exact)."""
    bias = 1.0 + rng.normal(0.0, 0.01)
    if step.pace_s_per_m is None:
        return SPRINT_MPS * bias
    if step.distance_m is not None and step.target_s is not None and standing:
        return step.distance_m / (step.target_s - RAMP_S / 2) * bias
    return bias / step.pace_s_per_m


def script_for(steps: tuple[Step, ...], rng: np.random.Generator) -> Script:
    """Walk the workout's steps as a runner does (see the module docstring)."""
    s = Script()
    s.for_s(0.0, 0.0, STAND_S)
    standing = True
    last_rep_s = 0.0
    for k, step in enumerate(steps):
        nxt = steps[k + 1] if k + 1 < len(steps) else None
        if step.kind == "free":
            if step.free_until == "stop":
                s.for_s(JOG_MPS, RAMP_S, COOL_DOWN_S)
                s.press("stop")
                s.for_s(0.0, EASE_S, EASE_S + 2.0)
            elif step.free_until == "lap":
                s.for_m(JOG_MPS, RAMP_S, 600.0)
                s.for_s(0.0, EASE_S, LINE_UP_S)
                s.press("lap")
                standing = True
            elif step.distance_m is not None:
                s.for_m(JOG_MPS, RAMP_S, step.distance_m)
                standing = False
            else:
                s.for_s(JOG_MPS, RAMP_S, step.duration_s or 0.0)
                standing = False
            continue
        if step.kind == "rep":
            v = rep_speed_mps(step, rng, standing)
            ramp = RAMP_S if standing else EASE_S
            t_start, d_start = s.t_s, s.dist_m[-1]
            if step.distance_m is not None:
                s.for_m(v, ramp, step.distance_m)
            else:
                s.for_s(v, ramp, step.duration_s or 0.0)
            last_rep_s = s.t_s - t_start
            s.reps.append({
                "block": step.block, "index": step.index, "start_s": round(t_start, 3),
                "elapsed_s": round(last_rep_s, 3), "distance_m": round(s.dist_m[-1] - d_start, 3),
            })
            after_rest = nxt is not None and nxt.kind == "rest"
            if nxt is None or (not after_rest and nxt.kind != "rep"):
                standing = False
            elif after_rest and nxt.counted:
                standing = True
            elif nxt.kind == "rep":
                standing = False
            continue
        # a rest
        if step.counted:
            rest_s = step.duration_s if step.duration_s is not None else last_rep_s
            s.for_s(0.0, EASE_S, rest_s + float(rng.uniform(*REACTION_S)))
            standing = True
        else:
            level = 1.0 / step.pace_s_per_m if step.pace_s_per_m else JOG_MPS
            s.for_m(level, EASE_S, step.distance_m or 0.0)
            standing = False
    if not s.presses or s.presses[-1][1] != "stop":
        s.for_s(JOG_MPS * 0.5, EASE_S, 10.0)
    return s


@dataclass(frozen=True)
class WorkoutScenario:
    """A bundled workout: the plan file's text, where it is run, and at what rate and seed."""

    name: str
    plan_stem: str
    plan_toml: str
    track: bool
    lane: int = 1
    route_from_m: float = 0.0  # on a track: where on lane 1 the runner stands at the first point
    rate_hz: int = 1
    seed: int = 0

    def steps(self) -> tuple[Step, ...]:
        config = parse_config(self.plan_toml, f"{self.plan_stem}.toml")
        assert config.workout is not None
        return config.workout.steps()


def route_toml(lane: int) -> str:
    return (
        "\n[route]\n"
        'mode = "track"\n'
        f"lane = {lane}\n"
        f"finish = [{TRACK_FINISH_DEG[0]}, {TRACK_FINISH_DEG[1]}]\n"
        f"heading = {TRACK_HEADING_DEG}\n"
    )


def make_workout_run(ws: WorkoutScenario) -> tuple[GeneratedRun, Script]:
    """The run (fixes and fine truth, by `make_run`) and the runner's script (presses)."""
    script = script_for(ws.steps(), np.random.default_rng([ws.seed, 0]))  # make_run's runner stream
    t = np.arange(len(script.speed_mps)) * FINE_DT_S
    v = np.asarray(script.speed_mps)

    def profile(rng: np.random.Generator) -> Callable[[np.ndarray], np.ndarray]:
        return lambda tt: np.interp(tt, t, v, right=v[-1])

    total_m = script.dist_m[-1] - 0.5  # integrate_run stops here, then eases down past it
    spec = PlanSpec(ws.plan_stem, ws.name, f"{total_m:.3f} m", "1:00", "1 km", "km")
    if ws.track:
        laps = math.ceil((ws.route_from_m + total_m + 500.0) / TRACK_LAP_M)
        scenario = Scenario(
            ws.name, spec, TRACK_FINISH_DEG, TRACK_HEADING_DEG, fixed(TRACK_LAP * laps), Hills(728.0, ()),
            profile, route_from_m=ws.route_from_m,
            bike_offset_m=lane_centre_radius_m(ws.lane) - LANE1_RADIUS_M, lap_m=TRACK_LAP_M,
        )
    else:
        legs = (ROAD_5K + MILE_ROAD) * max(1, math.ceil((total_m + 500.0) / 7000.0))
        scenario = Scenario(ws.name, spec, (51.9607, 7.6261), 75.0, fixed(legs), Hills(35.0, ((4.0, 1800.0, 0.3),)), profile)
    return make_run(scenario, ws.rate_hz, ws.seed), script


def rep_truth(fine: SpeedTruth, start_s: float, distance_m: float | None = None,
              duration_s: float | None = None) -> float:
    """A rep's truth from its start at `start_s` (s after the first sample): the time
    to cover `distance_m` from there, or the distance covered in `duration_s`."""
    d0 = float(fine.dist_at(start_s))
    if distance_m is not None:
        return float(fine.elapsed_at(d0 + distance_m)) - start_s
    assert duration_s is not None
    return float(fine.dist_at(start_s + duration_s)) - d0


def truth_doc(ws: WorkoutScenario, run: GeneratedRun, script: Script) -> dict[str, Any]:
    """The truth file: the runner's own steps are implied by the samples; the presses
    are what `pacer sim --press` replays; samples every second as for other tracks."""
    first_s = run.fixes[0].t_s - run.start_utc.timestamp()
    whole_s = np.arange(0, int(run.fine.t_s[-1]) + 1)
    return {
        "name": track_file(ws),
        "rate_hz": ws.rate_hz,
        "seed": ws.seed,
        "plan": f"{ws.plan_stem}.toml",
        "presses": [f"{t - first_s:.2f}:{b}" for t, b in script.presses],
        "reps": [{**r, "start_s": round(r["start_s"] - first_s, 3)} for r in script.reps],
        "points": len(run.fixes),
        "truth": "a rep's truth is the time, from the device's start of the rep, to cover its distance "
                 "from where the runner was then (sim.workouts.rep_truth); regenerate the run for the 20 Hz truth",
        "samples": [[round(float(t) - first_s, 3), round(float(d), 3)] for t, d in zip(whole_s, run.fine.dist_at(whole_s))],
    }


def track_file(ws: WorkoutScenario) -> str:
    return f"{ws.name}_{ws.rate_hz}hz"


_400S = """\
# Written by `python -m sim.generate` from sim/workouts.py: edit there and regenerate.
[plan]
name = "5 x 400 m on the track"

[[workout]]
free = "until lap"        # jog, line up, LAP to start

[[workout]]
repeat = 5
distance = "400 m"
goal = "1:10"
progression = "-0.5 s"
rest = "2:00"

[[workout]]
free = "until stop"
"""

_FLOATS = """\
# Written by `python -m sim.generate` from sim/workouts.py: edit there and regenerate.
[plan]
name = "8 x 200 m / 200 m float, then 10:00 at threshold"

[[workout]]
free = "until lap"

[[workout]]
repeat = 8
distance = "200 m"
goal = "0:32"
rest = "200 m"
rest_pace = "6:00/mi"

[[workout]]
free = "until lap"

[[workout]]
time = "10:00"
pace = "5:45/mi"
split_every = "400 m"

[[workout]]
free = "until stop"
"""

_ROAD = """\
# Written by `python -m sim.generate` from sim/workouts.py: edit there and regenerate.
[plan]
name = "Road: 3 x 1200 m with working rest, hill sprints"

[[workout]]
free = "1 km"             # the warm-up runs straight into the first rep

[[workout]]
repeat = 3
distance = "1200 m"
pace = "5:20/mi"
rest = "equal"

[[workout]]
free = "until lap"

[[workout]]
repeat = 6
time = "0:15"
rest = "1:30"

[[workout]]
free = "until stop"
"""

WORKOUTS: dict[str, WorkoutScenario] = {
    "track_workout_400s_lane3": WorkoutScenario(
        "track_workout_400s_lane3", "workout_400s_track_lane3", _400S + route_toml(3), True, 3, 150.0, 1, 400),
    "track_workout_floats_lane2": WorkoutScenario(
        "track_workout_floats_lane2", "workout_floats_track_lane2", _FLOATS + route_toml(2), True, 2, 320.0, 1, 200),
    "road_workout_1200s": WorkoutScenario("road_workout_1200s", "workout_1200s_road", _ROAD, False, 1, 0.0, 1, 1200),
}


def write_bundled_workouts(out_dir: Path) -> list[Path]:
    """Every bundled workout: its GPX, its truth and its plan."""
    from sim.generate import write_gpx

    tracks, plans = out_dir / "tracks", out_dir / "plans"
    tracks.mkdir(parents=True, exist_ok=True)
    plans.mkdir(parents=True, exist_ok=True)
    written = []
    for ws in WORKOUTS.values():
        run, script = make_workout_run(ws)
        gpx, truth, plan = tracks / f"{track_file(ws)}.gpx", tracks / f"{track_file(ws)}.truth.json", plans / f"{ws.plan_stem}.toml"
        write_gpx(run, gpx)
        doc = truth_doc(ws, run, script)
        samples = doc.pop("samples")
        head = json.dumps(doc, indent=2)[:-2]
        rows = ",\n".join(f"    {json.dumps(row)}" for row in samples)
        truth.write_text(f'{head},\n  "samples": [\n{rows}\n  ]\n}}\n', encoding="utf-8")
        plan.write_text(ws.plan_toml, encoding="utf-8")
        written += [gpx, truth, plan]
    return written


__all__ = ["WORKOUTS", "WorkoutScenario", "make_workout_run", "rep_truth", "write_bundled_workouts", "MILE_M"]
