"""`pacer run`'s log: a new file per run, or the cut-off run of a moment ago resumed.

At start-up the latest log in the folder is read and, if its run was not
finished, replayed into a session (the slow part, done while gpsd looks for a
fix). Nothing is decided before the first fix, because only a fix tells GPS
time: the steps before it go to a fresh session (the screen shows READY) and
are held back. At the first fix the run resumes when the log's last record is
within the resume window (the held-back steps are dropped: they only said "no
fix" in a timebase the log does not share), else a new log begins with them.

A card that fails (full, read-only, gone) never stops the pacing: the screen
says LOG FULL or NO LOG once, the steps are kept in memory (up to
MAX_BACKLOG_BYTES, the oldest dropped first and a `gap` record says how many),
and every RETRY_S the log is opened again; when the card takes it, the backlog
is written and the log goes on as if nothing happened.
"""

from __future__ import annotations

import json
import logging
import math
from collections import deque
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from hw.logfile import LogSettings, LogWriter, log_name, make_header, screen_word, software_version
from hw.logfile import SYNC_CUES
from pacer.config import Config
from pacer.events import Event, Fix
from pacer.guard import guard_event
from pacer.errors import PacerError
from pacer.resume import SessionRebuild, why_not_resume
from pacer.runlog import RunLog, encode, gap_record, read_lines, read_log, resume_record, step_record
from pacer.session import Session
from pacer.status import Status

log = logging.getLogger("pacer.hw.recorder")

MAX_HELD_STEPS = 3600  # about an hour of 1 Hz ticks without a fix
LOG_MESSAGE_S = 10.0  # the screen says LOG FULL / NO LOG this long (GPS time), once, then pacing as usual
RETRY_S = 30.0  # a failed log is tried again this often (GPS time)
MAX_BACKLOG_BYTES = 16 * 1024 * 1024  # steps held while the card fails: hours at 1 Hz, ~40 min at 10 Hz


def whole_records_end(path: Path, chunk_bytes: int = 1 << 16) -> int:
    """Where the file's last complete record ends (after its newline): a record cut
    off by the failure that stopped the log must not run into the next one."""
    with open(path, "rb") as f:
        end = f.seek(0, 2)
        while end > 0:
            start = max(0, end - chunk_bytes)
            f.seek(start)
            cut = f.read(end - start).rfind(b"\n")
            if cut >= 0:
                return start + cut + 1
            end = start
    return 0


def last_record_finished(path: Path) -> bool:
    """Whether the log's last whole record is a finished run's (read from its tail alone):
    a finished run is never resumed, so there is no need to replay it at every start."""
    try:
        end = whole_records_end(path)
        with open(path, "rb") as f:
            start = max(0, end - (1 << 16))
            f.seek(start)
            tail = f.read(end - start)
    except OSError:
        return False
    lines = tail.rstrip(b"\n").rsplit(b"\n", 1)
    try:
        rec = json.loads(lines[-1])
        return isinstance(rec, dict) and isinstance(rec.get("status"), dict) and rec["status"].get("phase") == "finished"
    except ValueError:
        return False


def latest_log(folder: Path) -> Path | None:
    logs = sorted(folder.glob("run-*.jsonl"))
    return logs[-1] if logs else None


class _Candidate:
    def __init__(self, path: Path, runlog: RunLog, session: Session) -> None:
        self.path, self.log, self.session = path, runlog, session


class DeviceRecorder:
    """Wraps the device's session (`attach`): every step is logged; resumes at the first fix."""

    def __init__(
        self, config: Config, start_mode: str, settings: LogSettings, now: Callable[[], float] | None = None
    ) -> None:
        self.config, self.start_mode, self.settings = config, start_mode, settings
        self.now = now
        self.session: Any = None
        self.writer: LogWriter | None = None
        self.path: Path | None = None
        self.resumed_from: Path | None = None
        self.failed = False  # the log could not be written: pacing goes on without it
        self.screen_word = ""  # LOG FULL or NO LOG once the log has failed
        self._say_until_t_s: float | None = None  # the screen shows `screen_word` until then
        self._held: deque[tuple[Event, Status]] = deque(maxlen=MAX_HELD_STEPS)
        self._kwargs: dict[str, Any] = {"fsync_interval_s": settings.fsync_interval_s}
        if now is not None:
            self._kwargs["now"] = now
        self._target: Path | None = None  # where the log goes, once known (at the first fix)
        self._header: dict[str, Any] | None = None  # a new log's header, kept until it is written
        self._backlog: deque[bytes] = deque()  # encoded records the card did not take yet
        self._backlog_bytes = 0
        self._dropped = 0  # steps dropped from a full backlog since the log last took a record
        self._retry_at_t_s = math.inf
        self.recovered = 0  # times the log came back after failing
        self._candidate = self._load_candidate()

    def _load_candidate(self) -> _Candidate | None:
        path = latest_log(self.settings.dir) if self.settings.dir.is_dir() else None
        if path is None:
            return None
        if last_record_finished(path):
            log.info("not resuming %s: that run finished", path.name)
            return None
        rebuild = SessionRebuild(self.config, self.start_mode)
        try:
            with open(path, "rb") as f:  # streamed: a day's log at 10 Hz is never held whole
                runlog = read_log(read_lines(f), str(path), on_step=rebuild.feed)
        except (OSError, PacerError) as e:
            log.warning("not resuming from %s: %s", path, e)
            return None
        for w in runlog.warnings:
            log.warning("%s", w)
        last = runlog.last
        why = why_not_resume(runlog, self.config, self.start_mode, last.t_s, math.inf) if last else "it is empty"
        if why is not None:
            log.info("not resuming %s: %s", path.name, why)
            return None
        session, note = rebuild.result(runlog)
        if note:
            log.warning("resuming %s: %s", path, note)
        return _Candidate(path, runlog, session)

    def attach(self, session: Session) -> "DeviceRecorder":
        self.session = session
        return self

    @property
    def splits(self) -> list[Any]:
        return list(self.session.splits)

    def step(self, event: Event) -> Status:
        event = guard_event(event, self.session.last_fix_t_s)  # the log holds what the session saw
        if self._target is None and isinstance(event, Fix):
            self._open(event)
        status = self.session.step(event)
        if self._target is None:
            self._held.append((event, status))
        else:
            sync = bool(status.new_splits) or any(c in SYNC_CUES for c in status.sounds)
            self._emit(encode(step_record(event, status)), status.t_s, sync)
            if self.writer is None and status.t_s >= self._retry_at_t_s:
                self._retry(status.t_s)
        return self._with_screen_word(status)

    def _emit(self, data: bytes, t_s: float, sync: bool = False) -> None:
        """Write one record, or keep it for later when the card fails."""
        if self.writer is not None:
            try:
                self.writer.write_encoded(data, sync)
                return
            except OSError as e:  # a full or failing card must not stop the pacing
                log.error("the run log %s failed: %s; going on without it, trying again every %.0f s",
                          self._target, e, RETRY_S)
                self._close_writer()
                self.writer = None
                self._fail(e)
                self._retry_at_t_s = t_s + RETRY_S
        self._keep(data)

    def _keep(self, data: bytes) -> None:
        self._backlog.append(data)
        self._backlog_bytes += len(data)
        while self._backlog_bytes > MAX_BACKLOG_BYTES and len(self._backlog) > 1:
            self._backlog_bytes -= len(self._backlog.popleft())
            self._dropped += 1

    def _retry(self, t_s: float) -> None:
        """Open the log again; when the card takes the backlog, the log is whole again."""
        assert self._target is not None
        self._retry_at_t_s = t_s + RETRY_S
        try:
            if self._header is not None:  # the new log never got its header
                writer = LogWriter(self._target, header=self._header, **self._kwargs)
                self._header = None
            else:
                writer = LogWriter(self._target, truncate_to=whole_records_end(self._target), **self._kwargs)
            self.writer, self.path = writer, self._target
            if self._dropped:
                writer.write(gap_record(t_s, self._dropped))
                self._dropped = 0
            while self._backlog:
                writer.write_encoded(self._backlog[0])
                self._backlog_bytes -= len(self._backlog.popleft())
            writer.sync()
        except OSError as e:
            log.info("the run log %s still fails: %s", self._target, e)
            self._close_writer()
            self.writer = None
            return
        self.failed, self.screen_word, self._say_until_t_s = False, "", None
        self.recovered += 1
        log.warning("the run log %s is written again, nothing lost", self._target)

    def _fail(self, error: OSError) -> None:
        self.failed, self.screen_word = True, screen_word(error)

    def _with_screen_word(self, status: Status) -> Status:
        """The status with LOG FULL / NO LOG as its message for LOG_MESSAGE_S after the
        failure (the log itself keeps the status as the session made it)."""
        if not self.screen_word:
            return status
        if self._say_until_t_s is None:
            self._say_until_t_s = status.t_s + LOG_MESSAGE_S
        if status.t_s <= self._say_until_t_s:
            return replace(status, message=self.screen_word)
        return status

    def _open(self, fix: Fix) -> None:
        c, self._candidate = self._candidate, None
        first_records: list[bytes] = []
        if c is not None:
            why = why_not_resume(c.log, self.config, self.start_mode, fix.t_s, self.settings.resume_window_s)
            if why is None:
                # The run resumes even if its log cannot be appended to (a card full or
                # read-only since): the rider's run must not restart for the log's sake.
                self.session, self.resumed_from = c.session, c.path
                dropped = len(self._held)
                self._held.clear()
                log.info("resumed the run in %s (%d steps replayed)", c.path, c.log.step_count)
                self._target = c.path
                first_records.append(encode(resume_record(fix.t_s, software_version(), dropped)))
                try:
                    self.writer = LogWriter(c.path, truncate_to=c.log.good_bytes, **self._kwargs)
                    self.path = c.path
                except OSError as e:
                    self._cannot_open(e, fix.t_s)
                for data in first_records:
                    self._emit(data, fix.t_s, sync=True)
                return
            log.info("a new run, not resuming %s: %s", c.path.name, why)
        path = self.settings.dir / log_name(fix.t_s)
        n = 2
        while path.exists():
            path = path.with_name(f"{log_name(fix.t_s)[:-6]}-{n}.jsonl")
            n += 1
        self._target = path
        t0 = self._held[0][0].t_s if self._held else fix.t_s
        header = make_header(self.config, self.start_mode, "gpsd", t0)
        try:
            self.writer = LogWriter(path, header=header, **self._kwargs)
            self.path = path
            log.info("logging the run to %s", path)
        except OSError as e:
            self._header = header
            self._cannot_open(e, fix.t_s)
        while self._held:
            event, status = self._held.popleft()
            self._emit(encode(step_record(event, status)), status.t_s)

    def _cannot_open(self, error: OSError, t_s: float) -> None:
        log.error("cannot write the run log in %s: %s; pacing without a log, trying again every %.0f s",
                  self.settings.dir, error, RETRY_S)
        self.writer = None
        self._fail(error)
        self._retry_at_t_s = t_s + RETRY_S

    def _close_writer(self) -> None:
        if self.writer is not None:
            try:
                self.writer.close()
            except OSError as e:
                log.warning("closing the run log failed: %s", e)

    def close(self) -> None:
        self._close_writer()
