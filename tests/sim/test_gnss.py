"""The GNSS error model, specified by its statistics.

Long seeded draws stand in for "over a long run": each tolerance is several
standard errors of the estimate, so a correct model passes for any seed and a
wrong one (a sigma off by 15 %, a tau off by a third) fails.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from pacer.events import FixMode
from pacer.geo import LocalPlane
from sim.gnss import GnssErrorModel, TruthSamples, draw_errors, gauss_markov, latlon_arrays, measure

DAY_S = 86_400
START_UNIX_S = 1_777_618_800.0  # 2026-05-01T07:00:00Z
PLANE = LocalPlane(51.96, 7.63)


def autocorrelation(x: np.ndarray, lag: int) -> float:
    x = x - x.mean()
    return float(np.dot(x[:-lag], x[lag:]) / np.dot(x, x))


def straight_truth(duration_s: float, rate_hz: int, speed_mps: float = 4.0) -> TruthSamples:
    """A runner going due east at constant speed."""
    t = np.arange(int(duration_s * rate_hz)) / rate_hz
    n = len(t)
    return TruthSamples(
        elapsed_s=t, east_m=speed_mps * t, north_m=np.zeros(n), alt_m=np.full(n, 30.0),
        speed_mps=np.full(n, speed_mps), course_deg=np.full(n, 90.0),
    )


def test_default_model_states_the_u_blox_m8_cep_of_2_5_m() -> None:
    assert GnssErrorModel().cep_m == pytest.approx(2.5, rel=0.02)


def test_cep_at_1hz_over_a_long_run_is_within_15_percent_of_the_stated_cep() -> None:
    model = GnssErrorModel()
    err = draw_errors(np.arange(DAY_S, dtype=float), model, np.random.default_rng(1))
    cep_m = float(np.median(np.hypot(err.east_m, err.north_m)))
    assert cep_m == pytest.approx(model.cep_m, rel=0.15)


def test_correlated_error_has_sigma_and_autocorrelation_1_over_e_at_lag_tau() -> None:
    t = np.arange(4 * DAY_S, dtype=float)
    x = gauss_markov(t, 2.0, 30.0, np.random.default_rng(2).standard_normal(len(t)))
    assert x.std() == pytest.approx(2.0, rel=0.1)
    assert autocorrelation(x, 30) == pytest.approx(math.exp(-1), abs=0.05)
    assert autocorrelation(x, 90) == pytest.approx(math.exp(-3), abs=0.05)


def test_correlated_error_keeps_its_time_correlation_over_uneven_steps() -> None:
    rng = np.random.default_rng(3)
    t = np.cumsum(rng.uniform(0.1, 2.0, 200_000))
    x = gauss_markov(t, 1.0, 30.0, rng.standard_normal(len(t)))
    dt = t[1:] - t[:-1]
    assert x.std() == pytest.approx(1.0, rel=0.1)
    # E[x(t+dt) x(t)] = exp(-dt/tau): regress the products on that prediction.
    slope = np.dot(x[1:] * x[:-1], np.exp(-dt / 30.0)) / np.dot(np.exp(-dt / 30.0), np.exp(-dt / 30.0))
    assert slope == pytest.approx(1.0, abs=0.1)


@pytest.mark.parametrize("rate_hz", [1, 5, 10])
def test_error_statistics_per_unit_time_do_not_depend_on_the_rate(rate_hz: int) -> None:
    model = GnssErrorModel(white_sigma_m=0.0)  # white noise is per fix, not per unit time
    err = draw_errors(np.arange(DAY_S * rate_hz) / rate_hz, model, np.random.default_rng(4))

    def acf_s(lag_s: int) -> float:
        return 0.5 * (autocorrelation(err.east_m, lag_s * rate_hz) + autocorrelation(err.north_m, lag_s * rate_hz))

    assert err.east_m.std() == pytest.approx(model.sigma_m, rel=0.1)
    assert acf_s(10) == pytest.approx(math.exp(-10 / model.tau_s), abs=0.06)
    assert acf_s(30) == pytest.approx(math.exp(-1), abs=0.06)


def test_white_noise_has_the_same_sigma_per_fix_at_any_rate() -> None:
    model = GnssErrorModel(sigma_m=0.0, sigma_up_m=0.0, white_sigma_m=0.5)
    err = draw_errors(np.arange(100_000) / 10, model, np.random.default_rng(6))
    assert err.east_m.std() == pytest.approx(0.5, rel=0.05)
    assert abs(autocorrelation(err.east_m, 1)) < 0.02


def test_dropout_windows_yield_no_fixes() -> None:
    model = GnssErrorModel(dropouts_s=((100.0, 125.0), (300.5, 301.5)))
    fixes = measure(straight_truth(600, 1), PLANE, START_UNIX_S, model, np.random.default_rng(7))
    elapsed = np.array([f.t_s - START_UNIX_S for f in fixes])
    assert len(fixes) == 600 - 25 - 1
    assert not np.any((elapsed >= 100.0) & (elapsed < 125.0))
    assert 301.0 not in elapsed
    assert {99.0, 125.0, 300.0, 302.0} <= set(elapsed)


def test_a_dropout_leaves_every_other_fix_unchanged() -> None:
    truth = straight_truth(600, 1)
    plain = measure(truth, PLANE, START_UNIX_S, GnssErrorModel(), np.random.default_rng(8))
    outage = measure(truth, PLANE, START_UNIX_S, GnssErrorModel(dropouts_s=((200.0, 260.0),)), np.random.default_rng(8))
    assert outage == [f for f in plain if not 200.0 <= f.t_s - START_UNIX_S < 260.0]


def test_multipath_burst_adds_metres_of_error_only_inside_its_window() -> None:
    t = np.arange(3600, dtype=float)
    clean = draw_errors(t, GnssErrorModel(), np.random.default_rng(9))
    burst = draw_errors(t, GnssErrorModel(multipath_s=((1000.0, 1300.0, 6.0),)), np.random.default_rng(9))
    outside = (t < 1000.0) | (t >= 1300.0)
    assert np.array_equal(burst.east_m[outside], clean.east_m[outside])
    extra = np.hypot(burst.east_m - clean.east_m, burst.north_m - clean.north_m)[(t >= 1010.0) & (t < 1290.0)]
    assert 4.0 < np.sqrt(np.mean(extra**2)) < 12.0


def test_doppler_speed_is_never_negative_even_when_standing() -> None:
    fixes = measure(straight_truth(2000, 1, speed_mps=0.0), PLANE, START_UNIX_S, GnssErrorModel(), np.random.default_rng(10))
    speeds = np.array([f.speed_mps for f in fixes])
    assert speeds.min() >= 0.0
    assert speeds.mean() < 0.2


def test_doppler_speed_noise_is_the_stated_sigma() -> None:
    model = GnssErrorModel()
    fixes = measure(straight_truth(20_000, 1, speed_mps=4.0), PLANE, START_UNIX_S, model, np.random.default_rng(11))
    speeds = np.array([f.speed_mps for f in fixes])
    assert speeds.mean() == pytest.approx(4.0, abs=0.01)
    assert speeds.std() == pytest.approx(model.speed_sigma_mps, rel=0.1)


def course_spread_deg(speed_mps: float) -> float:
    fixes = measure(straight_truth(5000, 1, speed_mps), PLANE, START_UNIX_S, GnssErrorModel(), np.random.default_rng(12))
    course = np.array([f.track_deg for f in fixes if f.track_deg is not None])
    return float(np.std((course - 90.0 + 180.0) % 360.0 - 180.0))


def test_course_is_centred_on_the_true_course_and_noisier_at_low_speed() -> None:
    assert course_spread_deg(5.0) < 2.0
    assert course_spread_deg(1.0) > 3 * course_spread_deg(5.0)


def test_course_is_not_reported_when_standing() -> None:
    fixes = measure(straight_truth(200, 1, speed_mps=0.0), PLANE, START_UNIX_S, GnssErrorModel(), np.random.default_rng(13))
    assert all(f.track_deg is None for f in fixes if f.speed_mps < GnssErrorModel().course_min_speed_mps)


def test_fixes_are_3d_with_the_models_eph_and_fix_times_from_the_start() -> None:
    model = GnssErrorModel()
    fixes = measure(straight_truth(10, 10), PLANE, START_UNIX_S, model, np.random.default_rng(14))
    assert all(f.mode is FixMode.THREE_D for f in fixes)
    assert {f.eph_m for f in fixes} == {round(model.eph_m, 2)}
    assert [f.t_s - START_UNIX_S for f in fixes[:3]] == pytest.approx([0.0, 0.1, 0.2], abs=1e-6)


def test_fix_positions_scatter_around_the_truth_by_the_stated_sigma() -> None:
    truth = straight_truth(DAY_S / 4, 1)
    fixes = measure(truth, PLANE, START_UNIX_S, GnssErrorModel(), np.random.default_rng(15))
    xy = np.array([PLANE.to_xy(f.lat_deg, f.lon_deg) for f in fixes[::10]])
    err_n = xy[:, 1] - truth.north_m[::10]
    assert abs(err_n.mean()) < 0.5
    assert err_n.std() == pytest.approx(GnssErrorModel().horizontal_sigma_m, rel=0.15)


def test_same_seed_same_fixes() -> None:
    truth = straight_truth(100, 1)
    a = measure(truth, PLANE, START_UNIX_S, GnssErrorModel(), np.random.default_rng(16))
    b = measure(truth, PLANE, START_UNIX_S, GnssErrorModel(), np.random.default_rng(16))
    assert a == b


def test_latlon_arrays_match_the_local_plane_inverse() -> None:
    rng = np.random.default_rng(17)
    east, north = rng.uniform(-20_000, 20_000, 200), rng.uniform(-20_000, 20_000, 200)
    for plane in (PLANE, LocalPlane(-33.9, 151.2), LocalPlane(40.78, -73.97)):
        lat, lon = latlon_arrays(plane, east, north)
        expected = np.array([plane.to_latlon(e, n) for e, n in zip(east, north)])
        assert np.abs(lat - expected[:, 0]).max() < 1e-10
        assert np.abs(lon - expected[:, 1]).max() < 1e-10
