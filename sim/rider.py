"""A virtual rider: a person on a bike pacing a runner, for closed-loop tests of the cues.

The open-loop bench asks how well pacer *measures*; this model asks how well a
runner is *paced* when a human reads pacer's screen and hears its cues, against
the same human pacing by feel or from a watch-like GPS pace display. The bike's
position is what the GNSS receiver sees; the runner is right behind it, so the
bike's true along-route distance is the runner's.

State and dynamics (stepped every ``dt_s``; true distance d and speed v):

    v_cmd = u * feel(t) * (1 - bend(d, v)) * (1 - wind(t, d))
    v    += clip((v_cmd - v) * dt / lag_tau_s, +-accel_max_mps2 * dt)

``u`` is the speed the rider *means* to ride (in their own sense of speed). The
strategies differ only in how ``u`` is corrected; everything that pushes the
bike off ``u`` acts the same way, with the same random draws per seed, in all
of them. The parameters (``RiderParams``) and why they have these values:

- ``dt_s`` 0.1 s: ten times finer than the 1 Hz fixes and than any human
  reaction, so the dynamics' discretisation is invisible in the results.
- ``accel_max_mps2`` 0.4: a runner a metre behind a bike cannot follow a harder
  surge without breaking stride, and a pacer knows it. The limit binds only on
  big changes (a 3 % change at mile pace is 0.17 m/s); the runs start on the
  move at plan speed (a flying start), so every strategy starts equal and a
  standing start's loss is not in the figures.
- ``lag_tau_s`` 2 s: legs and gears answer a decision to go faster over a
  couple of seconds, not at once.
- ``bias_sigma`` 1.5 % and ``drift_sigma`` 2 % / ``drift_tau_s`` 180 s: a good
  pacer's sense of "target speed" is off by a per-run bias and wanders as an
  Ornstein-Uhlenbeck process (a random walk pulled gently back, so a few % over
  minutes without growing forever). Together about 2.5 % rms, i.e. 1-3 s per
  70 s lap: an assumption about a decent pacer, not a measurement. The bench's
  "feel-good" case halves both, to show how the comparison scales with it.
- ``bend_gain_s2_per_m`` 0.06 (fractional slowdown per m/s^2 of lateral
  acceleration v^2/R, at most ``bend_max`` 15 %): riders ease off in bends even
  when grip would allow more; 5 % in a 40 m junction turn at 5.7 m/s. The route's
  curvature is averaged over the road from ``bend_behind_m`` 4 m behind to
  ``bend_ahead_m`` 8 m ahead of the rider, who eases before the bend and picks
  up after it.
- Wind: a mean wind up to ``wind_max_mps`` 3 m/s (uniform) from a random
  direction, a slow swell of +-30 % (period 2-6 min) and gusts (OU,
  ``gust_sigma_mps`` 1 m/s, ``gust_tau_s`` 15 s); the bike slows by
  ``wind_gain_per_mps`` 0.7 % per m/s of headwind component (and speeds up with
  a tailwind): at constant effort the speed a rider perceives as "the same"
  shifts with the wind, by up to about 2 %.
- ``reaction_s`` 0.5-1.5 s (uniform) between a cue sounding, or a glance, and
  the change of ``u``; receiver and display latency are folded in here.
- ``glance_s`` 3-8 s (uniform) between glances at the screen: a rider mostly
  watches the road, the runner and the traffic.
- ``misread_ignore`` 2.5 % of glances lead to nothing, ``misread_flip`` 2.5 %
  are acted on with the wrong sign (5 % misreads in all); ``cue_miss`` 5 % of
  sounded cues are not heard (wind, traffic).
- ``cue_step`` 1.5 %: what a rider does on FASTER / SLOWER: a small, definite
  change of speed (a gear's feel), no more, because the cue gives no amount.
  ON PACE: hold.
- ``gain`` 0.5, ``deadband`` 0.5 %, ``max_correction`` 4 %: a glance turns a
  relative speed error r into ``u *= 1 + clip(gain * r)``, ignoring |r| under
  the deadband (about the 1 s/km resolution of a pace display), never more than
  4 % at a time. Half-way corrections are what a careful rider makes when the
  number they read is itself noisy; as ``u`` keeps each correction, the loop
  integrates (a PI-like human: P on the speed error, I through ``u``).
- ``watch_window_s`` 5 s: the naive display is a typical watch's "current pace":
  the sum of the raw fix-to-fix distances over the last 5 s, over 5 s. At 1 Hz
  that reads 1-2 % fast on a road (noise across the track only ever adds
  length), and a rider who trusts it rides 1-2 % slow.
- ``catch_up_s`` 30 s: when pacer shows no "need" pace (the next mark's time
  has passed, or the finish is seconds away), the rider aims to close the gap
  shown over about half a minute instead.

What the rider does with each strategy:

- ``feel``: no device; holds ``u`` = the plan's speed, so bias, drift, bends and
  wind act unopposed.
- ``watch``: glances at the 5 s pace and corrects toward the goal pace.
- ``pacer``: hears FASTER / SLOWER (steps ``u`` by ``cue_step``) and ON PACE
  (holds); glances at the screen and corrects the *current* pace toward the
  *need* pace it shows (the pace that is back on schedule at the next mark, so
  the ahead/behind number is acted on through it). Pace figures are read as
  the screen shows them: whole seconds per mile (mile plans) or per km.
- ``cues``: pacer's buzzer only, eyes on the road (no glances): a test of the
  cue policy by itself.

Randomness: per seed, the sense of speed, the wind and the GNSS errors come
from their own streams (``make_world``) and are shared by every strategy; the
rider's glance times, reactions and misreads come from one more stream, which
each strategy consumes in its own way.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from pacer.coach import tolerance_s
from pacer.config import Config, parse_config
from pacer.events import Fix, FixMode
from pacer.geo import LocalPlane
from pacer.units import MILE_M
from sim.gnss import ErrorSeries, GnssErrorModel, draw_errors
from sim.routes import Route, build_route, course_at, with_length
from sim.rider_strategies import Controller, make_controller
from sim.scenarios import SCENARIOS

Strategy = Literal["feel", "watch", "pacer", "cues"]
STRATEGIES: tuple[Strategy, ...] = ("feel", "watch", "pacer", "cues")
START_UNIX_S = 1_777_618_800.0  # 2026-05-01 07:00 UTC, as the generated tracks


@dataclass(frozen=True)
class RiderParams:
    """The rider model's parameters; see the module docstring for each value's reason."""

    dt_s: float = 0.1
    accel_max_mps2: float = 0.4
    lag_tau_s: float = 2.0
    bias_sigma: float = 0.015
    drift_sigma: float = 0.02
    drift_tau_s: float = 180.0
    bend_gain_s2_per_m: float = 0.06
    bend_max: float = 0.15
    bend_ahead_m: int = 8
    bend_behind_m: int = 4
    wind_max_mps: float = 3.0
    gust_sigma_mps: float = 1.0
    gust_tau_s: float = 15.0
    wind_gain_per_mps: float = 0.007
    reaction_s: tuple[float, float] = (0.5, 1.5)
    glance_s: tuple[float, float] = (3.0, 8.0)
    misread_ignore: float = 0.025
    misread_flip: float = 0.025
    cue_miss: float = 0.05
    cue_step: float = 0.015
    gain: float = 0.5
    deadband: float = 0.005
    max_correction: float = 0.04
    watch_window_s: float = 5.0
    catch_up_s: float = 30.0

    @classmethod
    def perfect(cls) -> RiderParams:
        """A rider with a perfect sense of speed on a windless, straight-feeling road."""
        return cls(bias_sigma=0.0, drift_sigma=0.0, bend_gain_s2_per_m=0.0, wind_max_mps=0.0, gust_sigma_mps=0.0)


@dataclass(frozen=True, eq=False)
class Course:
    """Where and to what plan the rider paces: a scenario's route and plan.

    Route properties are tabulated on a 1 m grid (index = int(distance)), so the
    inner loop does a list lookup, not an interpolation.
    """

    name: str
    config: Config
    route: Route
    plane: LocalPlane
    curvature: list[float]  # 1/m per metre of route, averaged over the rider's look-ahead window
    course_rad: np.ndarray  # direction of travel per metre of route, clockwise from north
    pace_unit_m: float  # the screen's pace unit: a mile or a km
    vertices: tuple[list[float], list[float], list[float]]  # the route's dist, east, north as lists

    def at(self, d_m: float) -> tuple[float, float, float]:
        """East, north (m) and course (rad) of the route at a distance: `position_at`
        for one scalar, without numpy's per-call overhead (it runs once per fix)."""
        dist, east, north = self.vertices
        i = min(max(bisect.bisect_right(dist, d_m) - 1, 0), len(dist) - 2)
        f = (d_m - dist[i]) / (dist[i + 1] - dist[i])
        de, dn = east[i + 1] - east[i], north[i + 1] - north[i]
        return east[i] + f * de, north[i] + f * dn, math.atan2(de, dn)

    @classmethod
    def from_scenario(cls, scenario: str, coach: dict[str, float] | None = None,
                      params: RiderParams = RiderParams()) -> Course:
        """The scenario's route and plan; `coach` adds a [coach] section (seconds)."""
        sc = SCENARIOS[scenario]
        if getattr(sc, "route_from_m", 0.0) or getattr(sc, "bike_offset_m", 0.0):
            raise ValueError(f"{scenario}: the virtual rider rides road scenarios only (no track offsets yet)")
        text = sc.plan.toml()
        if coach:
            text += "[coach]\n" + "".join(f"{key} = {value}\n" for key, value in coach.items())
        config = parse_config(text, f"<{scenario}>")
        legs = with_length(sc.route(np.random.default_rng(0)), config.plan.distance_m + 200.0)
        route = build_route(legs, sc.heading_deg)
        grid = np.arange(0.0, route.length_m, 1.0)
        course = np.unwrap(np.radians(course_at(route, grid)))
        kappa = np.abs(np.gradient(course, grid))
        window = np.ones(params.bend_behind_m + params.bend_ahead_m + 1)
        padded = np.pad(kappa, (params.bend_behind_m, params.bend_ahead_m), mode="edge")
        smooth = np.convolve(padded, window / window.sum(), mode="valid")  # mean over [d - behind, d + ahead]
        unit = MILE_M if config.display.pace_unit == "mi" else 1000.0
        vertices = (route.dist_m.tolist(), route.east_m.tolist(), route.north_m.tolist())
        return cls(scenario, config, route, LocalPlane(*sc.origin_deg), smooth.tolist(), course, unit, vertices)


@dataclass(frozen=True, eq=False)
class World:
    """Everything random about one seed that is the same for every strategy:
    the rider's sense of speed, the wind on each metre of road, the GNSS errors."""

    feel: list[float]  # speed factor per whole second
    wind_mps: list[float]  # wind speed per whole second
    headwind_unit: list[float]  # cos(course - wind direction) per metre of route
    errors: dict[int, tuple[list[float], ...]]  # per fix rate (Hz): see `error_lists`
    seed: int
    eph_m: float  # what the receiver reports as its 95 % horizontal error


def error_lists(err: ErrorSeries) -> tuple[list[float], ...]:
    """East, north, velocity east, velocity north errors and `kept`, as plain lists:
    indexing numpy arrays once per fix would cost more than the session's step."""
    return (err.east_m.tolist(), err.north_m.tolist(), err.vel_east_mps.tolist(), err.vel_north_mps.tolist(),
            err.kept.tolist())


def ou_series(rng: np.random.Generator, n: int, sigma: float, tau_s: float) -> np.ndarray:
    """An Ornstein-Uhlenbeck series at 1 s steps from its stationary law (sigma 0 gives zeros)."""
    phi = math.exp(-1.0 / tau_s)
    z = rng.standard_normal(n)
    out = np.empty(n)
    x = sigma * z[0]
    out[0] = x
    k = sigma * math.sqrt(1 - phi * phi)
    for i in range(1, n):
        x = phi * x + k * z[i]
        out[i] = x
    return out


def make_world(course: Course, seed: int, params: RiderParams, rates_hz: tuple[int, ...] = (1,),
               model: GnssErrorModel = GnssErrorModel()) -> World:
    """Draw one seed's world, each part from its own stream so that changing one
    parameter (or adding a fix rate) leaves the other draws unchanged."""
    n = int(course.config.plan.goal_s * 1.5) + 60
    feel_rng, wind_rng, *gnss_rngs = (np.random.default_rng([seed, k]) for k in range(2 + len(rates_hz)))
    feel = 1.0 + feel_rng.normal(0.0, 1.0) * params.bias_sigma + ou_series(feel_rng, n, params.drift_sigma,
                                                                          params.drift_tau_s)
    mean = wind_rng.uniform(0.0, params.wind_max_mps)
    from_rad = wind_rng.uniform(0.0, 2 * math.pi)
    period, phase = wind_rng.uniform(120.0, 360.0), wind_rng.uniform(0.0, 2 * math.pi)
    t = np.arange(n)
    wind = mean * (1 + 0.3 * np.sin(2 * math.pi * t / period + phase)) + ou_series(
        wind_rng, n, params.gust_sigma_mps, params.gust_tau_s)
    headwind = np.cos(course.course_rad - from_rad)
    errors = {r: error_lists(draw_errors(np.arange(n * r) / r, model, g)) for r, g in zip(rates_hz, gnss_rngs)}
    return World(feel.tolist(), np.maximum(wind, 0.0).tolist(), headwind.tolist(), errors, seed, round(model.eph_m, 2))


@dataclass
class RideResult:
    """One ride against the truth. Errors are true elapsed minus planned (+ = late)."""

    strategy: str
    seed: int
    rate_hz: int
    finish_error_s: float
    mark_errors_s: list[float]  # at every plan mark, the finish last
    lap_errors_s: list[float]  # each split's time minus its planned time
    cues: int = 0  # advice cues sounded (FASTER, SLOWER, ON PACE, reminders included)
    cues_on_schedule: int = 0  # ... of them while truly within the coach's tolerance
    on_schedule_s: float = 0.0  # time truly within the tolerance
    duration_s: float = 0.0
    fixes: int = 0
    estimate_error_s: float | None = None  # pacer's distance error at the last fix before the finish, in
    # seconds at plan speed: + = pacer thinks the runner is further on, so shows them ahead, so they finish late


def make_fix(course: Course, world: World, rate_hz: int, k: int, t_s: float, d_m: float, v_mps: float) -> Fix | None:
    """The receiver's k-th fix at this rate: true position plus the seed's errors."""
    east_err, north_err, ve_err, vn_err, kept = world.errors[rate_hz]
    if k >= len(kept) or not kept[k]:
        return None
    e0, n0, c = course.at(d_m)
    lat, lon = course.plane.to_latlon(e0 + east_err[k], n0 + north_err[k])
    ve = v_mps * math.sin(c) + ve_err[k]
    vn = v_mps * math.cos(c) + vn_err[k]
    return Fix(t_s=START_UNIX_S + t_s, lat_deg=round(lat, 7), lon_deg=round(lon, 7),
               speed_mps=round(math.hypot(ve, vn), 3), track_deg=round(math.degrees(math.atan2(ve, vn)) % 360.0, 1),
               mode=FixMode.THREE_D, eph_m=world.eph_m)


def ride(course: Course, world: World, strategy: Strategy, params: RiderParams = RiderParams(),
         rate_hz: int = 1, trace: list[tuple[float, float, float]] | None = None) -> RideResult:
    """Ride the course once with a strategy; stop when the runner crosses the finish.

    The run starts on the move (flying start) at the plan's speed: the first fix
    and the session's start are at distance 0, time 0. `trace`, when given, gets
    the true (t_s, dist_m, speed_mps) at every whole second (bench.grade's effort).
    """
    plan = course.config.plan
    ctl = make_controller(strategy, params, world.seed, course)
    p, dt = params, params.dt_s
    every = round(1.0 / (rate_hz * dt))
    marks, crossed = list(plan.marks_m), []
    u = plan.target_speed_mps(0.0)
    v, d, t, step, n_fix = u, 0.0, 0.0, 0, 0
    on_sched_s, fix_dt, tol = 0.0, 1.0 / rate_hz, tolerance_s(plan, course.config.coach)
    curv, hw, feel, wind = course.curvature, world.headwind_unit, world.feel, world.wind_mps
    limit_s = len(feel) - 2
    while marks and t < limit_s:
        if step % every == 0:
            delta = t - plan.target_elapsed_s(d)
            on_sched_s += fix_dt if abs(delta) <= tol else 0.0
            fix = make_fix(course, world, rate_hz, step // every, t, d, v) if ctl.uses_fixes else None
            if fix is not None:
                n_fix += 1
                ctl.on_fix(fix, t, d, delta)
        if t >= ctl.next_glance_s:
            ctl.glance(t)
        while ctl.actions and ctl.actions[0].t_s <= t:
            u *= ctl.actions.pop(0).factor
        i, j = int(d), int(t)
        bend = min(p.bend_gain_s2_per_m * v * v * curv[i], p.bend_max)
        v_cmd = u * feel[j] * (1.0 - bend) * (1.0 - p.wind_gain_per_mps * wind[j] * hw[i])
        dv = min(max((v_cmd - v) * dt / p.lag_tau_s, -p.accel_max_mps2 * dt), p.accel_max_mps2 * dt)
        d0, v0 = d, v
        v += dv
        d += 0.5 * (v0 + v) * dt
        step += 1
        t = step * dt
        if trace is not None and step % round(1.0 / dt) == 0:
            trace.append((t, d, v))
        while marks and d >= marks[0]:
            crossed.append(t - dt + (marks[0] - d0) / (d - d0) * dt)
            marks.pop(0)
    return _result(course, strategy, world.seed, rate_hz, crossed, ctl, on_sched_s, t, n_fix)


def _result(course: Course, strategy: str, seed: int, rate_hz: int, crossed: list[float], ctl: Controller,
            on_sched_s: float, t_s: float, n_fix: int) -> RideResult:
    plan = course.config.plan
    if len(crossed) < len(plan.marks_m):
        raise RuntimeError(f"{course.name} {strategy} seed {seed}: did not finish in {t_s:.0f} s")
    targets = [plan.target_elapsed_s(m) for m in plan.marks_m]
    marks = [c - g for c, g in zip(crossed, targets)]
    laps = [b - a for a, b in zip([0.0, *marks[:-1]], marks)]
    return RideResult(
        strategy=strategy, seed=seed, rate_hz=rate_hz, finish_error_s=marks[-1], mark_errors_s=marks,
        lap_errors_s=laps, cues=getattr(ctl, "cues", 0), cues_on_schedule=getattr(ctl, "cues_on_schedule", 0),
        on_schedule_s=on_sched_s, duration_s=crossed[-1], fixes=n_fix,
        estimate_error_s=getattr(ctl, "estimate_error_s", None),
    )
