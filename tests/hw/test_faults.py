"""The fault matrix of docs/reliability.md, on the device loop (`hw.run.run_device`
with its `DeviceRecorder`): each fault mid-run, and what the rider sees, what is
logged, what is lost. The bundled mile is the fix source (gpsd's own faults are in
test_gpsd_source.py and test_via_gpsd.py, with the real daemon); gpiozero's
MockFactory gives the pins; file-system faults that need root to stage for real
(a full card, a read-only remount) are raised at the log's file-write seam.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import time
from dataclasses import replace
from pathlib import Path
from typing import Any
from unittest.mock import Mock

import pytest
from gpiozero.pins.mock import MockFactory
from luma.oled.device import ssd1306

from hw.buttons import ButtonSource
from hw.device_config import device_config
from hw.display import RETRY_S, OledDisplay
from hw.logfile import LOG_FULL, NO_LOG, log_settings, read_log_file
from hw.recorder import LOG_MESSAGE_S, DeviceRecorder
from hw.run import run_device, stop_on_sigterm
from pacer.cli import main
from pacer.config import parse_config
from pacer.events import Button
from pacer.status import Phase
from sim.clock import SimClock
from sim.gpx_source import load_gpx, replay_events

ROOT = Path(__file__).resolve().parents[2]
TRACK = ROOT / "sim" / "tracks" / "mile_road_1hz.gpx"
PLAN = (ROOT / "sim" / "plans" / "mile_4_40.toml").read_text()
FAULT_AT = 120  # steps before the fault: past the first split, before the second
WEEK_S = 7 * 86400.0


@pytest.fixture(scope="module")
def events():
    return list(replay_events(load_gpx(TRACK).fixes))


def make_config(log_dir: Path):
    return parse_config(
        PLAN + '[device]\nstart = "moving"\ndisplay = "none"\nbuzzer = "none"\n' f'[log]\ndir = "{log_dir}"\n',
        "pacer.toml",
    )


def ride(config, source, on_step=None, **parts: Any):
    """One life of the device process; `on_step(n, recorder)` runs after every step.
    Returns the result, the recorder and every status the loop showed."""
    recorder = DeviceRecorder(config, "moving", log_settings(config))
    shown = []

    def on_status(status):
        shown.append(status)
        if on_step:
            on_step(len(shown), recorder)

    clock = SimClock()
    result = run_device(config, device_config(config), source=paced(source, clock), clock=clock,
                        on_status=on_status, finish_hold_s=0.0, recorder=recorder, **parts)
    return result, recorder, shown


def paced(events, clock: SimClock):
    """The events with the loop's clock moving as their GPS time does (as on the bike)."""
    t0 = None
    for event in events:
        t0 = event.t_s if t0 is None else t0
        clock.sleep_until(event.t_s - t0)
        yield event


@pytest.fixture(scope="module")
def clean(events, tmp_path_factory):
    """The run with no fault: what every faulted run is held against."""
    import gpiozero

    previous = gpiozero.Device.pin_factory
    gpiozero.Device.pin_factory = MockFactory()
    try:
        result, recorder, shown = ride(make_config(tmp_path_factory.mktemp("clean")), events)
    finally:
        gpiozero.Device.pin_factory.close()
        gpiozero.Device.pin_factory = previous
    return result


def same_pacing(result, clean) -> None:
    assert result.final.phase == Phase.FINISHED
    assert [(s.index, s.elapsed_s) for s in result.splits] == [(s.index, s.elapsed_s) for s in clean.splits]


def report_reads(path: Path, capsys) -> str:
    assert main(["report", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return out


class FullCard:
    """The log file on a card that fills up after `budget` more bytes: a short write,
    then ENOSPC (or `error`), as the kernel does. Wraps the writer's file object."""

    def __init__(self, f, budget: int, error: int = errno.ENOSPC) -> None:
        self._f, self.budget, self.error = f, budget, error

    def write(self, data) -> int:
        if self.budget <= 0:
            raise OSError(self.error, os.strerror(self.error))
        n = self._f.write(data[: self.budget])
        self.budget -= n
        return n

    def __getattr__(self, name):
        return getattr(self._f, name)


def fill_card_at(step: int, budget: int = 100, error: int = errno.ENOSPC):
    def on_step(n, recorder):
        if n == step:
            recorder.writer._f = FullCard(recorder.writer._f, budget, error)
    return on_step


# -- the run log ------------------------------------------------------------------

def card_failing_from(step: int, error: int, monkeypatch, until_step: int | None = None):
    """The card fails from `step` on (the open file and every file opened again), until
    `until_step` when given: the seam version of a card that fills or goes read-only."""
    import hw.recorder

    state = {"failing": False}

    class FailingWriter(hw.recorder.LogWriter):
        def write_encoded(self, data, sync=False):
            if state["failing"]:
                self._f = FullCard(self._f, 0, error)
            super().write_encoded(data, sync)

    monkeypatch.setattr(hw.recorder, "LogWriter", FailingWriter)

    def on_step(n, recorder):
        if n == step:
            state["failing"] = True
            recorder.writer._f = FullCard(recorder.writer._f, 100, error)
        if until_step is not None and n == until_step:
            state["failing"] = False
    return on_step


@pytest.mark.parametrize("error, word", [(errno.ENOSPC, LOG_FULL), (errno.EROFS, NO_LOG), (errno.EIO, NO_LOG)])
def test_a_log_write_failing_for_the_rest_of_the_run_keeps_pacing_and_says_so_once(
    tmp_path, mock_pins, events, clean, capsys, monkeypatch, error, word
):
    result, recorder, shown = ride(make_config(tmp_path), events, card_failing_from(FAULT_AT, error, monkeypatch))
    same_pacing(result, clean)
    said = [s for s in shown if s.message == word]
    assert said and said[-1].t_s - said[0].t_s <= LOG_MESSAGE_S  # once, for a few seconds, not for the rest of the run
    assert all(s.message != word for s in shown[shown.index(said[-1]) + 1 :])
    assert recorder.recovered == 0  # tried every RETRY_S, never taken
    log = read_log_file(recorder.path)
    assert log.warnings == []  # the half-written record was cut off: the file ends on a whole record
    assert FAULT_AT - 2 <= len(log.steps) <= FAULT_AT  # everything up to the fault
    assert [s.status for s in log.steps] == shown[: len(log.steps)]
    assert "not finished" in report_reads(recorder.path, capsys)


def test_a_card_that_fails_and_comes_back_loses_no_step(tmp_path, mock_pins, events, clean, capsys, monkeypatch):
    back_at = FAULT_AT + 45  # 45 s of a failing card: the first retry (30 s) fails, the second takes it
    result, recorder, shown = ride(make_config(tmp_path), events,
                                   card_failing_from(FAULT_AT, errno.EIO, monkeypatch, until_step=back_at))
    same_pacing(result, clean)
    assert recorder.recovered == 1 and not recorder.failed
    log = read_log_file(recorder.path)
    assert log.warnings == []
    as_made = [replace(s, message="") if s.message == NO_LOG else s for s in shown]  # the screen's word is not logged
    assert [s.status for s in log.steps] == as_made  # every step, in order: nothing lost
    assert "finished in" in report_reads(recorder.path, capsys)


def test_a_card_failing_longer_than_the_backlog_holds_says_where_the_log_has_a_gap(
    tmp_path, mock_pins, events, clean, capsys, monkeypatch
):
    import hw.recorder

    monkeypatch.setattr(hw.recorder, "MAX_BACKLOG_BYTES", 4000)  # a handful of steps
    result, recorder, shown = ride(make_config(tmp_path), events,
                                   card_failing_from(FAULT_AT, errno.EIO, monkeypatch, until_step=FAULT_AT + 45))
    same_pacing(result, clean)
    log = read_log_file(recorder.path)
    assert len(log.warnings) == 1 and "steps before this line were not logged" in log.warnings[0]
    logged = [s.status for s in log.steps]
    assert logged[:FAULT_AT - 2] == shown[:FAULT_AT - 2] and logged[-1] == shown[-1]  # before and after: whole  # before and after: whole
    assert len(logged) < len(shown)
    out = report_reads(recorder.path, capsys)
    assert "finished in" in out


def test_a_read_only_log_folder_at_start_paces_without_a_log_and_says_no_log(
    tmp_path, mock_pins, events, clean, monkeypatch
):
    import hw.logfile

    def read_only(path, *args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    monkeypatch.setattr(hw.logfile, "open", read_only, raising=False)  # the file-open seam of LogWriter
    result, recorder, shown = ride(make_config(tmp_path), events)
    same_pacing(result, clean)
    assert recorder.failed and recorder.path is None
    said = [s for s in shown if s.message == NO_LOG]
    assert said[0] is shown[0]  # from the first fix, when the log would have opened
    assert said[-1].t_s - said[0].t_s <= LOG_MESSAGE_S


def test_the_log_folder_deleted_mid_run_is_written_anew_with_every_record(tmp_path, mock_pins, events, clean, capsys):
    folder = tmp_path / "logs"

    def delete(n, recorder):
        if n == FAULT_AT:
            shutil.rmtree(folder)

    result, recorder, shown = ride(make_config(folder), events, delete)
    same_pacing(result, clean)
    assert recorder.writer is not None and recorder.writer.relinked == 1
    assert not any(s.message for s in shown if s.gps.value == "ok")  # nothing to tell the rider
    log = read_log_file(recorder.path)
    assert [s.status for s in log.steps] == shown and log.finished
    assert "finished in" in report_reads(recorder.path, capsys)


def test_sigterm_mid_run_closes_the_log_whole_and_the_restart_resumes(tmp_path, mock_pins, events, clean, capsys):
    config = make_config(tmp_path)
    previous = signal.getsignal(signal.SIGTERM)
    try:
        stop = stop_on_sigterm()

        def term(n, recorder):
            if n == FAULT_AT:
                os.kill(os.getpid(), signal.SIGTERM)  # systemd stop

        recorder = DeviceRecorder(config, "moving", log_settings(config))
        run_device(config, device_config(config), source=iter(events), clock=SimClock(),
                   on_status=lambda s: term(len(read_log_file(recorder.path).steps) if recorder.path else 0, recorder),
                   finish_hold_s=0.0, recorder=recorder, stop=stop)
    finally:
        signal.signal(signal.SIGTERM, previous)
    log = read_log_file(recorder.path)
    assert log.warnings == [] and not log.finished and FAULT_AT <= len(log.steps) <= FAULT_AT + 2
    report_reads(recorder.path, capsys)
    done = len(log.steps)
    result, again, _ = ride(config, events[done:])
    assert again.resumed_from == recorder.path
    same_pacing(result, clean)


# -- clocks -----------------------------------------------------------------------

def test_the_system_clock_jumping_changes_nothing(tmp_path, mock_pins, events, clean, monkeypatch):
    """NTP setting the clock after boot (a Pi has no RTC): the loop runs on GPS time and
    the monotonic clock, so a wall clock jumping a year either way is not seen."""
    real = time.time
    jump = [0.0]
    monkeypatch.setattr(time, "time", lambda: real() + jump[0])

    def ntp(n, _recorder):
        if n == FAULT_AT:
            jump[0] = 365 * 86400.0
        if n == FAULT_AT + 60:
            jump[0] = -365 * 86400.0

    result, recorder, _ = ride(make_config(tmp_path), events, ntp)
    same_pacing(result, clean)
    assert recorder.path.name.startswith("run-2026")  # named by GPS time


def test_a_receiver_with_a_week_rollover_date_paces_the_same_and_logs_readably(
    tmp_path, mock_pins, events, clean, capsys
):
    """A receiver past its GPS week rollover reports dates 1024 weeks early (2006 for
    2026): pacing only takes differences of GPS time, so it is the same run."""
    back = 1024 * WEEK_S
    shifted = [type(e)(**{**{f: getattr(e, f) for f in e.__slots__}, "t_s": e.t_s - back}) for e in events]
    result, recorder, _ = ride(make_config(tmp_path), shifted)
    assert result.final.phase == Phase.FINISHED
    assert [s.elapsed_s for s in result.splits] == pytest.approx([s.elapsed_s for s in clean.splits], abs=1e-6)
    assert recorder.path.name.startswith("run-2006")
    assert "finished in" in report_reads(recorder.path, capsys)


# -- the parts --------------------------------------------------------------------

class FlakyPanel:
    """luma's ssd1306 on a mock serial interface, whose bus fails with EREMOTEIO (121)
    from step `fail_from` to `fail_to` (the connector shaken loose, then back)."""

    def __init__(self) -> None:
        self.failing = False
        self.serials: list[Mock] = []

    def __call__(self) -> ssd1306:
        if self.failing:
            raise OSError(121, "Remote I/O error")
        serial = Mock(unsafe=True)
        self.serials.append(serial)
        return ssd1306(serial_interface=serial)

    def set_failing(self, failing: bool) -> None:
        self.failing = failing
        for s in self.serials:
            s.data.side_effect = OSError(121, "Remote I/O error") if failing else None


def test_the_oled_failing_mid_run_and_coming_back_costs_only_frames(tmp_path, mock_pins, events, clean):
    panel = FlakyPanel()
    display = OledDisplay(device_factory=panel)
    frames = []

    def shake(n, _recorder):
        if n == FAULT_AT:
            panel.set_failing(True)
        if n == FAULT_AT + 20:
            panel.set_failing(False)
        frames.append((n, display.frames, display.healthy))

    result, recorder, _ = ride(make_config(tmp_path), events, shake, display=display)
    same_pacing(result, clean)
    dark = [n for n, _, healthy in frames if not healthy]
    assert dark and min(dark) == FAULT_AT + 1 and max(dark) <= FAULT_AT + 20 + RETRY_S + 1  # back within a retry
    assert frames[-1][1] > dict((n, f) for n, f, _ in frames)[FAULT_AT + 20 + int(RETRY_S) + 2]  # frames flow again
    assert len(read_log_file(recorder.path).steps) == len(frames)  # the log never noticed


def test_a_bouncing_lap_button_gives_one_lap(tmp_path, events, clean):
    factory = MockFactory()
    config = make_config(tmp_path)
    buttons = ButtonSource({"start": 17, "lap": 27, "stop": 22}, pin_factory=factory,
                           now_gps_s=lambda: last_t[0])
    last_t = [0.0]

    def bounce(n, recorder):
        last_t[0] = recorder.session.last_fix_t_s or 0.0
        if n == FAULT_AT:
            pin = factory.pin(27)
            for _ in range(6):  # contacts chattering for well under the 10 ms debounce
                pin.drive_low()
                pin.drive_high()

    result, recorder, _ = ride(config, events, bounce, buttons=buttons)
    laps = [s for s in result.splits if s.kind.value == "lap"]
    assert len(laps) == 1
    assert [s.elapsed_s for s in result.splits if s.kind.value != "lap"] == [
        s.elapsed_s for s in clean.splits if s.kind.value != "lap"
    ]
    assert sum(1 for st in read_log_file(recorder.path).steps if getattr(st.event, "button", None) == Button.LAP) == 1
    factory.close()


class Killed(BaseException):
    """systemd's watchdog killing the process (SIGABRT after WatchdogSec without a ping)."""


def test_a_loop_stalled_in_an_i2c_write_is_restarted_by_the_watchdog_and_resumes(
    tmp_path, mock_pins, events, clean, capsys
):
    config = make_config(tmp_path)
    pings: list[int] = []
    steps = [0]

    def on_status(_status):
        steps[0] += 1

    class Stalling:
        """An OLED whose I2C write never returns once FAULT_AT steps are done."""

        def show(self, image, t_s=None) -> None:
            if steps[0] >= FAULT_AT:
                raise Killed()  # stands for: blocked here until the watchdog's SIGABRT

        def close(self) -> None: ...

    recorder = DeviceRecorder(config, "moving", log_settings(config))
    clock = SimClock()
    with pytest.raises(Killed):
        run_device(config, device_config(config), source=paced(events, clock), clock=clock, display=Stalling(),
                   notify=lambda msg: pings.append(steps[0]) if msg == "WATCHDOG=1" else None,
                   on_status=on_status, finish_hold_s=0.0, recorder=recorder)
    assert pings and max(pings) == FAULT_AT  # no ping once the loop hangs: systemd's WatchdogSec fires
    unit = (ROOT / "systemd" / "pacer.service").read_text()
    assert "WatchdogSec=" in unit and "Restart=on-failure" in unit
    log = read_log_file(recorder.path)
    assert len(log.steps) == FAULT_AT + 1  # the step being shown when it hung was already logged
    report_reads(recorder.path, capsys)
    result, again, _ = ride(config, events[len(log.steps):])  # systemd starts pacer again
    assert again.resumed_from == recorder.path
    same_pacing(result, clean)


@pytest.mark.parametrize("eras", [-1, 1])
def test_a_week_rollover_mid_run_is_undone_and_the_run_paces_on(tmp_path, mock_pins, events, clean, capsys, eras):
    """The receiver crosses its rollover during the ride: its dates jump 1024 weeks at once."""
    jump = eras * 1024 * WEEK_S
    jumped = events[:FAULT_AT] + [
        type(e)(**{**{f: getattr(e, f) for f in e.__slots__}, "t_s": e.t_s + jump}) for e in events[FAULT_AT:]
    ]
    result, recorder, shown = ride(make_config(tmp_path), jumped)
    same_pacing(result, clean)
    assert all(abs(s.elapsed_s) < 400 for s in shown)
    assert max(st.event.t_s for st in read_log_file(recorder.path).steps) < events[-1].t_s + 1  # logged mended
    assert "finished in" in report_reads(recorder.path, capsys)


def test_a_run_restarted_onto_a_card_gone_read_only_still_resumes(tmp_path, mock_pins, events, clean, monkeypatch):
    """The log can be read but not appended to (the card was remounted read-only after
    the crash): the run goes on from where it was, and the screen says NO LOG."""
    import hw.logfile

    config = make_config(tmp_path)

    class Crash(Exception):
        pass

    def crash(n, _recorder):
        if n == FAULT_AT:
            raise Crash()

    with pytest.raises(Crash):
        ride(config, events, crash)
    done = len(read_log_file(next(tmp_path.glob("run-*.jsonl"))).steps)

    def read_only(path, mode="r", *args, **kwargs):
        if "r" in mode and "+" not in mode:
            return open(path, mode, *args, **kwargs)
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    monkeypatch.setattr(hw.logfile, "open", read_only, raising=False)
    result, recorder, shown = ride(config, events[done:])
    assert recorder.resumed_from is not None and recorder.failed
    same_pacing(result, clean)
    assert shown[0].message == NO_LOG


def test_a_buzzer_pin_failing_mid_run_silences_only_the_buzzer(tmp_path, events, clean, caplog):
    """The GPIO line of the buzzer fails (a loose header, a chip gone): one ERROR in the
    journal, silence from then on; the screen, the splits and the log are untouched."""
    import logging

    from gpiozero.pins.mock import MockPin

    from hw.buzzer import make_hw_buzzer

    class FlakyPin(MockPin):
        broken = False

        def _set_state(self, value):
            if FlakyPin.broken:
                raise OSError(errno.EIO, "Input/output error")
            super()._set_state(value)

    factory = MockFactory(pin_class=FlakyPin)
    buzzer = make_hw_buzzer("active", pin_factory=factory)

    def on_step(n, _recorder):
        if n == FAULT_AT:
            FlakyPin.broken = True

    import gpiozero

    previous, gpiozero.Device.pin_factory = gpiozero.Device.pin_factory, factory  # the buttons' pins too
    try:
        with caplog.at_level(logging.ERROR, logger="pacer.hw.buzzer"):
            result, recorder, shown = ride(make_config(tmp_path), events, on_step, buzzer=buzzer)
    finally:
        gpiozero.Device.pin_factory = previous
        factory.close()
    same_pacing(result, clean)
    assert not buzzer.healthy and len(caplog.records) == 1
    cues_after = [s for s in shown[FAULT_AT:] if s.sounds]
    assert cues_after  # there were sounds to make after the fault: they went unheard, nothing else changed
    assert [s.status for s in read_log_file(recorder.path).steps] == shown
