"""Wire the simulated world for `pacer sim`: recording source, clock, screen, buzzer, light, progress.

The loop itself is `sim.replay.replay`; this module only picks the sinks the
command line asked for and keeps them within a budget (a terminal cannot show
500 frames a second, a PNG folder can).
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pacer.config import Config
from pacer.session import Session
from pacer.status import Split, Status
from sim.clock import SimClock
from sim.gpx_source import Track, replay_events, with_pauses
from sim.recordings import load_recording
from sim.replay import replay

TERMINAL_MAX_FPS = 12.0
GPSD_MAX_SPEEDUP = 50.0  # "--speed max" through gpsd: it takes 1 Hz NMEA this fast without merging epochs


@dataclass(frozen=True)
class SimOptions:
    display: str = "none"
    speed: float | None = None  # None: the default for the display
    buzzer: str = "active"
    terminal_run_s: float = 20.0
    progress: bool | None = None  # None: when stderr is a terminal
    via_gpsd: bool = False  # through NMEA, a real gpsd and the Pi's gpsd source
    log: str | None = None  # write the run log (pacer.runlog) to this file
    presses: tuple[tuple[float, str], ...] = ()  # (s from the track's first point, "start"|"lap"|"stop"|"mark")
    light: bool = True  # the runner's RGB LED (gpiozero RGBLED on mock pins), drawn beside the OLED
    wheel: str | None = None  # a wheel file (sim/wheel_source.py): revolutions replayed beside the fixes


@dataclass
class SimResult:
    splits: list[Split]
    finished: bool
    summary: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    sounds: list[Any] = field(default_factory=list)
    reps: list[Any] = field(default_factory=list)  # a workout's RepRecords (pacer.workout_status)
    corrections: list[Any] = field(default_factory=list)  # MARK presses (pacer.status.Correction)


class _Progress:
    """One line on stderr: a bar of distance, elapsed, and the delta."""

    def __init__(self, total_m: float, stream: Any = sys.stderr) -> None:
        self.total_m, self.stream, self.last_wall = total_m, stream, -1.0

    def __call__(self, status: Status) -> None:
        from pacer.units import format_duration

        frac = min(1.0, status.dist_m / self.total_m) if self.total_m else 0.0
        width = 30
        bar = "#" * int(frac * width) + "." * (width - int(frac * width))
        self.stream.write(
            f"\r[{bar}] {100 * frac:5.1f}%  {status.dist_m:7.0f} m  {format_duration(status.elapsed_s):>7}  "
            f"{status.delta_s:+5.1f} s  {status.gps.value:>4}\x1b[K"
        )
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


def _open_log(options: SimOptions, config: Config, session: Session, track_path: Path, t0_s: float) -> Any:
    from hw.logfile import LoggedSession, LogWriter, make_header
    from pacer.errors import UsageError

    source = f"{'gpsd ' if options.via_gpsd else ''}replay of {track_path.name}"
    try:
        writer = LogWriter(str(options.log), header=make_header(config, "first_fix", source, t0_s))
    except OSError as e:
        raise UsageError(f"{options.log}: cannot write the log ({e.strerror or e})") from None
    return LoggedSession(session, writer)


def _estimator_summary(session: Session) -> dict[str, Any]:
    """Which speed the distance came from, and what was rejected or restarted (issue 9)."""
    info = session.estimator.describe()
    return {
        "speed_source": info["speed_source"],
        "rejected_fixes": info["rejected_fixes"],
        "restarts": info["restarts"],
        "estimator": info,
    }


def run_sim(track_path: Path, config: Config, options: SimOptions) -> SimResult:
    from pacer.screen import render
    from sim.buzzer import SimBuzzer
    from sim.display import make_display
    from sim.light import SimLight
    from sim.nmea_log import NmeaLog

    track = load_recording(track_path)
    if isinstance(track, Track):
        track = with_pauses(track)  # a clock jump in any format is a pause, never years of ticks
    nmea = track if isinstance(track, NmeaLog) else None  # a receiver's log: only gpsd can read it
    # Times in the output count from the first event. gpsd may move an old log's dates by
    # 1024 weeks (GPS week rollover), so for a log that is the first fix gpsd gives.
    first_t: float | None = None if nmea is not None else track.fixes[0].t_s
    if nmea is not None:
        options = replace(options, via_gpsd=True)
    display = make_display(options.display)
    speed = options.speed
    if speed is None:
        speed = max(1.0, track.duration_s / options.terminal_run_s) if options.display == "terminal" else math.inf
    clock = SimClock(rate=speed)
    start_mode = "button" if any(b == "start" for _, b in options.presses) else "first_fix"
    wheel_times, wheel_start = _wheel(options, config, nmea is not None)
    session: Any = _make_session(config, start_mode, wheel_start)
    core = session  # the session itself, under any log wrapper: it says when it is next due
    route = session.route  # free, or the track's placed or fitted oval (reported in the summary)
    log_t0 = (nmea.first_t_s or 0.0) if nmea is not None else track.fixes[0].t_s
    logged = _open_log(options, config, session, track_path, log_t0) if options.log else None
    if logged is not None:
        session = logged  # type: ignore[assignment]  # the same step(), every step logged
    buzzer = SimBuzzer(tonal=options.buzzer == "tonal")
    light = SimLight() if options.light else None
    def origin(status: Status) -> None:
        nonlocal first_t
        first_t = status.t_s if first_t is None else first_t

    sinks = [origin]
    frame_budget_s = speed / TERMINAL_MAX_FPS if options.display == "terminal" and math.isfinite(speed) else 0.0
    last_frame_t = [-math.inf]
    last_frame: list[Any] = [None]

    def lit(status: Status) -> None:
        """The light's changes since the last step (a flash ending, a blink) redraw the last frame."""
        assert light is not None
        seen = len(light.log)
        light.advance(status.t_s)
        if last_frame[0] is not None and options.display != "terminal":
            for change in light.log[seen:]:
                if change.t_s < status.t_s:  # one at the step's own time shows with the step's frame
                    display.show(last_frame[0], change.t_s - first_t, change.colour)
        light.feed(status)

    def show(status: Status) -> None:
        if status.t_s - last_frame_t[0] >= frame_budget_s or status.sounds or status.new_splits:
            last_frame[0] = render(status, config.display)
            display.show(last_frame[0], status.t_s - first_t, light.colour if light else None)
            last_frame_t[0] = status.t_s

    def sound(status: Status) -> None:
        buzzer.feed(status)

    if light is not None:
        sinks.append(lit)
    if options.display != "none":
        sinks.append(show)
    sinks.append(sound)
    progress = None
    want_progress = options.progress if options.progress is not None else sys.stderr.isatty()
    if want_progress:
        progress = _Progress(config.plan.distance_m)
        sinks.append(progress)
    try:
        if nmea is not None:
            from sim.via_gpsd import gpsd_epoch_events

            gpsd_speed = speed if math.isfinite(speed) else GPSD_MAX_SPEEDUP
            with gpsd_epoch_events(nmea.epochs, nmea.period_s, gpsd_speed, None) as events:  # ends when the log does
                result = replay(events, session, SimClock(), sinks)
        elif options.via_gpsd:
            from sim.via_gpsd import gpsd_events

            gpsd_speed = speed if math.isfinite(speed) else GPSD_MAX_SPEEDUP
            with gpsd_events(track.fixes, gpsd_speed) as events:
                result = replay(_with_presses(events, core, options.presses, first_t), session, SimClock(), sinks)
        else:
            fix_events: Any = replay_events(track.fixes)
            if wheel_times is not None:
                import heapq

                from sim.wheel_source import wheel_events

                revolutions = wheel_events(wheel_times, track.fixes[0].t_s)
                fix_events = heapq.merge(fix_events, revolutions, key=lambda e: e.t_s)
            events = _with_presses(fix_events, core, options.presses, first_t)
            result = replay(events, session, clock, sinks)
    finally:
        if progress:
            progress.close()
        display.close()
        buzzer.close()  # lets the last pattern (FINISH) play out in simulated time
        if light is not None:
            light.close()  # lets the last flash end, then dark
        if logged is not None:
            logged.close()
    notes = list(getattr(track, "notes", ()))  # GPX: speeds not believed, clock jumps made pauses, an odd version
    if nmea is None and (track.dropped_repeated or track.dropped_backward):
        notes.append(
            f"note: {track.dropped_repeated} points with a repeated time and {track.dropped_backward} "
            "with a time going backward were skipped"
        )
    if logged is not None and logged.failed is not None:
        notes.append(f"note: the log {options.log} stopped early ({logged.failed.strerror or logged.failed}); it holds the run up to then")
    if nmea is not None and result.fixes == 0:
        notes.append(f"note: gpsd made no fix of {track_path.name} ({nmea.fixes} fix sentences; "
                     "GGA alone has no date, gpsd needs RMC or ZDA)")
    if not result.finished and config.workout is not None:
        step = getattr(core, "i", 0) + 1
        notes.append(f"note: the track ended before the workout did, in step {step} of {len(config.workout.steps())}")
    elif not result.finished:
        reached = result.final.dist_m if result.final else 0.0
        notes.append(f"note: the track ended at {reached:.0f} m, before the plan's {config.plan.distance_m:.0f} m")
    summary = {
        "fixes": result.fixes,
        "final_dist_m": round(result.final.dist_m, 3) if result.final else 0.0,
        "steps": result.steps,
        "track_duration_s": round(track.duration_s, 3),
        "notes": notes,
        "route": route.describe(),
        "corrections": [c.as_json() for c in getattr(core, "corrections", [])],
        **_estimator_summary(core),
        "sounds": [{"t_s": round(t, 3), "cue": c.value} for t, c in result.sounds],
        "buzzer": {
            "kind": options.buzzer,
            "pin_changes": len(buzzer.pin.states) - 1,
            "changes": [
                {"t_s": round(x.t_s - first_t, 4), "cue": x.cue.value, "tone_hz": x.tone_hz} for x in buzzer.log
            ],
        },
    }
    if getattr(core, "wheel", None) is not None:
        summary["wheel"] = core.wheel.wheel_summary()  # source, circumference used and how sure
    if light is not None:
        summary["light"] = [{"t_s": round(x.t_s - first_t, 4), "colour": x.name} for x in light.log]
    reps = list(getattr(core, "records", []))
    if config.workout is not None:
        summary["reps"] = [r.as_json(first_t) for r in reps]
    return SimResult(result.splits, result.finished, summary, notes, result.sounds, reps,
                     list(getattr(core, "corrections", [])))


def _make_session(config: Config, start_mode: str, wheel: Any = None) -> Any:
    """A workout's state machine for [[workout]] blocks, the continuous Session otherwise."""
    from pacer.workout_session import make_session

    return make_session(config, start_mode, wheel=wheel)  # type: ignore[arg-type]


def _wheel(options: SimOptions, config: Config, nmea: bool) -> tuple[list[float] | None, Any]:
    """The wheel file's revolutions and what the wheel starts from ([device] wheel_circumference
    of the plan file, else a 700x25C's 2.105 m, +-2 %); (None, None) without --wheel."""
    if options.wheel is None:
        return None, None
    from pacer.errors import UsageError

    if nmea or options.via_gpsd:
        raise UsageError("--wheel replays revolutions beside a track's fixes; it cannot go through gpsd "
                         "(--via-gpsd, or an NMEA log)")
    if config.workout is not None:
        raise UsageError("--wheel: a workout paces on GPS alone; replay the wheel with a plan of one run")
    from hw.device_config import device_config
    from hw.wheel_store import configured_start
    from pacer.wheel import WheelSettings
    from sim.wheel_source import load_wheel_csv

    times = load_wheel_csv(options.wheel)
    start = configured_start(device_config(config).wheel_circumference)
    return times, WheelSettings(start.metres, start.sigma_m, "sim")


def _with_presses(events: Any, session: Any, presses: tuple[tuple[float, str], ...], first_t: float) -> Any:
    """The track's events with the rider's presses merged in at their times (a press at
    the same time as a fix comes after it), and, for a workout, a tick wherever the
    session is due (a pip, GO, the end of a time rep)."""
    import heapq

    from pacer.events import Button, Press

    pressed = [Press(first_t + t, Button(b)) for t, b in sorted(presses)]
    merged = heapq.merge(events, pressed, key=lambda e: (e.t_s, isinstance(e, Press)))
    if hasattr(session, "next_due_s"):
        from pacer.workout_session import with_due_ticks

        return with_due_ticks(merged, lambda: session.next_due_s)
    return merged
