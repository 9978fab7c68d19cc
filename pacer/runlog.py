"""The run log's format: events and statuses to JSON-lines records and back, pure.

One record per line, so a log cut short by a power cut or a SIGKILL is readable
up to its last complete line. The first record is a header (format version,
software, plan, start mode); then one record per step: the event that went
into `Session.step` and the status that came out. Replaying the events through
a new `Session` rebuilds the run exactly (the session is deterministic and
JSON floats round-trip), which is how a restarted device resumes. Writing the
file (open, flush, fsync) is the shells' job: see `hw/logfile.py`.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, is_dataclass
from typing import Any, Callable, Iterable, Iterator

from pacer.config import CoachSettings, Config
from pacer.errors import PacerError
from pacer.guard import is_time
from pacer.events import Button, Event, Fix, FixMode, Press, Tick, Wheel
from pacer.config import MAX_MARKS
from pacer.plan import Plan
from pacer.units import MAX_DISTANCE_M
from pacer.prefs import DisplayPrefs
from pacer.status import Correction, Cue, GpsState, Phase, Split, SplitKind, Status

FORMAT = "pacer-runlog"
VERSION = 1
EVENT_KINDS = ("fix", "tick", "press")
WHEEL_KIND = "wheel"  # a wheel sensor's revolutions (issue 14): only in the logs of runs with one
MAX_LINE_BYTES = 4 * 1024 * 1024  # a step is under 1 KiB, a header under 1 MiB (the plan file's text)
BACKWARD_SLACK_S = 1.0  # a press is stamped a moment after the fix it is logged before


class LogError(PacerError, ValueError):
    """A run log cannot be read: not a log, or corrupt before its last record."""


# -- encoding -------------------------------------------------------------------

def header_record(
    config: Config, start_mode: str, software: str, source: str, config_text: str | None, t_s: float | None
) -> dict[str, Any]:
    """The first record: everything needed to read the run without the config file."""
    plan = config.plan
    return {
        "format": FORMAT,
        "version": VERSION,
        "software": software,
        "created_t_s": t_s,
        "start_mode": start_mode,
        "source": source,
        "config_path": config.source_path,
        "config_text": config_text,
        "plan": {
            "name": plan.name,
            "distance_m": plan.distance_m,
            "knots_m": list(plan.knots_m),
            "knots_s": list(plan.knots_s),
            "marks_m": list(plan.marks_m),
        },
        "display": {"pace_unit": config.display.pace_unit, "needed_as": config.display.needed_as},
        "coach": {
            "tolerance_s": config.coach.tolerance_s,
            "horizon_s": config.coach.horizon_s,
            "reminder_s": config.coach.reminder_s,
            "loss_timeout_s": config.coach.loss_timeout_s,
        },
        "route": route_record(config),
    }


def route_record(config: Config) -> dict[str, Any]:
    """How progress is measured (free or track, and the track's settings), JSON-shaped."""
    route = getattr(config, "route", None)
    d = asdict(route) if route is not None and is_dataclass(route) else {"mode": config.route_mode}
    d.pop("course", None)  # the course's points: its file is named in course_path
    return json.loads(json.dumps(d))  # tuples as lists, as they read back


def resume_record(t_s: float, software: str, dropped_events: int) -> dict[str, Any]:
    """Marks where a restarted device picked the run up again (not an event)."""
    return {"resume": {"t_s": t_s, "software": software, "dropped_events": dropped_events}}


def gap_record(t_s: float, dropped_steps: int) -> dict[str, Any]:
    """Marks where the log lost steps: its card failed for longer than the writer could
    hold them (hw/recorder.py). Not an event: the steps around it are whole."""
    return {"gap": {"t_s": t_s, "dropped_steps": dropped_steps}}


def event_to_dict(event: Event) -> tuple[str, dict[str, Any]]:
    if isinstance(event, Fix):
        d: dict[str, Any] = {"t_s": event.t_s, "lat_deg": event.lat_deg, "lon_deg": event.lon_deg}
        if event.mode != FixMode.THREE_D:
            d["mode"] = int(event.mode)
        for key in ("speed_mps", "track_deg", "eph_m", "alt_m", "satellites"):
            value = getattr(event, key)
            if value is not None:
                d[key] = value
        return "fix", d
    if isinstance(event, Tick):
        d = {"t_s": event.t_s, "reason": event.reason}
        if event.satellites is not None:
            d["satellites"] = event.satellites
        return "tick", d
    if isinstance(event, Wheel):
        return "wheel", {"t_s": event.t_s, "revs": event.revs, "source": event.source}
    return "press", {"t_s": event.t_s, "button": event.button.value}


def _num(d: dict[str, Any], key: str, optional: bool = False) -> Any:
    """A finite number from a record, or ValueError naming the key (a damaged field is one line)."""
    if not isinstance(d, dict):
        raise ValueError(f"expected a JSON object, got {_kind(d)}")
    if key not in d and not optional:
        raise KeyError(key)
    x = d.get(key)
    if x is None and optional:
        return None
    if isinstance(x, bool) or not isinstance(x, (int, float)) or abs(x) > 1e15 or not math.isfinite(x):
        raise ValueError(f"{key} is {_kind(x)}; expected a finite number")
    return x


def _int(d: dict[str, Any], key: str, optional: bool = False) -> Any:
    x = _num(d, key, optional)
    if x is not None and not isinstance(x, int):
        raise ValueError(f"{key} is {x!r}; expected a whole number")
    return x


def _text(d: dict[str, Any], key: str, default: str) -> str:
    x = d.get(key, default)
    if not isinstance(x, str) or len(x) > 200:
        raise ValueError(f"{key} is {_kind(x)}; expected a short text")
    return x


def _kind(x: Any) -> str:
    text = repr(x)
    return text if len(text) <= 30 else f"{text[:20]}... ({type(x).__name__})"


def _time(d: dict[str, Any]) -> float:
    t_s = _num(d, "t_s")
    if not is_time(t_s):
        raise ValueError(f"t_s is {t_s!r}; expected GPS time in Unix seconds (years 1 to 9999)")
    return t_s


def event_from_dict(kind: str, d: dict[str, Any]) -> Event:
    if not isinstance(d, dict):
        raise ValueError(f"{kind} is {_kind(d)}; expected a JSON object")
    if kind == "fix":
        return Fix(
            t_s=_time(d), lat_deg=_num(d, "lat_deg"), lon_deg=_num(d, "lon_deg"),
            speed_mps=_num(d, "speed_mps", True), track_deg=_num(d, "track_deg", True),
            mode=FixMode(_int(d, "mode", True) or 3), eph_m=_num(d, "eph_m", True),
            alt_m=_num(d, "alt_m", True), satellites=_int(d, "satellites", True),
        )
    if kind == "tick":
        return Tick(t_s=_time(d), reason=_text(d, "reason", "no fix"), satellites=_int(d, "satellites", True))
    if kind == "press":
        return Press(t_s=_time(d), button=Button(d.get("button")))
    if kind == "wheel":
        return Wheel(t_s=_time(d), revs=_int(d, "revs"), source=_text(d, "source", "gpio"))
    raise KeyError(kind)


def split_to_dict(s: Split) -> dict[str, Any]:
    """Unrounded (report.split_record rounds for people): a resumed run must match exactly."""
    return {
        "index": s.index, "kind": s.kind.value, "distance_m": s.distance_m, "target_s": s.target_s,
        "elapsed_s": s.elapsed_s, "split_target_s": s.split_target_s, "split_s": s.split_s,
    }


def split_from_dict(d: dict[str, Any]) -> Split:
    if not isinstance(d, dict):
        raise ValueError(f"a split is {_kind(d)}; expected a JSON object")
    return Split(
        index=_int(d, "index"), kind=SplitKind(d.get("kind")), distance_m=_num(d, "distance_m"),
        target_s=_num(d, "target_s"), elapsed_s=_num(d, "elapsed_s"),
        split_target_s=_num(d, "split_target_s"), split_s=_num(d, "split_s"),
    )


def status_to_dict(s: Status) -> dict[str, Any]:
    """A status without what the header or the event already say (t_s, plan name,
    total, split count) and with the last split as its index."""
    d: dict[str, Any] = {
        "phase": s.phase.value, "elapsed_s": s.elapsed_s, "dist_m": s.dist_m, "speed_mps": s.speed_mps,
        "delta_s": s.delta_s, "target_speed_mps": s.target_speed_mps, "needed_speed_mps": s.needed_speed_mps,
        "next_mark_m": s.next_mark_m, "split_number": s.split_number,
        "projected_finish_s": s.projected_finish_s, "gps": s.gps.value, "advice": s.advice.value,
    }
    if s.satellites is not None:
        d["satellites"] = s.satellites
    if s.sounds:
        d["sounds"] = [c.value for c in s.sounds]
    if s.new_splits:
        d["new_splits"] = [split_to_dict(x) for x in s.new_splits]
    if s.last_split is not None:
        d["last_split"] = s.last_split.index
    if s.message:
        d["message"] = s.message
    if s.correction is not None:
        d["correction"] = asdict(s.correction)  # unrounded: a replayed log rebuilds the run exactly
    if s.wheel is not None:
        d["wheel"] = s.wheel
    return d


def status_from_dict(d: dict[str, Any], t_s: float, plan: Plan, splits: dict[int, Split]) -> Status:
    """`splits`: the splits seen so far by index, to resolve `last_split`."""
    if not isinstance(d, dict):
        raise ValueError(f"status is {_kind(d)}; expected a JSON object")
    new_raw, sounds = d.get("new_splits", []), d.get("sounds", [])
    if not isinstance(new_raw, list) or not isinstance(sounds, list):
        raise ValueError("new_splits and sounds must be lists")
    new = tuple(split_from_dict(x) for x in new_raw)
    for x in new:
        splits[x.index] = x
    return Status(
        t_s=t_s, phase=Phase(d.get("phase")), plan_name=plan.name, elapsed_s=_num(d, "elapsed_s"),
        dist_m=_num(d, "dist_m"), total_m=plan.distance_m, speed_mps=_num(d, "speed_mps", True),
        delta_s=_num(d, "delta_s"), target_speed_mps=_num(d, "target_speed_mps"),
        needed_speed_mps=_num(d, "needed_speed_mps", True), next_mark_m=_num(d, "next_mark_m", True),
        split_number=_int(d, "split_number"), split_count=len(plan.marks_m),
        projected_finish_s=_num(d, "projected_finish_s"), gps=GpsState(d.get("gps")),
        satellites=_int(d, "satellites", True), advice=Cue(d.get("advice")),
        sounds=tuple(Cue(c) for c in sounds), new_splits=new,
        last_split=splits.get(_int(d, "last_split")) if "last_split" in d else None,  # shuffled: unknown yet
        message=_text(d, "message", ""), correction=_correction(d.get("correction")),
        wheel=_text(d, "wheel", "") or None,
    )


def _correction(d: Any) -> Correction | None:
    """A logged MARK press (absent in logs before issue 12)."""
    if d is None:
        return None
    if not isinstance(d, dict):
        raise ValueError(f"correction is {_kind(d)}; expected a JSON object")
    return Correction(_num(d, "elapsed_s"), _num(d, "board_m"), _num(d, "bike_m"), _num(d, "by_m"),
                      bool(d.get("accepted")))


def step_record(event: Event, status: Status) -> dict[str, Any]:
    kind, d = event_to_dict(event)
    return {kind: d, "status": status_to_dict(status)}


def encode(record: dict[str, Any]) -> bytes:
    """One line. Python's float repr is the shortest that reads back exactly."""
    return (json.dumps(record, separators=(",", ":")) + "\n").encode("utf-8")


# -- decoding -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class LogStep:
    event: Event
    status: Status
    line: int


@dataclass
class RunLog:
    """A whole log, read back. `good_bytes` ends the last complete record: a
    writer resuming the run truncates there before appending."""

    path: str
    header: dict[str, Any]
    config: Config  # the plan, display and coach settings the run was logged with
    steps: list[LogStep] = field(default_factory=list)  # every step; only the last when read streaming
    resumes: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    good_bytes: int = 0
    step_count: int = 0  # steps read, kept or not
    splits: list[Split] = field(default_factory=list)  # every split announced, in order

    @property
    def corrections(self) -> list[Correction]:
        """Every MARK press of the run, taken or refused."""
        return [st.status.correction for st in self.steps if st.status.correction is not None]

    @property
    def last(self) -> Status | None:
        return self.steps[-1].status if self.steps else None

    @property
    def finished(self) -> bool:
        return self.last is not None and self.last.phase == Phase.FINISHED

    @property
    def start_mode(self) -> str:
        return str(self.header.get("start_mode", "first_fix"))


def config_from_header(header: dict[str, Any]) -> Config:
    """The run's settings from the header, every field checked: a damaged header is one line."""
    p, disp, coach, route = (header.get(k, {}) for k in ("plan", "display", "coach", "route"))
    if not all(isinstance(x, dict) for x in (p, disp, coach, route)):
        raise ValueError("plan, display, coach and route must be JSON objects")
    knots_m, knots_s, marks_m = (_numbers(p, k) for k in ("knots_m", "knots_s", "marks_m"))
    distance_m = _num(p, "distance_m")
    if not (len(knots_m) == len(knots_s) >= 2 and _increasing(knots_m) and _increasing(knots_s)):
        raise ValueError("plan knots must be two equally long, increasing lists")
    if not (0 < distance_m < MAX_DISTANCE_M and 1 <= len(marks_m) <= MAX_MARKS and _increasing(marks_m)):
        raise ValueError("plan distance_m or marks_m out of range")
    plan = Plan(_text(p, "name", ""), distance_m, knots_m, knots_s, marks_m)
    pace_unit, needed_as = _text(disp, "pace_unit", "km"), _text(disp, "needed_as", "pace")
    if pace_unit not in ("km", "mi") or needed_as not in ("pace", "speed"):
        raise ValueError(f"display is {_kind(disp)}; expected pace_unit \"km\" or \"mi\", needed_as \"pace\" or \"speed\"")
    fields = {"tolerance_s": True, "horizon_s": False, "reminder_s": False, "loss_timeout_s": False}
    unknown = set(coach) - set(fields)
    if unknown:
        raise ValueError(f"coach has unknown key {sorted(unknown)[0]!r}")
    default = CoachSettings()
    settings = CoachSettings(**{k: _num(coach, k, True) if k in coach or opt else getattr(default, k)
                                for k, opt in fields.items()})
    if any(getattr(settings, k) is None for k, opt in fields.items() if not opt):
        raise ValueError("coach settings may not be null")
    return Config(plan, DisplayPrefs(pace_unit, needed_as), settings, _text(route, "mode", "free"),
                  _text(header, "config_path", ""))


def _numbers(d: dict[str, Any], key: str) -> tuple[float, ...]:
    xs = d.get(key)
    if not isinstance(xs, list) or len(xs) > MAX_MARKS + 1:
        raise ValueError(f"plan {key} is {_kind(xs)}; expected a list of numbers")
    return tuple(_num({key: x}, key) for x in xs)


def _increasing(xs: tuple[float, ...]) -> bool:
    return all(b > a for a, b in zip(xs, xs[1:]))


def _lines_with_lookahead(lines: Iterable[bytes]) -> Iterator[tuple[int, bytes, bool]]:
    """(line number, raw line, is_last)."""
    it = iter(lines)
    prev = next(it, None)
    n = 1
    while prev is not None:
        nxt = next(it, None)
        yield n, prev, nxt is None
        prev, n = nxt, n + 1


def read_log(lines: Iterable[bytes], path: str, on_step: Callable[[RunLog, LogStep], None] | None = None) -> RunLog:
    """Read a log from its raw lines (as `open(path, "rb")` yields them).

    A last record that is cut short (no newline, or not JSON, or NUL bytes a
    power cut left) is skipped with a warning; a bad record anywhere before the
    last is a `LogError` naming the file and line.

    With `on_step`, each step goes to it as it is read and only the last is kept
    (`steps` holds one): the device resuming after a day at 10 Hz (~900,000 steps,
    about a gigabyte as objects) needs each event once, not all of them at once.
    """
    log: RunLog | None = None
    offset = 0
    splits: dict[int, Split] = {}
    order = _Order()
    for n, raw, is_last in _lines_with_lookahead(lines):
        try:
            if len(raw) > MAX_LINE_BYTES:
                raise LogError(f"{path}, line {n}: longer than {MAX_LINE_BYTES:,} bytes; expected one record per line")
            if not raw.endswith(b"\n"):
                raise ValueError("the line has no end")
            if log is not None and order.repeats(raw, n):
                offset += len(raw)
                continue
            rec = json.loads(raw, parse_constant=_no_constant)
            if not isinstance(rec, dict):
                raise ValueError("not a JSON object")
            if log is None:
                if rec.get("format") != FORMAT:
                    raise LogError(f"{path}: not a pacer run log (line 1 is not a {FORMAT} header)")
                if not isinstance(rec.get("version"), int) or rec["version"] > VERSION:
                    raise LogError(f"{path}: run log format version {rec.get('version')!r}; this pacer reads up to {VERSION}")
                try:
                    config = config_from_header(rec)
                except (ValueError, KeyError, TypeError) as e:
                    raise LogError(f"{path}, line 1: damaged header ({_why(e)}); expected a {FORMAT} header") from None
                log = RunLog(path, rec, config)
            else:
                _add_record(log, rec, n, splits)
                if log.steps and log.steps[-1].line == n:
                    step = log.steps[-1]
                    order.check_time(step.event.t_s, n)
                    log.step_count += 1
                    log.splits.extend(step.status.new_splits)
                    if on_step is not None:
                        if len(log.steps) > 1:
                            del log.steps[:-1]
                        on_step(log, step)
        except LogError:
            raise
        except RecursionError:
            raise LogError(f"{path}, line {n}: nested too deeply; expected one flat pacer record per line") from None
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as e:
            if n == 1 and not (is_last and raw.startswith(b"{\"format\"")):
                raise LogError(f"{path}: not a pacer run log (line 1 is not a {FORMAT} header)") from None
            if not is_last:
                raise LogError(f"{path}, line {n}: corrupt record ({_why(e)}); expected one JSON record per line") from None
            if log is not None:
                log.warnings.append(f"{path}, line {n}: the last record is incomplete ({_why(e)}); skipped it")
            break
        offset += len(raw)
    if log is None:
        raise LogError(f"{path}: not a pacer run log (no complete header record)")
    log.warnings.extend(order.warnings(path))
    log.good_bytes = offset
    return log


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number a run log holds")


class _Order:
    """Decided (issue 10): pacer writes records in time order, once each. A record
    that repeats the one before is read once, and records going back in time are
    kept as logged (the table shows the splits the device announced); both get a
    warning, since a log in that state has been edited or merged by hand."""

    def __init__(self) -> None:
        self.prev_raw = b""
        self.max_t_s = -math.inf
        self.repeated: list[int] = []
        self.backward: list[int] = []

    def repeats(self, raw: bytes, n: int) -> bool:
        same = raw == self.prev_raw
        self.prev_raw = raw
        if same:
            self.repeated.append(n)
        return same

    def check_time(self, t_s: float, n: int) -> None:
        if t_s < self.max_t_s - BACKWARD_SLACK_S:
            self.backward.append(n)
        self.max_t_s = max(self.max_t_s, t_s)

    def warnings(self, path: str) -> list[str]:
        out = []
        if self.repeated:
            out.append(f"{path}: {len(self.repeated)} records repeat the one before (the first at line "
                       f"{self.repeated[0]}); read each once")
        if self.backward:
            out.append(f"{path}: {len(self.backward)} records go back in time (the first at line "
                       f"{self.backward[0]}); the splits are shown as logged")
        return out


def read_lines(f: Any, limit: int = MAX_LINE_BYTES) -> Iterator[bytes]:
    """The lines of a binary file, none longer than `limit` + 1 bytes held in memory:
    a longer one is cut there (and then refused by `read_log`), never read whole."""
    while True:
        line = f.readline(limit + 1)
        if not line:
            return
        yield line
        if len(line) > limit and not line.endswith(b"\n"):
            return


def _why(e: Exception) -> str:
    if isinstance(e, KeyError):
        return f"missing {e}"
    return str(e).split(":")[0] if isinstance(e, json.JSONDecodeError) else str(e)


def _add_record(log: RunLog, rec: dict[str, Any], n: int, splits: dict[int, Split]) -> None:
    if "resume" in rec:
        log.resumes.append(rec["resume"])
        return
    if "gap" in rec:
        gap = rec["gap"] if isinstance(rec["gap"], dict) else {}
        dropped = gap.get("dropped_steps")
        dropped = dropped if isinstance(dropped, int) and not isinstance(dropped, bool) and dropped >= 0 else "some"
        log.warnings.append(f"{log.path}: line {n}: {dropped} steps before this line were not logged "
                            "(the card could not be written for that long)")
        return
    kind = next((k for k in (*EVENT_KINDS, WHEEL_KIND) if k in rec), None)
    if kind is None:
        raise ValueError(f"expected one of {', '.join(EVENT_KINDS)}, resume or gap (or {WHEEL_KIND}, from a wheel sensor)")
    event = event_from_dict(kind, rec[kind])
    status = status_from_dict(rec["status"], event.t_s, log.config.plan, splits)
    log.steps.append(LogStep(event, status, n))
