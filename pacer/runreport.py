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
from pacer.status import Correction, Phase, Split
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


ELEVATION_SMOOTH_FIXES = 15  # a receiver's altitude is noisy by metres fix to fix


def elevation_series(log: RunLog) -> tuple[list[float], list[float]]:
    """(distance, elevation smoothed over ELEVATION_SMOOTH_FIXES fixes) while running;
    empty when the fixes carry no altitude."""
    d, a = [], []
    for st in log.steps:
        if isinstance(st.event, Fix) and st.event.alt_m is not None and st.status.phase == Phase.RUNNING:
            d.append(st.status.dist_m)
            a.append(st.event.alt_m)
    if len(a) < ELEVATION_SMOOTH_FIXES:
        return [], []
    half = ELEVATION_SMOOTH_FIXES // 2
    smooth = []
    for i in range(len(a)):
        lo, hi = max(0, i - half), min(len(a), i + half + 1)
        smooth.append(sum(a[lo:hi]) / (hi - lo))
    return d, smooth


def corrections_lines(log_or_list: RunLog | list[Correction], unit: str) -> list[str]:
    """One line per MARK press: when, which board, by how much (or why refused)."""
    from pacer.units import format_distance, format_duration

    items = log_or_list.corrections if isinstance(log_or_list, RunLog) else log_or_list
    out = []
    for c in items:
        board = format_distance(c.board_m, unit)
        if c.accepted:
            out.append(f"MARK at {format_duration(c.elapsed_s, 1)}: snapped to the {board} board, {c.by_m:+.1f} m")
        else:
            out.append(f"MARK at {format_duration(c.elapsed_s, 1)}: refused, {abs(c.board_m - c.bike_m):.0f} m "
                       f"from the nearest board ({board})")
    return out


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
