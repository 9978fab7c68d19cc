"""What a file or a daemon may call "speed": the receiver's Doppler, and the others.

The estimator must not believe a speed channel because it is there (issue 9),
so the bench and the tests replay one truth through each kind of channel a
user's recording or receiver may carry. Each is a pure function of the fixes:

- `doppler`: as the receiver reports it (speed and course, white noise);
- `no_course`: Doppler speed without the course (many GPX exports);
- `scaled`: a speed off by a constant factor (a footpod or a wheel with the
  wrong calibration);
- `lagged`: a speed through a first-order low-pass (a watch's smoothed speed);
- `gpsd_synthesized`: what gpsd puts in TPV when the receiver gives no speed:
  the ellipsoidal distance from the previous fix over the time between them,
  and no course;
- `positions_only`: no speed at all.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Callable, Sequence

from pacer.events import Fix
from pacer.geo import distance_m

Channel = Callable[[Sequence[Fix]], list[Fix]]


def doppler(fixes: Sequence[Fix]) -> list[Fix]:
    return list(fixes)


def no_course(fixes: Sequence[Fix]) -> list[Fix]:
    return [replace(f, track_deg=None) for f in fixes]


def positions_only(fixes: Sequence[Fix]) -> list[Fix]:
    return [replace(f, speed_mps=None, track_deg=None) for f in fixes]


def scaled(factor: float) -> Channel:
    """Speed times `factor` (1.02: reads 2 % fast), without a course."""

    def channel(fixes: Sequence[Fix]) -> list[Fix]:
        return [
            replace(f, speed_mps=None if f.speed_mps is None else round(f.speed_mps * factor, 3), track_deg=None)
            for f in fixes
        ]

    return channel


def lagged(tau_s: float) -> Channel:
    """Speed through a first-order low-pass of time constant `tau_s`, without a course."""

    def channel(fixes: Sequence[Fix]) -> list[Fix]:
        out: list[Fix] = []
        smooth: float | None = None
        prev_t: float | None = None
        for f in fixes:
            if f.speed_mps is not None:
                if smooth is None or prev_t is None:
                    smooth = f.speed_mps
                else:
                    smooth += (1.0 - math.exp(-(f.t_s - prev_t) / tau_s)) * (f.speed_mps - smooth)
                prev_t = f.t_s
            out.append(replace(f, speed_mps=None if smooth is None else round(smooth, 3), track_deg=None))
        return out

    return channel


def gpsd_synthesized(fixes: Sequence[Fix]) -> list[Fix]:
    """gpsd's fill-in: chord from the previous fix over dt, rounded as TPV prints it."""
    out: list[Fix] = []
    prev: Fix | None = None
    for f in fixes:
        speed = None
        if prev is not None and f.t_s > prev.t_s:
            speed = round(distance_m(prev.lat_deg, prev.lon_deg, f.lat_deg, f.lon_deg) / (f.t_s - prev.t_s), 3)
        out.append(replace(f, speed_mps=speed, track_deg=None))
        prev = f
    return out


CHANNELS: dict[str, Channel] = {
    "doppler": doppler,
    "doppler, no course": no_course,
    "doppler +2 %": scaled(1.02),
    "doppler -2 %": scaled(0.98),
    "doppler lagged 3 s": lagged(3.0),
    "gpsd-synthesized": gpsd_synthesized,
    "positions only": positions_only,
}
