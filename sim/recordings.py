"""Any recording a runner owns, as a track to replay: FIT, TCX, GPX or an NMEA log, gzipped or not.

The format is told from the content (a FIT header, the XML root, `$` sentences),
never from the name alone, so a `.gpx` that is really a TCX still replays and a
`.fit.gz` from Strava needs no unpacking first. Each format's reader lives in its
own module; this one only reads the bytes, undoes gzip, and dispatches.
"""

from __future__ import annotations

import enum
import gzip
import re
import zlib
from pathlib import Path

from pacer.errors import TrackError, file_problem

MAX_RECORDING_BYTES = 256 * 1024 * 1024  # a day of 10 Hz NMEA is ~150 MB; more is not a run
GZIP_MAGIC = b"\x1f\x8b"
KINDS = "a FIT, TCX or GPX file or an NMEA log (.nmea, gpsd .log), optionally gzip-compressed"


class Format(enum.Enum):
    FIT = "fit"
    TCX = "tcx"
    GPX = "gpx"
    NMEA = "nmea"


def read_recording(path: str | Path) -> bytes:
    """The file's bytes, gunzipped when they are gzip; one sentence when that cannot be done."""
    p = Path(path)
    try:
        with open(p, "rb") as f:
            head = f.read(2)
            f.seek(0)
            if head == GZIP_MAGIC:
                with gzip.GzipFile(fileobj=f) as gz:
                    data = gz.read(MAX_RECORDING_BYTES + 1)
            else:
                data = f.read(MAX_RECORDING_BYTES + 1)
    except (gzip.BadGzipFile, EOFError, zlib.error) as e:
        raise TrackError(f"{p}: a broken gzip file ({e or 'cut short'}); expected {KINDS}") from None
    except OSError as e:
        raise TrackError(file_problem(p, "track", e, expected=KINDS)) from None
    if len(data) > MAX_RECORDING_BYTES:
        raise TrackError(f"{p}: over {MAX_RECORDING_BYTES // 2**20} MiB; expected one run's recording")
    return data


_XML_ROOT = re.compile(rb"<(?:[\w.-]+:)?(gpx|TrainingCenterDatabase)\b")
_NMEA_LINE = re.compile(rb"^[$!][A-Z]{2,}[A-Z0-9]*,", re.MULTILINE)


def detect_format(data: bytes) -> Format | None:
    """What `data` holds, from its content: the FIT header's '.FIT' tag, the XML root
    element (gpx or TrainingCenterDatabase), or NMEA sentences; None if none of these."""
    if len(data) >= 12 and data[0] in (12, 14) and data[8:12] == b".FIT":
        return Format.FIT
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        m = _XML_ROOT.search(data[:65536])
        if m:
            return Format.GPX if m.group(1) == b"gpx" else Format.TCX
        return None
    if _NMEA_LINE.search(data[:65536]):
        return Format.NMEA
    return None


def load_recording(path: str | Path):  # -> sim.gpx_source.Track | sim.nmea_log.NmeaLog
    """The recording at `path` as a `Track` of fixes, or an `NmeaLog` (played through gpsd)."""
    p = Path(path)
    data = read_recording(p)
    kind = detect_format(data)
    if kind is Format.FIT:
        from sim.fit_source import track_from_fit

        return track_from_fit(data, p)
    if kind is Format.TCX:
        from sim.tcx_source import track_from_tcx

        return track_from_tcx(data, p)
    if kind is Format.GPX:
        from sim.gpx_source import load_gpx

        return load_gpx(p, text=_text(data, p))
    if kind is Format.NMEA:
        from sim.nmea_log import nmea_log

        return nmea_log(_text(data, p), p)
    what = "empty" if not data.strip() else "not a recording pacer reads"
    raise TrackError(f"{p}: {what}; expected {KINDS}")


def _text(data: bytes, p: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise TrackError(f"{p}, line {line}: not UTF-8 text; expected {KINDS}") from None
