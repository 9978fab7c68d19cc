"""Resume from a log: the rebuilt session goes on exactly as if it had never
stopped, and a log is only continued when it is the same, unfinished run."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest

from pacer.config import parse_config
from pacer.events import Button, Press
from pacer.resume import rebuild_session, why_not_resume
from pacer.runlog import encode, header_record, read_log, step_record
from pacer.session import Session
from pacer.status import Phase

MILE = 1609.344
PLAN = '[plan]\nname = "Mile"\ndistance = "1 mi"\ngoal = "4:40"\nsplit_every = "400 m"\n'


@pytest.fixture
def mile():
    return parse_config(PLAN)


def logged(config, events, start="first_fix"):
    session = Session(config, start=start)
    lines = [encode(header_record(config, start, "pacer test", "test", None, events[0].t_s))]
    lines += [encode(step_record(e, session.step(e))) for e in events]
    return read_log(io.BytesIO(b"".join(lines)), "run.jsonl")


def test_a_rebuilt_session_finishes_exactly_like_one_that_never_stopped(mile, straight):
    events = straight(MILE / 278, 290)
    whole = Session(mile)
    for e in events:
        whole.step(e)
    session, note = rebuild_session(logged(mile, events[:150]), mile)
    assert note is None
    assert session.start_t_s == events[0].t_s and len(session.splits) == 2
    for e in events[150:]:
        session.step(e)
    assert session.splits == whole.splits  # bit for bit: the session is deterministic


def test_a_button_started_run_resumes_with_its_press(mile, straight):
    fixes = straight(MILE / 280, 60)
    events = [*fixes[:10], Press(fixes[9].t_s + 0.4, Button.START), *fixes[10:]]
    session, _ = rebuild_session(logged(mile, events, start="button"), mile)
    assert session.phase == Phase.RUNNING and session.start_t_s == fixes[9].t_s + 0.4


def test_a_rebuild_that_disagrees_with_the_log_says_so(mile, straight):
    log = logged(mile, straight(MILE / 280, 20))
    last = log.steps[-1]  # as if another software version had filtered differently:
    log.steps[-1] = replace(last, status=replace(last.status, dist_m=last.status.dist_m + 3.0))
    _, note = rebuild_session(log, mile)
    assert note is not None and note.startswith("the replay ends at")


def test_an_unfinished_run_within_the_window_may_go_on(mile, straight):
    log = logged(mile, straight(MILE / 280, 100))
    assert why_not_resume(log, mile, "first_fix", log.last.t_s + 599, 600.0) is None


@pytest.mark.parametrize(
    "change, reason",
    [
        (lambda log, t: (log, t + 601, "first_fix", PLAN), "beyond the resume window of 600 s"),
        (lambda log, t: (log, t - 5, "first_fix", PLAN), "after the current GPS time"),
        (lambda log, t: (log, t + 1, "button", PLAN), "started by 'first_fix'"),
        (lambda log, t: (log, t + 1, "first_fix", PLAN.replace("4:40", "4:39")), "the plan has changed"),
    ],
)
def test_a_log_is_not_continued_when(mile, straight, change, reason):
    log = logged(mile, straight(MILE / 280, 100))
    log, t_s, start, plan = change(log, log.last.t_s)
    assert reason in why_not_resume(log, parse_config(plan), start, t_s, 600.0)


def test_a_finished_run_is_never_continued(mile, straight):
    log = logged(mile, straight(MILE / 280, 300))
    assert log.finished
    assert why_not_resume(log, mile, "first_fix", log.last.t_s + 1, 600.0) == "that run finished"


def test_a_log_streamed_into_a_rebuild_holds_one_step_and_resumes_the_same(mile, straight):
    """The device reads the log it resumes as a stream: each event is replayed as it is
    read and only the last step is kept, so a day's log never sits in memory whole."""
    from pacer.resume import SessionRebuild

    events = straight(MILE / 278, 290)
    session = Session(mile)
    raw = [encode(header_record(mile, "first_fix", "pacer test", "test", None, events[0].t_s))]
    raw += [encode(step_record(e, session.step(e))) for e in events[:150]]
    rebuild = SessionRebuild(mile, "first_fix")
    log = read_log(io.BytesIO(b"".join(raw)), "run.jsonl", on_step=rebuild.feed)
    assert len(log.steps) == 1 and log.step_count == 150 and len(log.splits) == 2
    streamed, note = rebuild.result(log)
    whole, _ = rebuild_session(logged(mile, events[:150]), mile)
    assert note is None and streamed.splits == whole.splits and streamed.start_t_s == whole.start_t_s


def test_a_log_of_another_plan_is_read_but_not_replayed(mile, straight):
    from pacer.resume import SessionRebuild

    other = parse_config(PLAN.replace("4:40", "5:00"))
    events = straight(MILE / 278, 30)
    session = Session(other)
    raw = [encode(header_record(other, "first_fix", "pacer test", "test", None, events[0].t_s))]
    raw += [encode(step_record(e, session.step(e))) for e in events]
    rebuild = SessionRebuild(mile, "first_fix")
    log = read_log(io.BytesIO(b"".join(raw)), "run.jsonl", on_step=rebuild.feed)
    assert rebuild.session is None and rebuild.other_run == "the plan has changed since"
    assert why_not_resume(log, mile, "first_fix", log.last.t_s, 600.0) == "the plan has changed since"
