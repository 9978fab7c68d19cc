"""`pacer run --config`: the [device] and [log] sections, any values in, settings the
Pi's parts can take or one ConfigError out (before any part is opened)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import tests.property.profiles  # noqa: F401  (selects the ci or fuzz profile)
from hypothesis import given
from hypothesis import strategies as st

from hw.device_config import DeviceConfig, device_config
from hw.logfile import log_settings
from pacer.config import parse_config
from pacer.errors import ConfigError

PLAN = (Path(__file__).resolve().parents[2] / "sim" / "plans" / "mile_4_40.toml").read_text()
VALUES = st.one_of(
    st.integers(-(10**30), 10**30), st.integers(0, 300), st.floats(), st.booleans(),
    st.text(max_size=12), st.sampled_from(["~nobody-here/x", "/tmp/x\x00y", "10:00", "-1", "0", "1e400"]),
)
DEVICE_KEYS = sorted(DeviceConfig.__dataclass_fields__) + ["bogus"]
LOG_KEYS = ["dir", "resume_window", "fsync_interval", "bogus"]


def _toml(v: object) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    return json.dumps(v) if isinstance(v, str) else repr(v)


@st.composite
def device_sections(draw: st.DrawFn) -> str:
    lines = ["[device]"]
    for key in draw(st.lists(st.sampled_from(DEVICE_KEYS), unique=True, max_size=4)):
        if key == "buttons" and draw(st.booleans()):
            lines.append(f"buttons = {{ start = {_toml(draw(VALUES))}, lap = 27 }}")
        else:
            lines.append(f"{key} = {_toml(draw(VALUES))}")
    lines.append("[log]")
    for key in draw(st.lists(st.sampled_from(LOG_KEYS), unique=True, max_size=3)):
        lines.append(f"{key} = {_toml(draw(VALUES))}")
    return "\n".join(lines)


@given(device_sections())
def test_a_device_config_is_usable_or_one_config_error(section: str) -> None:
    try:
        config = parse_config(PLAN + section + "\n", "pacer.toml")
        dev = device_config(config)
        log = log_settings(config, env={"HOME": "/home/pi"})
    except ConfigError as e:
        assert "pacer.toml" in str(e) and "\n" not in str(e)
        return
    assert 0.1 <= dev.gps_rate_hz <= 25 and 1 <= dev.gpsd_port <= 65535 and 0 <= dev.contrast <= 255
    assert all(0 <= pin <= 27 for pin in dev.buttons.values())
    assert math.isfinite(log.resume_window_s) and math.isfinite(log.fsync_interval_s)
    assert "\x00" not in str(log.dir)
