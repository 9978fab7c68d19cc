"""The streaming gpsd backend: `?WATCH` with JSON and read every report.

gpsd pushes one TPV per receiver cycle; reading them all from our own socket
means no fix is lost while the loop is busy (the kernel buffers them), which a
poll-the-latest client cannot promise. No client library: the protocol is one
JSON object per line, and owning the socket gives timeouts and a clean
reconnect.
"""

from __future__ import annotations

import json
import logging
import select
import socket
from typing import Any

from pacer.clock import Clock
from pacer.errors import DeviceError

log = logging.getLogger(__name__)

WATCH = b'?WATCH={"enable":true,"json":true}\n'
MAX_LINE_BYTES = 1 << 20


class StreamBackend:
    """One socket to gpsd in watcher mode; `read()` returns the reports that have arrived."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._sock: socket.socket | None = None
        self._buffer = b""

    def connect(self, host: str, port: int, timeout_s: float) -> None:
        self.close()
        try:
            sock = socket.create_connection((host, port), timeout=timeout_s)
        except OSError as exc:
            raise DeviceError(f"cannot connect to gpsd at {host}:{port}: {exc}") from exc
        try:
            sock.sendall(WATCH)
        except OSError as exc:
            sock.close()
            raise DeviceError(f"gpsd at {host}:{port} refused the watch: {exc}") from exc
        sock.setblocking(False)
        self._sock = sock
        self._buffer = b""

    def read(self, until: float) -> list[dict[str, Any]]:
        """Wait until a report arrives or `until` (on the clock) passes; return what arrived.

        Raises DeviceError when gpsd closes the connection or it fails.
        """
        sock = self._sock
        if sock is None:
            raise DeviceError("not connected to gpsd")
        timeout_s = max(0.0, until - self._clock.now())
        try:
            readable, _, _ = select.select([sock], [], [], timeout_s)
            if not readable:
                return []
            chunk = sock.recv(65536)
        except OSError as exc:
            self.close()
            raise DeviceError(f"gpsd connection failed: {exc}") from exc
        if not chunk:
            self.close()
            raise DeviceError("gpsd closed the connection")
        self._buffer += chunk
        *lines, self._buffer = self._buffer.split(b"\n")
        if len(self._buffer) > MAX_LINE_BYTES:
            self.close()
            raise DeviceError("gpsd sent a line longer than 1 MiB")
        reports: list[dict[str, Any]] = []
        for line in lines:
            if not line.strip():
                continue
            try:
                report = json.loads(line)
            except ValueError:
                log.warning("gpsd sent a line that is not JSON: %r", line[:120])
                continue
            if isinstance(report, dict):
                reports.append(report)
        return reports

    def close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()
