"""[device] wheel keys: one line for each wrong value; the circumference kept between rides."""

from __future__ import annotations

from pathlib import Path

import pytest

from hw.device_config import device_config
from hw.wheel_store import FILE_NAME, load, save, wheel_settings
from pacer.cli import main
from pacer.config import parse_config
from pacer.errors import ConfigError
from pacer.wheel_circumference import Circumference

ROOT = Path(__file__).resolve().parents[2]
PLAN = (ROOT / "sim" / "plans" / "mile_4_40.toml").read_text()


def dev(device_toml: str):
    return device_config(parse_config(PLAN + "[device]\n" + device_toml + "\n", "pacer.toml"))


@pytest.mark.parametrize(
    "toml, expected",
    [
        ('wheel_pin = "GPIO24"', "device.wheel_pin: expected the BCM pin"),
        ("wheel_pin = 40", "device.wheel_pin: expected a BCM pin, 0 to 27"),
        ("wheel_pin = 27", "device.wheel_pin: GPIO27 is already device.buttons.lap"),
        ("wheel_pin = 18", "device.wheel_pin: GPIO18 is already device.buzzer_pin"),
        ("wheel_pin = 5\nlight = { red = 5, green = 6, blue = 13 }", "GPIO5 is already device.light.red"),
        ('wheel_ble = "speedo"', "device.wheel_ble: expected the speed sensor's Bluetooth address"),
        ("wheel_ble = 12", "device.wheel_ble: expected"),
        ('wheel_pin = 24\nwheel_ble = "auto"', "device.wheel_ble: a wheel sensor is already on device.wheel_pin"),
        ("wheel_circumference = 2105", "device.wheel_circumference: expected the wheel's circumference in metres"),
        ('wheel_circumference = "2.1 m"', "device.wheel_circumference: expected"),
        ("wheel_size = 2.1", "device.wheel_size: unknown key"),
    ],
)
def test_a_wrong_wheel_key_is_one_sentence_naming_file_and_key(toml, expected):
    with pytest.raises(ConfigError) as e:
        dev(toml)
    assert str(e.value).startswith("pacer.toml: device.") and expected in str(e.value)
    assert "\n" not in str(e.value)


def test_the_cli_prints_a_wrong_wheel_key_as_one_line(tmp_path, capsys):
    path = tmp_path / "pacer.toml"
    path.write_text(PLAN + '[device]\nwheel_ble = "AA:BB"\n')
    assert main(["run", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pacer: error: ") and "device.wheel_ble" in err and err.count("\n") == 1


def test_good_wheel_keys_are_taken():
    d = dev('wheel_ble = "aa:bb:cc:dd:ee:ff"\nwheel_circumference = 2.13')
    assert d.wheel_ble == "aa:bb:cc:dd:ee:ff" and d.wheel_circumference == 2.13 and d.wheel_pin is None
    assert dev("wheel_pin = 24").wheel_pin == 24
    assert dev('buzzer = "none"\nwheel_pin = 18').wheel_pin == 18  # a pin left free


def test_no_wheel_configured_means_no_wheel():
    assert wheel_settings(dev(""), None) is None


def test_a_tabled_circumference_starts_2_percent_unsure_a_measured_one_1_percent(tmp_path):
    assert wheel_settings(dev("wheel_pin = 24"), tmp_path).circumference_sigma_m == pytest.approx(0.02 * 2.105)
    measured = wheel_settings(dev("wheel_pin = 24\nwheel_circumference = 2.12"), tmp_path)
    assert measured.circumference_sigma_m == pytest.approx(0.01 * 2.12) and measured.source == "gpio"


def test_the_next_ride_starts_from_the_kept_circumference(tmp_path):
    save(tmp_path, 2.105, Circumference(2.1402, 0.0011))
    start = wheel_settings(dev('wheel_ble = "auto"'), tmp_path)
    assert start.circumference_m == 2.1402 and 0.0011 < start.circumference_sigma_m < 0.003
    assert start.source == "ble"


def test_a_changed_configured_circumference_forgets_the_kept_one(tmp_path):
    save(tmp_path, 2.105, Circumference(2.1402, 0.0011))
    assert load(tmp_path, 2.096) is None
    assert wheel_settings(dev("wheel_pin = 24\nwheel_circumference = 2.096"), tmp_path).circumference_m == 2.096


def test_a_damaged_kept_file_is_the_configured_value(tmp_path):
    (tmp_path / FILE_NAME).write_text("{ half")
    assert wheel_settings(dev("wheel_pin = 24"), tmp_path).circumference_m == 2.105
