"""The real gpsd daemon on free loopback ports, for tests and `pacer sim --via-gpsd`.

Runs /usr/sbin/gpsd in the foreground reading a `tcp://` feed (see
`sim.nmea_feed`), with its control socket in a temporary folder, so it needs
no root, no serial port and touches nothing system-wide. It can be killed and
started again on the same port mid-run, which is how the tests play "gpsd died".
"""

from __future__ import annotations

import contextlib
import json
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from pacer.errors import DeviceError


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def gpsd_binary() -> str | None:
    """Path of the gpsd daemon, or None (it lives in sbin, often not on a user's PATH)."""
    return shutil.which("gpsd") or shutil.which("gpsd", path="/usr/sbin:/usr/local/sbin:/sbin")


class GpsdDaemon:
    """One gpsd process reading `tcp://127.0.0.1:feed_port`, serving JSON on `port`.

    Flags: -N (foreground, so we own the process), -b (read-only: never write
    configuration strings to the "receiver"), -F (control socket in our temp
    folder), -S (our port). Without -n gpsd opens the feed only once a client
    WATCHes, so no epoch is spent before the source listens; `nowait=True`
    adds -n, as on the Pi.
    """

    def __init__(self, feed_port: int, port: int | None = None, nowait: bool = False) -> None:
        binary = gpsd_binary()
        if binary is None:
            raise DeviceError("gpsd is not installed (Debian package 'gpsd')")
        self._binary = binary
        self.feed_port = feed_port
        self.port = port if port is not None else free_port()
        self._nowait = nowait
        self._dir = Path(tempfile.mkdtemp(prefix="pacer-gpsd-"))
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout_s: float = 5.0) -> None:
        """Start gpsd and return once it answers a client with its VERSION banner."""
        if self.running:
            return
        argv = [self._binary, "-N", "-b", "-F", str(self._dir / "gpsd.sock"), "-S", str(self.port)]
        if self._nowait:
            argv.append("-n")
        argv.append(f"tcp://127.0.0.1:{self.feed_port}")
        self._process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                err = self._process.stderr.read().decode(errors="replace") if self._process.stderr else ""
                raise DeviceError(f"gpsd exited at start ({self._process.returncode}): {err.strip()}")
            if _answers(self.port):
                return
            time.sleep(0.02)
        self.kill()
        raise DeviceError(f"gpsd did not answer on port {self.port} within {timeout_s} s")

    def kill(self) -> None:
        """SIGKILL, as a crash would: no goodbye to clients."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=5.0)
        if process.stderr is not None:
            process.stderr.close()

    def restart(self) -> None:
        self.kill()
        self.start()

    def close(self) -> None:
        self.kill()
        shutil.rmtree(self._dir, ignore_errors=True)


def _answers(port: int) -> bool:
    """True when something on `port` greets us as gpsd does (a VERSION object)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
            banner = conn.makefile("r").readline()
    except OSError:
        return False
    try:
        return json.loads(banner).get("class") == "VERSION"
    except ValueError:
        return False


@contextlib.contextmanager
def run_gpsd(feed_port: int, nowait: bool = False) -> Iterator[GpsdDaemon]:
    """gpsd reading the feed on `feed_port`; yields the daemon (`.port`, `.kill()`, `.start()`)."""
    daemon = GpsdDaemon(feed_port, nowait=nowait)
    try:
        daemon.start()
        yield daemon
    finally:
        daemon.close()
