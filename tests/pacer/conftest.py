"""Fixtures for the core's tests: clean runs along a straight road."""

from __future__ import annotations

import pytest

from pacer.events import Fix
from pacer.geo import LocalPlane

T0 = 1.7e9
PLANE = LocalPlane(47.0, 8.0)


def straight_run(speed_mps: float, duration_s: float, rate_hz: float = 1.0, t0: float = T0) -> list[Fix]:
    """Noise-free fixes of a bike riding due east at a steady speed."""
    out = []
    n = int(duration_s * rate_hz) + 1
    for k in range(n):
        t = k / rate_hz
        lat, lon = PLANE.to_latlon(speed_mps * t, 0.0)
        out.append(Fix(t0 + t, lat, lon))
    return out


@pytest.fixture
def straight():
    return straight_run
