"""A fix's "speed" is believed only once it is shown to be a measurement of its own."""

from pacer.filter import Estimator
from pacer.speed_channel import SynthesisTest
from sim.generate import make_run
from sim.speed_channels import doppler, gpsd_synthesized, no_course, positions_only


def _fixes(channel, scenario="city_2k", rate_hz=1, seed=7):
    return channel(make_run(scenario, rate_hz, seed).fixes)


def _estimate(fixes):
    est = Estimator()
    for f in fixes:
        est.update(f)
    return est


def test_gpsds_fill_in_speed_is_found_within_ten_seconds_of_moving():
    fixes = _fixes(gpsd_synthesized)
    est = Estimator()
    for f in fixes[:15]:  # a standing start: a few seconds before the bike rolls
        est.update(f)
    assert est.synthesis.verdict == "synthesized"
    assert est.speed_source == "synthesized→positions"


def test_a_real_doppler_speed_without_course_is_found_genuine():
    est = Estimator()
    for f in _fixes(no_course)[:15]:
        est.update(f)
    assert est.synthesis.verdict == "genuine"
    assert est.speed_source == "doppler"


def test_a_synthesized_speed_gives_the_positions_distance_not_the_raw_sum():
    synth = _estimate(_fixes(gpsd_synthesized, "road_2k_random", 10))
    positions = _estimate(_fixes(positions_only, "road_2k_random", 10))
    assert synth.dist_m == positions.dist_m  # the speed was never used
    assert abs(synth.dist_m - 2000.0) < 40.0  # integrated, the fill-in would read ~2.25x long


def test_a_speed_with_a_course_is_the_receivers_and_is_used_from_the_start():
    est = _estimate(_fixes(doppler)[:5])
    assert est.speed_trusted and est.speed_source == "doppler"


def test_the_test_keeps_checking_and_changes_its_mind():
    test = SynthesisTest()
    for _ in range(20):
        test.observe(4.0, 1.0, 4.0)  # speed x dt == chord: synthesized
    assert test.verdict == "synthesized"
    for _ in range(120):
        test.observe(4.0, 1.0, 4.7)  # a Doppler speed, independent of the chord
    assert test.verdict == "genuine"


def test_standing_still_decides_nothing():
    test = SynthesisTest()
    for _ in range(100):
        test.observe(0.0, 1.0, 0.2)
    assert test.verdict == "undecided"


def test_the_estimator_reports_its_source_and_its_rejects():
    info = _estimate(_fixes(positions_only)).describe()
    assert info["speed_source"] == "positions"
    assert {"rejected_fixes", "restarts", "fixes"} <= set(info)
