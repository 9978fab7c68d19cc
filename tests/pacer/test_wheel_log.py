"""Wheel events in the run log and through the gate: logged as the session saw them, read back exactly."""

from __future__ import annotations

import io

import pytest

from pacer.config import parse_config
from pacer.events import Fix, Tick, Wheel
from pacer.guard import guard_event
from pacer.runlog import encode, event_from_dict, event_to_dict, header_record, read_log, step_record
from pacer.session import Session
from pacer.wheel import WheelSettings


def test_a_wheel_event_round_trips_exactly():
    event = Wheel(1.7e9 + 0.37, 1234, "ble")
    assert event_from_dict(*event_to_dict(event)) == event


def test_a_log_with_wheel_records_reads_back_with_its_wheel_state():
    config = parse_config('[plan]\nname = "Mile"\ndistance = "1 mi"\ngoal = "4:40"\n', "mile.toml")
    session = Session(config, wheel=WheelSettings())
    t0 = 1.7e9
    events = [Fix(t0, 47.0, 8.0), Wheel(t0 + 0.5, 1), Fix(t0 + 1.0, 47.00005, 8.0), Wheel(t0 + 1.4, 2)]
    out = [encode(header_record(config, "first_fix", "pacer test", "test", None, t0))]
    for e in events:
        out.append(encode(step_record(e, session.step(e))))
    log = read_log(io.BytesIO(b"".join(out)), "run.jsonl")
    assert [s.event for s in log.steps] == events
    assert {s.status.wheel for s in log.steps} == {"ok"}


@pytest.mark.parametrize("revs", [-1, 1.5, True, 1 << 41])
def test_a_wheel_count_no_sensor_gives_is_a_tick(revs):
    out = guard_event(Wheel(1.7e9, revs), 1.7e9)
    assert isinstance(out, Tick) and out.reason == "bad wheel"


def test_a_good_wheel_event_passes_the_gate_unchanged():
    event = Wheel(1.7e9 + 0.25, 17, "gpio")
    assert guard_event(event, 1.7e9) is event
