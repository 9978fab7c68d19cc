"""Resume a run from its log: may this log be continued, and the session rebuilt.

The session is a deterministic state machine, so replaying a log's events
through a new `Session` brings back exactly the state the device had at its
last logged step: the same start time (GPS time), plan position and splits.
Deciding whether to do so is pure too; the shell (`hw/recorder.py`) finds
the log, reads it and keeps appending to it.
"""

from __future__ import annotations

from pacer.config import Config, parse_config
from pacer.errors import ConfigError
from pacer.filter import FilterSettings
from pacer.runlog import LogStep, RunLog, route_record
from pacer.session import Session
from pacer.status import Phase, Status
from pacer.workout import Workout
from pacer.workout_session import make_session


def why_not_resume(log: RunLog, config: Config, start_mode: str, t_s: float, window_s: float) -> str | None:
    """None if the run in `log` may go on with an event at GPS time `t_s`; else the reason why not."""
    last = log.last
    if last is None:
        return "it holds no step"
    if last.phase == Phase.FINISHED:
        return "that run finished"
    why = why_not_same_run(log, config, start_mode)
    if why is not None:
        return why
    gap_s = t_s - last.t_s
    if gap_s < 0:
        return f"its last record is {-gap_s:.0f} s after the current GPS time"
    if gap_s > window_s:
        return f"its last record is {gap_s:.0f} s old, beyond the resume window of {window_s:.0f} s"
    return None


def why_not_same_run(log: RunLog, config: Config, start_mode: str) -> str | None:
    """What the header alone tells: None if the log was written for the same plan and start."""
    if log.config.plan != config.plan or log.config.coach != config.coach or log.header.get("route") != route_record(config):
        return "the plan has changed since"
    known, workout = logged_workout(log)
    if known and workout != config.workout:
        return "the workout has changed since"
    if log.start_mode != start_mode:
        return f"it started by {log.start_mode!r}, the device now starts by {start_mode!r}"
    return None


def logged_workout(log: RunLog) -> tuple[bool, Workout | None]:
    """(known, the [[workout]] blocks of the plan a log was written with): its header keeps
    the plan file's text, so a changed workout with the same totals is not taken for the
    same. Not known when the header has no text (the file could not be read then)."""
    text = log.header.get("config_text")
    if not isinstance(text, str):
        return False, None
    try:
        return True, parse_config(text, log.path).workout
    except ConfigError:
        return False, None


class SessionRebuild:
    """A new session fed a log's events as they are read (`read_log(..., on_step=rebuild.feed)`),
    so a long log is replayed without holding it: the state the device had before it stopped.

    Nothing is stepped for a log of another plan or start mode (it will not be resumed)."""

    def __init__(self, config: Config, start_mode: str, filter_settings: FilterSettings = FilterSettings()) -> None:
        self.config, self.start_mode, self.filter_settings = config, start_mode, filter_settings
        self.session: Session | None = None
        self.status: Status | None = None
        self.other_run: str | None = None  # why the log is not this run's, from its header

    def feed(self, log: RunLog, step: LogStep) -> None:
        if self.session is None:
            if self.other_run is None:
                self.other_run = why_not_same_run(log, self.config, self.start_mode) or ""
            if self.other_run:
                return
            self.session = make_session(self.config, log.start_mode, self.filter_settings)  # type: ignore[arg-type]
        self.status = self.session.step(step.event)

    def result(self, log: RunLog) -> tuple[Session, str | None]:
        """The session, and a note when the replayed last status differs from the logged one
        (another software version may filter differently); the rebuilt state wins."""
        session = self.session or make_session(self.config, log.start_mode, self.filter_settings)  # type: ignore[arg-type]
        status, logged = self.status, log.last
        if status is None or logged is None:
            return session, None
        if (status.phase, status.elapsed_s, status.dist_m, len(session.splits)) != (
            logged.phase, logged.elapsed_s, logged.dist_m, len(log.splits)
        ):
            return session, (
                f"the replay ends at {status.dist_m:.1f} m, {status.elapsed_s:.1f} s; the log at "
                f"{logged.dist_m:.1f} m, {logged.elapsed_s:.1f} s (logged by {log.header.get('software')})"
            )
        return session, None


def rebuild_session(
    log: RunLog, config: Config, filter_settings: FilterSettings = FilterSettings()
) -> tuple[Session, str | None]:
    """A new session fed every logged event of a log read whole (see SessionRebuild)."""
    rebuild = SessionRebuild(config, log.start_mode, filter_settings)
    rebuild.other_run = ""  # asked for: replay whatever the header says
    for st in log.steps:
        rebuild.feed(log, st)
    return rebuild.result(log)
