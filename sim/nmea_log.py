"""A recorded NMEA log (a receiver dump `.nmea`, gpsd's test `.log`) as something to replay.

An NMEA log is what the receiver said, not yet what gpsd made of it, so it is
never turned into fixes here: it is played, epoch by epoch, to a real gpsd
(`sim.via_gpsd`) and the Pi's gpsd source reads the fixes back, exactly as on
the bike. This module only checks the log (a line that is not a sentence, or
whose checksum is wrong, is named in one sentence; sentences nobody knows are
kept, gpsd skips them) and finds, with pynmea2, the times the replay needs:
how many fixes it holds, and the first fix's time (from an RMC's date).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timezone
from pathlib import Path

import pynmea2

from pacer.errors import TrackError
from sim.nmea import has_valid_checksum
from sim.nmea_feed import Epoch, epochs_from_lines

EXPECTED = "expected NMEA 0183 sentences ($...*checksum), one a line"


@dataclass(frozen=True, slots=True)
class NmeaLog:
    path: str
    name: str
    epochs: tuple[Epoch, ...]
    fixes: int  # RMC and GGA sentences that report a valid fix
    first_t_s: float | None  # Unix seconds of the first RMC with a valid fix and a date (None: GGA only)

    @property
    def duration_s(self) -> float:
        """From the first epoch to the last, as the feed will play them."""
        return self.epochs[-1].offset_s - self.epochs[0].offset_s if self.epochs else 0.0

    @property
    def period_s(self) -> float:
        """The receiver's median epoch period (1 Hz, 5 Hz, 10 Hz...)."""
        gaps = sorted(b.offset_s - a.offset_s for a, b in zip(self.epochs, self.epochs[1:]))
        return gaps[len(gaps) // 2] if gaps else 1.0


def _is_fix(msg: pynmea2.NMEASentence) -> bool:
    """An RMC with status A, or a GGA with a fix quality above 0."""
    if isinstance(msg, pynmea2.types.talker.RMC):
        return bool(msg.status == "A")
    if isinstance(msg, pynmea2.types.talker.GGA):
        return str(msg.gps_qual or "0") not in ("", "0")
    return False


def _valid_fix_time_s(msg: pynmea2.NMEASentence) -> float | None:
    """Unix time of an RMC with status A (a valid fix) and a date, else None."""
    if not isinstance(msg, pynmea2.types.talker.RMC) or msg.status != "A":
        return None
    try:
        when = msg.datetime
    except (TypeError, ValueError):
        return None
    return when.replace(tzinfo=timezone.utc).timestamp() if when.tzinfo is None else when.timestamp()


def nmea_log(text: str, path: str | Path) -> NmeaLog:
    """Check the NMEA `text` read from `path`, line by line, and group it into epochs."""
    p = Path(path)
    kept: list[str] = []
    fix_times: list[float] = []
    fixes = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):  # gpsd's logs open with '#' comments
            continue
        if line[0] not in "$!" or not line.isprintable():
            raise TrackError(f"{p}, line {number}: not an NMEA sentence ({line[:40]!r}); {EXPECTED}")
        if "*" in line[-3:] and not has_valid_checksum(line):
            raise TrackError(f"{p}, line {number}: the checksum {line[-2:]!r} does not match the sentence; {EXPECTED}")
        kept.append(line)  # whatever pynmea2 makes of it, gpsd decides, as from a receiver
        try:
            msg = pynmea2.parse(line)
        except pynmea2.ParseError:
            continue  # a sentence type pynmea2 does not know ($GSENSORD from a dash cam)
        fixes += _is_fix(msg)
        t_s = _valid_fix_time_s(msg)
        if t_s is not None:
            fix_times.append(t_s)
    if fixes < 2:
        raise TrackError(f"{p}: no track to replay ({fixes} RMC or GGA sentences with a valid fix); {EXPECTED}")
    name = p.name.removesuffix(".gz")
    first_t_s = fix_times[0] if fix_times else None
    return NmeaLog(str(p), name.rsplit(".", 1)[0], tuple(epochs_from_lines(kept)), fixes, first_t_s)
