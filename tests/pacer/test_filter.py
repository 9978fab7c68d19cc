"""The estimator: distance along the way and speed from noisy fixes, causally."""

import math

import numpy as np
import pytest

from pacer.events import Fix
from pacer.filter import Estimator
from pacer.geo import LocalPlane

PLANE = LocalPlane(47.0, 8.0)


def fixes_along(path, rate_hz, duration_s, noise_m=0.0, seed=0, doppler=False, gm_sigma_m=0.0, tau_s=30.0):
    """Fixes of a point moving along path(t) -> (x, y, speed, heading_rad), with
    white noise and a Gauss-Markov correlated error."""
    rng = np.random.default_rng(seed)
    dt = 1.0 / rate_hz
    phi = math.exp(-dt / tau_s)
    q = gm_sigma_m * math.sqrt(1 - phi * phi)
    ex = ey = 0.0
    out = []
    for k in range(int(duration_s * rate_hz) + 1):
        t = k * dt
        x, y, v, h = path(t)
        ex, ey = phi * ex + q * rng.normal(), phi * ey + q * rng.normal()
        lat, lon = PLANE.to_latlon(x + ex + noise_m * rng.normal(), y + ey + noise_m * rng.normal())
        speed = max(0.0, v + 0.1 * rng.normal()) if doppler else None
        course = (math.degrees(h) + rng.normal()) % 360 if doppler else None
        out.append(Fix(1.7e9 + t, lat, lon, speed_mps=speed, track_deg=course))
    return out


def straight(speed):
    return lambda t: (speed * t, 0.0, speed, math.pi / 2)


def circle(radius, speed):
    def at(t):
        a = speed * t / radius
        return radius * math.sin(a), radius - radius * math.cos(a), speed, math.pi / 2 - a

    return at


def run(fixes):
    est = Estimator()
    for f in fixes:
        est.update(f)
    return est


def test_clean_fixes_on_a_straight_road_give_the_exact_distance():
    est = run(fixes_along(straight(5.0), 1, 600))
    assert est.dist_m == pytest.approx(3000, abs=0.5)
    assert est.speed_mps == pytest.approx(5.0, abs=0.01)


def test_clean_fixes_on_a_bend_follow_the_arc():
    est = run(fixes_along(circle(60.0, 5.0), 1, 120))
    assert est.dist_m == pytest.approx(600, rel=0.005)


@pytest.mark.parametrize("rate_hz", [1, 10])
def test_noisy_fixes_are_not_summed_raw(rate_hz):
    fixes = fixes_along(straight(5.0), rate_hz, 600, noise_m=0.7, gm_sigma_m=1.8, seed=rate_hz)
    raw = sum(
        math.dist(PLANE.to_xy(a.lat_deg, a.lon_deg), PLANE.to_xy(b.lat_deg, b.lon_deg))
        for a, b in zip(fixes, fixes[1:])
    )
    est = run(fixes)
    assert raw > 3000 * 1.01  # what a naive device would read
    assert est.dist_m == pytest.approx(3000, abs=8.0)  # the endpoint errors (2.5 m rms apart), no more


def _speed_spread(fixes):
    est = Estimator()
    speeds = [est.update(f).speed_mps for f in fixes]
    return float(np.std(speeds[30:]))


def test_doppler_speed_makes_the_speed_estimate_steadier():
    kw = dict(noise_m=0.7, gm_sigma_m=1.8, seed=3)
    with_doppler = _speed_spread(fixes_along(straight(5.0), 1, 300, doppler=True, **kw))
    positions_only = _speed_spread(fixes_along(straight(5.0), 1, 300, **kw))
    assert with_doppler < 0.12  # about the receiver's own 0.1 m/s
    assert with_doppler < positions_only / 2


def test_standing_still_adds_no_distance():
    est = run(fixes_along(lambda t: (0.0, 0.0, 0.0, 0.0), 1, 600, noise_m=0.7, gm_sigma_m=1.0, seed=4))
    assert est.dist_m < 15.0


def test_a_spike_is_rejected():
    fixes = fixes_along(straight(5.0), 1, 120)
    bad = fixes[60]
    lat, lon = PLANE.to_latlon(*[c + d for c, d in zip(PLANE.to_xy(bad.lat_deg, bad.lon_deg), (0.0, 80.0))])
    fixes[60] = Fix(bad.t_s, lat, lon)
    est = Estimator()
    accepted = [est.update(f).accepted for f in fixes]
    assert accepted[60] is False
    assert est.dist_m == pytest.approx(600, abs=1.0)


def test_a_gap_on_a_bend_counts_the_arc_not_the_chord():
    fixes = fixes_along(circle(50.0, 4.0), 1, 90)
    fixes = fixes[:30] + fixes[55:]  # 25 s without a fix, 100 m around a 50 m radius
    est = run(fixes)
    # the chord would read 360 - (104 - 84) = 340 m; the arc is right to a few metres
    assert est.dist_m == pytest.approx(360, abs=6.0)


def test_repeated_times_are_ignored():
    fixes = fixes_along(straight(5.0), 1, 20)
    est = Estimator()
    for f in fixes[:10]:
        est.update(f)
    d = est.dist_m
    assert est.update(fixes[9]).accepted is False
    assert est.dist_m == d


def test_dead_reckoning_extends_the_distance_between_fixes():
    est = run(fixes_along(straight(5.0), 1, 60))
    assert est.dist_at(est.t_s + 4.0) == pytest.approx(est.dist_m + 20.0, abs=0.2)
