"""MARK (issue 12): at a km or mile board the rider says "here"; progress snaps to the
nearest board when it is within max(30 m, 3 %), else the press is refused on the
screen; every press is kept as a correction."""

from __future__ import annotations

import pytest

from pacer.config import parse_config
from pacer.events import Button, Fix, Press
from pacer.geo import LocalPlane
from pacer.runlog import status_from_dict, status_to_dict
from pacer.session import Session

PLANE = LocalPlane(47.0, 8.0)
T0 = 1.7e9
SPEED = 4.0


def fix(k: int, scale: float = 1.0) -> Fix:
    """The bike `k` s in, riding east at SPEED; its fixes say `scale` times as far."""
    lat, lon = PLANE.to_latlon(scale * SPEED * k, 0.0)
    return Fix(T0 + k, lat, lon)


def session(route: str = "") -> Session:
    plan = '[plan]\ndistance = "3 km"\ngoal = "12:30"\nsplit_every = "1 km"\n'
    return Session(parse_config(plan + (f"[route]\n{route}" if route else "")))


def ride_to(s: Session, k_end: int, scale: float = 1.0) -> None:
    for k in range(k_end + 1):
        s.step(fix(k, scale))


def test_a_press_near_a_board_snaps_progress_to_it() -> None:
    s = session()
    ride_to(s, 240, scale=1.02)  # true 960 m; the fixes say 979 m
    status = s.step(Press(T0 + 240.0, Button.MARK))
    assert status.correction is not None and status.correction.accepted
    assert status.correction.board_m == 1000.0
    assert status.dist_m == pytest.approx(1000.0, abs=0.01)
    assert status.message.startswith("MARK 1 km +")


def test_a_press_200_m_from_any_board_is_refused_on_the_screen() -> None:
    s = session()
    ride_to(s, 200)  # 800 m
    before = s.step(Fix(T0 + 200.5, *PLANE.to_latlon(SPEED * 200.5, 0.0))).dist_m
    status = s.step(Press(T0 + 200.6, Button.MARK))
    assert status.correction is not None and not status.correction.accepted
    assert status.correction.by_m == 0.0
    assert status.dist_m == pytest.approx(before + SPEED * 0.1, abs=0.05)
    assert status.message == "MARK? 198 m from 1 km"


def test_the_reach_is_3_percent_of_the_board_beyond_1_km() -> None:
    s = Session(parse_config('[plan]\ndistance = "5 km"\ngoal = "20:00"\n'))
    ride_to(s, 732)  # 2928 m: 72 m before the 3 km board, within 3 % (90 m)
    assert s.step(Press(T0 + 732.0, Button.MARK)).correction.accepted  # type: ignore[union-attr]


def test_markers_set_the_boards_whatever_the_splits() -> None:
    s = session('markers = "500 m"\n')
    ride_to(s, 130)  # 520 m
    status = s.step(Press(T0 + 130.0, Button.MARK))
    assert status.correction is not None and status.correction.board_m == 500.0
    assert s.boards_m() == (500.0, 1000.0, 1500.0, 2000.0, 2500.0, 3000.0)


def test_the_mark_the_snap_jumps_over_is_timed_at_the_press() -> None:
    s = session()
    ride_to(s, 248, scale=0.99)  # the fixes say 982 m
    assert s.step(Press(T0 + 248.0, Button.MARK)).correction.accepted  # type: ignore[union-attr]  # the 1 km board
    for k in range(249, 260):
        s.step(fix(k, 0.99))
    split = s.splits[0]
    assert split.distance_m == 1000.0 and split.elapsed_s == pytest.approx(248.0, abs=0.3)


def test_every_press_is_kept_and_survives_the_run_log() -> None:
    s = session()
    ride_to(s, 250)
    taken = s.step(Press(T0 + 250.0, Button.MARK))
    ride_to_k = 300
    for k in range(251, ride_to_k):
        s.step(fix(k))
    refused = s.step(Press(T0 + 299.5, Button.MARK))
    assert [c.accepted for c in s.corrections] == [True, False]
    for status in (taken, refused):
        back = status_from_dict(status_to_dict(status), status.t_s, s.plan, {})
        assert back.correction == status.correction


def test_a_press_before_the_start_does_nothing() -> None:
    s = Session(parse_config('[plan]\ndistance = "3 km"\ngoal = "12:30"\n'), start="button")
    s.step(fix(0))
    status = s.step(Press(T0 + 0.5, Button.MARK))
    assert status.correction is None and s.corrections == []
