"""sim.nmea: fixes become RMC + GGA sentences that parse back to the same fix."""

from __future__ import annotations

import math

import pytest

from pacer.events import Fix, FixMode
from sim.nmea import KNOTS_PER_MPS, checksum, fix_sentences, has_valid_checksum, time_of_day_s
from sim.nmea_feed import epochs_from_fixes, epochs_from_lines

T0_S = 1_700_000_000.0  # 2023-11-14T22:13:20Z


def fields_of(line: str) -> list[str]:
    """A sentence's fields, after checking its framing and checksum (our own tiny parser)."""
    assert line.startswith("$") and line[-3] == "*", line
    body, cs = line[1:-3], line[-2:]
    assert checksum(body) == cs
    return body.split(",")


def metres_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    north_m = (lat2 - lat1) * 111_320.0
    east_m = (lon2 - lon1) * 111_320.0 * math.cos(math.radians(lat1))
    return math.hypot(north_m, east_m)


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(52.123456789, 5.987654321), (-33.9, -70.12345678), (0.5, 179.9999999), (59.99999999, -0.00000001)],
)
def test_rmc_and_gga_positions_round_trip_within_a_centimetre(lat: float, lon: float) -> None:
    """Read back by pynmea2, an independent parser, with the checksum checked."""
    import pynmea2

    fix = Fix(T0_S + 0.1, lat, lon, speed_mps=5.0, track_deg=30.0, alt_m=12.3)
    for line in fix_sentences(fix):
        back = pynmea2.parse(line, check=True)
        assert metres_between(lat, lon, back.latitude, back.longitude) <= 0.01


def test_rmc_carries_time_with_centiseconds_date_speed_in_knots_and_course() -> None:
    fix = Fix(T0_S + 0.37, 52.0, 5.0, speed_mps=5.0, track_deg=359.5)
    rmc = fields_of(fix_sentences(fix)[0])
    assert rmc[0] == "GPRMC" and rmc[2] == "A"
    assert rmc[1] == "221320.37" and rmc[9] == "141123"
    assert float(rmc[7]) / KNOTS_PER_MPS == pytest.approx(5.0, abs=1e-3)
    assert float(rmc[8]) == pytest.approx(359.5)


def test_gga_carries_quality_satellites_hdop_and_altitude() -> None:
    fix = Fix(T0_S, 52.0, 5.0, alt_m=42.25, satellites=7)
    gga = fields_of(fix_sentences(fix)[1])
    assert gga[0] == "GPGGA" and gga[1] == "221320.00"
    assert gga[6] == "1" and gga[7] == "07" and float(gga[8]) > 0
    assert float(gga[9]) == 42.25 and gga[10] == "M"


def test_a_2d_fix_is_sent_without_altitude() -> None:
    fix = Fix(T0_S, 52.0, 5.0, alt_m=42.0, mode=FixMode.TWO_D)
    assert fields_of(fix_sentences(fix)[1])[9] == ""


def test_unknown_speed_and_course_are_empty_fields() -> None:
    rmc = fields_of(fix_sentences(Fix(T0_S, 52.0, 5.0))[0])
    assert rmc[7] == "" and rmc[8] == ""


def test_rounding_to_the_centisecond_carries_into_the_date() -> None:
    just_before_midnight = 1_700_006_399.999  # 2023-11-14T23:59:59.999Z
    rmc = fields_of(fix_sentences(Fix(just_before_midnight, 52.0, 5.0))[0])
    assert rmc[1] == "000000.00" and rmc[9] == "151123"


def test_minutes_never_print_as_sixty() -> None:
    rmc = fields_of(fix_sentences(Fix(T0_S, 51.9999999999, 5.0))[0])
    assert rmc[3] == "5200.000000"


def test_checksum_validation_rejects_a_changed_sentence() -> None:
    good = fix_sentences(Fix(T0_S, 52.0, 5.0))[0]
    assert has_valid_checksum(good)
    assert not has_valid_checksum(good.replace("5200", "5300"))


def test_time_of_day_is_read_from_any_talker_and_ignored_elsewhere() -> None:
    assert time_of_day_s("$GNRMC,123456.70,A,,,,,,,010124,,,A*00") == pytest.approx(45296.7)
    assert time_of_day_s("$INGGA,000001,,,,,0,,,,,,,,*00") == 1.0
    assert time_of_day_s("$SDHDG,230.0,,,1.3,E*36") is None
    assert time_of_day_s("$GPGLL,5200.0,N,00500.0,E,235959.5,A*00") == pytest.approx(86399.5)


def test_fixes_become_one_epoch_each_at_their_own_time_offsets() -> None:
    fixes = [Fix(T0_S + k * 0.1, 52.0, 5.0) for k in range(3)]
    epochs = epochs_from_fixes(fixes)
    assert [e.offset_s for e in epochs] == pytest.approx([0.0, 0.1, 0.2])
    assert all(len(e.lines) == 2 for e in epochs)


def test_a_log_is_grouped_by_time_skipping_comments_and_pacing_backward_steps_by_default() -> None:
    lines = [
        "# gpsd test log header",
        "$GPRMC,120000,A*00",
        "$SDHDG,1,,,,*00",
        "$GPGGA,120000,*00",
        "$GPRMC,120002,A*00",
        "$GPRMC,115900,A*00",
        "$GPRMC,235959,A*00",
        "$GPRMC,000000,A*00",
    ]
    epochs = epochs_from_lines(lines, default_period_s=1.0)
    assert [len(e.lines) for e in epochs] == [3, 1, 1, 1, 1]
    # +2 s; backward → default 1 s; forward by 12 h → too long a gap, default; midnight wraps: +1 s
    assert [e.offset_s for e in epochs] == pytest.approx([0.0, 2.0, 3.0, 4.0, 5.0])
