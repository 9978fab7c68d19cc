"""`pacer sim --via-gpsd`: the device's fix path end to end, through the real gpsd.

The track goes out as NMEA, through gpsd, back through the Pi's gpsd source and
into the same session: its splits must match the direct replay within 0.1 s,
with every fix arriving once. Killing gpsd mid-run must show GPS lost, then
recover, with the splits still right against the truth.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hw.clock import MonotonicClock
from hw.gpsd_source import GpsdSource
from pacer.cli import main
from pacer.config import load_config
from pacer.events import Fix
from pacer.session import Session
from pacer.status import Cue, GpsState
from sim.gpsd_harness import run_gpsd
from sim.gpx_source import load_gpx
from sim.nmea_feed import NmeaFeed, epochs_from_fixes
from tests.conftest import NEEDS_GPSD

ROOT = Path(__file__).resolve().parents[2]
TRACKS, PLANS = ROOT / "sim" / "tracks", ROOT / "sim" / "plans"

pytestmark = NEEDS_GPSD


def sim_json(capsys, track: str, plan: str, *extra: str) -> dict:
    code = main(["sim", str(TRACKS / track), "--plan", str(PLANS / plan), "--json", *extra])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize(
    "track, plan",
    [("mile_road_1hz.gpx", "mile_4_40.toml"), ("road_5k_outage_1hz.gpx", "5k_20_00.toml"),
     ("road_5k_steady_10hz.gpx", "5k_20_00.toml")],
)
def test_via_gpsd_matches_the_direct_replay_within_a_tenth(capsys, track, plan):
    direct = sim_json(capsys, track, plan)
    via = sim_json(capsys, track, plan, "--via-gpsd")
    assert via["fixes"] == direct["fixes"]  # none lost, none doubled (12015 at 10 Hz)
    assert len(via["splits"]) == len(direct["splits"])
    for a, b in zip(via["splits"], direct["splits"]):
        assert a["elapsed_s"] == pytest.approx(b["elapsed_s"], abs=0.1)


@pytest.mark.parametrize("rate_hz", [1, 10])
def test_a_positions_only_track_via_gpsd_is_not_paced_on_gpsds_made_up_speed(tmp_path, capsys, rate_hz):
    """Given no speed, gpsd fills TPV `speed` with the chord from the previous fix over dt.
    Integrated, that is the raw fix-to-fix sum: at 10 Hz a 2 km finished at 178 s instead
    of 400 s. pacer must find it out and pace on the positions, as the direct replay does."""
    import dataclasses

    from sim.generate import make_run, write_gpx
    from sim.speed_channels import positions_only

    run = make_run("road_2k_random", rate_hz, 4242)
    track, plan = tmp_path / f"pos_{rate_hz}hz.gpx", tmp_path / "2k.toml"
    write_gpx(dataclasses.replace(run, fixes=positions_only(run.fixes)), track)
    plan.write_text(run.scenario.plan.toml())
    direct = sim_json(capsys, str(track), str(plan))
    via = sim_json(capsys, str(track), str(plan), "--via-gpsd")
    assert direct["speed_source"] == "positions"
    assert via["speed_source"] == "synthesized→positions"
    assert via["fixes"] == direct["fixes"]
    assert len(via["splits"]) == len(direct["splits"]) == len(run.marks_m)
    for a, b in zip(via["splits"], direct["splits"]):
        assert a["elapsed_s"] == pytest.approx(b["elapsed_s"], abs=0.1)


def paced_run_with_fault(tmp_path, fault_on, fault_off, fault_wall_s=1.0):
    """The bundled mile through gpsd at 20x, with a fault from 100 s into the run
    lasting `fault_wall_s` of wall time; every status the session gave."""
    track = load_gpx(TRACKS / "mile_road_1hz.gpx")
    # Ticks run on the wall clock while the data runs 20x: a loss timeout of 0.5 s of
    # wall time stands for the default 3 s; the fault lasts 1 s, 20 s of the run.
    plan = tmp_path / "mile.toml"
    plan.write_text((PLANS / "mile_4_40.toml").read_text() + "[coach]\nloss_timeout = 0.5\n")
    session = Session(load_config(plan))
    clock = MonotonicClock()
    speedup = 20.0
    statuses = []
    with NmeaFeed(epochs_from_fixes(track.fixes), clock, speedup=speedup) as feed, run_gpsd(feed.port) as daemon:
        source = GpsdSource(port=daemon.port, clock=clock, rate_hz=speedup, backend="stream", tick_interval_s=0.05)
        fault_at = None
        ended = False
        try:
            for event in source:
                statuses.append(session.step(event))
                if fault_at is None and isinstance(event, Fix) and event.t_s - track.fixes[0].t_s > 100:
                    fault_on(daemon, feed)
                    fault_at = clock.now()
                if fault_at is not None and not ended and clock.now() - fault_at > fault_wall_s:
                    fault_off(daemon, feed)
                    ended = True
                if session.phase.value == "finished" or (feed.finished and isinstance(event, Fix) and event.t_s >= track.fixes[-1].t_s):
                    break
        finally:
            source.close()
    assert fault_at is not None and ended
    return statuses


def assert_lost_then_back_with_splits_right(statuses, reason):
    truth = json.loads((TRACKS / "mile_road_1hz.truth.json").read_text())
    cues = [c for s in statuses for c in s.sounds]
    assert Cue.GPS_LOST in cues and Cue.GPS_BACK in cues
    lost = [s for s in statuses if s.gps == GpsState.LOST and s.elapsed_s > 0]
    assert lost and any(s.message == reason for s in lost)
    assert statuses[-1].phase.value == "finished"
    splits = [sp for s in statuses for sp in s.new_splits]
    assert len(splits) == len(truth["marks"])
    for sp, mark in zip(splits, truth["marks"]):
        assert sp.elapsed_s == pytest.approx(mark["truth_elapsed_s"], abs=1.5)


def test_gpsd_killed_and_restarted_mid_run_shows_gps_lost_and_recovers(tmp_path):
    statuses = paced_run_with_fault(tmp_path, lambda d, f: d.kill(), lambda d, f: d.restart())
    assert_lost_then_back_with_splits_right(statuses, "gpsd gone")


def test_receiver_unplugged_mid_run_shows_gps_lost_and_recovers(tmp_path):
    statuses = paced_run_with_fault(tmp_path, lambda d, f: f.unplug(), lambda d, f: f.replug())
    assert_lost_then_back_with_splits_right(statuses, "no fix")


def test_a_workout_with_presses_via_gpsd_times_every_rep_as_the_direct_replay(capsys):
    """`--press` replays the rider's buttons into the device path too: LAP to start the
    first rep, the counted rests, GO, each rep's time, through the real gpsd."""
    name = "track_workout_400s_lane3_1hz"
    truth = json.loads((TRACKS / f"{name}.truth.json").read_text())
    presses = [a for p in truth["presses"] for a in ("--press", p)]

    def reps(*extra: str) -> list[dict]:
        code = main(["sim", str(TRACKS / f"{name}.gpx"), "--plan", str(PLANS / truth["plan"]), "--json",
                     *presses, *extra])
        assert code == 0
        return json.loads(capsys.readouterr().out)["reps"]

    direct = reps()
    via = reps("--via-gpsd")
    assert [(r["block"], r["index"], r["kind"], r["ended"]) for r in via] == \
        [(r["block"], r["index"], r["kind"], r["ended"]) for r in direct]
    for a, b in zip(via, direct):
        assert a["start_s"] == pytest.approx(b["start_s"], abs=0.1)
        assert a["elapsed_s"] == pytest.approx(b["elapsed_s"], abs=0.1)
