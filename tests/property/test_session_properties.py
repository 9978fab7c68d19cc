"""The core: `Session.step` never raises and never returns a non-finite number,
whatever the sequence of events (backward and repeated times, NaN fields, huge
jumps, presses in any phase), in free and track mode."""

from __future__ import annotations

import math
from pathlib import Path

import tests.property.profiles  # noqa: F401  (selects the ci or fuzz profile)
from hypothesis import given
from hypothesis import strategies as st

from pacer.config import load_config
from pacer.events import Button, Fix, FixMode, Press, Tick
from pacer.session import Session
from pacer.status import Split, Status

PLANS = Path(__file__).resolve().parents[2] / "sim" / "plans"
CONFIGS = {name: load_config(PLANS / f"{name}.toml") for name in ("mile_4_40", "track_mile_lane3", "5k_fartlek")}
T0 = 1.7e9
LAT0, LON0 = 32.2321268, -110.9504239  # the track plan's finish line: a track fit gets real laps

WILD = st.one_of(
    st.none(), st.floats(), st.integers(-(10**20), 10**20), st.booleans(), st.text(max_size=3),
)
TIME_STEP = st.one_of(
    st.floats(0.05, 2.0), st.just(0.0), st.floats(-30.0, 0.0), st.sampled_from([600.0, 86400.0 * 20, 1024 * 604800.0]),
)


@st.composite
def event_sequences(draw: st.DrawFn) -> list[object]:
    """A ride east (the plan's pace, give or take) with faults mixed in at any step."""
    events: list[object] = []
    t, x_m = T0, 0.0
    for _ in range(draw(st.integers(1, 60))):
        dt = draw(TIME_STEP)
        t += dt
        x_m += max(dt, 0.0) * draw(st.floats(0.0, 12.0))
        lat = LAT0 + draw(st.floats(-2e-5, 2e-5))
        lon = LON0 + x_m / (111_320.0 * math.cos(math.radians(LAT0)))
        kind = draw(st.sampled_from(["fix"] * 6 + ["wild fix", "tick", "press", "wild time"]))
        if kind == "fix":
            events.append(Fix(t, lat, lon, speed_mps=draw(st.one_of(st.none(), st.floats(0, 12))),
                              track_deg=draw(st.one_of(st.none(), st.floats(0, 360))),
                              mode=draw(st.sampled_from(list(FixMode))), eph_m=draw(st.one_of(st.none(), st.floats(0.5, 30)))))
        elif kind == "wild fix":
            events.append(Fix(t, draw(st.one_of(st.just(lat), WILD)), draw(st.one_of(st.just(lon), WILD)),  # type: ignore[arg-type]
                              speed_mps=draw(WILD), track_deg=draw(WILD), mode=draw(st.one_of(st.sampled_from(list(FixMode)), WILD)),  # type: ignore[arg-type]
                              eph_m=draw(WILD), alt_m=draw(WILD), satellites=draw(WILD)))  # type: ignore[arg-type]
        elif kind == "tick":
            events.append(Tick(t, draw(st.one_of(st.just("no fix"), WILD)), draw(WILD)))  # type: ignore[arg-type]
        elif kind == "press":
            events.append(Press(t, draw(st.sampled_from(list(Button)))))
        else:
            bad_t = draw(st.sampled_from([math.nan, math.inf, -math.inf, 1e300, -1e300, 0.0, "soon", None]))
            events.append(draw(st.sampled_from([Fix(bad_t, lat, lon), Tick(bad_t), Press(bad_t, Button.LAP)])))  # type: ignore[arg-type]
    return events


def _numbers(status: Status) -> list[object]:
    values: list[object] = [
        status.t_s, status.elapsed_s, status.dist_m, status.total_m, status.speed_mps, status.delta_s,
        status.target_speed_mps, status.needed_speed_mps, status.next_mark_m, status.projected_finish_s,
    ]
    splits: list[Split] = list(status.new_splits) + ([status.last_split] if status.last_split else [])
    for s in splits:
        values += [s.distance_m, s.target_s, s.elapsed_s, s.split_target_s, s.split_s]
    return values


@given(st.sampled_from(sorted(CONFIGS)), st.sampled_from(["first_fix", "button", "moving"]), event_sequences())
def test_step_never_raises_nor_returns_a_non_finite_number(plan: str, start: str, events: list[object]) -> None:
    session = Session(CONFIGS[plan], start=start)  # type: ignore[arg-type]
    for event in events:
        status = session.step(event)  # type: ignore[arg-type]
        for value in _numbers(status):
            assert value is None or (isinstance(value, (int, float)) and math.isfinite(value)), (event, status)


WORKOUTS = {name: load_config(PLANS / f"{name}.toml") for name in ("workout_1200s_road", "workout_400s_track_lane3")}


@given(st.sampled_from(sorted(WORKOUTS)), st.sampled_from(["first_fix", "button", "moving"]), event_sequences())
def test_a_workout_step_never_raises_nor_returns_a_non_finite_number(plan: str, start: str, events: list[object]) -> None:
    from pacer.workout_session import make_session

    session = make_session(WORKOUTS[plan], start=start)  # type: ignore[arg-type]
    for event in events:
        status = session.step(event)
        for value in _numbers(status):
            assert value is None or (isinstance(value, (int, float)) and math.isfinite(value)), (event, status)
