"""The workout state machine: free running, reps and rests, as the rider and runner live them.

Noise-free fixes of a bike riding due east at known speeds, so every distance
and time is known exactly; the session is stepped with a Tick wherever it asks
(`with_due_ticks`), as the simulator and the device loop do.
"""

from __future__ import annotations

import pytest

from pacer.config import parse_config
from pacer.events import Button, Fix, Press
from pacer.geo import LocalPlane
from pacer.status import Cue, Phase, SplitKind
from pacer.workout import standing_start_elapsed_s
from pacer.workout_session import WorkoutSession, with_due_ticks

T0 = 1.7e9
PLANE = LocalPlane(47.0, 8.0)


def ride(*legs: tuple[float, float], rate_hz: float = 1.0) -> list[Fix]:
    """Fixes for legs of (duration_s, speed_mps) ridden one after another, due east."""
    out, t, x = [], 0.0, 0.0
    out.append(Fix(T0, *PLANE.to_latlon(0.0, 0.0)))
    for duration_s, speed_mps in legs:
        for _ in range(round(duration_s * rate_hz)):
            t += 1 / rate_hz
            x += speed_mps / rate_hz
            out.append(Fix(T0 + t, *PLANE.to_latlon(x, 0.0)))
    return out


def workout(body: str) -> WorkoutSession:
    return WorkoutSession(parse_config(body, "w.toml"))


def drive(session: WorkoutSession, fixes, presses=()):
    """Every status, with the presses merged in at their times."""
    events = sorted([*fixes, *presses], key=lambda e: e.t_s)
    return [session.step(e) for e in with_due_ticks(events, lambda: session.next_due_s)]


def sounds_at(statuses, cue: Cue) -> list[float]:
    return [round(s.t_s - T0, 3) for s in statuses if cue in s.sounds]


REPS = '[[workout]]\nrepeat = 2\ndistance = "400 m"\ngoal = "1:20"\nrest = "0:30"\n'


def test_a_distance_rep_ends_when_its_distance_is_covered():
    session = workout(REPS)
    drive(session, ride((200, 5.0)))
    rep = session.records[0]
    assert (rep.kind, rep.block, rep.index, rep.ended) == ("rep", 1, 1, "distance")
    assert rep.elapsed_s == pytest.approx(80.0, abs=0.05)
    assert rep.distance_m == pytest.approx(400.0)
    assert rep.target_s == 80.0 and rep.delta_s == pytest.approx(0.0, abs=0.05)


def test_a_counted_rest_pips_three_two_one_then_go_starts_the_next_rep():
    session = workout(REPS)
    statuses = drive(session, ride((200, 5.0)))
    rest_start = session.records[0].start_t_s + session.records[0].elapsed_s - T0
    go = rest_start + 30.0
    assert sounds_at(statuses, Cue.PIP) == pytest.approx([go - 3, go - 2, go - 1], abs=1e-6)
    assert sounds_at(statuses, Cue.GO) == pytest.approx([go], abs=1e-6)
    rest, rep2 = session.records[1], session.records[2]
    assert (rest.kind, rest.ended, rest.target_s) == ("rest", "go", 30.0)
    assert rest.elapsed_s == pytest.approx(30.0)
    assert rep2.start_t_s - T0 == pytest.approx(go)


def test_the_rest_screen_counts_down_to_go():
    session = workout(REPS)
    statuses = drive(session, ride((100, 5.0)))
    s = next(s for s in statuses if s.workout and s.workout.kind == "rest" and s.workout.step_elapsed_s >= 10)
    assert s.workout.left_s == pytest.approx(30.0 - s.workout.step_elapsed_s)
    assert s.workout.next_step is not None and s.workout.next_step.target_s == 80.0
    assert s.workout.lap_starts


def test_lap_in_a_rest_starts_the_next_rep_now():
    session = workout(REPS)
    statuses = drive(session, ride((200, 5.0)), [Press(T0 + 90.5, Button.LAP)])
    rest, rep2 = session.records[1], session.records[2]
    assert rest.ended == "lap" and rest.elapsed_s == pytest.approx(10.5, abs=0.05)
    assert rep2.start_t_s == T0 + 90.5
    assert sounds_at(statuses, Cue.PIP) == []  # the countdown was cut short
    assert sounds_at(statuses, Cue.GO) == [90.5]


def test_lap_in_a_rep_is_a_lap_split_and_the_rep_goes_on():
    session = workout(REPS)
    statuses = drive(session, ride((200, 5.0)), [Press(T0 + 40.0, Button.LAP)])
    (split,) = [sp for s in statuses for sp in s.new_splits]
    assert split.kind is SplitKind.LAP and split.elapsed_s == 40.0
    assert split.distance_m == pytest.approx(200.0, abs=0.5)
    assert session.records[0].elapsed_s == pytest.approx(80.0, abs=0.05)


def test_stop_ends_the_session_and_keeps_the_rep_cut_short():
    session = workout(REPS)
    statuses = drive(session, ride((200, 5.0)), [Press(T0 + 50.0, Button.STOP)])
    assert statuses[-1].phase is Phase.FINISHED
    assert sounds_at(statuses, Cue.FINISH) == [50.0]
    (rep,) = session.records
    assert rep.ended == "stop" and rep.elapsed_s == 50.0 and rep.delta_s is None


def test_the_last_rep_of_a_block_sounds_block_done_and_the_last_step_finishes():
    session = workout(REPS + '\n[[workout]]\ndistance = "100 m"\n')
    statuses = drive(session, ride((300, 5.0)))
    assert len(sounds_at(statuses, Cue.REP_DONE)) == 1
    assert len(sounds_at(statuses, Cue.BLOCK_DONE)) == 1
    assert sounds_at(statuses, Cue.FINISH) == pytest.approx([80 + 30 + 80 + 20], abs=0.05)
    assert [r.kind for r in session.records] == ["rep", "rest", "rep", "rep"]


def test_a_free_block_until_lap_waits_for_lap_and_says_so():
    session = workout('[[workout]]\nfree = "until lap"\n\n' + REPS)
    statuses = drive(session, ride((300, 5.0)), [Press(T0 + 100.0, Button.LAP)])
    before = next(s for s in statuses if s.t_s == T0 + 99.0)
    assert before.workout.kind == "free" and before.workout.lap_starts
    assert before.workout.step_dist_m == pytest.approx(495.0, abs=0.5)
    assert session.records[0].start_t_s == T0 + 100.0
    assert session.records[0].elapsed_s == pytest.approx(80.0, abs=0.05)


def test_a_free_block_with_a_distance_runs_into_the_next_block():
    session = workout('[[workout]]\nfree = "1 km"\n\n' + REPS)
    drive(session, ride((400, 5.0)))
    assert session.records[0].start_t_s - T0 == pytest.approx(200.0, abs=0.05)


def test_a_free_block_with_a_time_ends_on_time():
    session = workout('[[workout]]\nfree = "1:00"\n\n' + REPS)
    drive(session, ride((400, 5.0)))
    assert session.records[0].start_t_s == T0 + 60.0


def test_a_cool_down_until_stop_runs_until_stop_and_lap_is_a_split():
    session = workout('[[workout]]\ndistance = "100 m"\n\n[[workout]]\nfree = "until stop"\n')
    statuses = drive(session, ride((300, 5.0)), [Press(T0 + 100.0, Button.LAP), Press(T0 + 200.0, Button.STOP)])
    assert [sp.kind for s in statuses for sp in s.new_splits] == [SplitKind.LAP]
    assert next(s for s in statuses if s.t_s == T0 + 150.0).phase is Phase.RUNNING
    assert statuses[-1].phase is Phase.FINISHED and statuses[-1].elapsed_s == 200.0


def test_an_equal_rest_lasts_as_long_as_the_rep_before_it():
    session = workout('[[workout]]\nrepeat = 2\ndistance = "400 m"\nrest = "equal"\n')
    drive(session, ride((100, 4.0), (100, 1.0), (200, 4.0)))
    rep1, rest = session.records[:2]
    assert rep1.elapsed_s == pytest.approx(100.0, abs=0.05)
    assert rest.elapsed_s == pytest.approx(rep1.elapsed_s) and rest.target_s == pytest.approx(rep1.elapsed_s)


def test_a_float_ends_when_covered_and_is_paced_against_the_rest_pace():
    session = workout('[[workout]]\nrepeat = 2\ndistance = "200 m"\ngoal = "0:40"\nrest = "200 m"\nrest_pace = "1:00/100m"\n')
    statuses = drive(session, ride((150, 5.0)))
    rest = session.records[1]
    assert rest.kind == "rest" and rest.ended == "distance"
    assert rest.elapsed_s == pytest.approx(40.0, abs=0.05)
    assert rest.delta_s == pytest.approx(40.0 - 120.0, abs=0.05)  # far ahead of a 1:00/100 m float
    mid = next(s for s in statuses if s.workout and s.workout.kind == "rest" and s.workout.step_elapsed_s >= 20)
    assert mid.delta_s < -20 and mid.workout.left_m == pytest.approx(200 - mid.workout.step_dist_m)
    assert session.records[2].start_t_s == pytest.approx(rest.start_t_s + rest.elapsed_s)


def test_an_unpaced_distance_rest_ends_when_covered_and_has_no_gap():
    session = workout('[[workout]]\nrepeat = 2\ndistance = "200 m"\nrest = "100 m"\n')
    drive(session, ride((200, 4.0)))
    rest = session.records[1]
    assert rest.ended == "distance" and rest.delta_s is None
    assert rest.elapsed_s == pytest.approx(25.0, abs=0.05)


def test_a_time_block_measures_distance_against_its_target_with_splits_inside():
    session = workout('[[workout]]\ntime = "2:00"\npace = "3:20/km"\nsplit_every = "200 m"\n')
    statuses = drive(session, ride((200, 4.0)))
    (block,) = session.records
    assert block.ended == "time" and block.elapsed_s == 120.0
    assert block.distance_m == pytest.approx(480.0, abs=0.5)
    assert block.target_m == pytest.approx(600.0)
    assert block.delta_s == pytest.approx(120 * 0.2, abs=0.2)  # 120 m short is 24 s at 3:20/km
    splits = [sp for s in statuses for sp in s.new_splits]
    assert [sp.distance_m for sp in splits] == [200.0, 400.0]
    assert [sp.elapsed_s for sp in splits] == pytest.approx([50.0, 100.0], abs=0.05)
    assert Cue.FASTER in {c for s in statuses for c in s.sounds}


def test_unpaced_timed_reps_are_counted_and_never_advised():
    session = workout('[[workout]]\nrepeat = 3\ntime = "0:15"\nrest = "0:45"\n')
    statuses = drive(session, ride((300, 3.0)))
    assert [(r.kind, r.elapsed_s) for r in session.records] == [
        ("rep", 15.0), ("rest", 45.0), ("rep", 15.0), ("rest", 45.0), ("rep", 15.0)]
    assert all(r.delta_s is None for r in session.records)
    assert not {Cue.FASTER, Cue.SLOWER} & {c for s in statuses for c in s.sounds}


def test_a_progression_sets_each_reps_target():
    session = workout('[[workout]]\nrepeat = 3\ndistance = "100 m"\ngoal = "0:20"\nprogression = "-1 s"\nrest = "0:10"\n')
    drive(session, ride((200, 5.0)))
    assert [r.target_s for r in session.records if r.kind == "rep"] == [20.0, 19.0, 18.0]


def test_a_rest_after_the_last_rep_only_when_asked():
    session = workout('[[workout]]\nrepeat = 2\ndistance = "100 m"\nrest = "0:10"\nrest_after_last = true\n')
    drive(session, ride((200, 5.0)))
    assert [r.kind for r in session.records] == ["rep", "rest", "rep", "rest"]


def test_the_live_gap_in_a_rep_is_behind_when_slow():
    session = workout('[[workout]]\ndistance = "400 m"\ngoal = "1:20"\n')
    statuses = drive(session, ride((100, 4.0)))
    s = next(s for s in statuses if s.t_s == T0 + 50.0)
    assert s.workout.kind == "rep"
    # the first fix starts the session from standing: the schedule allows for getting going
    assert s.delta_s == pytest.approx(50.0 - standing_start_elapsed_s(200.0, 400.0, 80.0), abs=0.3)
    assert 40.0 < standing_start_elapsed_s(200.0, 400.0, 80.0) < 41.5
    assert s.workout.left_m == pytest.approx(200.0, abs=0.5)


def test_next_due_is_the_next_pip_or_end_by_time():
    session = workout(REPS)
    drive(session, ride((85, 5.0)))
    rest_end = session.records[0].start_t_s + session.records[0].elapsed_s + 30.0
    assert session.next_due_s == pytest.approx(rest_end - 3.0)


def test_with_button_start_nothing_runs_until_start():
    session = WorkoutSession(parse_config(REPS), start="button")
    statuses = drive(session, ride((200, 5.0)), [Press(T0 + 10.0, Button.START)])
    assert all(s.phase is Phase.READY for s in statuses if s.t_s < T0 + 10.0)
    assert session.records[0].start_t_s == T0 + 10.0


def test_a_plan_without_workout_blocks_is_refused():
    with pytest.raises(ValueError):
        WorkoutSession(parse_config('[plan]\ndistance = "1 km"\ngoal = "3:00"\n'))


def test_without_due_ticks_pips_and_go_sound_late_but_the_rep_starts_on_time():
    session = workout('[[workout]]\nrepeat = 2\ndistance = "400 m"\ngoal = "1:20"\nrest = "0:29.5"\n')
    statuses = [session.step(f) for f in ride((200, 5.0))]  # stepped only at whole seconds
    go = session.records[1].start_t_s + 29.5 - T0
    assert sounds_at(statuses, Cue.PIP) == [go - 2.5, go - 1.5, go - 0.5]
    assert sounds_at(statuses, Cue.GO) == [go + 0.5]
    assert session.records[2].start_t_s - T0 == pytest.approx(go)


def test_after_a_gap_over_the_countdown_only_go_sounds():
    session = workout(REPS)
    fixes = [f for f in ride((200, 5.0)) if not 105.0 < f.t_s - T0 < 111.0]
    statuses = [session.step(f) for f in fixes]
    assert sounds_at(statuses, Cue.PIP) == []
    assert sounds_at(statuses, Cue.GO) == [111.0]


def test_a_rep_after_a_float_is_scheduled_at_even_pace_from_its_start():
    session = workout('[[workout]]\nrepeat = 2\ndistance = "200 m"\ngoal = "0:40"\nrest = "200 m"\nrest_pace = "1:00/100m"\n')
    statuses = drive(session, ride((200, 4.0)))
    rep2_start = session.records[2].start_t_s
    s = next(s for s in statuses if s.t_s >= rep2_start + 25.0)
    assert not session.standing_start
    assert s.delta_s == pytest.approx(s.workout.step_elapsed_s - s.workout.step_dist_m * 0.2, abs=1e-6)
