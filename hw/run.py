"""`pacer run`: the on-device loop — gpsd in, session, OLED + buzzer + light out, buttons, watchdog.

Every part is built from the [device] config and may fail on its own: a display
or buzzer that cannot open or dies mid-run is logged and the loop goes on
without it; gpsd gone is a tick with a reason, shown on the screen. SIGTERM
(systemd stop) ends the loop cleanly after the current step.
"""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from pacer.clock import Clock
from pacer.config import Config
from pacer.events import Fix, Tick
from pacer.guard import RolloverMender
from pacer.screen import render
from pacer.workout_session import make_session, with_due_ticks
from pacer.status import Phase, Status
from hw.device_config import DeviceConfig

log = logging.getLogger("pacer.hw.run")


class _NoPart:
    """Stands in for a part the config leaves out ("none")."""

    def show(self, image: Any, t_s: float | None = None) -> None: ...
    def feed(self, status: Status) -> None: ...
    def advance(self, t_s: float) -> None: ...
    def poll(self) -> list[Any]:
        return []
    def close(self, *args: Any) -> None: ...


@dataclass
class DeviceRun:
    statuses: int = 0
    final: Status | None = None
    splits: list[Any] = field(default_factory=list)
    wheel: dict[str, Any] | None = None  # the wheel's summary at the end (source, state, circumference)


class FrameGate:
    """Which frames go to the OLED: only changed ones, at most MAX_FPS a second.

    Over I2C at 400 kHz a 128x64 frame (1 KiB) takes about 23 ms, most of a
    10 Hz receiver's period if every fix were drawn; a frame that sounds a cue
    or passes a split always goes at once, so the screen agrees with the buzzer.
    """

    MAX_FPS = 5.0

    def __init__(self, clock: Clock, max_fps: float = MAX_FPS) -> None:
        self.clock, self.min_gap_s = clock, 1.0 / max_fps
        self.last_bytes: bytes | None = None
        self.last_s = float("-inf")

    def due(self, image: Any, urgent: bool = False) -> bool:
        data = image.tobytes()
        now = self.clock.now()
        if data == self.last_bytes or (not urgent and now - self.last_s < self.min_gap_s):
            return False
        self.last_bytes, self.last_s = data, now
        return True


class _GpsTime:
    """GPS time now, from the last event's GPS time and the monotonic clock since."""

    def __init__(self, clock: Clock) -> None:
        self.clock, self.event_t_s, self.wall_s = clock, None, clock.now()

    def mark(self, t_s: float) -> None:
        self.event_t_s, self.wall_s = t_s, self.clock.now()

    def __call__(self) -> float:
        if self.event_t_s is None:
            return self.clock.now()
        return self.event_t_s + (self.clock.now() - self.wall_s)


def run_device(
    config: Config,
    dev: DeviceConfig,
    source: Iterator[Fix | Tick] | None = None,
    clock: Clock | None = None,
    display: Any = None,
    buzzer: Any = None,
    buttons: Any = None,
    light: Any = None,
    notify: Callable[[str], None] | None = None,
    on_status: Callable[[Status], None] | None = None,
    stop: threading.Event | None = None,
    finish_hold_s: float = 5.0,
    recorder: Any = None,
    wheel: Any = None,
    wheel_store_dir: Path | None = None,
) -> DeviceRun:
    """Run until the finish has been shown `finish_hold_s`, the source ends, or `stop` is set.

    `recorder` (hw.recorder.DeviceRecorder) logs every step and may resume a cut-off run.
    `wheel` is a wheel sensor's source (default: from [device] wheel_pin / wheel_ble);
    its circumference is read from and kept in `wheel_store_dir` (hw/wheel_store.py).
    """
    from hw.wheel_store import wheel_settings
    from hw.clock import MonotonicClock

    clock = clock or MonotonicClock()
    stop = stop or threading.Event()
    gps_time = _GpsTime(clock)
    if source is None:
        from hw.gpsd_source import GpsdSource

        source = GpsdSource(dev.gpsd_host, dev.gpsd_port, clock, dev.gps_rate_hz, dev.gpsd_backend)  # type: ignore[arg-type]
    display = display if display is not None else _open_display(dev)
    buzzer = buzzer if buzzer is not None else _open_buzzer(dev)
    light = light if light is not None else _open_light(dev)
    buttons = buttons if buttons is not None else _open_buttons(dev, gps_time)
    notify = notify or (lambda _msg: None)
    wheel_start = wheel_settings(dev, wheel_store_dir)
    wheel = wheel if wheel is not None else _open_wheel(dev, gps_time) if wheel_start is not None else _NoPart()
    session: Any = make_session(config, dev.start, wheel=wheel_start)  # type: ignore[arg-type]  # a workout's, or a run's
    if recorder is not None:
        session = recorder.attach(session)
    core = recorder if recorder is not None else None  # a resume swaps the session inside the recorder
    mend_rollover = RolloverMender()  # a receiver's week rollover mid-run: its dates jump 1024 weeks
    if hasattr(source, "wake_at"):  # a live source: wake the loop when a pip or a buzzer change is due
        source.wake_at = lambda: _earliest(
            getattr(core.session if core else session, "next_due_s", None), getattr(buzzer, "next_change_s", None)
        )
    events = with_due_ticks((mend_rollover(e) for e in source), lambda: getattr(core.session if core else session, "next_due_s", None))
    out = DeviceRun()
    notify("READY=1")
    finished_at: float | None = None
    frames = FrameGate(clock)

    def step(event: Any) -> None:
        status = session.step(event)
        out.statuses += 1
        out.final = status
        out.splits.extend(status.new_splits)
        image = render(status, config.display)
        if frames.due(image, urgent=bool(status.sounds or status.new_splits)):
            display.show(image, status.t_s)
        buzzer.feed(status)
        light.feed(status)
        if on_status:
            on_status(status)

    try:
        for event in events:  # the source's, and a tick when a workout's pip, GO or time is due
            gps_time.mark(event.t_s)
            for press in buttons.poll():
                step(press)
            for revolution in wheel.poll():  # already happened: before the event just read
                if gps_time.event_t_s is not None:  # stamped in GPS time only once a first event set it
                    step(revolution)
            step(event)
            notify("WATCHDOG=1")
            if out.final is not None and out.final.phase == Phase.FINISHED:
                finished_at = clock.now() if finished_at is None else finished_at
                if clock.now() - finished_at >= finish_hold_s:
                    break
            if stop.is_set():
                break
    finally:
        close = getattr(source, "close", None)
        if close:
            close()
        for part in (wheel, buttons, buzzer, light, display):
            try:
                part.close()
            except Exception as e:  # a part failing to close must not hide the run's result
                log.warning("closing %s failed: %s", type(part).__name__, e)
        if recorder is not None:
            recorder.close()
        notify("STOPPING=1")
    out.splits = list(session.splits)  # a resumed run's splits from before the restart too
    out.wheel = _keep_wheel(core.session if core else session, dev, wheel_store_dir)
    return out


def _earliest(*times_s: float | None) -> float | None:
    known = [t for t in times_s if t is not None]
    return min(known) if known else None


def _open_wheel(dev: DeviceConfig, now_gps_s: Callable[[], float]) -> Any:
    if dev.wheel_pin is not None:
        from hw.wheel_gpio import GpioWheelSource

        return GpioWheelSource(dev.wheel_pin, now_gps_s=now_gps_s)
    from hw.wheel_ble import BleWheelSource

    assert dev.wheel_ble is not None
    return BleWheelSource(dev.wheel_ble, now_gps_s=now_gps_s)


def _keep_wheel(session: Any, dev: DeviceConfig, store_dir: Path | None) -> dict[str, Any] | None:
    """The wheel's summary; and its circumference, for the next ride, when this one measured it."""
    route = getattr(session, "wheel", None)
    if route is None:
        return None
    summary: dict[str, Any] = route.wheel_summary()
    if store_dir is not None and summary.get("measured_m") is not None:
        from hw.wheel_store import save

        save(store_dir, dev.wheel_circumference, route.end_circumference())
    return summary


def _open_display(dev: DeviceConfig) -> Any:
    if dev.display == "none":
        return _NoPart()
    from hw.display import OledDisplay

    return OledDisplay(dev.display, dev.i2c_port, dev.i2c_address, dev.rotate, dev.contrast)


def _open_buzzer(dev: DeviceConfig) -> Any:
    if dev.buzzer == "none":
        return _NoPart()
    from hw.buzzer import make_hw_buzzer

    return make_hw_buzzer(dev.buzzer, dev.buzzer_pin)


def _open_light(dev: DeviceConfig) -> Any:
    if dev.light is None:
        return _NoPart()
    from hw.light import make_hw_light

    return make_hw_light(dev.light, dev.light_brightness)


def _open_buttons(dev: DeviceConfig, now_gps_s: Callable[[], float]) -> Any:
    from hw.buttons import ButtonSource

    pins: Any = dev.button_pin if dev.button_pin is not None else dev.buttons
    return ButtonSource(pins, now_gps_s=now_gps_s)


def systemd_notifier() -> Callable[[str], None]:
    """sdnotify when running under systemd (NOTIFY_SOCKET set), else nothing."""
    import os

    if not os.environ.get("NOTIFY_SOCKET"):
        return lambda _msg: None
    try:
        import sdnotify
    except ImportError:
        log.warning("NOTIFY_SOCKET is set but sdnotify is not installed: no watchdog pings")
        return lambda _msg: None
    notifier = sdnotify.SystemdNotifier()
    return notifier.notify


def stop_on_sigterm() -> threading.Event:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    return stop
