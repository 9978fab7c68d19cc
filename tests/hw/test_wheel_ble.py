"""The BLE wheel source against bleak's own client.

No radio here, so the sensor is a bleak *backend*: a subclass of bleak's
`BaseBleakClient` (the interface BlueZ, CoreBluetooth and WinRT implement),
handed to bleak's real `BleakClient` through its `backend=` argument. So the
source goes through bleak's own front end: connect, the GATT service
collection, `start_notify` resolving the CSC Measurement characteristic by
UUID and wrapping the callback with the `BleakGATTCharacteristic`, and the
disconnected callback. Only the bytes on the air are the test's.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

bleak = pytest.importorskip("bleak")
from bleak.backends.characteristic import BleakGATTCharacteristic  # noqa: E402
from bleak.backends.client import BaseBleakClient  # noqa: E402
from bleak.backends.device import BLEDevice  # noqa: E402
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection  # noqa: E402

from hw.wheel_ble import BleWheelSource  # noqa: E402
from pacer.csc import CSC_MEASUREMENT_UUID, CSC_SERVICE_UUID  # noqa: E402

ADDRESS = "C1:A5:5E:00:14:01"


def csc(revs: int, time_1024: int) -> bytes:
    """A CSC Measurement with wheel data only (flags 0x01), little-endian per the SIG layout."""
    return bytes([0x01]) + revs.to_bytes(4, "little") + time_1024.to_bytes(2, "little")


class SensorBackend(BaseBleakClient):
    """A speed sensor as a bleak backend: the test pushes notifications and drops the link."""

    live: list["SensorBackend"] = []

    def __init__(self, address_or_ble_device: Any, **kwargs: Any) -> None:
        super().__init__(address_or_ble_device, **kwargs)
        self._connected = False
        self.callback: Any = None
        self.loop: asyncio.AbstractEventLoop | None = None

    @property
    def mtu_size(self) -> int:
        return 23

    async def connect(self, pair: bool, **kwargs: Any) -> None:
        services = BleakGATTServiceCollection()
        service = BleakGATTService(None, 0x10, CSC_SERVICE_UUID)
        services.add_service(service)
        services.add_characteristic(
            BleakGATTCharacteristic(None, 0x11, CSC_MEASUREMENT_UUID, ["notify"], lambda: 20, service))
        self.services = services
        self._connected = True
        self.loop = asyncio.get_running_loop()
        SensorBackend.live.append(self)

    async def disconnect(self) -> None:
        self._connected = False

    @property
    def is_connected(self) -> bool:
        return self._connected

    async def start_notify(self, characteristic: BleakGATTCharacteristic, callback: Any, **kwargs: Any) -> None:
        assert characteristic.uuid == CSC_MEASUREMENT_UUID
        self.callback = callback

    async def stop_notify(self, characteristic: BleakGATTCharacteristic) -> None:
        self.callback = None

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError

    async def unpair(self) -> None:
        raise NotImplementedError

    async def read_gatt_char(self, *args: Any, **kwargs: Any) -> bytearray:
        raise NotImplementedError

    async def read_gatt_descriptor(self, *args: Any, **kwargs: Any) -> bytearray:
        raise NotImplementedError

    async def write_gatt_char(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError

    async def write_gatt_descriptor(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError

    # -- the air ----------------------------------------------------------------

    def notify(self, data: bytes) -> None:
        """The sensor sends a notification (on bleak's loop, as BlueZ's D-Bus signal would arrive)."""
        assert self.loop is not None
        done = threading.Event()

        def deliver() -> None:
            self.callback(bytearray(data))
            done.set()

        self.loop.call_soon_threadsafe(deliver)
        assert done.wait(2.0)

    def drop_link(self) -> None:
        """The battery dies or the bike rides out of range."""
        assert self.loop is not None

        def lost() -> None:
            self._connected = False
            if self._disconnected_callback is not None:
                self._disconnected_callback()

        self.loop.call_soon_threadsafe(lost)


def wait_for(condition: Any, timeout_s: float = 5.0) -> bool:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


@pytest.fixture
def sensor_source():
    SensorBackend.live.clear()
    now = [1000.0]

    async def find(address: str) -> BLEDevice:
        return BLEDevice(ADDRESS, "SPD-BLE", None)

    source = BleWheelSource(ADDRESS, now_gps_s=lambda: now[0], backend=SensorBackend, find=find)
    assert wait_for(lambda: source.connected and SensorBackend.live and SensorBackend.live[-1].callback)
    yield source, SensorBackend.live, now
    source.close()


def test_notifications_through_bleak_become_wheel_events(sensor_source):
    source, live, now = sensor_source
    sensor = live[-1]
    sensor.notify(csc(5000, 1000))  # the baseline
    now[0] = 1001.0
    sensor.notify(csc(5002, 1000 + 1024))
    now[0] = 1002.0
    sensor.notify(csc(5004, 1000 + 2048))
    events = source.poll()
    assert [e.revs for e in events] == [2, 4]
    assert all(e.source == "ble" for e in events)
    assert events[1].t_s - events[0].t_s == pytest.approx(1.0)


def test_a_lost_link_is_connected_again_and_counting_goes_on(sensor_source):
    source, live, now = sensor_source
    first = live[-1]
    first.notify(csc(10, 0))
    now[0] = 1001.0
    first.notify(csc(12, 1024))
    first.drop_link()
    assert wait_for(lambda: len(live) == 2 and source.connected and live[-1].callback, 10.0)
    second = live[-1]
    now[0] = 1010.0
    second.notify(csc(40, 9000))  # a new baseline after the reconnect
    now[0] = 1011.0
    second.notify(csc(43, 9000 + 1024))
    assert [e.revs for e in source.poll()] == [2, 5]
    assert source.connections == 2


def test_a_notification_that_is_not_a_csc_measurement_is_counted_not_raised(sensor_source):
    source, live, _ = sensor_source
    live[-1].notify(b"\x01\x02")  # flags say wheel data, six bytes missing
    assert source.bad_notes == 1 and source.connected
    assert source.poll() == []


def test_a_sensor_not_found_keeps_looking_without_raising():
    calls = []

    async def find(address: str) -> None:
        calls.append(address)
        return None

    source = BleWheelSource("auto", backend=SensorBackend, find=find)
    try:
        assert wait_for(lambda: len(calls) >= 1)
        assert not source.healthy and source.poll() == []
    finally:
        source.close()
