"""What `pacer report` makes of a run log: the run's fixes and pace series, GPX and CSV.

Pure: a `RunLog` in, text or numbers out (the CLI writes the files). The split
table itself is `pacer.report.split_table`, shared with `pacer sim`; the chart
is `pacer.chart`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timezone

import gpxpy.gpx

from pacer.events import Fix, FixMode
from pacer.runlog import RunLog
from pacer.status import Phase, Split
from pacer.units import MILE_M

MIN_PACE_SPEED_MPS = 0.5  # slower than this is standing: no pace is drawn


def run_fixes(log: RunLog) -> list[Fix]:
    """The fixes of the run proper: from the start to the finish (both included)."""
    out: list[Fix] = []
    for st in log.steps:
        if not isinstance(st.event, Fix) or st.event.mode < FixMode.TWO_D:
            continue
        if st.status.phase == Phase.RUNNING or (st.status.phase == Phase.FINISHED and st.status.new_splits):
            out.append(st.event)
        if st.status.phase == Phase.FINISHED and out:
            break
    return out


@dataclass(frozen=True, slots=True)
class PaceSeries:
    """The run over distance, one point per step while running."""

    dist_m: list[float]
    elapsed_s: list[float]
    speed_mps: list[float | None]
    target_speed_mps: list[float]
    delta_s: list[float]


def pace_series(log: RunLog) -> PaceSeries:
    s = PaceSeries([], [], [], [], [])
    for st in log.steps:
        x = st.status
        if x.phase != Phase.RUNNING and not (x.phase == Phase.FINISHED and x.new_splits):
            continue
        s.dist_m.append(x.dist_m)
        s.elapsed_s.append(x.elapsed_s)
        s.speed_mps.append(x.speed_mps)
        s.target_speed_mps.append(x.target_speed_mps)
        s.delta_s.append(x.delta_s)
    return s


def pace_s(speed_mps: float | None, unit: str) -> float | None:
    """Seconds per km or mile; None when standing or unknown."""
    if speed_mps is None or speed_mps < MIN_PACE_SPEED_MPS:
        return None
    return (MILE_M if unit == "mi" else 1000.0) / speed_mps


def run_gpx(log: RunLog, creator: str) -> str:
    """GPX 1.1 of the run (time, position, elevation), the shape training sites import."""
    gpx = gpxpy.gpx.GPX()
    gpx.creator = creator
    gpx.name = log.config.plan.name
    track = gpxpy.gpx.GPXTrack(name=log.config.plan.name)
    track.type = "running"
    segment = gpxpy.gpx.GPXTrackSegment()
    for fix in run_fixes(log):
        segment.points.append(
            gpxpy.gpx.GPXTrackPoint(
                latitude=fix.lat_deg, longitude=fix.lon_deg, elevation=fix.alt_m,
                time=datetime.fromtimestamp(fix.t_s, timezone.utc),
            )
        )
    track.segments.append(segment)
    gpx.tracks.append(track)
    return gpx.to_xml(version="1.1")


CSV_COLUMNS = (
    "index", "kind", "distance_m", "target_s", "elapsed_s", "delta_s", "split_target_s", "split_s", "pace_s_per_km",
)


def splits_csv(splits: list[Split]) -> str:
    """One row per split; `delta_s` is actual - target (positive is behind)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    prev_m = 0.0
    for s in splits:
        speed = (s.distance_m - prev_m) / s.split_s if s.split_s > 0 else None
        pace = pace_s(speed, "km")
        w.writerow([
            s.index, s.kind.value, f"{s.distance_m:.3f}", f"{s.target_s:.3f}", f"{s.elapsed_s:.3f}",
            f"{s.delta_s:.3f}", f"{s.split_target_s:.3f}", f"{s.split_s:.3f}", "" if pace is None else f"{pace:.2f}",
        ])
        prev_m = s.distance_m
    return buf.getvalue()
