"""GPX files as a fix source: what replays, and the one-line error for what does not."""

import pytest

from pacer.errors import TrackError
from pacer.events import Fix, Tick
from sim.gpx_source import load_gpx, replay_events

GPX11 = '<?xml version="1.0"?>\n<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1" ' \
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v2">\n{body}\n</gpx>\n'
GPX10 = '<?xml version="1.0"?>\n<gpx version="1.0" creator="t" xmlns="http://www.topografix.com/GPX/1/0">\n{body}\n</gpx>\n'


def pt(lat, lon, sec, extra=""):
    return f'<trkpt lat="{lat}" lon="{lon}"><time>2026-05-01T07:00:{sec:02d}Z</time>{extra}</trkpt>'


def trk(*segments):
    return "<trk>" + "".join("<trkseg>" + "\n".join(s) + "</trkseg>" for s in segments) + "</trk>"


@pytest.fixture
def gpx_file(tmp_path):
    def write(text, name="t.gpx"):
        p = tmp_path / name
        p.write_text(text)
        return p

    return write


def test_gpx_1_1_with_garmin_speed_and_course(gpx_file):
    ext = "<extensions><gpxtpx:TrackPointExtension><gpxtpx:speed>4.2</gpxtpx:speed><gpxtpx:course>91.0</gpxtpx:course></gpxtpx:TrackPointExtension></extensions>"
    track = load_gpx(gpx_file(GPX11.format(body=trk([pt(47.0, 8.0, 0, ext), pt(47.0, 8.0001, 1, ext)]))))
    assert len(track.fixes) == 2 and track.has_speed
    assert track.fixes[0].speed_mps == 4.2 and track.fixes[0].track_deg == 91.0


def test_gpx_1_0_with_speed_elements(gpx_file):
    body = trk([pt(47.0, 8.0, 0, "<course>90</course><speed>3.5</speed>"), pt(47.0, 8.0001, 1, "<speed>3.6</speed>")])
    track = load_gpx(gpx_file(GPX10.format(body=body)))
    assert [f.speed_mps for f in track.fixes] == [3.5, 3.6]


def test_missing_elevation_and_speed_are_fine(gpx_file):
    track = load_gpx(gpx_file(GPX11.format(body=trk([pt(47.0, 8.0, 0), pt(47.0, 8.0001, 1)]))))
    assert track.fixes[0].alt_m is None and track.fixes[0].speed_mps is None and not track.has_speed


def test_several_tracks_and_segments_replay_as_one_stream(gpx_file):
    body = trk([pt(47.0, 8.0, 0), pt(47.0, 8.0001, 1)], [pt(47.0, 8.0002, 2)]) + trk([pt(47.0, 8.0003, 3)])
    track = load_gpx(gpx_file(GPX11.format(body=body)))
    assert [round(f.t_s - track.fixes[0].t_s) for f in track.fixes] == [0, 1, 2, 3]


def test_repeated_and_backward_times_are_dropped_and_counted(gpx_file):
    body = trk([pt(47.0, 8.0, 0), pt(47.0, 8.0001, 1), pt(47.0, 8.0001, 1), pt(47.0, 8.0002, 0), pt(47.0, 8.0003, 2)])
    track = load_gpx(gpx_file(GPX11.format(body=body)))
    assert len(track.fixes) == 3
    assert (track.dropped_repeated, track.dropped_backward) == (1, 1)


def test_a_gap_in_time_becomes_ticks_once_a_second():
    fixes = [Fix(100.0, 47.0, 8.0), Fix(101.0, 47.0, 8.0001), Fix(105.0, 47.0, 8.0002)]
    events = list(replay_events(fixes))
    assert [type(e).__name__ for e in events] == ["Fix", "Fix", "Tick", "Tick", "Tick", "Fix"]
    assert [e.t_s for e in events if isinstance(e, Tick)] == [102.0, 103.0, 104.0]


def _error(path) -> str:
    with pytest.raises(TrackError) as e:
        load_gpx(path)
    msg = str(e.value)
    assert "\n" not in msg and msg.startswith(str(path))
    return msg


def test_a_point_without_time_names_its_line(gpx_file):
    body = trk([pt(47.0, 8.0, 0), '<trkpt lat="47.0" lon="8.0002"></trkpt>'])
    msg = _error(gpx_file(GPX11.format(body=body)))
    assert "line 4" in msg and "no <time>" in msg


def test_an_unparseable_coordinate_names_its_line(gpx_file):
    body = trk([pt(47.0, 8.0, 0), pt("4x.0", 8.0, 1)])
    msg = _error(gpx_file(GPX11.format(body=body)))
    assert "line 4" in msg and "4x.0" in msg and "decimal degrees" in msg


def test_a_coordinate_out_of_range_names_its_line(gpx_file):
    body = trk([pt(47.0, 8.0, 0), pt(97.0, 8.0, 1)])
    msg = _error(gpx_file(GPX11.format(body=body)))
    assert "line 4" in msg and "lat=97.0" in msg


def test_broken_xml(gpx_file):
    msg = _error(gpx_file(GPX11.format(body="<trk><trkseg><trkpt lat='1' lon='2'></trkseg></trk>")))
    assert "not a well-formed GPX file" in msg and "line" in msg


def test_a_file_with_no_track(gpx_file):
    msg = _error(gpx_file(GPX11.format(body='<wpt lat="47" lon="8"/>')))
    assert "no track to replay" in msg


def test_a_missing_file(tmp_path):
    assert "no such track file" in _error(tmp_path / "none.gpx")
