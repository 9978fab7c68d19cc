"""CSC Measurement notifications: the Bluetooth SIG layout, every flag combination, both rollovers.

The byte strings are built here field by field from the characteristic's layout
(flags uint8; wheel revolutions uint32 and last wheel event time uint16 in
1/1024 s when bit 0 is set; crank revolutions uint16 and last crank event time
uint16 when bit 1 is set; little-endian), not by the parser's own code.
"""

from __future__ import annotations

import pytest

from pacer.csc import CscError, CscMeasurement, CscWheelTracker, parse_csc
from pacer.events import Wheel


def le(value: int, size: int) -> bytes:
    return value.to_bytes(size, "little")


def note(wheel: tuple[int, int] | None = None, crank: tuple[int, int] | None = None, extra_flags: int = 0) -> bytes:
    flags = (0x01 if wheel else 0) | (0x02 if crank else 0) | extra_flags
    out = bytes([flags])
    if wheel:
        out += le(wheel[0], 4) + le(wheel[1], 2)
    if crank:
        out += le(crank[0], 2) + le(crank[1], 2)
    return out


@pytest.mark.parametrize(
    "wheel, crank",
    [(None, None), ((123456, 40000), None), (None, (321, 5000)), ((0xFFFFFFFF, 0xFFFF), (0xFFFF, 0xFFFF))],
    ids=["no data", "wheel only", "crank only", "wheel and crank"],
)
def test_every_flag_combination_parses_to_its_fields(wheel, crank):
    m = parse_csc(note(wheel, crank))
    assert (m.wheel_revs, m.wheel_time) == (wheel if wheel else (None, None))
    assert (m.crank_revs, m.crank_time) == (crank if crank else (None, None))


def test_reserved_flag_bits_are_ignored():
    assert parse_csc(note((7, 1024), extra_flags=0xFC)) == CscMeasurement(7, 1024)


def test_a_notification_shorter_than_its_flags_say_is_refused():
    with pytest.raises(CscError, match="needs 7 bytes"):
        parse_csc(note((7, 1024))[:-1])
    with pytest.raises(CscError):
        parse_csc(b"")


def test_a_wheel_and_crank_notification_missing_the_crank_is_refused():
    with pytest.raises(CscError, match="needs 11 bytes"):
        parse_csc(note((7, 1024), (1, 2))[:8])


def feed(tracker: CscWheelTracker, data: bytes, t_s: float) -> Wheel | None:
    return tracker.feed(parse_csc(data), t_s)


def test_revolutions_are_counted_from_the_first_notification():
    tr = CscWheelTracker()
    assert feed(tr, note((1000, 0)), 100.0) is None  # the baseline
    w = feed(tr, note((1002, 1024)), 101.0)
    assert w is not None and w.revs == 2 and w.source == "ble"


def test_event_times_step_by_the_sensor_clock_not_the_arrival():
    tr = CscWheelTracker()
    feed(tr, note((0, 0)), 100.0)
    a = feed(tr, note((2, 1024)), 101.0)  # an event 1 s after the baseline's
    b = feed(tr, note((4, 1536)), 102.3)  # 0.5 s later on the sensor, arriving late
    assert a is not None and b is not None
    assert b.t_s - a.t_s == pytest.approx(0.5)


def test_the_event_time_rolls_over_every_64_seconds():
    tr = CscWheelTracker()
    feed(tr, note((10, 65000)), 100.0)
    w = feed(tr, note((12, 65000 + 1024 - 65536)), 101.0)  # 1 s later, across the 16-bit wrap
    assert w is not None and w.revs == 2 and w.t_s == pytest.approx(101.0, abs=1e-9)


def test_the_revolution_count_rolls_over_at_32_bits():
    tr = CscWheelTracker()
    feed(tr, note((0xFFFFFFFE, 0)), 100.0)
    w = feed(tr, note((1, 1024)), 101.0)
    assert w is not None and w.revs == 3


def test_both_rollovers_at_once():
    tr = CscWheelTracker()
    feed(tr, note((0xFFFFFFFF, 0xFFFF)), 100.0)
    w = feed(tr, note((2, 511)), 100.5)
    assert w is not None and w.revs == 3
    assert w.t_s == pytest.approx(100.0 + 512 / 1024)


def test_a_standing_wheel_gives_no_event():
    tr = CscWheelTracker()
    feed(tr, note((5, 100)), 100.0)
    assert feed(tr, note((5, 100)), 101.0) is None


def test_a_crank_only_notification_gives_no_wheel_event():
    tr = CscWheelTracker()
    feed(tr, note((5, 100)), 100.0)
    assert feed(tr, note(crank=(3, 40)), 101.0) is None


def test_a_jump_no_bike_could_ride_is_a_new_baseline():
    tr = CscWheelTracker()
    feed(tr, note((5, 100)), 100.0)
    assert feed(tr, note((900_000, 2000)), 101.0) is None
    w = feed(tr, note((900_003, 3024)), 102.0)
    assert w is not None and w.revs == 3


def test_event_times_never_go_backward():
    tr = CscWheelTracker()
    feed(tr, note((0, 0)), 100.0)
    times = []
    for k, arrive in enumerate([101.9, 102.0, 102.1, 104.5], 1):  # jittery arrival
        w = feed(tr, note((2 * k, 1024 * k)), arrive)
        assert w is not None
        times.append(w.t_s)
    assert times == sorted(times) and len(set(times)) == 4
