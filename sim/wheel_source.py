"""A wheel file for `pacer sim --wheel`: one row per revolution, replayed as `Wheel` events.

The file is CSV with a `t_s` column (seconds from the track's first point),
lines starting with # are comments (the generator says there what the wheel
truly was). Each revolution becomes a cumulative `Wheel` event, as a magnet
sensor on a pin gives them, so the replay goes through the same session code
as the bike.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Iterator

from pacer.errors import TrackError, read_user_file
from pacer.events import Wheel

MAX_WHEEL_BYTES = 50_000_000  # a marathon at 10 revolutions a second is a few MB


def load_wheel_csv(path: Path | str) -> list[float]:
    """The revolution times (s from the track's first point), in order; one TrackError line otherwise."""
    text = read_user_file(str(path), "wheel", TrackError, MAX_WHEEL_BYTES)
    name = Path(path).name
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise TrackError(f"{name}: no rows; expected a CSV with a t_s column, one row per wheel revolution")
    header = next(csv.reader(io.StringIO(lines[0][1])))
    cols = [h.strip() for h in header]
    if "t_s" not in cols:
        raise TrackError(f"{name}, line {lines[0][0]}: no t_s column in the header {lines[0][1][:40]!r}; "
                         "expected a CSV with a t_s column, one row per wheel revolution")
    col = cols.index("t_s")
    out: list[float] = []
    for n, line in lines[1:]:
        row = next(csv.reader(io.StringIO(line)))
        cell = row[col].strip() if col < len(row) else ""
        try:
            t = float(cell)
        except ValueError:
            t = math.nan
        if not math.isfinite(t) or abs(t) > 1e7:
            raise TrackError(f"{name}, line {n}: t_s is {cell[:20]!r}; expected seconds from the track's first point")
        if out and t < out[-1]:
            raise TrackError(f"{name}, line {n}: t_s {t} is before the row above ({out[-1]}); "
                             "expected one row per revolution in time order")
        out.append(t)
    return out


def wheel_events(times_s: list[float], first_t_s: float, source: str = "sim") -> Iterator[Wheel]:
    """Cumulative Wheel events in the track's timebase (a repeated time is one event of more revolutions)."""
    revs = 0
    for i, t in enumerate(times_s):
        revs += 1
        if i + 1 < len(times_s) and times_s[i + 1] == t:
            continue
        yield Wheel(first_t_s + t, revs, source)
