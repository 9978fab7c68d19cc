"""Bluetooth Cycling Speed and Cadence (CSC) Measurements: bytes in, wheel revolutions with times out.

Pure, so the byte layout and the two rollovers are tested without a radio; the
BLE adapter (hw/wheel_ble.py) only hands over each notification's bytes and
when it arrived. The layout is the Bluetooth SIG's CSC Measurement
characteristic (0x2A5B), little-endian:

    flags        uint8   bit 0: wheel revolution data present
                         bit 1: crank revolution data present (bits 2-7 reserved)
    wheel revs   uint32  cumulative wheel revolutions          (if bit 0)
    wheel time   uint16  last wheel event time, 1/1024 s       (if bit 0)
    crank revs   uint16  cumulative crank revolutions          (if bit 1)
    crank time   uint16  last crank event time, 1/1024 s       (if bit 1)

The event times roll over every 64 s and the counters at 2^32 (wheel) and
2^16 (crank), so only differences between notifications mean anything.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from pacer.events import Wheel

CSC_MEASUREMENT_UUID = "00002a5b-0000-1000-8000-00805f9b34fb"
CSC_SERVICE_UUID = "00001816-0000-1000-8000-00805f9b34fb"
WHEEL_PRESENT = 0x01
CRANK_PRESENT = 0x02
TIME_UNITS_PER_S = 1024.0
TIME_WRAP = 1 << 16  # the event times' rollover: 64 s
WHEEL_WRAP = 1 << 32
MAX_REVS_PER_NOTE = 200  # more between two notifications (~1 s) is no bike: a reset counter


class CscError(ValueError):
    """A notification that is not a CSC Measurement (too short for what its flags say)."""


@dataclass(frozen=True, slots=True)
class CscMeasurement:
    wheel_revs: int | None  # cumulative, uint32
    wheel_time: int | None  # last wheel event, 1/1024 s, uint16
    crank_revs: int | None = None  # cumulative, uint16
    crank_time: int | None = None


def parse_csc(data: bytes | bytearray) -> CscMeasurement:
    """One notification's value, by its flags; reserved flag bits are ignored, extra bytes too."""
    if len(data) < 1:
        raise CscError("an empty CSC Measurement")
    flags = data[0]
    need = 1 + (6 if flags & WHEEL_PRESENT else 0) + (4 if flags & CRANK_PRESENT else 0)
    if len(data) < need:
        raise CscError(f"a CSC Measurement with flags 0x{flags:02x} needs {need} bytes, got {len(data)}")
    at = 1
    wheel_revs = wheel_time = crank_revs = crank_time = None
    if flags & WHEEL_PRESENT:
        wheel_revs, wheel_time = struct.unpack_from("<IH", data, at)
        at += 6
    if flags & CRANK_PRESENT:
        crank_revs, crank_time = struct.unpack_from("<HH", data, at)
    return CscMeasurement(wheel_revs, wheel_time, crank_revs, crank_time)


class CscWheelTracker:
    """Successive measurements -> `Wheel` events in the receiver's timebase.

    The sensor's clock is its own: the time of its last wheel event is placed
    on the receiver's clock by the least delay seen so far between an event
    and the notification that reported it (a notification never comes before
    its event; the quickest shows the offset). The count starts at 0 with the
    first measurement; a notification with no new revolution gives nothing (a
    standing wheel); a jump too big to be pedalled is a reset sensor: counting
    starts again from there.
    """

    def __init__(self, source: str = "ble") -> None:
        self.source = source
        self.last: CscMeasurement | None = None
        self.revs = 0
        self.sensor_s = 0.0  # the last wheel event, unwrapped, on the sensor's clock
        self.offset_s: float | None = None  # receiver time minus sensor time (least delay)
        self.last_t_s: float | None = None

    def reset(self) -> None:
        """A new connection: the next measurement is a new baseline."""
        self.last = None
        self.offset_s = None

    def feed(self, m: CscMeasurement, received_t_s: float) -> Wheel | None:
        if m.wheel_revs is None or m.wheel_time is None:
            return None  # a cadence-only notification
        last, self.last = self.last, m
        if last is None or last.wheel_revs is None or last.wheel_time is None:
            self.sensor_s = 0.0
            self.offset_s = received_t_s
            return None
        d_revs = (m.wheel_revs - last.wheel_revs) % WHEEL_WRAP
        d_time = (m.wheel_time - last.wheel_time) % TIME_WRAP
        if d_revs == 0:
            return None
        if d_revs > MAX_REVS_PER_NOTE:
            self.reset()
            self.last = m
            self.sensor_s = 0.0
            self.offset_s = received_t_s
            return None
        self.sensor_s += d_time / TIME_UNITS_PER_S
        self.revs += d_revs
        assert self.offset_s is not None
        self.offset_s = min(self.offset_s, received_t_s - self.sensor_s)
        t_s = self.sensor_s + self.offset_s
        if self.last_t_s is not None and t_s <= self.last_t_s:
            t_s = self.last_t_s + 1e-3  # never backward: the offset just moved
        self.last_t_s = t_s
        return Wheel(t_s, self.revs, self.source)
