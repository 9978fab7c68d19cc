"""`pacer sim` takes the recordings runners own: FIT, TCX, GPX, NMEA logs, and their .gz.

The format is told from the content; a FIT and the GPX converted from it pace
the same to 0.05 s at every split; every broken file is one line naming the
file and the record or line.
"""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

import pytest

from recording_files import fit_bytes, nmea_log_text, tcx_bytes
from pacer.cli import main
from pacer.errors import TrackError
from pacer.events import Fix
from sim.fit_source import track_from_fit
from sim.gpx_source import Track, replay_events
from sim.nmea_log import NmeaLog
from sim.recordings import Format, detect_format, load_recording

ROOT = Path(__file__).resolve().parents[2]
MILE_GPX = ROOT / "sim" / "tracks" / "mile_road_1hz.gpx"
MILE_PLAN = ROOT / "sim" / "plans" / "mile_4_40.toml"


def gpx_from(fixes: Sequence[Fix]) -> str:
    """GPX 1.1 of `fixes` as a converter writes it: 7 decimals, speed in Garmin's TrackPointExtension."""
    points = []
    for f in fixes:
        when = datetime.fromtimestamp(f.t_s, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        speed = "" if f.speed_mps is None else (
            f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:speed>{f.speed_mps:.3f}</gpxtpx:speed>"
            "</gpxtpx:TrackPointExtension></extensions>")
        points.append(f'<trkpt lat="{f.lat_deg:.7f}" lon="{f.lon_deg:.7f}"><time>{when}</time>{speed}</trkpt>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="test" '
        'xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v2">\n<trk><trkseg>\n'
        + "\n".join(points) + "\n</trkseg></trk></gpx>\n"
    )


def sim_json(capsys: pytest.CaptureFixture[str], track: Path, plan: Path = MILE_PLAN) -> dict:
    code = main(["sim", str(track), "--plan", str(plan), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def one_line_error(capsys: pytest.CaptureFixture[str], track: Path) -> str:
    code = main(["sim", str(track), "--plan", str(MILE_PLAN), "--json"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("pacer: error: ") and err.count("\n") == 1, err
    assert str(track) in err
    return err


# --- one recording, every format ---------------------------------------------------------


def test_a_fit_and_the_gpx_converted_from_it_give_the_same_splits_within_five_hundredths(
    tmp_path: Path, mile_fixes: tuple[Fix, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    fit = tmp_path / "mile.fit"
    fit.write_bytes(fit_bytes(mile_fixes))
    gpx = tmp_path / "mile_from_fit.gpx"
    gpx.write_text(gpx_from(track_from_fit(fit.read_bytes(), fit).fixes))
    from_fit, from_gpx = sim_json(capsys, fit), sim_json(capsys, gpx)
    assert from_fit["finished"] and len(from_fit["splits"]) == len(from_gpx["splits"]) == 4
    for a, b in zip(from_fit["splits"], from_gpx["splits"]):
        assert a["elapsed_s"] == pytest.approx(b["elapsed_s"], abs=0.05)


def test_the_fit_paces_like_the_gpx_it_was_written_from(
    tmp_path: Path, mile_fixes: tuple[Fix, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    """Semicircles, FIT's speed resolution and whole-second times change no split by 0.05 s.

    A FIT record has no course, and the estimator treats a speed with a course
    (the receiver's Doppler) differently from one without, so the GPX it is
    compared with is the bundled one less its courses: the same fixes otherwise."""
    fit = tmp_path / "mile.fit"
    fit.write_bytes(fit_bytes(mile_fixes))
    gpx = tmp_path / "mile_no_course.gpx"
    gpx.write_text(gpx_from(mile_fixes))  # gpx_from writes speed, never course
    for a, b in zip(sim_json(capsys, fit)["splits"], sim_json(capsys, gpx)["splits"], strict=True):
        assert a["elapsed_s"] == pytest.approx(b["elapsed_s"], abs=0.05)


@pytest.mark.parametrize("kind", ["fit", "tcx", "gpx"])
def test_each_format_and_its_gzip_replay_the_same(
    kind: str, tmp_path: Path, mile_fixes: tuple[Fix, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    data = {"fit": lambda: fit_bytes(mile_fixes), "tcx": lambda: tcx_bytes(mile_fixes),
            "gpx": lambda: MILE_GPX.read_bytes()}[kind]()
    plain, packed = tmp_path / f"run.{kind}", tmp_path / f"run.{kind}.gz"
    plain.write_bytes(data)
    packed.write_bytes(gzip.compress(data))
    a, b = sim_json(capsys, plain), sim_json(capsys, packed)
    assert a["finished"] and a["splits"] == b["splits"] and a["fixes"] == b["fixes"]


def test_the_format_is_told_by_content_not_by_name(
    tmp_path: Path, mile_fixes: tuple[Fix, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    tcx_named_gpx, fit_named_dat = tmp_path / "export.gpx", tmp_path / "watch.dat"
    tcx_named_gpx.write_bytes(tcx_bytes(mile_fixes))
    fit_named_dat.write_bytes(fit_bytes(mile_fixes))
    assert sim_json(capsys, tcx_named_gpx)["splits"] == sim_json(capsys, fit_named_dat)["splits"]


@pytest.mark.parametrize(
    "head, kind",
    [(b"\x0e\x10\x00\x00\x00\x00\x00\x00.FIT", Format.FIT), (b'<?xml version="1.0"?>\n<gpx version="1.1">', Format.GPX),
     (b"\xef\xbb\xbf<TrainingCenterDatabase xmlns='x'>", Format.TCX), (b"<ns:gpx xmlns:ns='y'>", Format.GPX),
     (b"# gpsd log\n$GPRMC,1,A*00\n", Format.NMEA), (b"<html><body>", None), (b"lat,lon\n1,2\n", None)],
)
def test_detect_format_reads_the_first_bytes(head: bytes, kind: Format | None) -> None:
    assert detect_format(head) is kind


def test_tcx_speed_comes_from_the_tpx_extension(tmp_path: Path, mile_fixes: tuple[Fix, ...]) -> None:
    path = tmp_path / "run.tcx"
    path.write_bytes(tcx_bytes(mile_fixes))
    track = load_recording(path)
    assert isinstance(track, Track) and track.has_speed
    assert [f.speed_mps for f in track.fixes] == [pytest.approx(f.speed_mps, abs=5e-4) for f in mile_fixes]


# --- FIT specifics -----------------------------------------------------------------------


def test_fit_positions_come_from_semicircles_to_a_centimetre(mile_fixes: tuple[Fix, ...]) -> None:
    track = track_from_fit(fit_bytes(mile_fixes), "run.fit")
    for got, sent in zip(track.fixes, mile_fixes, strict=True):
        assert got.t_s == sent.t_s
        assert got.lat_deg == pytest.approx(sent.lat_deg, abs=1e-7) and got.lon_deg == pytest.approx(sent.lon_deg, abs=1e-7)


@pytest.mark.parametrize("field", ["enhanced_speed", "speed"])
def test_fit_speed_is_read_from_enhanced_speed_or_speed(field: str, mile_fixes: tuple[Fix, ...]) -> None:
    track = track_from_fit(fit_bytes(mile_fixes, speed_field=field), "run.fit")
    assert track.has_speed
    assert [f.speed_mps for f in track.fixes] == [pytest.approx(f.speed_mps, abs=1e-3) for f in mile_fixes]


def test_fit_without_speed_still_replays_from_positions(mile_fixes: tuple[Fix, ...]) -> None:
    no_speed = [Fix(f.t_s, f.lat_deg, f.lon_deg) for f in mile_fixes]
    track = track_from_fit(fit_bytes(no_speed), "run.fit")
    assert not track.has_speed and len(track.fixes) == len(mile_fixes)


def test_a_timer_pause_is_a_gap_the_replay_ticks_through(mile_fixes: tuple[Fix, ...]) -> None:
    stop_s, start_s = mile_fixes[100].t_s, mile_fixes[130].t_s
    track = track_from_fit(fit_bytes(mile_fixes, paused=(stop_s, start_s)), "run.fit")
    times = [f.t_s for f in track.fixes]
    assert not any(stop_s <= t < start_s for t in times) and len(times) == len(mile_fixes) - 30
    ticks = [e.t_s for e in replay_events(track.fixes) if not isinstance(e, Fix)]
    assert ticks == [stop_s + k for k in range(int(start_s - stop_s))]


def test_developer_fields_do_not_stop_a_replay(mile_fixes: tuple[Fix, ...]) -> None:
    import fitdecode

    data = fit_bytes(mile_fixes, developer=True)
    with fitdecode.FitReader(data) as fit:  # the file really carries the developer field
        strides = [f.get_value("stride_mm") for f in fit if isinstance(f, fitdecode.FitDataMessage)
                   and f.name == "record" and f.has_field("stride_mm")]
    assert strides and set(strides) == {1234}
    assert len(track_from_fit(data, "run.fit").fixes) == len(mile_fixes)


def test_chained_fit_files_replay_as_one(mile_fixes: tuple[Fix, ...]) -> None:
    """A FIT chain is whole files back to back, each with its header and CRC."""
    first, second = mile_fixes[:150], mile_fixes[150:]
    track = track_from_fit(fit_bytes(first) + fit_bytes(second), "run.fit")
    assert [f.t_s for f in track.fixes] == [f.t_s for f in mile_fixes]


# --- broken files: one line each ----------------------------------------------------------


def test_a_fit_with_a_damaged_byte_fails_its_crc(tmp_path: Path, mile_fixes: tuple[Fix, ...], capsys) -> None:
    data = bytearray(fit_bytes(mile_fixes))
    data[len(data) // 2] ^= 0x01  # one bit in a record's position
    path = tmp_path / "damaged.fit"
    path.write_bytes(bytes(data))
    assert "CRC" in one_line_error(capsys, path)


def test_a_fit_cut_short_names_the_message(tmp_path: Path, mile_fixes: tuple[Fix, ...], capsys) -> None:
    path = tmp_path / "cut.fit"
    path.write_bytes(fit_bytes(mile_fixes)[:3001])
    err = one_line_error(capsys, path)
    assert "cut short in message" in err and "byte" in err


def test_a_fit_without_positions_says_so(tmp_path: Path, capsys) -> None:
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.record_message import RecordMessage

    builder = FitFileBuilder(auto_define=True)
    for k in range(5):  # a treadmill run: time and speed, no GPS
        record = RecordMessage()
        record.timestamp, record.speed = (1_700_000_000 + k) * 1000, 3.0
        builder.add(record)
    path = tmp_path / "treadmill.fit"
    path.write_bytes(builder.build().to_bytes())
    assert "0 positioned records" in one_line_error(capsys, path)


def test_a_tcx_that_is_not_well_formed_names_the_line(tmp_path: Path, mile_fixes: tuple[Fix, ...], capsys) -> None:
    text = tcx_bytes(mile_fixes).decode()
    lines = text.splitlines()
    path = tmp_path / "cut.tcx"
    path.write_text("\n".join(lines[: len(lines) // 2]))  # a download cut off half way
    assert f", line {len(lines) // 2}: not well-formed XML" in one_line_error(capsys, path)


def test_a_tcx_with_a_bad_latitude_names_its_line(tmp_path: Path, mile_fixes: tuple[Fix, ...], capsys) -> None:
    text = tcx_bytes(mile_fixes).decode()
    first = text.index("<LatitudeDegrees>") + len("<LatitudeDegrees>")
    text = text[:first] + "north" + text[text.index("<", first):]
    path = tmp_path / "badlat.tcx"
    path.write_text(text)
    line = text[:first].count("\n") + 1
    err = one_line_error(capsys, path)
    assert f", line {line}: <LatitudeDegrees> is 'north'; expected a number" in err


def test_a_tcx_trackpoint_without_time_names_its_line(tmp_path: Path, mile_fixes: tuple[Fix, ...], capsys) -> None:
    text = tcx_bytes(mile_fixes).decode()
    start = text.index("<Time>", text.index("<Trackpoint>"))
    text = text[:start] + text[text.index("</Time>", start) + len("</Time>"):]
    path = tmp_path / "notime.tcx"
    path.write_text(text)
    assert "trackpoint 1 has no <Time>" in one_line_error(capsys, path)


def test_a_cut_gzip_is_one_line(tmp_path: Path, capsys) -> None:
    path = tmp_path / "mile.gpx.gz"
    path.write_bytes(gzip.compress(MILE_GPX.read_bytes())[:500])
    assert "broken gzip file" in one_line_error(capsys, path)


def test_a_gzipped_gpx_error_names_the_gz_file_and_line(tmp_path: Path, capsys) -> None:
    text = MILE_GPX.read_text().replace("<time>2026-05-01T07:00:03Z</time>", "", 1)
    path = tmp_path / "mile.gpx.gz"
    path.write_bytes(gzip.compress(text.encode()))
    assert "track point 4 has no <time>" in one_line_error(capsys, path)


@pytest.mark.parametrize("content", [b"", b"lat,lon,time\n1,2,3\n", b"\x00\x01\x02 binary junk", b"<html></html>"])
def test_what_is_no_recording_is_one_line_listing_the_formats(tmp_path: Path, content: bytes, capsys) -> None:
    path = tmp_path / "mystery.bin"
    path.write_bytes(content)
    assert "expected a FIT, TCX or GPX file or an NMEA log" in one_line_error(capsys, path)


def test_a_missing_recording_is_one_line(tmp_path: Path, capsys) -> None:
    assert "no such track file" in one_line_error(capsys, tmp_path / "nope.fit")


# --- NMEA logs: checked here, replayed through gpsd (tests/hw/test_nmea_replay.py) ------------


def test_an_nmea_log_is_checked_and_kept_for_gpsd(tmp_path: Path, mile_fixes: tuple[Fix, ...]) -> None:
    path = tmp_path / "ride.nmea"
    path.write_text(nmea_log_text(mile_fixes[:3]))
    log = load_recording(path)
    assert isinstance(log, NmeaLog) and log.fixes == 6 and log.duration_s == 2.0
    assert log.first_t_s == mile_fixes[0].t_s
    assert "$GSENSORD,-0.120,-0.060,0.060" in log.epochs[0].lines  # unknown to pynmea2: gpsd decides


@pytest.mark.parametrize(
    "damage, expected",
    [(lambda line: line[1:], "line 5: not an NMEA sentence"),
     (lambda line: line.replace(",A,", ",V,", 1), "line 5: the checksum"),
     (lambda line: line + "\x00\x7f", "line 5: not an NMEA sentence")],
)
def test_a_broken_nmea_line_is_named(tmp_path: Path, mile_fixes: tuple[Fix, ...], damage, expected: str, capsys) -> None:
    lines = nmea_log_text(mile_fixes[:3]).splitlines()
    lines[4] = damage(lines[4])  # the second RMC
    path = tmp_path / "broken.nmea"
    path.write_text("\n".join(lines) + "\n")
    assert expected in one_line_error(capsys, path)


def test_an_nmea_log_without_fixes_is_one_line(tmp_path: Path, capsys) -> None:
    from sim.nmea import sentence

    path = tmp_path / "nofix.log"
    path.write_text(sentence("GPRMC,070000.00,V,,,,,,,010526,,,N") + "\n" + sentence("GPGGA,070000.00,,,,,0,00,,,,,,,") + "\n")
    assert "no track to replay (0 RMC or GGA sentences with a valid fix)" in one_line_error(capsys, path)


def test_load_recording_raises_track_errors(tmp_path: Path) -> None:
    path = tmp_path / "x.gpx"
    path.write_text("<gpx><trk><trkseg></trkseg></trk></gpx>")
    with pytest.raises(TrackError):
        load_recording(path)
