"""An NMEA log replays through the real gpsd, as the device would hear that receiver.

No `--via-gpsd` needed: an NMEA log is what a receiver says, so only gpsd may
read it. The log written from the bundled mile paces like the mile itself.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from pacer.cli import main
from pacer.events import Fix
from tests.conftest import NEEDS_GPSD

from recording_files import nmea_log_text

ROOT = Path(__file__).resolve().parents[2]
MILE_GPX = ROOT / "sim" / "tracks" / "mile_road_1hz.gpx"
MILE_PLAN = ROOT / "sim" / "plans" / "mile_4_40.toml"

pytestmark = NEEDS_GPSD


def sim_json(capsys: pytest.CaptureFixture[str], track: Path) -> dict:
    code = main(["sim", str(track), "--plan", str(MILE_PLAN), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize("name", ["ride.nmea", "ride.log.gz"])
def test_an_nmea_log_through_gpsd_paces_like_the_track_it_came_from(
    name: str, tmp_path: Path, mile_fixes: tuple[Fix, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    text = nmea_log_text(mile_fixes)
    path = tmp_path / name
    path.write_bytes(gzip.compress(text.encode()) if name.endswith(".gz") else text.encode())
    via_gpsd, direct = sim_json(capsys, path), sim_json(capsys, MILE_GPX)
    assert via_gpsd["finished"] and len(via_gpsd["splits"]) == len(direct["splits"]) == 4
    for a, b in zip(via_gpsd["splits"], direct["splits"]):
        assert a["elapsed_s"] == pytest.approx(b["elapsed_s"], abs=0.1)
    assert via_gpsd["light"][0] == {"t_s": 0.0, "colour": "white"}  # the start's flash, at the first fix


def test_a_log_gpsd_makes_no_fix_of_says_so(tmp_path: Path, mile_fixes: tuple[Fix, ...],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """GGA carries no date; without RMC or ZDA gpsd reports no time, so no fix."""
    gga_only = "\n".join(line for line in nmea_log_text(mile_fixes[:8]).splitlines() if "GGA" in line)
    path = tmp_path / "gga.nmea"
    path.write_text(gga_only + "\n")
    code = main(["sim", str(path), "--plan", str(MILE_PLAN)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "note: gpsd made no fix of gga.nmea (8 fix sentences" in out


REAL_LOG_FIXES = {  # what gpsd makes of each real receiver's log (tests/conftest.py finds them)
    "dashcam_car_drive_spb.nmea": 200,  # RMC/VTG/GGA/GSA/GSV and a dash cam's own $GSENSORD lines
    "gpsd_bundg_zeus9_sailboat.log": 140,  # many sentence types gpsd ignores
    "gpsd_haicom305N_walk_jitter.log": 60,  # no fix, then 2D, then 3D
    "gpsd_humminbird_m37_boat_timebackward.log": 20,  # $IN talker, time going backward
    "gpsd_ch4711_2dfix_glonass.log": 5,  # GP/GL/GN talkers, 2D fixes, then lost
    "gpsbabel_gga_only_nodate_midnight.nmea": 0,  # GGA alone: no date, so gpsd reports no fix
}


@pytest.mark.realdata
@pytest.mark.parametrize("name", sorted(REAL_LOG_FIXES))
def test_a_real_receivers_log_replays_through_gpsd(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import need_realdata

    path = need_realdata("nmea", name)
    code = main(["sim", str(path), "--plan", str(MILE_PLAN), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    doc = json.loads(out)
    assert doc["fixes"] >= REAL_LOG_FIXES[name]
    assert (doc["fixes"] == 0) == (REAL_LOG_FIXES[name] == 0)
    if doc["fixes"]:
        assert doc["light"][0] == {"t_s": 0.0, "colour": "white"}  # the start's flash at the first fix
