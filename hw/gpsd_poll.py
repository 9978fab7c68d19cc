"""The gpsd-py3 backend: poll gpsd's latest report (`?POLL;`) several times per fix.

Kept because gpsd-py3 is the client the project was asked to use. It answers a
poll with the *latest* TPV only, so a fix that is replaced before the next poll
is lost for good (a slow display update or a burst from gpsd is enough); the
streaming backend (`hw.gpsd_stream`) reads every TPV and is the default.
gpsd-py3 is used for what it does well, connecting and the WATCH handshake on
its module-global socket; the poll itself is written here because
`gpsd.get_current()` hides which keys were missing (they become 0), raises on
a poll without a SKY, and its socket has no timeout.
"""

from __future__ import annotations

import json
import socket
import threading
from typing import Any

from pacer.clock import Clock
from pacer.errors import DeviceError

_owner_lock = threading.Lock()
_owner: object | None = None


class PollBackend:
    """gpsd-py3 polled every `poll_interval_s` on `clock`.

    gpsd-py3 keeps one socket per process in module globals, so only one
    PollBackend may be connected at a time; a second one raises DeviceError
    instead of silently stealing the first one's socket.
    """

    def __init__(self, clock: Clock, poll_interval_s: float) -> None:
        self._clock = clock
        self._interval_s = poll_interval_s
        self._next_poll = 0.0
        self._timeout_s = 2.0

    def connect(self, host: str, port: int, timeout_s: float) -> None:
        global _owner
        import gpsd  # gpsd-py3; imported late so importing pacer never needs it

        with _owner_lock:
            if _owner is not None and _owner is not self:
                raise DeviceError("gpsd-py3 holds one connection per process and it is in use")
            _owner = self
        self._release_module_socket(gpsd)
        self._timeout_s = timeout_s
        # gpsd.connect() opens its socket without a timeout, so a gpsd that accepts and
        # then hangs would block us forever; the default timeout applies to that socket.
        previous = socket.getdefaulttimeout()
        socket.setdefaulttimeout(timeout_s)
        try:
            gpsd.connect(host=host, port=port)
        except (OSError, ValueError, KeyError) as exc:
            self._release_module_socket(gpsd)
            raise DeviceError(f"cannot connect to gpsd at {host}:{port}: {exc}") from exc
        except Exception as exc:  # gpsd-py3 raises plain Exception on an unexpected reply
            self._release_module_socket(gpsd)
            raise DeviceError(f"gpsd at {host}:{port} answered unexpectedly: {exc}") from exc
        finally:
            socket.setdefaulttimeout(previous)
        self._next_poll = self._clock.now()

    def read(self, until: float) -> list[dict[str, Any]]:
        """Sleep to the next poll time (or `until`, if sooner); poll; return [POLL reply]."""
        import gpsd

        now = self._clock.now()
        if now < self._next_poll:
            self._clock.sleep_until(min(self._next_poll, until))
            now = self._clock.now()
            if now < self._next_poll:
                return []
        self._next_poll = max(self._next_poll + self._interval_s, now)
        stream = gpsd.gpsd_stream
        if stream is None:
            raise DeviceError("gpsd-py3 is not connected")
        try:
            stream.write("?POLL;\n")
            stream.flush()
            while True:
                line = stream.readline()
                if not line:
                    raise DeviceError("gpsd closed the connection")
                reply = json.loads(line)
                # gpsd may interleave a DEVICE notice; the answer to our poll follows it.
                if isinstance(reply, dict) and reply.get("class") == "POLL":
                    return [reply]
                if isinstance(reply, dict) and reply.get("class") in ("DEVICE", "DEVICES", "ERROR"):
                    return [reply]
        except (OSError, ValueError) as exc:
            # A timed-out socket file cannot be read again, so every error ends the connection.
            raise DeviceError(f"gpsd poll failed: {exc}") from exc

    def close(self) -> None:
        global _owner
        import gpsd

        with _owner_lock:
            if _owner is self:
                self._release_module_socket(gpsd)
                _owner = None

    @staticmethod
    def _release_module_socket(gpsd: Any) -> None:
        """Close and forget gpsd-py3's module-global socket, whatever state it is in."""
        for name in ("gpsd_stream", "gpsd_socket"):
            handle = getattr(gpsd, name, None)
            setattr(gpsd, name, None)
            if handle is not None:
                try:
                    handle.close()
                except OSError:
                    pass  # closing a broken socket may fail; it is gone either way
