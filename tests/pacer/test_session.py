"""The run's state machine: READY -> RUNNING -> FINISHED, one step per event."""

import pytest

from pacer.config import parse_config
from pacer.events import Button, Fix, FixMode, Press, Tick
from pacer.session import Session
from pacer.status import Cue, GpsState, Phase, SplitKind

MILE = 1609.344
T0 = 1.7e9


@pytest.fixture
def mile():
    return parse_config('[plan]\nname = "Mile"\ndistance = "1 mi"\ngoal = "4:40"\nsplit_every = "400 m"\n')


def run(session, events):
    return [session.step(e) for e in events]


def test_the_first_fix_starts_the_run(mile, straight):
    statuses = run(Session(mile), straight(MILE / 280, 5))
    assert statuses[0].phase == Phase.RUNNING
    assert Cue.START in statuses[0].sounds
    assert statuses[-1].elapsed_s == pytest.approx(5.0)


def test_with_button_start_the_run_waits_for_the_press(mile, straight):
    session = Session(mile, start="button")
    fixes = straight(MILE / 280, 20)
    statuses = run(session, fixes[:10])
    assert all(s.phase == Phase.READY for s in statuses)
    pressed = session.step(Press(fixes[10].t_s, Button.START))
    assert pressed.phase == Phase.RUNNING and Cue.START in pressed.sounds
    last = run(session, fixes[11:])[-1]
    assert last.elapsed_s == pytest.approx(10.0)
    assert last.dist_m == pytest.approx(10 * MILE / 280, abs=0.5)


def test_at_plan_speed_every_split_is_on_target(mile, straight):
    session = Session(mile)
    statuses = run(session, straight(MILE / 280, 290))
    splits = [sp for s in statuses for sp in s.new_splits]
    assert [sp.kind for sp in splits] == [SplitKind.MARK] * 3 + [SplitKind.FINISH]
    for sp in splits:
        assert sp.delta_s == pytest.approx(0.0, abs=0.05)
    assert splits[-1].elapsed_s == pytest.approx(280.0, abs=0.05)


def test_split_times_are_interpolated_between_fixes(mile, straight):
    # 5 m/s: the 409.344 m mark is crossed at 81.87 s, between the fixes at 81 and 82 s
    splits = [sp for s in run(Session(mile), straight(5.0, 100)) for sp in s.new_splits]
    assert splits[0].elapsed_s == pytest.approx(409.344 / 5.0, abs=0.02)


def test_the_finish_ends_the_run_and_freezes_the_result(mile, straight):
    statuses = run(Session(mile), straight(MILE / 270, 300))
    finished = [s for s in statuses if s.phase == Phase.FINISHED]
    assert Cue.FINISH in finished[0].sounds
    assert finished[-1].elapsed_s == finished[0].elapsed_s == pytest.approx(270.0, abs=0.05)
    assert finished[-1].delta_s == pytest.approx(-10.0, abs=0.1)


def test_running_slow_shows_behind_and_asks_for_faster(mile, straight):
    statuses = run(Session(mile), straight(MILE / 300, 100))  # 7 % slow
    assert statuses[-1].delta_s > 5.0
    assert statuses[-1].advice == Cue.FASTER
    assert Cue.FASTER in [c for s in statuses for c in s.sounds]


def test_losing_fixes_says_gps_lost_once_and_time_runs_on(mile, straight):
    session = Session(mile)
    fixes = straight(MILE / 280, 60)
    run(session, fixes[:20])
    ticks = [session.step(Tick(fixes[19].t_s + k, "no fix")) for k in range(1, 11)]
    assert [s.gps for s in ticks[:3]] == [GpsState.OK] * 3
    assert all(s.gps == GpsState.LOST for s in ticks[3:])
    assert [c for s in ticks for c in s.sounds] == [Cue.GPS_LOST]
    assert ticks[-1].elapsed_s == pytest.approx(29.0)
    assert ticks[-1].dist_m == pytest.approx(29 * MILE / 280, abs=1.0)  # dead reckoning
    back = session.step(fixes[30])
    assert back.gps == GpsState.OK and Cue.GPS_BACK in back.sounds


def test_a_fix_without_a_position_is_no_fix(mile, straight):
    session = Session(mile)
    fixes = straight(5.0, 10)
    run(session, fixes[:5])
    s = None
    for k in range(5, 10):
        f = fixes[k]
        s = session.step(Fix(f.t_s, 0.0, 0.0, mode=FixMode.NONE))
    assert s.gps == GpsState.LOST
    assert s.dist_m == pytest.approx(45.0, abs=1.0)


def test_a_fix_from_the_past_is_ignored(mile, straight):
    session = Session(mile)
    fixes = straight(5.0, 10)
    run(session, fixes)
    before = session.estimator.dist_m
    session.step(fixes[3])
    assert session.estimator.dist_m == before


def test_a_two_d_fix_is_degraded_but_used(mile, straight):
    session = Session(mile)
    fixes = straight(5.0, 10)
    run(session, fixes[:5])
    f = fixes[5]
    s = session.step(Fix(f.t_s, f.lat_deg, f.lon_deg, mode=FixMode.TWO_D))
    assert s.gps == GpsState.DEGRADED and s.dist_m == pytest.approx(25.0, abs=0.5)


def test_auto_start_when_the_bike_moves(mile, straight):
    session = Session(mile, start="moving")
    standing = [Fix(T0 + k, 47.0, 8.0) for k in range(5)]
    assert all(s.phase == Phase.READY for s in run(session, standing))
    rolling = straight(5.0, 10, t0=T0 + 5)
    statuses = run(session, rolling)
    assert statuses[-1].phase == Phase.RUNNING


def test_lap_and_stop_buttons(mile, straight):
    session = Session(mile)
    fixes = straight(5.0, 60)
    run(session, fixes[:31])
    lap = session.step(Press(fixes[30].t_s, Button.LAP))
    assert lap.new_splits[0].kind == SplitKind.LAP and lap.new_splits[0].elapsed_s == pytest.approx(30.0)
    stop = session.step(Press(fixes[30].t_s + 0.5, Button.STOP))
    assert stop.phase == Phase.FINISHED and Cue.FINISH in stop.sounds


def test_pace_needed_and_projection_while_running(mile, straight):
    s = run(Session(mile), straight(MILE / 290, 60))[-1]
    assert s.needed_speed_mps > MILE / 280  # behind: faster than plan pace to catch up by the mark
    assert s.projected_finish_s == pytest.approx(280 + s.delta_s)
    assert s.split_number == 1 and s.next_mark_m == pytest.approx(409.344)


def test_advice_does_not_look_past_the_finish(mile):
    """A sprint over the last 20 m: 10 s ahead at that speed would be far ahead,
    but the run ends in 3 s, so the rider is not told to slow down."""
    from conftest import PLANE

    fixes, d, t = [], 0.0, 0.0
    plan_speed = MILE / 280
    while d < MILE + 20:
        lat, lon = PLANE.to_latlon(d, 0.0)
        fixes.append(Fix(T0 + t, lat, lon, speed_mps=plan_speed * (1.2 if d > MILE - 20 else 1.0), track_deg=90.0))
        d += fixes[-1].speed_mps * 0.2
        t += 0.2
    statuses = [s for s in run(Session(mile), fixes) if s.phase == Phase.RUNNING]
    assert MILE - statuses[-1].dist_m < 2
    assert all(s.advice == Cue.ON_PACE for s in statuses if MILE - s.dist_m < 20)
