"""A Bluetooth speed sensor (Cycling Speed and Cadence profile) through bleak: `Wheel` events.

bleak is asyncio; the loop is not. So the sensor lives on its own thread with
its own event loop: find the sensor (its address, or the first one advertising
the CSC service for "auto"), connect, subscribe to CSC Measurement
notifications, and on a lost link (battery, out of range) connect again,
backing off from 1 s to 16 s. Each notification's bytes go through the pure
parser and tracker (pacer/csc.py), stamped with `now_gps_s()` when they
arrive; the resulting events wait in a deque the loop drains with `poll()`.
Every fault is logged once and retried; none reaches the loop.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import threading
import time
from typing import Any, Awaitable, Callable

from pacer.csc import CSC_MEASUREMENT_UUID, CSC_SERVICE_UUID, CscError, CscWheelTracker, parse_csc
from pacer.events import Wheel

log = logging.getLogger("pacer.hw.wheel")

SCAN_S = 10.0
CONNECT_TIMEOUT_S = 20.0
BACKOFF_S = (1.0, 16.0)


async def find_sensor(address: str, timeout_s: float = SCAN_S) -> Any:
    """The BLEDevice for `address`, or the first advertising the CSC service for "auto"; None if none."""
    from bleak import BleakScanner

    if address == "auto":
        return await BleakScanner.find_device_by_filter(
            lambda _dev, adv: CSC_SERVICE_UUID in [u.lower() for u in adv.service_uuids], timeout=timeout_s)
    return await BleakScanner.find_device_by_address(address, timeout=timeout_s)


class BleWheelSource:
    """Wheel events from a CSC sensor, drained by `poll()`; `close()` stops the thread.

    `backend` is passed to bleak's BleakClient (None: the platform's, BlueZ on
    the Pi); `find` finds the device (default: bleak's scanner).
    """

    def __init__(self, address: str, now_gps_s: Callable[[], float] = time.time, backend: Any = None,
                 find: Callable[[str], Awaitable[Any]] | None = None, start: bool = True) -> None:
        self.address = address
        self._now = now_gps_s
        self._backend = backend
        self._find = find or find_sensor
        self._queue: collections.deque[Wheel] = collections.deque()
        self.tracker = CscWheelTracker("ble")
        self._stop = threading.Event()
        self.connected = False
        self.connections = 0
        self.bad_notes = 0
        self._said: set[str] = set()
        self._thread: threading.Thread | None = None
        if start:
            self._thread = threading.Thread(target=self._thread_main, name="pacer-wheel-ble", daemon=True)
            self._thread.start()

    # -- bleak's side -----------------------------------------------------------

    def on_notify(self, characteristic: Any, data: bytearray) -> None:
        """bleak's notification callback: (BleakGATTCharacteristic, bytearray)."""
        try:
            m = parse_csc(data)
        except CscError as e:
            self.bad_notes += 1
            self._say_once("bad", f"the wheel sensor sent a notification that is not a CSC Measurement: {e}")
            return
        event = self.tracker.feed(m, self._now())
        if event is not None:
            self._queue.append(event)

    def _thread_main(self) -> None:
        try:
            asyncio.run(self.run())
        except Exception as e:  # never into the loop: the run goes on without the wheel
            log.error("the wheel sensor thread ended: %s: %s", type(e).__name__, e)

    async def run(self) -> None:
        """Connect, listen, reconnect, until `close()`."""
        from bleak import BleakClient
        from bleak.exc import BleakError

        backoff = BACKOFF_S[0]
        while not self._stop.is_set():
            try:
                device = await self._find(self.address)
                if device is None:
                    self._say_once("missing", f"no wheel sensor {self.address} found; still looking")
                else:
                    lost = asyncio.Event()
                    kwargs: dict[str, Any] = {"timeout": CONNECT_TIMEOUT_S}
                    if self._backend is not None:
                        kwargs["backend"] = self._backend
                    client = BleakClient(device, disconnected_callback=lambda _c: lost.set(), **kwargs)
                    await client.connect()
                    try:
                        self.tracker.reset()  # a new link: the next notification is a new baseline
                        await client.start_notify(CSC_MEASUREMENT_UUID, self.on_notify)
                        self.connected = True
                        self.connections += 1
                        log.info("wheel sensor %s connected", device.address)
                        backoff = BACKOFF_S[0]
                        while not lost.is_set() and not self._stop.is_set():
                            try:
                                await asyncio.wait_for(lost.wait(), 0.25)
                            except asyncio.TimeoutError:
                                pass
                    finally:
                        self.connected = False
                        if client.is_connected:
                            await client.disconnect()
                    if lost.is_set():
                        log.warning("wheel sensor %s lost; reconnecting", device.address)
            except (BleakError, OSError, asyncio.TimeoutError) as e:
                self.connected = False
                self._say_once(type(e).__name__, f"wheel sensor {self.address}: {type(e).__name__}: {e}; retrying")
            await self._sleep(backoff)
            backoff = min(2 * backoff, BACKOFF_S[1])

    async def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self._stop.is_set() and time.monotonic() < end:
            await asyncio.sleep(min(0.1, end - time.monotonic()))

    def _say_once(self, key: str, message: str) -> None:
        if key not in self._said:
            self._said.add(key)
            log.warning("%s", message)

    # -- the loop's side --------------------------------------------------------

    @property
    def healthy(self) -> bool:
        return self.connected

    def poll(self) -> list[Wheel]:
        out = []
        while True:
            try:
                out.append(self._queue.popleft())
            except IndexError:
                return out

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
