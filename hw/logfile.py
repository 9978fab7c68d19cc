"""The run log on disk: where it goes, and an append-only writer that survives a power cut.

Each record is one line written with a single `write` and flushed at once, so
a SIGKILL loses nothing the session has stepped; `fsync` (the part a power cut
needs, and the part that costs on an SD card) runs at most once per
`fsync_interval_s` of wall time and at once on a start, split or finish. The
format itself is `pacer.runlog`; `pacer sim --log` uses this writer too.
"""

from __future__ import annotations

import errno
import os
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from pacer.config import Config
from pacer.errors import ConfigError, UnitError
from pacer.events import Event
from pacer.guard import guard_event
from pacer.runlog import RunLog, encode, header_record, read_lines, read_log, step_record
from pacer.status import Cue, Status
from pacer.units import parse_duration_s

SYNC_CUES = frozenset({Cue.START, Cue.SPLIT, Cue.FINISH})
LOG_FULL, NO_LOG = "LOG FULL", "NO LOG"  # what the screen says when the log stops


def screen_word(error: OSError) -> str:
    """LOG FULL for a full card (or quota, or file size limit); NO LOG for anything else
    (a read-only or vanished folder, a dead card)."""
    return LOG_FULL if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) else NO_LOG


@dataclass(frozen=True)
class LogSettings:
    """The [log] section: `dir`, `resume_window` ("10:00"), `fsync_interval` (seconds)."""

    dir: Path
    resume_window_s: float = 600.0
    fsync_interval_s: float = 1.0


def default_log_dir(env: dict[str, str] | None = None) -> Path:
    """systemd's StateDirectory= (/var/lib/pacer on the Pi), else the XDG state folder."""
    env = dict(os.environ) if env is None else env
    if env.get("STATE_DIRECTORY"):
        return Path(env["STATE_DIRECTORY"].split(":")[0])
    base = env.get("XDG_STATE_HOME") or str(Path(env.get("HOME") or Path.home()) / ".local" / "state")
    return Path(base) / "pacer"


def log_settings(config: Config, env: dict[str, str] | None = None) -> LogSettings:
    raw: dict[str, Any] = config.extra.get("log", {})
    values: dict[str, Any] = {"dir": default_log_dir(env)}
    for key, value in raw.items():
        where = f"{config.source_path}: log.{key}"
        try:
            if key == "dir":
                if not isinstance(value, str) or not value or "\0" in value or len(value) > 4096:
                    raise UnitError(f"expected a folder such as \"/var/lib/pacer\", got {str(value)[:40]!r}")
                try:
                    values["dir"] = Path(value).expanduser()
                except RuntimeError:  # "~someone/logs" for a user that does not exist
                    raise UnitError(f"cannot find the home folder in {value[:40]!r}") from None
            elif key in ("resume_window", "fsync_interval"):
                if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                    raise UnitError(f"expected a duration such as \"10:00\" or 1.0, got {value!r}")
                seconds = parse_duration_s(value)
                if seconds < 0:
                    raise UnitError(f"expected a duration of 0 or more, got {value!r}")
                values[f"{key}_s"] = seconds
            else:
                raise UnitError("unknown key; expected one of dir, resume_window, fsync_interval")
        except UnitError as e:
            raise ConfigError(f"{where}: {e}") from None
    return LogSettings(**values)


def software_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"pacer {version('pacer')}"
    except PackageNotFoundError:  # not installed (a source checkout on sys.path)
        return "pacer (unknown version)"


def make_header(config: Config, start_mode: str, source: str, t_s: float | None) -> dict[str, Any]:
    """The header record, with the config file's text when it can still be read."""
    text = None
    try:
        text = Path(config.source_path).read_text(encoding="utf-8") if config.source_path else None
    except (OSError, UnicodeDecodeError):
        text = None
    return header_record(config, start_mode, software_version(), source, text, t_s)


def read_log_file(path: str | Path) -> RunLog:
    with open(path, "rb") as f:
        return read_log(read_lines(f), str(path))


def log_name(t_s: float) -> str:
    """One file per run, named by its GPS start time (UTC): run-20240501T063012Z.jsonl."""
    return datetime.fromtimestamp(t_s, timezone.utc).strftime("run-%Y%m%dT%H%M%SZ.jsonl")


class LogWriter:
    """Append records to a log file: one `write` per record, flushed; fsync by policy.

    `truncate_to` (resume) first cuts a half-written last record off an old log.
    `now` is a wall-time clock: durability is a matter of wall time, so the
    simulator's virtual clock is not the one to pass.
    """

    def __init__(
        self,
        path: str | Path,
        header: dict[str, Any] | None = None,
        truncate_to: int | None = None,
        fsync_interval_s: float = 1.0,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = Path(path)
        self.fsync_interval_s = fsync_interval_s
        self.now = now
        self.records = 0
        self.fsyncs = 0
        new = header is not None
        if new:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._f = open(self.path, "w+b", buffering=0)
        else:
            self._f = open(self.path, "r+b", buffering=0)
            if truncate_to is not None:
                self._f.truncate(truncate_to)
            self._f.seek(0, os.SEEK_END)
        self._last_sync = -float("inf")
        self._good = self._f.tell()  # where the last complete record ends
        self.relinked = 0  # times the file was found deleted and written anew (see _relink)
        if header is not None:
            self.write(header, sync=True)
            _fsync_dir(self.path.parent)  # the new name survives a power cut too

    def write(self, record: dict[str, Any], sync: bool = False) -> None:
        """Append one record; an OSError (a full or read-only card) leaves the file
        ending at the last complete record and goes to the caller."""
        self.write_encoded(encode(record), sync)

    def write_encoded(self, data: bytes, sync: bool = False) -> None:
        """`write` for a record already encoded (a backlog held while the card failed)."""
        view = memoryview(data)
        try:
            while view:  # a regular file takes it in one write; loop for the rare short write
                view = view[self._f.write(view) :]
        except OSError:
            self._cut_to_good()
            raise
        self._good += len(data)
        self.records += 1
        now = self.now()
        if sync or now - self._last_sync >= self.fsync_interval_s:
            os.fsync(self._f.fileno())
            self.fsyncs += 1
            self._last_sync = now
            if os.fstat(self._f.fileno()).st_nlink == 0:
                self._relink()

    def sync(self) -> None:
        """fsync now (a backlog just written: it waited long enough)."""
        os.fsync(self._f.fileno())
        self.fsyncs += 1
        self._last_sync = self.now()

    def _cut_to_good(self) -> None:
        """Drop a half-written record (truncating frees space, so it works on a full card too)."""
        try:
            self._f.truncate(self._good)
            self._f.seek(self._good)
        except OSError:
            pass  # the reader skips a cut-off last record anyway

    def _relink(self) -> None:
        """The file was deleted under us (its folder removed mid-run): everything written
        is still in the open file, so write it to the same path anew and go on there."""
        old = self._f
        self.path.parent.mkdir(parents=True, exist_ok=True)
        new = open(self.path, "w+b", buffering=0)
        try:
            offset = 0
            while offset < self._good:
                chunk = os.pread(old.fileno(), min(1 << 20, self._good - offset), offset)
                if not chunk:
                    break
                new.write(chunk)
                offset += len(chunk)
            os.fsync(new.fileno())
        except OSError:
            new.close()
            raise
        old.close()
        self._f = new
        self.relinked += 1
        _fsync_dir(self.path.parent)

    def write_step(self, event: Event, status: Status) -> None:
        sync = bool(status.new_splits) or any(c in SYNC_CUES for c in status.sounds)
        self.write(step_record(event, status), sync=sync)

    def close(self) -> None:
        if self._f.closed:
            return
        try:
            os.fsync(self._f.fileno())
        finally:
            self._f.close()


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class LoggedSession:
    """A session whose every step goes to a `LogWriter` (what `pacer sim --log` runs)."""

    def __init__(self, session: Any, writer: LogWriter) -> None:
        self.session, self.writer = session, writer

    @property
    def splits(self) -> list[Any]:
        return list(self.session.splits)

    failed: OSError | None = None  # the write that stopped the log; the replay went on

    def step(self, event: Event) -> Status:
        event = guard_event(event, self.session.last_fix_t_s)  # the log holds what the session saw
        status = self.session.step(event)
        if self.failed is None:
            try:
                self.writer.write_step(event, status)
            except OSError as e:
                self.failed = e
        return status

    def close(self) -> None:
        try:
            self.writer.close()
        except OSError as e:
            self.failed = self.failed or e
