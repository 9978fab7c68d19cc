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
from dataclasses import asdict, dataclass, field, is_dataclass
from typing import Any, Iterable, Iterator

from pacer.config import CoachSettings, Config
from pacer.errors import PacerError
from pacer.events import Button, Event, Fix, FixMode, Press, Tick
from pacer.plan import Plan
from pacer.prefs import DisplayPrefs
from pacer.status import Cue, GpsState, Phase, Split, SplitKind, Status

FORMAT = "pacer-runlog"
VERSION = 1
EVENT_KINDS = ("fix", "tick", "press")


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
    return json.loads(json.dumps(d))  # tuples as lists, as they read back


def resume_record(t_s: float, software: str, dropped_events: int) -> dict[str, Any]:
    """Marks where a restarted device picked the run up again (not an event)."""
    return {"resume": {"t_s": t_s, "software": software, "dropped_events": dropped_events}}


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
    return "press", {"t_s": event.t_s, "button": event.button.value}


def event_from_dict(kind: str, d: dict[str, Any]) -> Event:
    if kind == "fix":
        return Fix(
            t_s=d["t_s"], lat_deg=d["lat_deg"], lon_deg=d["lon_deg"], speed_mps=d.get("speed_mps"),
            track_deg=d.get("track_deg"), mode=FixMode(d.get("mode", 3)), eph_m=d.get("eph_m"),
            alt_m=d.get("alt_m"), satellites=d.get("satellites"),
        )
    if kind == "tick":
        return Tick(t_s=d["t_s"], reason=d.get("reason", "no fix"), satellites=d.get("satellites"))
    if kind == "press":
        return Press(t_s=d["t_s"], button=Button(d["button"]))
    raise KeyError(kind)


def split_to_dict(s: Split) -> dict[str, Any]:
    """Unrounded (report.split_record rounds for people): a resumed run must match exactly."""
    return {
        "index": s.index, "kind": s.kind.value, "distance_m": s.distance_m, "target_s": s.target_s,
        "elapsed_s": s.elapsed_s, "split_target_s": s.split_target_s, "split_s": s.split_s,
    }


def split_from_dict(d: dict[str, Any]) -> Split:
    return Split(
        index=d["index"], kind=SplitKind(d["kind"]), distance_m=d["distance_m"], target_s=d["target_s"],
        elapsed_s=d["elapsed_s"], split_target_s=d["split_target_s"], split_s=d["split_s"],
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
    return d


def status_from_dict(d: dict[str, Any], t_s: float, plan: Plan, splits: dict[int, Split]) -> Status:
    """`splits`: the splits seen so far by index, to resolve `last_split`."""
    new = tuple(split_from_dict(x) for x in d.get("new_splits", ()))
    for x in new:
        splits[x.index] = x
    return Status(
        t_s=t_s, phase=Phase(d["phase"]), plan_name=plan.name, elapsed_s=d["elapsed_s"], dist_m=d["dist_m"],
        total_m=plan.distance_m, speed_mps=d["speed_mps"], delta_s=d["delta_s"],
        target_speed_mps=d["target_speed_mps"], needed_speed_mps=d["needed_speed_mps"],
        next_mark_m=d["next_mark_m"], split_number=d["split_number"], split_count=len(plan.marks_m),
        projected_finish_s=d["projected_finish_s"], gps=GpsState(d["gps"]), satellites=d.get("satellites"),
        advice=Cue(d["advice"]), sounds=tuple(Cue(c) for c in d.get("sounds", ())), new_splits=new,
        last_split=splits[d["last_split"]] if "last_split" in d else None, message=d.get("message", ""),
    )


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
    steps: list[LogStep] = field(default_factory=list)
    resumes: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    good_bytes: int = 0

    @property
    def splits(self) -> list[Split]:
        return [x for st in self.steps for x in st.status.new_splits]

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
    p, disp, coach = header["plan"], header.get("display", {}), header.get("coach", {})
    plan = Plan(p["name"], p["distance_m"], tuple(p["knots_m"]), tuple(p["knots_s"]), tuple(p["marks_m"]))
    return Config(
        plan,
        DisplayPrefs(pace_unit=disp.get("pace_unit", "km"), needed_as=disp.get("needed_as", "pace")),
        CoachSettings(**coach),
        header.get("route", {}).get("mode", "free"),
        header.get("config_path", ""),
    )


def _lines_with_lookahead(lines: Iterable[bytes]) -> Iterator[tuple[int, bytes, bool]]:
    """(line number, raw line, is_last)."""
    it = iter(lines)
    prev = next(it, None)
    n = 1
    while prev is not None:
        nxt = next(it, None)
        yield n, prev, nxt is None
        prev, n = nxt, n + 1


def read_log(lines: Iterable[bytes], path: str) -> RunLog:
    """Read a log from its raw lines (as `open(path, "rb")` yields them).

    A last record that is cut short (no newline, or not JSON, or NUL bytes a
    power cut left) is skipped with a warning; a bad record anywhere before the
    last is a `LogError` naming the file and line.
    """
    log: RunLog | None = None
    offset = 0
    splits: dict[int, Split] = {}
    for n, raw, is_last in _lines_with_lookahead(lines):
        try:
            if not raw.endswith(b"\n"):
                raise ValueError("the line has no end")
            rec = json.loads(raw)
            if not isinstance(rec, dict):
                raise ValueError("not a JSON object")
            if log is None:
                if rec.get("format") != FORMAT:
                    raise LogError(f"{path}: not a pacer run log (line 1 is not a {FORMAT} header)")
                if not isinstance(rec.get("version"), int) or rec["version"] > VERSION:
                    raise LogError(f"{path}: run log format version {rec.get('version')!r}; this pacer reads up to {VERSION}")
                log = RunLog(path, rec, config_from_header(rec))
            else:
                _add_record(log, rec, n, splits)
        except LogError:
            raise
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
    log.good_bytes = offset
    return log


def _why(e: Exception) -> str:
    if isinstance(e, KeyError):
        return f"missing {e}"
    return str(e).split(":")[0] if isinstance(e, json.JSONDecodeError) else str(e)


def _add_record(log: RunLog, rec: dict[str, Any], n: int, splits: dict[int, Split]) -> None:
    if "resume" in rec:
        log.resumes.append(rec["resume"])
        return
    kind = next((k for k in EVENT_KINDS if k in rec), None)
    if kind is None:
        raise ValueError(f"expected one of {', '.join(EVENT_KINDS)} or resume")
    event = event_from_dict(kind, rec[kind])
    status = status_from_dict(rec["status"], event.t_s, log.config.plan, splits)
    log.steps.append(LogStep(event, status, n))
