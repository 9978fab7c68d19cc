"""What flows into the session: fixes, ticks without a fix, button presses, wheel revolutions.

These are the only inputs of the core. Every event carries its own time `t_s`
in one timebase, GPS time as Unix seconds, so the core never reads a clock:
the source (gpsd or a GPX replay) stamps ticks in the same timebase as fixes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class FixMode(enum.IntEnum):
    """gpsd's TPV `mode`: 0 and 1 both mean no usable position."""

    NONE = 1
    TWO_D = 2
    THREE_D = 3


@dataclass(frozen=True, slots=True)
class Fix:
    """One position from the receiver.

    `speed_mps` and `track_deg` are the receiver's Doppler speed over ground and
    course, when it reports them; they are far less noisy than differenced
    positions, so the estimator prefers them. `eph_m` is the receiver's
    horizontal error estimate (95 %), when known.
    """

    t_s: float
    lat_deg: float
    lon_deg: float
    speed_mps: float | None = None
    track_deg: float | None = None
    mode: FixMode = FixMode.THREE_D
    eph_m: float | None = None
    alt_m: float | None = None
    satellites: int | None = None


@dataclass(frozen=True, slots=True)
class Tick:
    """Time passes without a fix: the loop still steps, so elapsed time runs on
    and the screen says GPS is lost instead of freezing.

    `reason` is a short word for the screen and the log ("no fix", "gpsd gone").
    """

    t_s: float
    reason: str = "no fix"
    satellites: int | None = None


class Button(enum.Enum):
    START = "start"
    LAP = "lap"
    STOP = "stop"
    MARK = "mark"  # the bike is at a km or mile board: snap progress to it (a long LAP press)


@dataclass(frozen=True, slots=True)
class Press:
    """A button press, already decoded (a long press of a single button is STOP)."""

    t_s: float
    button: Button


@dataclass(frozen=True, slots=True)
class Wheel:
    """The bike's wheel had turned `revs` times in all when its sensor last saw the magnet, at `t_s`.

    A cumulative count with the time of its last revolution, as a Bluetooth
    speed sensor reports it (CSC Measurement) and as a magnet on a GPIO pin
    gives it (one event per pass): a lost notification then loses no
    revolution, only the time of the ones in between. `t_s` is in the fixes'
    timebase and may lie before the last fix (a sensor reports a little late).
    A count lower than the last one is a new count (the sensor was reconnected
    or reset), never negative distance. `source` is "gpio" or "ble", for the log.
    """

    t_s: float
    revs: int
    source: str = "gpio"


Event = Fix | Tick | Press | Wheel
