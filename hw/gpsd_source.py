"""The fix source on the bike: gpsd's reports as an iterator of `Fix | Tick`.

This is where a riding fault stays a fault and not a crash: gpsd absent at
start, killed mid-run, or the receiver unplugged all become `Tick`s at about
1 Hz (reason "gpsd gone", "no receiver" or "no fix") while the source
reconnects with capped exponential backoff; fixes are de-duplicated by their
GPS time and checked key by key before they reach the core. Ticks are stamped
in GPS time too (the clock's time plus the offset seen at the last fix), so
the core sees a single timebase.
"""

from __future__ import annotations

import logging
import math
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from hw.gpsd_report import (
    RejectedReport,
    report_mode,
    report_time_s,
    sky_satellites_used,
    tpv_to_fix,
)
from pacer.clock import Clock
from pacer.errors import DeviceError
from pacer.events import Fix, Tick

log = logging.getLogger(__name__)

BackendName = Literal["poll", "stream"]
GPSD_GONE = "gpsd gone"
NO_RECEIVER = "no receiver"
NO_FIX = "no fix"
DUE = "due"  # the consumer asked to be woken (GpsdSource.wake_at); the same word as with_due_ticks' ticks


class GpsdBackend(Protocol):
    """How reports come from gpsd: `hw.gpsd_stream.StreamBackend` or `hw.gpsd_poll.PollBackend`."""

    def connect(self, host: str, port: int, timeout_s: float) -> None: ...

    def read(self, until: float) -> list[dict[str, Any]]: ...

    def close(self) -> None: ...


@dataclass
class SourceStats:
    """What the source did with gpsd's reports, for logs and the integration tests."""

    fixes: int = 0
    duplicates: int = 0
    backwards: int = 0
    rejected: int = 0
    no_fix_reports: int = 0
    connects: int = 0
    connect_failures: int = 0
    disconnects: int = 0


class GpsdSource:
    """Iterate for `Fix` and `Tick` events from gpsd at `host:port`.

    `rate_hz` is the receiver's rate (the poll backend polls 4x faster, and a
    tick is due when no fix came for 1.5 periods or `tick_interval_s`,
    whichever is longer). `backend` is "stream" (reads every report; the
    default) or "poll" (gpsd-py3). Iteration never ends on its own; `close()`
    ends it.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 2947,
        clock: Clock | None = None,
        rate_hz: float = 1.0,
        backend: BackendName = "stream",
        tick_interval_s: float = 1.0,
        backoff_initial_s: float = 0.5,
        backoff_max_s: float = 8.0,
        timeout_s: float = 2.0,
    ) -> None:
        if clock is None:
            from hw.clock import MonotonicClock

            clock = MonotonicClock()
        if rate_hz <= 0:
            raise ValueError(f"rate_hz must be positive, got {rate_hz}")
        self.host = host
        self.port = port
        self._clock = clock
        self._rate_hz = rate_hz
        self._backend = _make_backend(backend, clock, rate_hz)
        self._tick_interval_s = tick_interval_s
        self._fix_gap_s = max(tick_interval_s, 1.5 / rate_hz)
        self._backoff_initial_s = backoff_initial_s
        self._backoff_max_s = backoff_max_s
        self._backoff_s = backoff_initial_s
        self._timeout_s = timeout_s
        self._connected = False
        self._closed = False
        self._next_attempt = clock.now()
        self._pending: deque[Fix | Tick] = deque()
        self._last_event_wall = clock.now()
        self._last_event_was_fix = False
        self._last_event_t_s: float | None = None
        self._last_fix_t_s: float | None = None
        self._gps_offset_s: float | None = None
        self._satellites: int | None = None
        self._receiver_active: bool | None = None
        self.stats = SourceStats()
        self.wake_at: Callable[[], float | None] | None = None
        """The consumer's next deadline in GPS time (a workout's pip, the buzzer's next
        change), read before every wait: the source yields Tick(that time, "due") then,
        rather than the consumer hearing of it only at the next fix (up to a period late)."""

    def __iter__(self) -> Iterator[Fix | Tick]:
        return self

    def __next__(self) -> Fix | Tick:
        while not self._closed:
            if self._pending:
                return self._pending.popleft()
            self._step()
        raise StopIteration

    def close(self) -> None:
        self._closed = True
        self._backend.close()
        self._connected = False

    # --- one turn of the loop ------------------------------------------------

    def _wake(self) -> tuple[float, float] | None:
        """(GPS time, clock time) of the consumer's next deadline, if it has one ahead."""
        if self.wake_at is None or self._gps_offset_s is None:
            return None
        due_s = self.wake_at()
        if due_s is None or not math.isfinite(due_s) or (self._last_event_t_s is not None and due_s <= self._last_event_t_s):
            return None
        return due_s, due_s - self._gps_offset_s

    def _step(self) -> None:
        now = self._clock.now()
        if not self._connected and now >= self._next_attempt:
            self._connect(now)
        tick_due = self._last_event_wall + (
            self._fix_gap_s if self._last_event_was_fix else self._tick_interval_s
        )
        wake = self._wake()
        until = tick_due if wake is None else min(tick_due, wake[1])
        if not self._connected:
            if now >= tick_due:
                self._emit_tick(GPSD_GONE, now)
            elif wake is not None and now >= wake[1]:
                self._emit_tick(DUE, now, wake[0])
            else:
                self._clock.sleep_until(min(until, self._next_attempt))
            return
        try:
            reports = self._backend.read(until=until)
        except DeviceError as exc:
            self._lose_gpsd(exc)
            self._emit_tick(GPSD_GONE, self._clock.now())
            return
        arrived = self._clock.now()
        for report in reports:
            self._handle(report, arrived)
        if not self._pending and arrived >= tick_due:
            self._emit_tick(NO_RECEIVER if self._receiver_active is False else NO_FIX, arrived)
        elif not self._pending and wake is not None and arrived >= wake[1]:
            self._emit_tick(DUE, arrived, wake[0])

    def _connect(self, now: float) -> None:
        try:
            self._backend.connect(self.host, self.port, self._timeout_s)
        except DeviceError as exc:
            self.stats.connect_failures += 1
            self._next_attempt = now + self._backoff_s
            log.info("gpsd unavailable (%s); next try in %.1f s", exc, self._backoff_s)
            self._backoff_s = min(self._backoff_s * 2, self._backoff_max_s)
            return
        self._connected = True
        self._receiver_active = None
        self.stats.connects += 1
        log.info("connected to gpsd at %s:%d", self.host, self.port)

    def _lose_gpsd(self, exc: DeviceError) -> None:
        log.warning("lost gpsd: %s", exc)
        self._backend.close()
        self._connected = False
        self.stats.disconnects += 1
        self._backoff_s = self._backoff_initial_s
        self._next_attempt = self._clock.now() + self._backoff_s
        self._backoff_s = min(self._backoff_s * 2, self._backoff_max_s)

    # --- gpsd's reports ------------------------------------------------------

    def _handle(self, report: dict[str, Any], arrived: float) -> None:
        kind = report.get("class")
        if kind == "TPV":
            self._handle_tpv(report, arrived)
        elif kind == "SKY":
            used = sky_satellites_used(report)
            if used is not None:
                self._satellites = used
        elif kind == "POLL":
            active = report.get("active")
            self._receiver_active = active > 0 if isinstance(active, int) else None
            for sky in _dicts(report.get("sky")):
                self._handle({**sky, "class": "SKY"}, arrived)
            for tpv in _dicts(report.get("tpv")):
                self._handle({**tpv, "class": "TPV"}, arrived)
        elif kind == "DEVICE":
            # "activated": 0 is gpsd's word for a receiver that went away.
            if report.get("activated") == 0:
                self._receiver_active = False
            elif "activated" in report:
                self._receiver_active = True
        elif kind == "DEVICES":
            self._receiver_active = bool(_dicts(report.get("devices")))
        elif kind == "ERROR":
            log.warning("gpsd error: %s", report.get("message"))

    def _handle_tpv(self, tpv: dict[str, Any], arrived: float) -> None:
        self._receiver_active = True
        t_s = report_time_s(tpv)
        if report_mode(tpv) < 2:
            self.stats.no_fix_reports += 1
            if self._gps_offset_s is None and t_s is not None:
                self._gps_offset_s = t_s - arrived  # the receiver knows the time before a fix
            if self._last_event_was_fix or arrived - self._last_event_wall >= self._tick_interval_s:
                self._emit_tick(NO_FIX, arrived)
            return
        try:
            fix = tpv_to_fix(tpv, self._satellites)
        except RejectedReport as exc:
            self.stats.rejected += 1
            log.info("rejected a gpsd report: %s", exc)
            return
        if self._last_fix_t_s is not None and fix.t_s <= self._last_fix_t_s:
            # Polling sees the same TPV again; gpsd also reports one epoch twice while it
            # learns the receiver's cycle; a receiver's clock may step back.
            if fix.t_s == self._last_fix_t_s:
                self.stats.duplicates += 1
            else:
                self.stats.backwards += 1
                log.info("fix time went backward by %.3f s; dropped", self._last_fix_t_s - fix.t_s)
            return
        self._backoff_s = self._backoff_initial_s
        self._last_fix_t_s = fix.t_s
        self._gps_offset_s = fix.t_s - arrived
        self.stats.fixes += 1
        self._emit(fix, arrived)

    def _emit_tick(self, reason: str, now: float, t_s: float | None = None) -> None:
        if t_s is None:
            t_s = now + self._gps_offset_s if self._gps_offset_s is not None else now
        if self._last_event_t_s is not None:
            t_s = max(t_s, self._last_event_t_s)  # never step back in time
        self._emit(Tick(t_s=t_s, reason=reason, satellites=self._satellites), now)

    def _emit(self, event: Fix | Tick, now: float) -> None:
        self._pending.append(event)
        self._last_event_wall = now
        self._last_event_was_fix = isinstance(event, Fix)
        self._last_event_t_s = event.t_s


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _make_backend(name: str, clock: Clock, rate_hz: float) -> GpsdBackend:
    if name == "stream":
        from hw.gpsd_stream import StreamBackend

        return StreamBackend(clock)
    if name == "poll":
        from hw.gpsd_poll import PollBackend

        return PollBackend(clock, poll_interval_s=1.0 / (4.0 * rate_hz))
    raise ValueError(f"gpsd backend must be 'poll' or 'stream', got {name!r}")
