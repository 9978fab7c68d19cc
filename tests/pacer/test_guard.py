"""pacer.guard: what the session is given is always usable, whatever came in."""

from __future__ import annotations

import math

import pytest

from pacer.events import Button, Fix, FixMode, Press, Tick
from pacer.guard import GPS_ERA_S, MAX_SPEED_MPS, RolloverMender, guard_event

T = 1.7e9


def test_a_clean_fix_passes_unchanged_as_the_same_object():
    fix = Fix(T, 47.0, 8.0, speed_mps=5.0, track_deg=90.0, eph_m=3.0, alt_m=400.0, satellites=9)
    assert guard_event(fix, T - 1) is fix


@pytest.mark.parametrize("speed", [math.nan, math.inf, -1.0, MAX_SPEED_MPS + 1, 1e6, "fast", True])
def test_an_unbelievable_speed_becomes_unknown(speed):
    assert guard_event(Fix(T, 47.0, 8.0, speed_mps=speed), None).speed_mps is None  # type: ignore[arg-type]


@pytest.mark.parametrize("field", ["track_deg", "eph_m", "alt_m", "satellites"])
def test_a_nan_field_becomes_unknown(field):
    fix = Fix(T, 47.0, 8.0, **{field: math.nan})
    assert getattr(guard_event(fix, None), field) is None


@pytest.mark.parametrize("lat, lon", [(math.nan, 8.0), (47.0, 400.0), (0.0, 0.0), ("47", 8.0)])
def test_a_fix_without_a_usable_position_is_a_bad_fix_tick(lat, lon):
    assert guard_event(Fix(T, lat, lon), None) == Tick(T, "bad fix")


@pytest.mark.parametrize("t_s", [math.nan, math.inf, 1e300, -1e300, "soon", None])
def test_an_event_without_a_usable_time_takes_the_last_fix_time(t_s):
    assert guard_event(Fix(t_s, 47.0, 8.0), T) == Tick(T, "bad fix")  # type: ignore[arg-type]
    assert guard_event(Press(t_s, Button.LAP), T) == Press(T, Button.LAP)  # type: ignore[arg-type]
    assert guard_event(Tick(t_s), None) == Tick(0.0)  # type: ignore[arg-type]


def test_an_unknown_fix_mode_is_no_fix():
    assert guard_event(Fix(T, 47.0, 8.0, mode=7), None).mode == FixMode.NONE  # type: ignore[arg-type]


def test_a_rollover_jump_mid_run_is_undone_for_every_later_event():
    mend = RolloverMender()
    assert mend(Fix(T, 47.0, 8.0)).t_s == T
    assert mend(Fix(T + 1 - GPS_ERA_S, 47.0, 8.0)).t_s == T + 1
    assert mend(Tick(T + 2 - GPS_ERA_S)).t_s == T + 2
    assert mend.mended == 1


def test_an_outage_is_not_taken_for_a_rollover():
    mend = RolloverMender()
    mend(Fix(T, 47.0, 8.0))
    assert mend(Fix(T + 3 * 3600, 47.0, 8.0)).t_s == T + 3 * 3600
    assert mend.mended == 0
