"""hw.gpsd_source against the real gpsd daemon, fed NMEA by sim.nmea_feed.

The specification of the device path off the Pi: every fix the receiver sends
arrives once, in order, exact; gpsd dying, restarting or being absent turns
into ticks, never an exception; real receivers' logs never yield a bad fix.
gpsd runs in real time, so these tests use the monotonic clock and short feeds.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from hw.clock import MonotonicClock
from hw.gpsd_source import GPSD_GONE, GpsdSource
from pacer.events import Fix, FixMode, Tick
from sim.gpsd_harness import GpsdDaemon, free_port, run_gpsd
from sim.nmea_feed import NmeaFeed, epochs_from_fixes, epochs_from_log
from tests.conftest import NEEDS_GPSD, realdata_dir, realdata_missing

pytestmark = NEEDS_GPSD

REALDATA = realdata_dir()  # $PACER_REALDATA, default ../shared/realdata (tests/conftest.py)
T0_S = 1_700_000_000.0
Event = Fix | Tick


@pytest.fixture
def clock() -> MonotonicClock:
    return MonotonicClock()


def straight_line(rate_hz: float, count: int, speed_mps: float = 5.0, bearing_deg: float = 30.0) -> list[Fix]:
    """A rider at constant speed on a straight line from 52 N 5 E, one fix per 1/rate_hz."""
    north_mps = speed_mps * math.cos(math.radians(bearing_deg))
    east_mps = speed_mps * math.sin(math.radians(bearing_deg))
    fixes = []
    for k in range(count):
        t_rel_s = k / rate_hz
        lat = 52.0 + north_mps * t_rel_s / 111_250.0
        lon = 5.0 + east_mps * t_rel_s / (111_250.0 * math.cos(math.radians(52.0)))
        fixes.append(Fix(T0_S + t_rel_s, lat, lon, speed_mps, bearing_deg, alt_m=10.0, satellites=9))
    return fixes


def metres_between(a: Fix, b: Fix) -> float:
    north_m = (b.lat_deg - a.lat_deg) * 111_250.0
    east_m = (b.lon_deg - a.lon_deg) * 111_250.0 * math.cos(math.radians(a.lat_deg))
    return math.hypot(north_m, east_m)


def collect(
    source: GpsdSource,
    feed: NmeaFeed,
    clock: MonotonicClock,
    settle_s: float = 0.3,
    limit_s: float = 20.0,
    on_event: object = None,
    last_t_s: float | None = None,
) -> list[Event]:
    """Every event until the fix at `last_t_s` arrives, or the feed has sent everything
    and `settle_s` more has passed."""
    events: list[Event] = []
    give_up = clock.now() + limit_s
    finished_at: float | None = None
    for event in source:
        events.append(event)
        if callable(on_event):
            on_event(event)
        now = clock.now()
        if finished_at is None and feed.finished:
            finished_at = now
        if isinstance(event, Fix) and last_t_s is not None and event.t_s >= last_t_s:
            break
        if (finished_at is not None and now >= finished_at + settle_s) or now > give_up:
            break
    source.close()
    return events


def fixes_of(events: list[Event]) -> list[Fix]:
    return [e for e in events if isinstance(e, Fix)]


def assert_exact(received: list[Fix], truth: list[Fix]) -> None:
    """Each received fix is a sent fix: same time to the millisecond, same place to the centimetre."""
    by_time = {round(f.t_s, 2): f for f in truth}
    for fix in received:
        sent = by_time.get(round(fix.t_s, 2))
        assert sent is not None, f"fix at {fix.t_s} was never sent"
        assert fix.t_s == pytest.approx(sent.t_s, abs=1e-3)
        assert metres_between(fix, sent) <= 0.01
        assert fix.speed_mps == pytest.approx(sent.speed_mps, abs=0.01)
        assert fix.mode >= FixMode.TWO_D


@pytest.fixture
def feed_factory(clock: MonotonicClock) -> Iterator[object]:
    feeds: list[NmeaFeed] = []

    def make(fixes: list[Fix], speedup: float = 1.0) -> NmeaFeed:
        feed = NmeaFeed(epochs_from_fixes(fixes), clock, speedup=speedup).start()
        feeds.append(feed)
        return feed

    yield make
    for feed in feeds:
        feed.close()


@pytest.mark.parametrize("backend", ["stream", "poll"])
@pytest.mark.parametrize(("data_hz", "count", "speedup"), [(1.0, 15, 10.0), (10.0, 25, 1.0)], ids=["1Hz", "10Hz"])
def test_every_fix_arrives_exactly_once_in_order_and_exact(
    clock: MonotonicClock, feed_factory: object, backend: str, data_hz: float, count: int, speedup: float
) -> None:
    truth = straight_line(data_hz, count)
    feed = feed_factory(truth, speedup)  # type: ignore[operator]
    with run_gpsd(feed.port) as gpsd:
        source = GpsdSource("127.0.0.1", gpsd.port, clock, rate_hz=data_hz * speedup, backend=backend)  # type: ignore[arg-type]
        received = fixes_of(collect(source, feed, clock, last_t_s=truth[-1].t_s))
    assert [f.t_s for f in received] == pytest.approx([f.t_s for f in truth], abs=1e-3)
    assert_exact(received, truth)


def test_at_10hz_a_busy_consumer_loses_no_fix_with_the_stream_backend(
    clock: MonotonicClock, feed_factory: object
) -> None:
    truth = straight_line(10.0, 30)
    feed = feed_factory(truth)  # type: ignore[operator]
    with run_gpsd(feed.port) as gpsd:
        source = GpsdSource("127.0.0.1", gpsd.port, clock, rate_hz=10.0, backend="stream")
        received = fixes_of(
            collect(source, feed, clock, on_event=_stall_every_tenth_fix(clock), last_t_s=truth[-1].t_s)
        )
    assert len(received) == len(truth)
    assert_exact(received, truth)


def test_at_10hz_the_poll_backend_loses_fixes_while_the_consumer_is_busy_but_never_doubles(
    clock: MonotonicClock, feed_factory: object
) -> None:
    """Why "stream" is the default: a poll sees only the latest report, so the fixes
    that arrive during a 350 ms stall (a slow display write) are gone."""
    truth = straight_line(10.0, 30)
    feed = feed_factory(truth)  # type: ignore[operator]
    with run_gpsd(feed.port) as gpsd:
        source = GpsdSource("127.0.0.1", gpsd.port, clock, rate_hz=10.0, backend="poll")
        received = fixes_of(
            collect(source, feed, clock, on_event=_stall_every_tenth_fix(clock), last_t_s=truth[-1].t_s)
        )
    times = [f.t_s for f in received]
    assert times == sorted(set(times)), "no fix twice, none out of order"
    assert_exact(received, truth)
    lost = len(truth) - len(received)
    print(f"poll backend at 10 Hz with 350 ms stalls: {lost} of {len(truth)} fixes lost")
    assert lost > 0


def _stall_every_tenth_fix(clock: MonotonicClock) -> object:
    seen = [0]

    def stall(event: Event) -> None:
        if isinstance(event, Fix):
            seen[0] += 1
            if seen[0] % 10 == 5:
                clock.sleep_until(clock.now() + 0.35)

    return stall


@pytest.mark.parametrize("backend", ["stream", "poll"])
def test_gpsd_killed_and_restarted_mid_run_gives_gpsd_gone_ticks_then_fixes_again(
    clock: MonotonicClock, feed_factory: object, backend: str
) -> None:
    truth = straight_line(10.0, 35)
    feed = feed_factory(truth)  # type: ignore[operator]
    with run_gpsd(feed.port) as gpsd:
        source = GpsdSource(
            "127.0.0.1", gpsd.port, clock, rate_hz=10.0, backend=backend,  # type: ignore[arg-type]
            backoff_initial_s=0.2, backoff_max_s=0.5,
        )
        timers = [threading.Timer(0.8, gpsd.kill), threading.Timer(1.6, gpsd.start)]
        for timer in timers:
            timer.start()
        try:
            events = collect(source, feed, clock, last_t_s=truth[-1].t_s)
        finally:
            for timer in timers:
                timer.join()
    kinds = ["fix" if isinstance(e, Fix) else e.reason for e in events]
    first_gone = kinds.index(GPSD_GONE)
    assert "fix" in kinds[:first_gone], "fixes before the kill"
    assert "fix" in kinds[first_gone:], "fixes again after the restart"
    times = [e.t_s for e in events]
    assert times == sorted(times), "ticks are stamped in the fixes' timebase, never backward"
    received = fixes_of(events)
    assert [f.t_s for f in received] == sorted(set(f.t_s for f in received))
    assert_exact(received, truth)


def test_gpsd_absent_at_start_gives_ticks_about_once_a_second_then_fixes(
    clock: MonotonicClock, feed_factory: object
) -> None:
    truth = straight_line(10.0, 15)
    feed = feed_factory(truth)  # type: ignore[operator]
    gpsd = GpsdDaemon(feed.port, port=free_port())
    source = GpsdSource(
        "127.0.0.1", gpsd.port, clock, rate_hz=10.0, backoff_initial_s=0.2, backoff_max_s=0.5
    )
    starter = threading.Timer(2.2, gpsd.start)
    starter.start()
    try:
        events = collect(source, feed, clock, last_t_s=truth[-1].t_s)
    finally:
        starter.join()
        gpsd.close()
    gone = [e for e in events if isinstance(e, Tick) and e.reason == GPSD_GONE]
    assert 2 <= len(gone) <= 3, "about 1 Hz while gpsd is absent for 2.2-2.7 s"
    assert isinstance(events[0], Tick) and events[0].reason == GPSD_GONE
    assert len(fixes_of(events)) > 0
    assert_exact(fixes_of(events), truth)


REAL_LOGS = sorted((REALDATA / "nmea").glob("*")) if (REALDATA / "nmea").is_dir() else []


@pytest.mark.realdata
@pytest.mark.skipif(
    not REAL_LOGS and not os.environ.get("CI"), reason=realdata_missing(REALDATA / "nmea")
)
@pytest.mark.parametrize("log_path", REAL_LOGS, ids=[p.name for p in REAL_LOGS])
def test_a_real_receiver_log_never_yields_a_bad_fix(clock: MonotonicClock, log_path: Path) -> None:
    epochs = epochs_from_log(log_path)
    duration_s = 1.0
    speedup = max(10.0, epochs[-1].offset_s / duration_s)
    with NmeaFeed(epochs, clock, speedup=speedup) as feed, run_gpsd(feed.port) as gpsd:
        source = GpsdSource("127.0.0.1", gpsd.port, clock, rate_hz=speedup, tick_interval_s=0.2)
        events = collect(source, feed, clock)
    fixes = fixes_of(events)
    for fix in fixes:
        assert fix.mode >= FixMode.TWO_D
        assert abs(fix.lat_deg) > 1e-6 or abs(fix.lon_deg) > 1e-6, "no zero-filled position"
        assert -90 <= fix.lat_deg <= 90 and -180 <= fix.lon_deg <= 180
    times = [f.t_s for f in fixes]
    assert times == sorted(set(times)), "fixes strictly forward in time, even when the log is not"
    print(f"{log_path.name}: {len(epochs)} epochs, {len(fixes)} fixes, {source.stats}")


def test_the_realdata_folder_is_present_in_ci() -> None:
    if not os.environ.get("CI"):
        pytest.skip("only enforced in CI")
    assert REAL_LOGS, f"CI must have the real NMEA logs in {REALDATA / 'nmea'}"


@pytest.mark.parametrize("backend", ["stream", "poll"])
def test_a_deadline_between_fixes_wakes_the_consumer_on_time_with_a_due_tick(
    clock: MonotonicClock, feed_factory: object, backend: str
) -> None:
    """A workout's 3-2-1 pips and the buzzer's patterns fall between 1 Hz fixes: the
    source yields Tick(deadline, "due") when it passes, not at the next fix."""
    truth = straight_line(1.0, 8)
    feed = feed_factory(truth)  # type: ignore[operator]
    wanted = [truth[3].t_s + 0.25, truth[3].t_s + 0.5, truth[5].t_s + 0.7]
    woken: list[tuple[float, float]] = []  # (tick time, clock when it came)
    with run_gpsd(feed.port) as gpsd:
        source = GpsdSource("127.0.0.1", gpsd.port, clock, rate_hz=1.0, backend=backend)  # type: ignore[arg-type]
        source.wake_at = lambda: next((t for t in wanted if not any(w[0] >= t for w in woken)), None)
        fix_arrived: dict[float, float] = {}

        def on_event(event: Event) -> None:
            if isinstance(event, Fix):
                fix_arrived[round(event.t_s, 2)] = clock.now()
            elif event.reason == "due":
                woken.append((event.t_s, clock.now()))

        collect(source, feed, clock, on_event=on_event, last_t_s=truth[-1].t_s)
    assert [t for t, _ in woken] == pytest.approx(wanted, abs=1e-6)  # each deadline once, at its GPS time
    for t_s, came in woken:
        fix_before = max(t for t in fix_arrived if t < t_s)
        # on the wall clock, as far after the fix before it as the deadline is in GPS time
        assert came - fix_arrived[fix_before] == pytest.approx(t_s - fix_before, abs=0.15)
