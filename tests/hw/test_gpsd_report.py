"""hw.gpsd_report: which gpsd reports become fixes, and how their times parse."""

from __future__ import annotations

import pytest

from hw.gpsd_report import (
    RejectedReport,
    gps_datetime,
    parse_gps_time,
    sky_satellites_used,
    tpv_to_fix,
)
from pacer.events import FixMode

T0_S = 1_700_000_000.0
GOOD_TPV = {
    "class": "TPV",
    "mode": 3,
    "time": "2023-11-14T22:13:20.100Z",
    "lat": 52.0,
    "lon": 5.0,
    "speed": 5.0,
    "track": 30.0,
    "altMSL": 10.0,
    "eph": 3.5,
}


@pytest.mark.parametrize(
    ("text", "t_s"),
    [
        ("2023-11-14T22:13:20Z", T0_S),
        ("2023-11-14T22:13:20.1Z", T0_S + 0.1),
        ("2023-11-14T22:13:20.100Z", T0_S + 0.1),
        ("2023-11-14T22:13:20.123456789Z", T0_S + 0.123456789),
        ("2023-11-14T22:13:20.5+00:00", T0_S + 0.5),
    ],
)
def test_gps_time_parses_with_or_without_fraction_up_to_nanoseconds(text: str, t_s: float) -> None:
    assert parse_gps_time(text) == pytest.approx(t_s, abs=1e-6)


@pytest.mark.parametrize("text", ["", "2023-11-14 22:13:20Z", "2023-13-14T22:13:20Z", "2023-11-14T22:13:20+02:00"])
def test_gps_time_refuses_anything_but_utc_iso8601(text: str) -> None:
    with pytest.raises(ValueError):
        parse_gps_time(text)


def test_gps_datetime_is_timezone_aware_utc() -> None:
    assert gps_datetime(T0_S).utcoffset() is not None
    assert gps_datetime(T0_S).isoformat() == "2023-11-14T22:13:20+00:00"


def test_a_complete_3d_tpv_is_a_3d_fix_with_every_field() -> None:
    fix = tpv_to_fix(GOOD_TPV, satellites=9)
    assert fix.t_s == pytest.approx(T0_S + 0.1)
    assert (fix.lat_deg, fix.lon_deg, fix.speed_mps, fix.track_deg) == (52.0, 5.0, 5.0, 30.0)
    assert (fix.mode, fix.alt_m, fix.eph_m, fix.satellites) == (FixMode.THREE_D, 10.0, 3.5, 9)


def test_a_2d_tpv_is_a_degraded_fix_without_altitude() -> None:
    fix = tpv_to_fix({**GOOD_TPV, "mode": 2})
    assert fix.mode == FixMode.TWO_D and fix.alt_m is None


def test_missing_speed_and_track_stay_unknown_not_zero() -> None:
    tpv = {k: v for k, v in GOOD_TPV.items() if k not in ("speed", "track")}
    fix = tpv_to_fix(tpv)
    assert fix.speed_mps is None and fix.track_deg is None


@pytest.mark.parametrize("mode", [0, 1, None, "3", True])
def test_mode_0_1_or_garbage_is_no_fix(mode: object) -> None:
    with pytest.raises(RejectedReport):
        tpv_to_fix({**GOOD_TPV, "mode": mode})


@pytest.mark.parametrize("missing", ["lat", "lon", "time"])
def test_a_fix_missing_position_or_time_is_rejected_not_zero_filled(missing: str) -> None:
    with pytest.raises(RejectedReport):
        tpv_to_fix({k: v for k, v in GOOD_TPV.items() if k != missing})


@pytest.mark.parametrize(
    "change", [{"lat": 0.0, "lon": 0.0}, {"lat": 91.0}, {"lon": float("nan")}, {"time": "garbage"}]
)
def test_null_island_out_of_range_and_unparsable_fixes_are_rejected(change: dict[str, object]) -> None:
    with pytest.raises(RejectedReport):
        tpv_to_fix({**GOOD_TPV, **change})


def test_satellites_used_come_from_the_sky_view() -> None:
    sky = {"satellites": [{"used": True}, {"used": False}, {"used": True}]}
    assert sky_satellites_used(sky) == 2


def test_an_empty_sky_view_means_unknown_satellites_not_zero() -> None:
    assert sky_satellites_used({"nSat": 0, "uSat": 0}) is None
    assert sky_satellites_used({"nSat": 12, "uSat": 8}) == 8
