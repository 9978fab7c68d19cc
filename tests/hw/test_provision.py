"""hw/provision.sh: clean under shellcheck, and its dry run shows every step without root."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "hw" / "provision.sh"


SYSTEM_COMMANDS = ("apt-get", "raspi-config", "systemctl", "ubxtool", "useradd", "usermod", "install", "python3", "chmod")


@pytest.fixture(scope="module")
def tripwires(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Stand-ins for every system command, first on PATH: a dry run that ran one would
    leave a mark here instead of changing the machine (CI may run as root)."""
    folder = tmp_path_factory.mktemp("tripwires")
    for name in SYSTEM_COMMANDS:
        shim = folder / name
        shim.write_text(f'#!/bin/sh\necho "{name} $*" >> "{folder}/ran"\nexit 99\n')
        shim.chmod(0o755)
    return folder


def dry_run(*args: str, tripwires: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{tripwires}:{os.environ.get('PATH', '/usr/bin:/bin')}"}
    result = subprocess.run(
        ["bash", str(SCRIPT), "--dry-run", *args], capture_output=True, text=True, timeout=30, check=False, env=env
    )
    assert not (tripwires / "ran").exists(), "the dry run ran: " + (tripwires / "ran").read_text()
    return result


@pytest.mark.skipif(
    shutil.which("shellcheck") is None and not os.environ.get("CI"),
    reason="shellcheck is not installed (apt-get install shellcheck); in CI this fails instead",
)
def test_shellcheck_finds_nothing() -> None:
    result = subprocess.run(["shellcheck", str(SCRIPT)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_script_stops_at_the_first_error() -> None:
    assert "set -euo pipefail" in SCRIPT.read_text().splitlines()


def test_the_dry_run_succeeds_and_prints_every_key_step(tripwires: Path) -> None:
    result = dry_run(tripwires=tripwires)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for expected in (
        "raspi-config nonint do_i2c 0",
        "dtparam=i2c_arm_baudrate=400000",
        "enable_uart=1",
        "raspi-config nonint do_serial_cons 1",
        "apt-get install -y gpsd gpsd-clients",
        'DEVICES="/dev/serial0"',
        'GPSD_OPTIONS="-n"',
        "ubxtool -P 18 -p CFG-RATE,200",
        "ubxtool -P 18 -p MODEL,4",
        "usermod --append --groups gpio,i2c,dialout pacer",
        "/opt/pacer/venv/bin/pip install",
        "/etc/pacer/pacer.toml",
        "systemctl enable pacer.service",
    ):
        assert expected in out, expected


def test_every_command_in_the_dry_run_is_printed_not_run(tripwires: Path) -> None:
    commands = [line for line in dry_run(tripwires=tripwires).stdout.splitlines() if line.startswith("+ ")]
    assert len(commands) >= 20


def test_m10_receivers_are_configured_with_configuration_keys_at_the_chosen_rate(tripwires: Path) -> None:
    result = dry_run("--receiver-only", "--protver", "32", "--rate-hz", "10", tripwires=tripwires)
    assert result.returncode == 0, result.stderr
    assert "ubxtool -P 32 -z CFG-RATE-MEAS,100,3" in result.stdout
    assert "ubxtool -P 32 -z CFG-NAVSPG-DYNMODEL,4,3" in result.stdout
    assert "apt-get" not in result.stdout


@pytest.mark.parametrize("args", [["--rate-hz", "20"], ["--model", "car"], ["--bogus"]])
def test_bad_options_are_refused_with_a_message(args: list[str], tripwires: Path) -> None:
    result = dry_run(*args, tripwires=tripwires)
    assert result.returncode != 0
    assert "provision:" in result.stderr
