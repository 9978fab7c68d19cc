"""The gate in front of the core: any event in, an event the session can trust out. Pure.

Sources check what they read (gpsd reports, GPX points), but the core must not
depend on that: a NaN speed, a time of 1e300 or a latitude of 400 must never
reach the estimator, where it would poison every later status. So
`Session.step` passes each event through `guard_event` first, and the
recorders do too, so the log holds exactly what the session saw.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from pacer.events import Button, Event, Fix, FixMode, Press, Tick, Wheel

# GPS time as Unix seconds, within what a datetime can hold (years 1 to 9999): a
# receiver's week-rollover date is still a time, and a log of it still reads back.
MIN_T_S = datetime(1, 1, 2, tzinfo=timezone.utc).timestamp()
MAX_T_S = datetime(9999, 12, 30, tzinfo=timezone.utc).timestamp()
MAX_SPEED_MPS = 50.0  # 180 km/h: no bike pacing a runner goes faster; above it a speed is not believed
MAX_ALT_M = 100_000.0
MAX_SATELLITES = 255
MAX_REASON_CHARS = 40
MAX_WHEEL_REVS = 1 << 40  # a count beyond this is no wheel's (a 2 m wheel: 2 million km)


def is_time(t_s: object) -> bool:
    """A usable event time: a real number (not a bool) within years 1 to 9999."""
    return isinstance(t_s, (int, float)) and not isinstance(t_s, bool) and MIN_T_S <= t_s <= MAX_T_S


def _real(x: object, low: float, high: float) -> float | None:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    return float(x) if low <= x <= high else None  # NaN fails both comparisons


def _satellites(x: object) -> int | None:
    return x if isinstance(x, int) and not isinstance(x, bool) and 0 <= x <= MAX_SATELLITES else None


def guard_event(event: object, last_t_s: float | None) -> Event:
    """`event` if every field is usable; else the nearest event that is.

    A fix without a usable time or position becomes a tick ("bad fix"); a field
    that cannot be believed (NaN, negative or impossible speed, ...) becomes
    unknown, as when the receiver does not report it. An event whose time is
    not usable takes `last_t_s` (the session's last fix time; 0 before any).
    """
    fallback_t_s = float(last_t_s) if is_time(last_t_s) else 0.0
    t_s = getattr(event, "t_s", None)
    good_time = is_time(t_s)
    when = float(t_s) if good_time else fallback_t_s  # type: ignore[arg-type]
    if isinstance(event, Fix):
        return _guard_fix(event, when, good_time)
    if isinstance(event, Press):
        if not isinstance(event.button, Button):
            return Tick(when, "bad button")
        return event if good_time and isinstance(t_s, float) else Press(when, event.button)
    if isinstance(event, Tick):
        reason = event.reason if isinstance(event.reason, str) else "no fix"
        clean = Tick(when, reason[:MAX_REASON_CHARS], _satellites(event.satellites))
        return event if clean == event and isinstance(t_s, float) else clean
    if isinstance(event, Wheel):
        revs = event.revs
        if not good_time or isinstance(revs, bool) or not isinstance(revs, int) or not 0 <= revs < MAX_WHEEL_REVS:
            return Tick(when, "bad wheel")
        return event if isinstance(t_s, float) else Wheel(when, revs, str(event.source)[:MAX_REASON_CHARS])
    return Tick(when, "bad event")


def _guard_fix(fix: Fix, when: float, good_time: bool) -> Event:
    sats = _satellites(fix.satellites)
    lat, lon = _real(fix.lat_deg, -90.0, 90.0), _real(fix.lon_deg, -180.0, 180.0)
    if not good_time or lat is None or lon is None or (lat == 0.0 and lon == 0.0):
        return Tick(when, "bad fix", sats)
    try:
        mode = FixMode(fix.mode)
    except ValueError:
        mode = FixMode.NONE
    track = _real(fix.track_deg, -1e6, 1e6)
    clean = Fix(
        t_s=when, lat_deg=lat, lon_deg=lon,
        speed_mps=_real(fix.speed_mps, 0.0, MAX_SPEED_MPS),
        track_deg=None if track is None else track % 360.0,
        mode=mode,
        eph_m=_real(fix.eph_m, 0.0, 1e6),
        alt_m=_real(fix.alt_m, -MAX_ALT_M, MAX_ALT_M),
        satellites=sats,
    )
    return fix if clean == fix and _same_types(fix, clean) else clean


def _same_types(a: Fix, b: Fix) -> bool:
    """Equal values of other types (an int time, a bool satellite count) still get the clean copy."""
    return all(type(getattr(a, k)) is type(getattr(b, k)) for k in ("t_s", "lat_deg", "lon_deg", "mode"))


GPS_ERA_S = 1024 * 7 * 86400.0  # the GPS week number wraps every 1024 weeks
ERA_MATCH_S = 3600.0  # a jump this close to whole eras is a rollover, not an outage


class RolloverMender:
    """Undo a GPS week rollover that happens mid-run: a receiver whose firmware
    counts weeks from the wrong epoch jumps its date by 1024 weeks (19.6 years)
    at the moment it crosses over. Pure, but stateful, so it lives beside the
    guard rather than in it: an event time that moved from the last by a whole
    number of eras (within an hour) gets the eras back, and so does every later
    one. A run dated wrong from its start is left alone: only differences of GPS
    time matter for pacing, and the log and report read any date.
    """

    def __init__(self) -> None:
        self.offset_s = 0.0
        self.last_t_s: float | None = None
        self.mended = 0  # rollovers undone

    def __call__(self, event: Event) -> Event:
        if not is_time(event.t_s):
            return event
        t_s = event.t_s + self.offset_s
        if self.last_t_s is not None:
            gap_s = t_s - self.last_t_s
            eras = round(gap_s / GPS_ERA_S)
            if eras and abs(gap_s - eras * GPS_ERA_S) < ERA_MATCH_S:
                self.offset_s -= eras * GPS_ERA_S
                t_s -= eras * GPS_ERA_S
                self.mended += 1
        self.last_t_s = t_s
        return event if t_s == event.t_s else replace(event, t_s=t_s)
