"""The [device] section of /etc/pacer/pacer.toml: what is wired where on the Pi.

Checked like the plan (one sentence naming file, key and what was expected);
kept out of pacer/config.py because only the Pi world reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pacer.config import Config
from pacer.errors import ConfigError
from pacer.wheel import DEFAULT_CIRCUMFERENCE_M

_MAC = re.compile(r"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$")


@dataclass(frozen=True)
class DeviceConfig:
    gpsd_host: str = "127.0.0.1"
    gpsd_port: int = 2947
    gpsd_backend: str = "stream"  # "stream" reads every report; "poll" is gpsd-py3
    gps_rate_hz: float = 5.0
    start: str = "button"  # "button" or "moving"
    display: str = "ssd1306"  # "ssd1306", "sh1106" or "none"
    i2c_port: int = 1
    i2c_address: int = 0x3C
    rotate: int = 0
    contrast: int = 255
    buzzer: str = "active"  # "active", "tonal" or "none"
    buzzer_pin: int = 18
    buttons: dict[str, int] = field(default_factory=lambda: {"start": 17, "lap": 27, "stop": 22})
    button_pin: int | None = None  # one button: short = start/lap, long = stop
    light: dict[str, int] | None = None  # the runner's RGB LED: {red = 5, green = 6, blue = 13} (BCM); None: none fitted
    light_brightness: float = 1.0  # 0..1: full for daylight, lower at dusk
    wheel_pin: int | None = None  # a magnet sensor (hall or reed) on this BCM pin, pulled up, low at the magnet
    wheel_ble: str | None = None  # a Bluetooth speed sensor (CSC): its address "AA:BB:CC:DD:EE:FF", or "auto"
    wheel_circumference: float = DEFAULT_CIRCUMFERENCE_M  # metres; refined every ride (wheel.json beside the logs)


_CHOICES = {
    "gpsd_backend": ("stream", "poll"),
    "start": ("button", "moving"),
    "display": ("ssd1306", "sh1106", "none"),
    "buzzer": ("active", "tonal", "none"),
}


def device_config(config: Config) -> DeviceConfig:
    raw: dict[str, Any] = config.extra.get("device", {})
    defaults = DeviceConfig()
    values: dict[str, Any] = {}
    for key, value in raw.items():
        where = f"{config.source_path}: device.{key}"
        if not hasattr(defaults, key):
            known = ", ".join(DeviceConfig.__dataclass_fields__)
            raise ConfigError(f"{where}: unknown key; expected one of {known}")
        expected = getattr(defaults, key)
        if key in _CHOICES and value not in _CHOICES[key]:
            raise ConfigError(f"{where}: expected one of {', '.join(map(repr, _CHOICES[key]))}, got {value!r}")
        if key == "buttons":
            if not isinstance(value, dict) or not set(value) <= {"start", "lap", "stop"} or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in value.values()
            ):
                raise ConfigError(f"{where}: expected a table such as {{start = 17, lap = 27, stop = 22}} (BCM pins)")
        elif key == "light":
            if not isinstance(value, dict) or set(value) != {"red", "green", "blue"} or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in value.values()
            ) or len(set(value.values())) != 3:
                raise ConfigError(f"{where}: expected a table such as {{red = 5, green = 6, blue = 13}} (three BCM pins)")
        elif key == "light_brightness":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
                raise ConfigError(f"{where}: expected a number above 0 and at most 1 (1 = full, for daylight), got {value!r}")
            value = float(value)
        elif key == "wheel_pin":
            if not isinstance(value, int) or isinstance(value, bool):
                raise ConfigError(f"{where}: expected the BCM pin of the wheel's magnet sensor, such as 24, got {str(value)[:40]!r}")
        elif key == "wheel_ble":
            if not isinstance(value, str) or not (value == "auto" or _MAC.match(value)):
                raise ConfigError(f"{where}: expected the speed sensor's Bluetooth address such as \"AA:BB:CC:DD:EE:FF\" "
                                  f"(bluetoothctl devices lists it) or \"auto\", got {str(value)[:40]!r}")
        elif key == "wheel_circumference":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.5 <= value <= 3.5:
                raise ConfigError(f"{where}: expected the wheel's circumference in metres, 0.5 to 3.5 "
                                  f"(2.105 for a 700x25C), got {str(value)[:40]!r}")
            value = float(value)
        elif key == "button_pin":
            if not isinstance(value, int) or isinstance(value, bool):
                raise ConfigError(f"{where}: expected a BCM pin number, got {value!r}")
        elif isinstance(expected, bool) or not isinstance(value, type(expected)) and not (
            isinstance(expected, float) and isinstance(value, int) and not isinstance(value, bool)
        ):
            raise ConfigError(f"{where}: expected {type(expected).__name__}, got {str(value)[:40]!r}")
        _check_range(key, value, where)
        values[key] = value
    _check_wheel(values, config)
    return DeviceConfig(**values)


def _check_wheel(values: dict[str, Any], config: Config) -> None:
    """One wheel sensor, on a pin nothing else uses."""
    where = f"{config.source_path}: device"
    if values.get("wheel_pin") is not None and values.get("wheel_ble") is not None:
        raise ConfigError(f"{where}.wheel_ble: a wheel sensor is already on device.wheel_pin; expected one of the two")
    pin = values.get("wheel_pin")
    if pin is None:
        return
    defaults = DeviceConfig()
    taken: dict[str, int] = {}
    if values.get("buzzer", defaults.buzzer) != "none":
        taken["buzzer_pin"] = values.get("buzzer_pin", defaults.buzzer_pin)
    if values.get("button_pin") is not None:
        taken["button_pin"] = values["button_pin"]
    else:
        taken.update({f"buttons.{k}": v for k, v in values.get("buttons", defaults.buttons).items()})
    taken.update({f"light.{k}": v for k, v in (values.get("light") or {}).items()})
    clash = next((k for k, v in taken.items() if v == pin), None)
    if clash is not None:
        raise ConfigError(f"{where}.wheel_pin: GPIO{pin} is already device.{clash}; expected a free BCM pin")


# What each number may be, so a NaN rate or a pin of 10**400 is one line here and
# not a fault deep in gpiozero, luma or the gpsd client.
_RANGES: dict[str, tuple[float, float, str]] = {
    "gpsd_port": (1, 65535, "a TCP port, 1 to 65535"),
    "gps_rate_hz": (0.1, 25.0, "fixes a second, 0.1 to 25"),
    "i2c_port": (0, 99, "an I2C bus number such as 1"),
    "i2c_address": (0x03, 0x77, "a 7-bit I2C address, 0x03 to 0x77"),
    "rotate": (0, 3, "0 to 3 (quarter turns)"),
    "contrast": (0, 255, "0 to 255"),
    "buzzer_pin": (0, 27, "a BCM pin, 0 to 27"),
    "button_pin": (0, 27, "a BCM pin, 0 to 27"),
    "wheel_pin": (0, 27, "a BCM pin, 0 to 27"),
}


def _check_range(key: str, value: Any, where: str) -> None:
    if key in ("buttons", "light") and isinstance(value, dict):
        for name, pin in value.items():
            _check_range("button_pin", pin, f"{where}.{name}")
        return
    if key == "gpsd_host" and (not value or len(value) > 253 or "\0" in value):
        raise ConfigError(f"{where}: expected a host name or address such as \"127.0.0.1\"")
    if key not in _RANGES:
        return
    low, high, what = _RANGES[key]
    if not low <= value <= high:  # also NaN
        raise ConfigError(f"{where}: expected {what}, got {str(value)[:40]}")
