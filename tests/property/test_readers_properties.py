"""The file readers: any bytes in, a value or one PacerError out, never anything else.

GPX tracks and run logs come from devices and people; a damaged one must end in
one line naming the file, and an accepted one must be safe for everything
downstream (replay, report, GPX/CSV export).
"""

from __future__ import annotations

import io
import json
import math
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest
import tests.property.profiles  # noqa: F401  (selects the ci or fuzz profile)
from hypothesis import given, settings
from hypothesis import strategies as st

from pacer.config import load_config
from pacer.errors import PacerError, one_line
from pacer.report import split_table
from pacer.resume import rebuild_session
from pacer.runlog import encode, header_record, read_log, step_record
from pacer.runreport import pace_series, run_gpx, splits_csv
from pacer.session import Session
from sim.gpx_source import MAX_GAP_S, TICK_INTERVAL_S, load_gpx, replay_events

ROOT = Path(__file__).resolve().parents[2]
MILE_GPX = ROOT / "sim" / "tracks" / "mile_road_1hz.gpx"
MILE_PLAN = ROOT / "sim" / "plans" / "mile_4_40.toml"

# -- GPX ----------------------------------------------------------------------

NUMBER_TEXT = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["fast", "", "nan", "-1", "inf", "1e6", "1e400", " 3 ", "4x.0", "0"]),
    st.floats(-200, 200).map(lambda x: f"{x:.7f}"),
)
TIME_TEXT = st.one_of(
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S") + "Z"),
    st.sampled_from(["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2024-02-30T00:00:00Z", "yesterday", ""]),
)


@st.composite
def gpx_documents(draw: st.DrawFn) -> bytes:
    version = draw(st.sampled_from(["1.0", "1.1", "2.0", "", "x"]))
    points = []
    t = 1.7e9
    for _ in range(draw(st.integers(0, 30))):
        t += draw(st.sampled_from([1.0, 1.0, 0.0, -5.0, 0.1, 700.0, 86400.0 * 20, 3.2e9]))
        lat = draw(st.one_of(st.floats(47.0, 47.01).map(lambda x: f"{x:.7f}"), NUMBER_TEXT))
        lon = draw(st.one_of(st.floats(8.0, 8.01).map(lambda x: f"{x:.7f}"), NUMBER_TEXT))
        time = draw(st.one_of(st.just(_iso(t)), TIME_TEXT, st.just(None)))
        speed = draw(st.one_of(st.none(), NUMBER_TEXT))
        ele = draw(st.one_of(st.none(), NUMBER_TEXT))
        body = (f"<ele>{ele}</ele>" if ele is not None else "") + (f"<time>{time}</time>" if time is not None else "")
        if speed is not None:
            body += (f"<speed>{speed}</speed>" if version == "1.0"
                     else f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:speed>{speed}</gpxtpx:speed>"
                          f"<gpxtpx:course>{draw(NUMBER_TEXT)}</gpxtpx:course></gpxtpx:TrackPointExtension></extensions>")
        points.append(f'<trkpt lat="{lat}" lon="{lon}">{body}</trkpt>')
    ns = "1/0" if version == "1.0" else "1/1"
    doc = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="{version}" creator="t" '
        f'xmlns="http://www.topografix.com/GPX/{ns}" '
        f'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v2">\n'
        f"<trk><trkseg>\n" + "\n".join(points) + "\n</trkseg></trk></gpx>\n"
    )
    return doc.encode("utf-8")


def _iso(t_s: float) -> str:
    from datetime import datetime, timezone

    try:
        return datetime.fromtimestamp(t_s, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, ValueError, OSError):
        return "9999-12-31T23:59:59Z"


@lru_cache(maxsize=1)
def _mile_gpx() -> bytes:
    return MILE_GPX.read_bytes()


@st.composite
def damaged_bytes(draw: st.DrawFn, original: bytes) -> bytes:
    """A real file with a few bytes changed, cut short, or a slice repeated."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        how = draw(st.sampled_from(["flip", "cut", "repeat", "insert"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if how == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif how == "cut":
            del data[at:]
        elif how == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 400))]
        else:
            data[at:at] = draw(st.binary(max_size=20))
    return bytes(data)


def _load_gpx_bytes(data: bytes):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "t.gpx"
        path.write_bytes(data)
        return load_gpx(path)


@given(st.one_of(gpx_documents(), damaged_bytes(_mile_gpx()), st.binary(max_size=300)))
def test_a_gpx_file_is_a_replayable_track_or_one_track_error(data: bytes) -> None:
    try:
        track = _load_gpx_bytes(data)
    except PacerError as e:
        assert "t.gpx" in str(e) and "\n" not in str(e)
        return
    times = [f.t_s for f in track.fixes]
    assert all(b > a for a, b in zip(times, times[1:]))
    for f in track.fixes:
        assert all(v is None or math.isfinite(v) for v in (f.t_s, f.lat_deg, f.lon_deg, f.speed_mps, f.track_deg, f.alt_m))
        assert f.speed_mps is None or 0 <= f.speed_mps <= 50
    ticks_at_most = len(track.fixes) * (MAX_GAP_S / TICK_INTERVAL_S + 1)
    assert sum(1 for _ in replay_events(track.fixes)) <= ticks_at_most  # time proportional to its fixes
    assert all("\n" not in note for note in track.notes)


# -- run logs -----------------------------------------------------------------

@lru_cache(maxsize=1)
def _mile_log() -> tuple[bytes, ...]:
    """A real log of the bundled mile (every 10th fix, to keep examples quick), as its lines."""
    config = load_config(MILE_PLAN)
    fixes = load_gpx(MILE_GPX).fixes[::10]
    session = Session(config, start="first_fix")
    lines = [encode(header_record(config, "first_fix", "pacer test", "test", None, fixes[0].t_s))]
    for event in fixes:
        lines.append(encode(step_record(event, session.step(event))))
    return tuple(lines)


JSON_JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10),
    st.sampled_from([float("nan"), float("inf"), -1e308, 10**400, "km", "yd", [], {}, [[[[]]]]]),
)


@st.composite
def damaged_logs(draw: st.DrawFn) -> list[bytes]:
    lines = list(_mile_log())
    how = draw(st.sampled_from(["field", "field", "shuffle", "duplicate", "drop", "bytes"]))
    if how == "field":
        n = draw(st.integers(0, len(lines) - 1))
        rec = json.loads(lines[n])
        _poke(rec, draw)
        lines[n] = (json.dumps(rec, separators=(",", ":")) + "\n").encode("utf-8")
    elif how == "shuffle":
        body = draw(st.permutations(lines[1:]))
        lines = [lines[0], *body]
    elif how == "duplicate":
        n = draw(st.integers(1, len(lines) - 1))
        lines.insert(n, lines[n])
    elif how == "drop":
        del lines[draw(st.integers(0, len(lines) - 1))]
    else:
        data = draw(damaged_bytes(b"".join(lines)))
        lines = data.splitlines(keepends=True)
    return lines


def _poke(rec: dict, draw: st.DrawFn) -> None:
    """Set one field somewhere in a record (at any depth) to junk, or delete it."""
    node = rec
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            return
        key = draw(st.sampled_from(keys))
        child = node[key]
        if isinstance(child, (dict, list)) and child and draw(st.booleans()):
            node = child
            continue
        if isinstance(node, dict) and draw(st.integers(0, 4)) == 0:
            del node[key]
        else:
            node[key] = draw(JSON_JUNK)
        return


@given(damaged_logs())
def test_a_run_log_reads_or_is_one_log_error_and_whatever_reads_reports(lines: list[bytes]) -> None:
    try:
        log = read_log(lines, "run.jsonl")
    except PacerError as e:
        assert str(e).startswith("run.jsonl") and "\n" not in str(e)
        return
    split_table(log.config, log.splits, log.finished)
    splits_csv(log.splits)
    run_gpx(log, creator="test")
    series = pace_series(log)
    assert all(math.isfinite(x) for x in series.dist_m + series.delta_s)
    session, _ = rebuild_session(log, log.config)
    assert all(math.isfinite(s.elapsed_s) for s in session.splits)


@settings(max_examples=25)  # a chart takes a few tenths of a second
@given(damaged_logs())
def test_whatever_log_reads_charts(lines: list[bytes]) -> None:
    pytest.importorskip("matplotlib")
    from pacer.chart import pace_chart

    try:
        log = read_log(lines, "run.jsonl")
    except PacerError:
        return
    import matplotlib.pyplot as plt

    fig = pace_chart(log, title="run.jsonl")
    fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)


# -- FIT, TCX and any recording ---------------------------------------------------

@lru_cache(maxsize=1)
def _mile_recordings() -> tuple[bytes, bytes]:
    from tests.sim.recording_files import fit_bytes, tcx_bytes

    fixes = load_gpx(MILE_GPX).fixes[::5]
    return fit_bytes(fixes), tcx_bytes(fixes)


def _recording_or_one_error(data: bytes) -> None:
    """load_recording on `data`: a replayable track, or one PacerError naming the file."""
    from sim.gpx_source import Track, with_pauses
    from sim.recordings import load_recording

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "t.rec"
        path.write_bytes(data)
        try:
            track = load_recording(path)
        except PacerError as e:
            assert one_line(e).startswith(str(path))  # as the CLI prints it (lxml's messages span lines)
            return
    if isinstance(track, Track):
        track = with_pauses(track)
        assert all(math.isfinite(f.t_s) for f in track.fixes)
        assert sum(1 for _ in replay_events(track.fixes)) <= len(track.fixes) * (MAX_GAP_S / TICK_INTERVAL_S + 1)


@given(st.one_of(
    damaged_bytes(_mile_recordings()[1]),
    st.binary(max_size=200).map(lambda b: b"<TrainingCenterDatabase>" + b),
))
def test_any_tcx_is_a_replayable_track_or_one_track_error(data: bytes) -> None:
    _recording_or_one_error(data)


@given(st.one_of(
    damaged_bytes(_mile_recordings()[0]),
    st.binary(max_size=200).map(lambda b: b"\x0e\x10\x00\x00\x00\x00\x00\x00.FIT" + b),
))
def test_any_fit_is_a_replayable_track_or_one_track_error(data: bytes) -> None:
    _recording_or_one_error(data)
