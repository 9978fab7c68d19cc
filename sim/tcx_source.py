"""TCX files (Garmin Training Center, exported by most training sites) as a fix source.

lxml parses; the file's own line numbers name any bad point. Each Trackpoint
with a Position becomes a Fix; `<Speed>` in the ActivityExtension's TPX (m/s)
is the watch's speed over ground. Trackpoints without a Position (before GPS
lock, or a treadmill stretch) are gaps, like silence from a receiver.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree

from pacer.errors import TrackError
from pacer.events import Fix
from sim.gpx_source import Track

EXPECTED = "expected a TCX file (TrainingCenterDatabase)"


def _float(tp: etree._Element, path: str, p: Path) -> float | None:
    el = tp.find(path)
    if el is None or el.text is None or not el.text.strip():
        return None
    try:
        value = float(el.text)
    except ValueError:
        tag = etree.QName(el).localname
        raise TrackError(f"{p}, line {el.sourceline}: <{tag}> is {el.text.strip()!r}; expected a number") from None
    return value if math.isfinite(value) else None


def _time_s(tp: etree._Element, p: Path, index: int) -> float:
    el = tp.find("{*}Time")
    text = (el.text or "").strip() if el is not None else ""
    line = (el if el is not None else tp).sourceline
    if not text:
        raise TrackError(f"{p}, line {line}: trackpoint {index} has no <Time>; expected every trackpoint timed")
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise TrackError(f"{p}, line {line}: <Time> is {text!r}; expected an ISO 8601 time such as 2024-05-01T07:30:00Z") from None
    return (when if when.tzinfo else when.replace(tzinfo=timezone.utc)).timestamp()


def track_from_tcx(data: bytes, path: str | Path) -> Track:
    """The positioned Trackpoints of the TCX bytes `data` (read from `path`) as a Track."""
    p = Path(path)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise TrackError(f"{p}, line {e.lineno}: not well-formed XML ({e.msg}); {EXPECTED}") from None
    fixes: list[Fix] = []
    repeated = backward = 0
    has_speed = False
    for index, tp in enumerate(root.iter("{*}Trackpoint"), start=1):
        lat = _float(tp, "{*}Position/{*}LatitudeDegrees", p)
        lon = _float(tp, "{*}Position/{*}LongitudeDegrees", p)
        if lat is None or lon is None:
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
            raise TrackError(
                f"{p}, line {tp.sourceline}: trackpoint {index} has lat={lat}, lon={lon}; "
                "expected decimal degrees (lat -90..90, lon -180..180)"
            )
        t_s = _time_s(tp, p, index)
        if fixes and t_s <= fixes[-1].t_s:
            repeated += t_s == fixes[-1].t_s
            backward += t_s < fixes[-1].t_s
            continue
        speed = _float(tp, "{*}Extensions//{*}TPX/{*}Speed", p)
        speed = speed if speed is not None and speed >= 0 else None
        has_speed = has_speed or speed is not None
        fixes.append(Fix(t_s, lat, lon, speed_mps=speed, alt_m=_float(tp, "{*}AltitudeMeters", p)))
    if len(fixes) < 2:
        raise TrackError(f"{p}: no track to replay; {EXPECTED} with at least two timed Trackpoints with a Position")
    activity_id = root.find(".//{*}Activity/{*}Id")
    name = (activity_id.text or "").strip() if activity_id is not None else ""
    return Track(str(p), name or p.stem, tuple(fixes), repeated, backward, has_speed)
