"""The run log's format: every step round-trips exactly, a cut-off last record is
skipped with a warning, and anything else wrong names the file and the line."""

from __future__ import annotations

import io

import pytest

from pacer.config import parse_config
from pacer.events import Button, Fix, FixMode, Press, Tick
from pacer.runlog import (
    LogError,
    encode,
    event_from_dict,
    event_to_dict,
    header_record,
    read_log,
    resume_record,
    step_record,
)
from pacer.session import Session

MILE = 1609.344


@pytest.fixture
def mile():
    return parse_config('[plan]\nname = "Mile"\ndistance = "1 mi"\ngoal = "4:40"\nsplit_every = "400 m"\n', "mile.toml")


def write_log(config, events, start="first_fix", extra=()):
    """A log as bytes, the way the writer lays it out: header, then one line per step."""
    session = Session(config, start=start)
    out = [encode(header_record(config, start, "pacer test", "test", None, events[0].t_s))]
    statuses = []
    for e in events:
        status = session.step(e)
        statuses.append(status)
        out.append(encode(step_record(e, status)))
    out.extend(encode(r) for r in extra)
    return b"".join(out), statuses


def read(data, path="run.jsonl"):
    return read_log(io.BytesIO(data), path)


@pytest.mark.parametrize(
    "event",
    [
        Fix(1.7e9 + 0.1, 47.1234567, 8.7654321),
        Fix(1.7e9, 47.0, 8.0, speed_mps=5.75, track_deg=359.9, mode=FixMode.TWO_D, eph_m=3.2, alt_m=431.5, satellites=9),
        Tick(1.7e9 + 1 / 3, "gpsd gone", satellites=4),
        Tick(1.7e9, "no fix"),
        Press(1.7e9 + 2.5, Button.LAP),
    ],
)
def test_every_kind_of_event_round_trips_exactly(event):
    assert event_from_dict(*event_to_dict(event)) == event


def test_a_whole_run_reads_back_step_for_step(mile, straight):
    events = straight(MILE / 280, 290)
    events.insert(50, Press(events[49].t_s + 0.5, Button.LAP))
    data, statuses = write_log(mile, events)
    log = read(data)
    assert [st.event for st in log.steps] == events
    assert [st.status for st in log.steps] == statuses  # last_split, sounds, new splits and all
    assert log.finished and [s.kind.value for s in log.splits] == ["lap", "mark", "mark", "mark", "finish"]
    assert log.config.plan == mile.plan and log.start_mode == "first_fix"
    assert log.warnings == [] and log.good_bytes == len(data)


def test_a_cut_off_last_record_is_skipped_with_a_warning(mile, straight):
    data, statuses = write_log(mile, straight(MILE / 280, 30))
    complete = data.rindex(b"\n", 0, len(data) - 1) + 1
    log = read(data[: complete + 57])
    assert len(log.steps) == len(statuses) - 1
    assert log.warnings == ["run.jsonl, line 32: the last record is incomplete (the line has no end); skipped it"]
    assert log.good_bytes == complete


def test_zeros_a_power_cut_left_at_the_end_are_skipped_with_a_warning(mile, straight):
    data, statuses = write_log(mile, straight(MILE / 280, 10))
    log = read(data + b"\0" * 4096)
    assert len(log.steps) == len(statuses) and len(log.warnings) == 1
    assert log.good_bytes == len(data)


def test_a_corrupt_record_before_the_last_is_an_error_naming_file_and_line(mile, straight):
    data, _ = write_log(mile, straight(MILE / 280, 10))
    lines = data.splitlines(keepends=True)
    lines[4] = lines[4][:20] + b"\n"
    with pytest.raises(LogError, match=r"^run.jsonl, line 5: corrupt record \(.*\); expected one JSON record per line$"):
        read(b"".join(lines))


def test_a_record_of_no_known_kind_is_an_error(mile, straight):
    data, _ = write_log(mile, straight(MILE / 280, 3))
    with pytest.raises(LogError, match="line 2: corrupt record .*expected one of fix, tick, press, resume or gap"):
        read(data.replace(b'{"fix"', b'{"fox"', 1))


def test_resume_marks_are_kept_apart_from_the_steps(mile, straight):
    data, statuses = write_log(mile, straight(MILE / 280, 5), extra=[resume_record(1.7e9 + 9, "pacer test", 2)])
    log = read(data)
    assert len(log.steps) == len(statuses)
    assert log.resumes == [{"t_s": 1.7e9 + 9, "software": "pacer test", "dropped_events": 2}]


@pytest.mark.parametrize(
    "data, what",
    [
        (b"", "no complete header record"),
        (b'<?xml version="1.0"?>\n<gpx>\n', "line 1 is not a pacer-runlog header"),
        (b'{"fix": {"t_s": 1}}\n', "line 1 is not a pacer-runlog header"),
        (b'{"format": "pacer-runlog", "vers', "no complete header record"),
    ],
)
def test_what_is_not_a_log_says_so(data, what):
    with pytest.raises(LogError, match=f"^x.jsonl: not a pacer run log \\({what}\\)$"):
        read(data, "x.jsonl")


def test_a_newer_format_version_is_refused(mile):
    header = header_record(mile, "first_fix", "pacer 9", "test", None, 0.0) | {"version": 99}
    with pytest.raises(LogError, match="format version 99; this pacer reads up to 1"):
        read(encode(header))


def test_the_header_carries_the_plan_so_a_log_reads_without_its_config_file(mile):
    header = header_record(mile, "button", "pacer 0.1.0", "gpsd", "[plan]\n", 1.7e9)
    log = read(encode(header))
    assert log.config.plan == mile.plan and log.config.coach == mile.coach
    assert log.config.display == mile.display
    assert header["config_text"] == "[plan]\n" and header["software"] == "pacer 0.1.0"
