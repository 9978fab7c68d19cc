"""The wheel's circumference between rides: wheel.json beside the run logs.

Each ride ends with a better circumference than it started with (GPS or
laps against the revolutions, pacer/wheel_circumference.py); the next ride
starts from it, a little less sure (tyre pressure drifts). The file also
keeps the configured value it grew from: a changed `[device]
wheel_circumference` means a new wheel or tyre, and the stored value is then
forgotten. A missing or damaged file is the configured value, never a failure.
"""

from __future__ import annotations

import json
import logging
import math
import os
from pathlib import Path

from hw.device_config import DeviceConfig
from pacer.wheel import DEFAULT_CIRCUMFERENCE_M, WheelSettings
from pacer.wheel_circumference import Circumference, next_ride_start

log = logging.getLogger("pacer.hw.wheel")

FILE_NAME = "wheel.json"
GUESS_SHARE = 0.02  # a table's circumference: +-2 %
MEASURED_SHARE = 0.01  # one the rider measured (a roll-out): +-1 %


def wheel_settings(dev: DeviceConfig, store_dir: Path | None) -> WheelSettings | None:
    """What the session starts the wheel from; None when no wheel sensor is configured."""
    if dev.wheel_pin is None and dev.wheel_ble is None:
        return None
    source = "gpio" if dev.wheel_pin is not None else "ble"
    configured = dev.wheel_circumference
    start = configured_start(configured)
    stored = load(store_dir, configured) if store_dir is not None else None
    if stored is not None:
        start = next_ride_start(stored)
    return WheelSettings(start.metres, start.sigma_m, source)


def configured_start(configured_m: float) -> Circumference:
    """The configured circumference and how far off it may be: a table's 2 %, a measured one 1 %."""
    share = GUESS_SHARE if configured_m == DEFAULT_CIRCUMFERENCE_M else MEASURED_SHARE
    return Circumference(configured_m, share * configured_m)


def load(store_dir: Path, configured_m: float) -> Circumference | None:
    path = store_dir / FILE_NAME
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        c, s, base = float(doc["circumference_m"]), float(doc["sigma_m"]), float(doc["configured_m"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as e:
        log.warning("ignoring %s (%s); starting from the configured circumference", path, e)
        return None
    if base != configured_m:
        log.info("[device] wheel_circumference changed (%s -> %s m): a new wheel, the stored one forgotten", base, configured_m)
        return None
    if not (math.isfinite(c) and math.isfinite(s) and 0.5 <= c <= 3.5 and 0 < s < 0.5):
        log.warning("ignoring %s: circumference %r +- %r is no wheel's", path, c, s)
        return None
    return Circumference(c, s)


def save(store_dir: Path, configured_m: float, end: Circumference) -> None:
    """Write it atomically (a power cut leaves the old file or the new, never half)."""
    path = store_dir / FILE_NAME
    doc = {"circumference_m": round(end.metres, 6), "sigma_m": round(end.sigma_m, 6), "configured_m": configured_m}
    try:
        store_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(doc) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as e:
        log.error("cannot keep the wheel's circumference in %s: %s", path, e)
