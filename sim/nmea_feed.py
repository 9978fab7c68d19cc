"""A pretend GPS receiver on a loopback TCP port, for a real gpsd to read.

gpsd takes `tcp://127.0.0.1:PORT` as a device, so a tiny server that writes
NMEA lines at the receiver's own rate is all the simulator needs to drive the
real daemon: no serial port, no root, no gpsfake. Sentences are grouped into
epochs (one receiver cycle: all sentences with the same time of day) and each
epoch is written whole at its due time on an injected `Clock`, optionally N
times faster than recorded, or as fast as gpsd reads (TCP back-pressure, so
nothing is lost). Epochs that fall due while no gpsd is connected are dropped,
as a real receiver's output would be, and counted.
"""

from __future__ import annotations

import logging
import select
import socket
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pacer.clock import Clock
from pacer.events import Fix
from sim.nmea import fix_sentences, time_of_day_s

log = logging.getLogger(__name__)

SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class Epoch:
    """One receiver cycle: its lines and when it plays, in data seconds after the first epoch."""

    offset_s: float
    lines: tuple[str, ...]


def epochs_from_fixes(fixes: Iterable[Fix], talker: str = "GP") -> list[Epoch]:
    """One RMC + GGA epoch per fix, played at the fixes' own time differences."""
    epochs: list[Epoch] = []
    t0_s: float | None = None
    for fix in fixes:
        t0_s = fix.t_s if t0_s is None else t0_s
        epochs.append(Epoch(fix.t_s - t0_s, tuple(fix_sentences(fix, talker))))
    return epochs


def epochs_from_lines(
    lines: Iterable[str], default_period_s: float = 1.0, max_gap_s: float = 10.0
) -> list[Epoch]:
    """Group a recorded NMEA stream into epochs by the sentences' time of day.

    gpsd's '#' comment lines and blank lines are skipped; every other line is
    kept as recorded, unknown sentences included (gpsd must cope with them).
    A gap that is negative (time going backward), or longer than `max_gap_s`,
    plays after `default_period_s` instead, so a broken log still paces
    sensibly; a step back across UTC midnight counts as the day wrapping.
    """
    groups: list[tuple[float | None, list[str]]] = []
    current_tod: float | None = None
    current: list[str] = []
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line.strip() or line.startswith("#"):
            continue
        tod = time_of_day_s(line)
        if tod is not None and current_tod is not None and tod != current_tod and current:
            groups.append((current_tod, current))
            current = []
            current_tod = None
        if tod is not None and current_tod is None:
            current_tod = tod
        current.append(line)
    if current:
        groups.append((current_tod, current))

    epochs: list[Epoch] = []
    offset_s = 0.0
    previous_tod: float | None = None
    for tod, group in groups:
        if epochs:
            gap_s = default_period_s
            if tod is not None and previous_tod is not None:
                delta_s = tod - previous_tod
                if delta_s < -SECONDS_PER_DAY / 2:
                    delta_s += SECONDS_PER_DAY
                if 0 < delta_s <= max_gap_s:
                    gap_s = delta_s
            offset_s += gap_s
        epochs.append(Epoch(offset_s, tuple(group)))
        if tod is not None:
            previous_tod = tod
    return epochs


def epochs_from_log(path: Path, default_period_s: float = 1.0) -> list[Epoch]:
    """A raw NMEA log file (gpsd's test logs, a receiver dump) as epochs."""
    text = Path(path).read_text(encoding="ascii", errors="replace")
    return epochs_from_lines(text.splitlines(), default_period_s)


class NmeaFeed:
    """Serves epochs to whoever connects (gpsd), paced on `clock`.

    `speedup` plays the data N times faster than recorded; `speedup=None`
    writes as fast as the reader takes it. The schedule starts when the first
    client connects and runs on whether or not one stays connected; a client
    that connects later (a restarted gpsd) gets the epochs from then on.
    Use as a context manager, or `start()` / `close()`.
    """

    def __init__(
        self,
        epochs: Sequence[Epoch],
        clock: Clock,
        speedup: float | None = 1.0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if speedup is not None and speedup <= 0:
            raise ValueError(f"speedup must be positive or None, got {speedup}")
        self._epochs = list(epochs)
        self._clock = clock
        self._speedup = speedup
        self._listener = socket.create_server((host, port))
        self._listener.setblocking(False)
        self._stop = threading.Event()
        self._finished = threading.Event()
        self._lock = threading.Lock()
        self._client: socket.socket | None = None
        self._thread = threading.Thread(target=self._serve, name="nmea-feed", daemon=True)
        self._unplugged = threading.Event()
        self.sent_epochs = 0
        self.dropped_epochs = 0
        self.connections = 0

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    @property
    def finished(self) -> bool:
        """True once every epoch has been written or dropped."""
        return self._finished.is_set()

    def wait_finished(self, timeout_s: float | None = None) -> bool:
        return self._finished.wait(timeout_s)

    def start(self) -> NmeaFeed:
        self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5.0)
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None
        self._listener.close()

    def unplug(self) -> None:
        """The receiver loses power or its cable comes out. On the Pi's UART (hw/README.md)
        gpsd keeps the serial port open and hears silence, so the connection stays
        and the epochs meanwhile are lost."""
        self._unplugged.set()

    def replug(self) -> None:
        """The receiver talks again."""
        self._unplugged.clear()

    def __enter__(self) -> NmeaFeed:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the serving thread ---------------------------------------------------

    def _serve(self) -> None:
        try:
            while not self._stop.is_set() and self._client is None:
                self._poll_sockets(0.05)
            start = self._clock.now()
            for epoch in self._epochs:
                if self._stop.is_set():
                    return
                if self._speedup is not None:
                    self._wait_until(start + epoch.offset_s / self._speedup)
                else:
                    while self._client is None and not self._stop.is_set():
                        self._poll_sockets(0.05)
                self._send(epoch)
            self._finished.set()
            # Keep the connection open: a closed device would look like an unplugged receiver.
            while not self._stop.is_set():
                self._poll_sockets(0.1)
        except Exception:  # a crashed feed would otherwise look like a silent receiver
            log.exception("NMEA feed failed")
            raise

    def _wait_until(self, due: float) -> None:
        """Wait on the injected clock in short slices, accepting and draining meanwhile."""
        while not self._stop.is_set():
            now = self._clock.now()
            if now >= due:
                return
            self._poll_sockets(0.0)
            self._clock.sleep_until(min(due, now + 0.02))

    def _send(self, epoch: Epoch) -> None:
        payload = "".join(line + "\r\n" for line in epoch.lines).encode("ascii", "replace")
        with self._lock:
            client = self._client
        if client is None or self._unplugged.is_set():
            self.dropped_epochs += 1
            return
        try:
            client.sendall(payload)
            self.sent_epochs += 1
        except OSError as exc:
            log.info("feed client went away: %s", exc)
            self.dropped_epochs += 1
            self._drop_client()

    def _poll_sockets(self, timeout_s: float) -> None:
        """Accept a new client (replacing the old one), and read and discard what the
        client writes (gpsd may probe the 'receiver') so its buffer never fills."""
        watched = [self._listener] + ([self._client] if self._client is not None else [])
        readable, _, _ = select.select(watched, [], [], timeout_s)
        if self._listener in readable:
            try:
                conn, _ = self._listener.accept()
            except BlockingIOError:
                conn = None
            if conn is not None:
                conn.setblocking(True)
                self._drop_client()
                with self._lock:
                    self._client = conn
                self.connections += 1
        client = self._client
        if client is not None and client in readable:
            try:
                data = client.recv(4096, socket.MSG_DONTWAIT)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:
                self._drop_client()

    def _drop_client(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()
