"""The estimator: distance along the way and speed from noisy fixes, causally."""

import dataclasses
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


# -- the world of issue 9: corners, speeds that are not Doppler, start-up -------------


def along_legs(legs, speed):
    """A path at even speed along a route of straights and arcs (sim.routes), and its length."""
    from sim.routes import build_route, course_at, position_at

    route = build_route(legs)

    def at(t):
        d = np.array([speed * t])
        x, y = position_at(route, d)
        return float(x[0]), float(y[0]), speed, math.radians(float(course_at(route, d)[0]))

    return at, route.length_m


def city_blocks(n=16):
    """Blocks of 80 m joined by right angles taken at an 8 m radius, alternating left and right."""
    from sim.routes import Arc, Straight

    legs = []
    for k in range(n):
        legs += [Straight(80.0), Arc(8.0, 90.0 if k % 2 else -90.0)]
    return legs + [Straight(200.0)]


def test_right_angle_corners_do_not_shorten_the_distance():
    """A constant-velocity filter loses ~2.7 m at every right angle; speed and heading as states do not."""
    path, length_m = along_legs(city_blocks(), 4.2)
    duration_s = (length_m - 100.0) / 4.2  # sixteen corners
    est = run(fixes_along(path, 1, duration_s))
    assert est.dist_m == pytest.approx(4.2 * int(duration_s), rel=0.005)
    assert est.rejected == 0


def test_a_speed_without_course_does_not_pin_the_heading_through_corners():
    path, length_m = along_legs(city_blocks(), 4.2)
    duration_s = (length_m - 100.0) / 4.2
    fixes = [dataclasses.replace(f, track_deg=None) for f in fixes_along(path, 1, duration_s, doppler=True)]
    est = run(fixes)
    assert est.speed_source == "doppler"
    assert est.rejected == 0 and est.restarts == 0
    assert est.dist_m == pytest.approx(4.2 * int(duration_s), rel=0.005)


def test_a_standing_start_costs_nothing_on_average():
    """The filter's speed lags a start; the distance must not (issue 9: it lost 2.8 m)."""
    def start(t):
        v = 4.2 * min(1.0, t / 4.0)
        return (4.2 * t - 8.4 if t > 4 else 4.2 * t * t / 8.0), 0.0, v, math.pi / 2

    errors = []
    for seed in range(40):
        est = run(fixes_along(start, 1, 60, noise_m=0.5, gm_sigma_m=2.0, seed=100 + seed))
        errors.append(est.dist_m - (4.2 * 60 - 8.4))
    assert abs(float(np.mean(errors))) < 1.5  # measured +1.1 +- 0.35 m; a constant-velocity filter lost 2.8 m


def test_a_burst_of_outliers_is_bridged_not_dropped():
    fixes = fixes_along(straight(5.0), 1, 120)
    for k in range(50, 54):  # four fixes 60 m off: rejected, the steps dead-reckoned
        f = fixes[k]
        lat, lon = PLANE.to_latlon(*[c + d for c, d in zip(PLANE.to_xy(f.lat_deg, f.lon_deg), (0.0, 60.0))])
        fixes[k] = Fix(f.t_s, lat, lon)
    est = run(fixes)
    assert est.rejected == 4
    assert est.dist_m == pytest.approx(600, abs=1.0)


def test_a_speed_reading_two_percent_fast_is_found_and_taken_out():
    fixes = fixes_along(straight(4.2), 1, 900, noise_m=0.5, gm_sigma_m=2.0, doppler=True, seed=5)
    fast = [dataclasses.replace(f, speed_mps=f.speed_mps * 1.02, track_deg=None) for f in fixes]
    est = run(fast)
    assert est.scale_check.scale == pytest.approx(1.02, abs=0.006)
    assert est.speed_source == "speed, corrected"
    assert est.dist_m == pytest.approx(4.2 * 900, rel=0.005)


def test_a_genuine_speed_is_left_as_it_is():
    fixes = fixes_along(straight(4.2), 1, 900, noise_m=0.5, gm_sigma_m=2.0, doppler=True, seed=6)
    est = run([dataclasses.replace(f, track_deg=None) for f in fixes])
    assert est.scale_check.scale == 1.0 and est.scale_check.lag_s == 0.0
    assert est.speed_source == "doppler"


def test_a_lagging_speed_is_found_from_the_changes_of_pace():
    """A watch's smoothed speed lags: from a standing start it loses speed x lag metres."""
    from sim.speed_channels import lagged

    def speed(t):  # a standing start, then a minute fast, a minute easy
        return min(1.0, t / 4.0) * (4.6 if int(t // 60) % 2 == 0 else 3.6)

    xs, x = [], 0.0
    for k in range(9001):  # 0.1 s steps
        xs.append(x)
        x += speed(k / 10) * 0.1
    path = lambda t: (xs[min(int(round(t * 10)), 9000)], 0.0, speed(t), math.pi / 2)  # noqa: E731
    fixes = fixes_along(path, 1, 870, noise_m=0.5, gm_sigma_m=1.0, doppler=True, seed=8)  # ends mid-minute
    smoothed = lagged(3.0)(fixes)
    est = run(smoothed)
    assert est.scale_check.lag_s == pytest.approx(3.0, abs=1.0)
    assert est.speed_source == "speed, corrected"
    speeds = [f.speed_mps for f in smoothed]
    integral_m = sum(0.5 * (a + b) for a, b in zip(speeds, speeds[1:]))
    truth_m = xs[8700]
    assert truth_m - integral_m > 12.0  # what the lag costs the plain integral (with its noise)
    assert abs(est.dist_m - truth_m) < abs(integral_m - truth_m) - 8.0


def test_the_drift_of_a_doppler_integral_is_told_by_the_positions():
    """Over 20 minutes a 0.1 m/s Doppler random-walks 3.5 m; positions minutes apart bound it."""
    from pacer.filter import FilterSettings

    def errors(fusion):
        out = []
        for seed in range(25):
            fixes = fixes_along(straight(4.2), 1, 1200, noise_m=0.5, gm_sigma_m=2.0, doppler=True, seed=200 + seed)
            est = Estimator(FilterSettings(drift_fusion=fusion))
            for f in fixes:
                est.update(f)
            out.append(est.dist_m - 4.2 * 1200)
        return float(np.sqrt(np.mean(np.square(out))))

    assert errors(True) < 0.8 * errors(False)
