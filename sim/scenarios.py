"""The runs the simulator knows how to generate: route, terrain, runner, plan, GNSS.

A scenario is a recipe, not a run: `sim.generate.make_run` turns it into one
for a rate and a seed. The bundled tracks (sim/tracks/) and the plans they are
paired with (sim/plans/) are all written from the table at the bottom, so this
file is the one place to change them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from pacer.units import parse_distance_m, parse_duration_s
from sim.gnss import GnssErrorModel
from sim.profiles import START_RAMP_S, Fartlek, SpeedFn, Steady, random_drift
from pacer.plan import split_marks_m
from pacer.oval import LANE1_RADIUS_M, STRAIGHT_M, lane_centre_radius_m
from sim.routes import Arc, Hills, Leg, Straight, build_route, out_and_back, random_city, random_road


@dataclass(frozen=True)
class PlanSpec:
    """A plan file's content, in the keys the config loader reads."""

    file_stem: str
    name: str
    distance: str
    goal: str
    split_every: str
    pace_unit: str
    route_toml: str = ""  # a [route] table, for a track or a course
    plan_toml: str = ""  # more [plan] keys (grade)

    @property
    def distance_m(self) -> float:
        return parse_distance_m(self.distance)

    def marks_m(self) -> tuple[float, ...]:
        """The plan's split marks, by the core's own rule (pacer.plan.split_marks_m)."""
        return split_marks_m(self.distance_m, parse_distance_m(self.split_every))

    def toml(self) -> str:
        return (
            "# Written by `python -m sim.generate` from sim/scenarios.py: edit there and regenerate.\n"
            "[plan]\n"
            f'name = "{self.name}"\n'
            f'distance = "{self.distance}"\n'
            f'goal = "{self.goal}"\n'
            f'split_every = "{self.split_every}"\n'
            f"{self.plan_toml}"
            "[display]\n"
            f'pace_unit = "{self.pace_unit}"\n'
            f"{self.route_toml}"
        )


@dataclass(frozen=True)
class Scenario:
    """Everything needed to generate a run, except the rate and the seed.

    `route` and `profile` take the run's truth generator, so a seed can vary the
    runner (and a random road) while the recipe stays fixed. GNSS outages and
    multipath are placed by distance, where a course has its trees and
    buildings: (centre_dist_m, duration_s) and (centre_dist_m, duration_s, sigma_m).
    """

    name: str
    plan: PlanSpec
    origin_deg: tuple[float, float]
    heading_deg: float
    route: Callable[[np.random.Generator], tuple[Leg, ...]]
    hills: Hills
    profile: Callable[[np.random.Generator], SpeedFn]
    model: GnssErrorModel = field(default_factory=GnssErrorModel)
    dropouts_at_m: tuple[tuple[float, float], ...] = ()
    multipath_at_m: tuple[tuple[float, float, float], ...] = ()
    route_from_m: float = 0.0  # the run starts this far along the route (a track's route starts at the finish)
    bike_offset_m: float = 0.0  # the bike rides this far to the right of the runner (out in its lane)
    lap_m: float = 0.0  # a track's lap along the route: the finish line is crossed every lap_m


def goal_paced(distance_m: float, goal_s: float, drift_frac: float, bias_sigma: float = 0.003) -> Callable[
    [np.random.Generator], SpeedFn
]:
    """A runner aiming at a goal time: the even speed that makes the goal after
    the standing start, off by a small random bias, wandering by ±drift_frac."""

    def make(rng: np.random.Generator) -> SpeedFn:
        speed_mps = distance_m / (goal_s - START_RAMP_S / 2) * (1 + rng.normal(0.0, bias_sigma))
        return Steady(float(speed_mps), random_drift(rng, drift_frac))

    return make


def fartlek(fast_pace_s_per_km: float, slow_pace_s_per_km: float) -> Callable[[np.random.Generator], SpeedFn]:
    def make(rng: np.random.Generator) -> SpeedFn:
        return Fartlek(1000 / fast_pace_s_per_km, 1000 / slow_pace_s_per_km, drift=random_drift(rng, 0.01))

    return make


def fixed(legs: tuple[Leg, ...]) -> Callable[[np.random.Generator], tuple[Leg, ...]]:
    return lambda rng: legs


MILE_ROAD: tuple[Leg, ...] = (
    Straight(500), Arc(200, -30), Straight(400), Arc(40, 90), Straight(250), Arc(100, -20), Straight(400),
)
"""A road mile: a long straight, a gentle bend, a right turn at a junction, a last drift left."""

ROAD_5K: tuple[Leg, ...] = (
    Straight(420), Arc(150, -25), Straight(600), Arc(25, 90), Straight(350), Arc(200, 20), Straight(704),
    Arc(60, -100),  # 2248-2353 m: the curve where the outage track loses GNSS
    Straight(500), Arc(30, 90), Straight(600), Arc(120, -35), Straight(700), Arc(80, 45), Straight(800),
)
"""A road 5k: junction turns of 25-30 m radius, bends of 60-200 m."""

PLANS = {
    "mile_4_40": PlanSpec("mile_4_40", "Mile PR", "1 mi", "4:40", "400 m", "mi"),
    "5k_20_00": PlanSpec("5k_20_00", "5k in 20:00", "5 km", "20:00", "1 km", "km"),
    "5k_fartlek": PlanSpec("5k_fartlek", "5k fartlek", "5 km", "20:30", "1 km", "km"),
    "2k_8_00": PlanSpec("2k_8_00", "2 km in 8:00", "2 km", "8:00", "400 m", "km"),
    "marathon_3_00": PlanSpec("marathon_3_00", "Marathon in 3:00", "42.195 km", "3:00:00", "5 km", "km"),
}

PLANS["5k_hills_course"] = PlanSpec(
    "5k_hills_course", "Hilly 5k in 20:00", "5 km", "20:00", "1 km", "km",
    route_toml='[route]\nmode = "course"\ncourse = "../tracks/road_5k_hills_1hz.course.gpx"\n',
    plan_toml='grade = "minetti"\n',
)

_ROLLING = Hills(35.0, ((4.0, 1800.0, 0.3), (1.5, 650.0, 2.0)))
HILLY = Hills(60.0, ((8.0, 1700.0, 0.0), (2.0, 600.0, 1.0)))
"""Rolling hills (issue 12): grades up to about 5 %, some 50 m of climb in a 5k."""
_5K = PLANS["5k_20_00"]

SCENARIOS: dict[str, Scenario] = {
    "mile_road": Scenario(
        "mile_road", PLANS["mile_4_40"], (40.7812, -73.9665), 20.0, fixed(MILE_ROAD),
        Hills(12.0, ((2.5, 1400.0, 1.0),)),
        goal_paced(PLANS["mile_4_40"].distance_m, parse_duration_s("4:40"), 0.012),
    ),
    "road_5k_steady": Scenario(
        "road_5k_steady", _5K, (51.9607, 7.6261), 75.0, fixed(ROAD_5K), _ROLLING,
        goal_paced(_5K.distance_m, parse_duration_s("20:00"), 0.015),
    ),
    "road_5k_fartlek": Scenario(
        "road_5k_fartlek", PLANS["5k_fartlek"], (51.9607, 7.6261), 75.0, fixed(ROAD_5K), _ROLLING,
        fartlek(parse_duration_s("3:40"), parse_duration_s("4:40")),
    ),
    "road_5k_outage": Scenario(
        "road_5k_outage", _5K, (51.9607, 7.6261), 75.0, fixed(ROAD_5K), _ROLLING,
        goal_paced(_5K.distance_m, parse_duration_s("20:00"), 0.015),
        dropouts_at_m=((2300.0, 25.0),),
    ),
    # Issue 12: the road 5k over rolling hills, for grade-adjusted targets and course mode.
    "road_5k_hills": Scenario(
        "road_5k_hills", PLANS["5k_hills_course"], (51.9607, 7.6261), 75.0, fixed(ROAD_5K), HILLY,
        goal_paced(_5K.distance_m, parse_duration_s("20:00"), 0.015),
    ),
    # The worlds of issue 9, a new course every seed: a town road (a corner every
    # 100-400 m, about 4 a km) and a city grid (a corner every 60-150 m).
    "road_5k_random": Scenario(
        "road_5k_random", _5K, (51.9607, 7.6261), 75.0, lambda rng: random_road(6000.0, rng, (100.0, 400.0)),
        _ROLLING, goal_paced(_5K.distance_m, parse_duration_s("20:00"), 0.015),
    ),
    "city_5k": Scenario(
        "city_5k", _5K, (48.8566, 2.3522), 0.0, lambda rng: random_city(5200.0, rng),
        Hills(35.0, ((2.0, 900.0, 0.0),)), goal_paced(_5K.distance_m, parse_duration_s("20:00"), 0.015),
    ),
    "road_2k_random": Scenario(
        "road_2k_random", PLANS["2k_8_00"], (51.9607, 7.6261), 75.0, lambda rng: random_road(2500.0, rng, (100.0, 400.0)),
        _ROLLING, goal_paced(2000.0, parse_duration_s("8:00"), 0.015),
    ),
    "city_2k": Scenario(
        "city_2k", PLANS["2k_8_00"], (48.8566, 2.3522), 0.0, lambda rng: random_city(2200.0, rng),
        Hills(35.0, ((2.0, 900.0, 0.0),)), goal_paced(2000.0, parse_duration_s("8:00"), 0.015),
    ),
    "marathon": Scenario(
        "marathon", PLANS["marathon_3_00"], (52.5163, 13.3777), 100.0,
        lambda rng: out_and_back(random_road(PLANS["marathon_3_00"].distance_m / 2, rng)),
        Hills(40.0, ((6.0, 4000.0, 0.0), (2.0, 900.0, 1.0))),
        goal_paced(PLANS["marathon_3_00"].distance_m, parse_duration_s("3:00:00"), 0.02),
    ),
}


TRACK_FINISH_DEG = (32.2321268, -110.9504239)
TRACK_HEADING_DEG = 217.0
"""The issue's track: a point on the finish line (on lane 1's line), and the running direction there."""

TRACK_LAP: tuple[Leg, ...] = (Arc(LANE1_RADIUS_M, -180), Straight(STRAIGHT_M), Arc(LANE1_RADIUS_M, -180), Straight(STRAIGHT_M))
"""Lane 1's measure line from the finish (the end of the home straight), counterclockwise."""

TRACK_LAP_M = build_route(TRACK_LAP).length_m  # the polyline's lap (400.0 m less its chords' few mm)


def track_scenario(name: str, distance: str, goal: str, lane: int, plan_stem: str) -> Scenario:
    """A time trial on the issue's track: the runner in lane 1 from the start placed
    by the distance, the bike beside them in the middle of `lane`."""
    distance_m = parse_distance_m(distance)
    laps = math.ceil((distance_m + 500.0) / TRACK_LAP_M)
    route_toml = (
        "[route]\n"
        'mode = "track"\n'
        f"lane = {lane}\n"
        f"finish = [{TRACK_FINISH_DEG[0]}, {TRACK_FINISH_DEG[1]}]\n"
        f"heading = {TRACK_HEADING_DEG}\n"
    )
    title = "Mile PR" if distance == "1 mi" else f"{distance} on the track"
    spec = PlanSpec(plan_stem, title, distance, goal, "400 m", "mi" if distance == "1 mi" else "km", route_toml)
    PLANS.setdefault(plan_stem, spec)
    return Scenario(
        name, spec, TRACK_FINISH_DEG, TRACK_HEADING_DEG, fixed(TRACK_LAP * laps), Hills(728.0, ()),
        goal_paced(distance_m, parse_duration_s(goal), 0.012),
        route_from_m=(-distance_m) % TRACK_LAP_M,
        bike_offset_m=lane_centre_radius_m(lane) - LANE1_RADIUS_M,
        lap_m=TRACK_LAP_M,
    )


for _lane in (1, 2, 3, 4):
    for _dist, _goal, _stem in (("1 mi", "4:40", "track_mile"), ("3000 m", "9:00", "track_3000")):
        _name = f"{_stem}_lane{_lane}"
        SCENARIOS[_name] = track_scenario(_name, _dist, _goal, _lane, f"{_stem}_lane{_lane}")


@dataclass(frozen=True)
class Bundled:
    """A track shipped in sim/tracks/: which scenario, at what rate, with what seed."""

    track: str
    scenario: str
    rate_hz: int
    seed: int


BUNDLED: tuple[Bundled, ...] = (
    Bundled("mile_road_1hz", "mile_road", 1, 1609),
    Bundled("road_5k_steady_1hz", "road_5k_steady", 1, 5000),
    Bundled("road_5k_fartlek_1hz", "road_5k_fartlek", 1, 5001),
    # Same seed as the steady run: the same runner and the same errors, minus the outage.
    Bundled("road_5k_outage_1hz", "road_5k_outage", 1, 5000),
    # Same seed again: the steady run's truth, sampled at 10 Hz.
    Bundled("road_5k_steady_10hz", "road_5k_steady", 10, 5000),
    # Issue 12: rolling hills, with the course (as a map draws it) beside it.
    Bundled("road_5k_hills_1hz", "road_5k_hills", 1, 5002),
    # Track runs (issue 5): the bike out in its lane, the truth the runner's in lane 1.
    Bundled("track_mile_lane3_1hz", "track_mile_lane3", 1, 1609),
    Bundled("track_mile_lane4_10hz", "track_mile_lane4", 10, 1610),
    Bundled("track_3000_lane2_1hz", "track_3000_lane2", 1, 3000),
)
