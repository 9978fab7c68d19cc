"""The device path, off the device: a GPX track as NMEA through a real gpsd.

The track's fixes become RMC + GGA sentences served over TCP to a gpsd started
on free loopback ports; the Pi's own gpsd source reads them back. Whatever the
session sees has crossed gpsd exactly as on the bike, so `pacer sim --via-gpsd`
tests the device's fix path without a Pi or a receiver.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, Sequence

from pacer.errors import DeviceError
from pacer.events import Fix, Tick

QUIET_AFTER_FEED_S = 2.0  # once the feed is done, this much silence ends the replay


@contextmanager
def gpsd_events(fixes: Sequence[Fix], speedup: float) -> Iterator[Iterator[Fix | Tick]]:
    """Events read back through gpsd from `fixes` played `speedup` times faster than recorded."""
    from sim.nmea_feed import epochs_from_fixes

    with gpsd_epoch_events(epochs_from_fixes(fixes), _median_period_s(fixes), speedup, fixes[-1].t_s) as events:
        yield events


@contextmanager
def gpsd_epoch_events(
    epochs: Sequence[Any], period_s: float, speedup: float, last_t_s: float | None
) -> Iterator[Iterator[Fix | Tick]]:
    """Events read back through gpsd from NMEA `epochs` (sim.nmea_feed.Epoch), played
    `speedup` times faster than recorded; ends at the fix at `last_t_s` or when the feed falls quiet."""
    from hw.clock import MonotonicClock
    from hw.gpsd_source import GpsdSource
    from sim.gpsd_harness import gpsd_binary, run_gpsd
    from sim.nmea_feed import NmeaFeed

    if gpsd_binary() is None:
        raise DeviceError("replaying through gpsd needs the gpsd daemon (Debian package gpsd); it is not installed")
    clock = MonotonicClock()
    with NmeaFeed(epochs, clock, speedup=speedup) as feed, run_gpsd(feed.port) as daemon:
        source = GpsdSource(port=daemon.port, clock=clock, rate_hz=speedup / period_s, backend="stream")
        try:
            yield _until_fed(source, feed, clock, last_t_s)
        finally:
            source.close()


def _until_fed(source: Iterator[Fix | Tick], feed: Any, clock: Any, last_t_s: float | None) -> Iterator[Fix | Tick]:
    quiet_since: float | None = None
    for event in source:
        yield event
        if isinstance(event, Fix) and last_t_s is not None and event.t_s >= last_t_s:
            return
        if feed.finished:
            quiet_since = clock.now() if quiet_since is None else quiet_since
            if isinstance(event, Fix):
                quiet_since = clock.now()
            elif clock.now() - quiet_since > QUIET_AFTER_FEED_S:
                return


def _median_period_s(fixes: Sequence[Fix]) -> float:
    gaps = sorted(b.t_s - a.t_s for a, b in zip(fixes, fixes[1:]))
    return gaps[len(gaps) // 2] if gaps else 1.0
