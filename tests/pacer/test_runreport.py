"""After the run: the GPX that training sites import (and gpxpy reads back point
for point), and the splits as CSV."""

from __future__ import annotations

import csv
import io
from datetime import timezone
from pathlib import Path

import gpxpy
import pytest

from pacer.config import load_config
from pacer.runlog import encode, header_record, read_log, step_record
from pacer.runreport import run_fixes, run_gpx, splits_csv
from pacer.session import Session
from pacer.status import Phase
from sim.gpx_source import load_gpx, replay_events

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def mile_log():
    """The bundled mile through a session, logged, with 5 s after the finish as `pacer sim` does."""
    config = load_config(ROOT / "sim" / "plans" / "mile_4_40.toml")
    track = load_gpx(ROOT / "sim" / "tracks" / "mile_road_1hz.gpx")
    session = Session(config)
    lines = [encode(header_record(config, "first_fix", "pacer test", "test", None, track.fixes[0].t_s))]
    lines += [encode(step_record(e, session.step(e))) for e in replay_events(track.fixes)]
    return read_log(io.BytesIO(b"".join(lines)), "mile.jsonl")


def test_the_run_is_its_fixes_from_the_start_to_the_finish(mile_log):
    fixes = run_fixes(mile_log)
    phases = {st.event.t_s: st.status.phase for st in mile_log.steps}
    assert fixes[0] == mile_log.steps[0].event  # the first fix started it
    assert phases[fixes[-1].t_s] == Phase.FINISHED and mile_log.steps[-1].event.t_s > fixes[-1].t_s
    assert all(phases[f.t_s] == Phase.RUNNING for f in fixes[:-1])


def test_the_gpx_reads_back_point_for_point(mile_log):
    fixes = run_fixes(mile_log)
    gpx = gpxpy.parse(run_gpx(mile_log, creator="pacer 0.1.0"))
    points = [p for trk in gpx.tracks for seg in trk.segments for p in seg.points]
    assert len(points) == len(fixes) > 250
    for p, f in zip(points, fixes):
        assert p.time.astimezone(timezone.utc).timestamp() == pytest.approx(f.t_s, abs=1e-3)
        assert (p.latitude, p.longitude) == (pytest.approx(f.lat_deg, abs=1e-9), pytest.approx(f.lon_deg, abs=1e-9))
        assert p.elevation == pytest.approx(f.alt_m, abs=1e-6)


def test_the_gpx_is_what_training_sites_take(mile_log):
    xml = run_gpx(mile_log, creator="pacer 0.1.0")
    gpx = gpxpy.parse(xml)
    assert 'xmlns="http://www.topografix.com/GPX/1/1"' in xml and 'version="1.1"' in xml
    assert gpx.creator == "pacer 0.1.0" and gpx.tracks[0].name == "Mile PR"
    assert "<trk>" in xml and "<trkseg>" in xml and "<ele>" in xml and xml.count("<time>") == len(run_fixes(mile_log))


def test_the_csv_has_one_row_per_split(mile_log):
    rows = list(csv.DictReader(io.StringIO(splits_csv(mile_log.splits))))
    assert [r["kind"] for r in rows] == ["mark", "mark", "mark", "finish"]
    last = mile_log.splits[-1]
    assert float(rows[-1]["elapsed_s"]) == pytest.approx(last.elapsed_s, abs=1e-3)
    assert float(rows[-1]["delta_s"]) == pytest.approx(last.elapsed_s - 280.0, abs=1e-3)
    assert 160 < float(rows[1]["pace_s_per_km"]) < 190  # a 4:40 mile is 2:54 per km
