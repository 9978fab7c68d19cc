"""`pacer run`'s log: a new file per run, or the cut-off run of a moment ago resumed.

At start-up the latest log in the folder is read and, if its run was not
finished, replayed into a session (the slow part, done while gpsd looks for a
fix). Nothing is decided before the first fix, because only a fix tells GPS
time: the steps before it go to a fresh session (the screen shows READY) and
are held back. At the first fix the run resumes when the log's last record is
within the resume window (the held-back steps are dropped: they only said "no
fix" in a timebase the log does not share), else a new log begins with them.
"""

from __future__ import annotations

import logging
import math
from collections import deque
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from hw.logfile import LogSettings, LogWriter, log_name, make_header, read_log_file, screen_word, software_version
from pacer.config import Config
from pacer.events import Event, Fix
from pacer.guard import guard_event
from pacer.errors import PacerError
from pacer.resume import rebuild_session, why_not_resume
from pacer.runlog import RunLog, resume_record
from pacer.session import Session
from pacer.status import Status

log = logging.getLogger("pacer.hw.recorder")

MAX_HELD_STEPS = 3600  # about an hour of 1 Hz ticks without a fix
LOG_MESSAGE_S = 10.0  # the screen says LOG FULL / NO LOG this long (GPS time), once, then pacing as usual


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
        self._candidate = self._load_candidate()

    def _load_candidate(self) -> _Candidate | None:
        path = latest_log(self.settings.dir) if self.settings.dir.is_dir() else None
        if path is None:
            return None
        try:
            runlog = read_log_file(path)
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
        session, note = rebuild_session(runlog, self.config)
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
        if self.writer is None and not self.failed and isinstance(event, Fix):
            self._open(event)
        status = self.session.step(event)
        if self.writer is None:
            if not self.failed:
                self._held.append((event, status))
        else:
            try:
                self.writer.write_step(event, status)
            except OSError as e:  # a full or failing card must not stop the pacing
                log.error("the run log %s failed: %s; going on without it", self.path, e)
                self._close_writer()
                self.writer = None
                self._fail(e)
        return self._with_screen_word(status)

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
        kwargs: dict[str, Any] = {"fsync_interval_s": self.settings.fsync_interval_s}
        if self.now is not None:
            kwargs["now"] = self.now
        c, self._candidate = self._candidate, None
        try:
            if c is not None:
                why = why_not_resume(c.log, self.config, self.start_mode, fix.t_s, self.settings.resume_window_s)
                if why is None:
                    # The run resumes even if its log cannot be appended to (a card full or
                    # read-only since): the rider's run must not restart for the log's sake.
                    self.session, self.resumed_from = c.session, c.path
                    dropped = len(self._held)
                    self._held.clear()
                    log.info("resumed the run in %s (%d steps replayed)", c.path, len(c.log.steps))
                    self.writer = LogWriter(c.path, truncate_to=c.log.good_bytes, **kwargs)
                    self.path = c.path
                    self.writer.write(resume_record(fix.t_s, software_version(), dropped), sync=True)
                    return
                log.info("a new run, not resuming %s: %s", c.path.name, why)
            path = self.settings.dir / log_name(fix.t_s)
            n = 2
            while path.exists():
                path = path.with_name(f"{log_name(fix.t_s)[:-6]}-{n}.jsonl")
                n += 1
            t0 = self._held[0][0].t_s if self._held else fix.t_s
            self.writer = LogWriter(path, header=make_header(self.config, self.start_mode, "gpsd", t0), **kwargs)
            self.path = path
            log.info("logging the run to %s", path)
            while self._held:
                self.writer.write_step(*self._held.popleft())
        except OSError as e:
            log.error("cannot write the run log in %s: %s; pacing without a log", self.settings.dir, e)
            self._close_writer()
            self.writer = None
            self._fail(e)
            self._held.clear()

    def _close_writer(self) -> None:
        if self.writer is not None:
            try:
                self.writer.close()
            except OSError as e:
                log.warning("closing the run log failed: %s", e)

    def close(self) -> None:
        self._close_writer()
