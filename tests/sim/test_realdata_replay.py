"""Real recordings through the simulator: spikes, smart-recording gaps and stops
must not crash it or throw the distance off. The device's own distance (its
filter, often with Doppler) is a second opinion, not the truth."""

import json

import pytest

from pacer.cli import main
from tests.conftest import need_realdata

REALDATA = need_realdata("gpx", module_level=True)  # $PACER_REALDATA/gpx; skips saying so, fails in CI
DEVICE_KM = {
    "road_run_9k_fenix2_spike.gpx": 9.007,
    "road_run_4.8k_fr110_smartrec_stops.gpx": 4.835,
    "bike_ride_41k_edge810.gpx": 41.337,
    "bike_ride_9.8k_fr910xt.gpx": 9.785,
    "bike_outback_2.3k_edge520_aerotest.gpx": 2.285,
}


@pytest.fixture(scope="module")
def long_plan(tmp_path_factory):
    path = tmp_path_factory.mktemp("plan") / "long.toml"
    path.write_text('[plan]\nname = "long"\ndistance = "100 km"\ngoal = "5:00:00"\nsplit_every = "1 km"\n')
    return path


@pytest.mark.parametrize("name", sorted(DEVICE_KM))
def test_a_real_recording_replays_and_its_distance_agrees_with_the_device(name, long_plan, capsys):
    code = main(["sim", str(REALDATA / name), "--plan", str(long_plan), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    doc = json.loads(out)
    km = doc["final_dist_m"] / 1000
    assert km == pytest.approx(DEVICE_KM[name], rel=0.01)
    elapsed = [s["elapsed_s"] for s in doc["splits"]]
    assert elapsed == sorted(elapsed) and len(elapsed) == int(km)


@pytest.mark.parametrize("name", sorted(n for n in DEVICE_KM if n.startswith("bike_")))
def test_a_clean_ride_has_under_one_percent_of_its_fixes_rejected(name, long_plan, capsys):
    """The rides are what a pacing bike records: 1 Hz, open sky, U-turns. A filter that
    rejects their fixes has lost the bike, whatever distance it ends with."""
    assert main(["sim", str(REALDATA / name), "--plan", str(long_plan), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["rejected_fixes"] < 0.01 * doc["fixes"]
    assert doc["speed_source"] in ("doppler", "speed, corrected")


def test_nine_minutes_standing_still_add_almost_nothing(long_plan, capsys):
    """The smart-recording run stops for 9 minutes; the points then are sparse and
    noisy. Compare with the device, whose distance does not grow while stopped."""
    main(["sim", str(REALDATA / "road_run_4.8k_fr110_smartrec_stops.gpx"), "--plan", str(long_plan), "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert doc["final_dist_m"] < DEVICE_KM["road_run_4.8k_fr110_smartrec_stops.gpx"] * 1000 * 1.025
