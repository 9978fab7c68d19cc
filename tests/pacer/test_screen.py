"""The screen: what the rider sees for a given Status, pinned by golden images.

Each golden PNG under golden/ is the exact 128x64 1-bit frame. A change to the
layout fails here until someone looks at the new frames and regenerates them
with `pytest tests/pacer/test_screen.py --regen-golden`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops

from pacer.prefs import DisplayPrefs
from pacer.screen import delta_text, render
from pacer.status import Cue, GpsState, Phase, Split, SplitKind, Status

GOLDEN_DIR = Path(__file__).parent / "golden"

MakeStatus = Callable[..., Status]


@pytest.fixture
def make_status() -> MakeStatus:
    """A 5 km in 20:00 run, 1580 m in, 2.1 s behind; override any field by keyword."""
    base = Status(
        t_s=1_700_000_452.3, phase=Phase.RUNNING, plan_name="5k in 20:00", elapsed_s=452.3,
        dist_m=1580.0, total_m=5000.0, speed_mps=4.1, delta_s=2.14, target_speed_mps=5000 / 1200,
        needed_speed_mps=4.3, next_mark_m=2000.0, split_number=2, split_count=5,
        projected_finish_s=1202.1, gps=GpsState.OK, satellites=9, advice=Cue.FASTER,
    )

    def make(**overrides: Any) -> Status:
        return replace(base, **overrides)

    return make


LAST_SPLIT = Split(index=5, kind=SplitKind.FINISH, distance_m=5000.0, target_s=1200.0,
                   elapsed_s=1204.2, split_target_s=240.0, split_s=241.2)

# name -> (Status overrides, display prefs): one screen a rider must be able to read
CASES: dict[str, tuple[dict[str, Any], DisplayPrefs]] = {
    "ready": (dict(phase=Phase.READY, elapsed_s=0.0, dist_m=0.0, speed_mps=None, delta_s=0.0,
                   projected_finish_s=1200.0, next_mark_m=1000.0, split_number=1,
                   advice=Cue.ON_PACE), DisplayPrefs()),
    "on_pace": (dict(delta_s=0.3, advice=Cue.ON_PACE), DisplayPrefs()),
    "behind_faster": (dict(), DisplayPrefs()),
    "ahead_slower": (dict(delta_s=-12.34, advice=Cue.SLOWER, speed_mps=4.5, needed_speed_mps=4.0),
                     DisplayPrefs()),
    "gps_lost": (dict(gps=GpsState.LOST, satellites=None, message="gpsd gone"), DisplayPrefs()),
    "gps_2d": (dict(gps=GpsState.DEGRADED, satellites=4, delta_s=-0.8, advice=Cue.ON_PACE),
               DisplayPrefs()),
    "finished": (dict(phase=Phase.FINISHED, elapsed_s=1204.2, dist_m=5000.0, delta_s=4.2,
                      next_mark_m=None, split_number=5, last_split=LAST_SPLIT,
                      advice=Cue.ON_PACE), DisplayPrefs()),
    "per_mile": (dict(), DisplayPrefs(pace_unit="mi")),
    "needed_as_speed": (dict(), DisplayPrefs(needed_as="speed")),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_frame_matches_golden_image(name: str, make_status: MakeStatus, regen_golden: bool,
                                    tmp_path: Path) -> None:
    overrides, prefs = CASES[name]
    actual = render(make_status(**overrides), prefs)
    golden_path = GOLDEN_DIR / f"{name}.png"
    if regen_golden:
        GOLDEN_DIR.mkdir(exist_ok=True)
        actual.save(golden_path)
        pytest.skip(f"regenerated {golden_path}")
    assert golden_path.exists(), f"no golden image {golden_path}: run pytest --regen-golden and look at it"
    expected = Image.open(golden_path).convert("1")
    if ImageChops.difference(actual.convert("L"), expected.convert("L")).getbbox() is not None:
        actual_path = tmp_path / f"{name}.actual.png"
        actual.save(actual_path)
        pytest.fail(f"frame {name!r} differs from {golden_path}; the actual frame is at {actual_path}")


def test_frame_is_128x64_one_bit(make_status: MakeStatus) -> None:
    image = render(make_status(), DisplayPrefs())
    assert (image.mode, image.size) == ("1", (128, 64))


def test_render_is_pure_same_status_same_pixels(make_status: MakeStatus) -> None:
    a = render(make_status(), DisplayPrefs())
    b = render(make_status(), DisplayPrefs())
    assert ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is None


def test_elapsed_keeps_running_on_screen_while_gps_is_lost(make_status: MakeStatus) -> None:
    a = render(make_status(gps=GpsState.LOST, elapsed_s=452.0), DisplayPrefs())
    b = render(make_status(gps=GpsState.LOST, elapsed_s=453.0), DisplayPrefs())
    assert ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is not None


def test_message_is_shown_when_set(make_status: MakeStatus) -> None:
    plain = render(make_status(), DisplayPrefs())
    noted = render(make_status(message="buzzer failed"), DisplayPrefs())
    assert ImageChops.difference(plain.convert("L"), noted.convert("L")).getbbox() is not None


def test_positive_delta_reads_behind_with_a_plus() -> None:
    assert delta_text(2.14) == ("+2.1", "BEHIND")


def test_negative_delta_reads_ahead_with_a_minus() -> None:
    assert delta_text(-0.8) == ("-0.8", "AHEAD")


def test_delta_that_rounds_to_zero_has_no_sign() -> None:
    assert delta_text(-0.04) == ("0.0", "EVEN")


def test_delta_of_100_s_or_more_drops_the_decimal_and_caps_at_999() -> None:
    assert delta_text(123.4) == ("+123", "BEHIND")
    assert delta_text(-5000.0) == ("-999", "AHEAD")



# -- the wheel's state beside GPS (issue 14) ------------------------------------------------


def _top_bar(image: Image.Image) -> Image.Image:
    return image.crop((0, 0, 128, 10))


def test_without_a_wheel_the_top_bar_is_as_it_was(make_status: MakeStatus) -> None:
    a = render(make_status(), DisplayPrefs())
    b = render(make_status(wheel=None), DisplayPrefs())
    assert ImageChops.difference(a, b).getbbox() is None


def test_the_wheel_state_shows_beside_gps_and_lost_differs_from_ok(make_status: MakeStatus) -> None:
    plain = render(make_status(), DisplayPrefs())
    ok = render(make_status(wheel="ok"), DisplayPrefs())
    lost = render(make_status(wheel="lost"), DisplayPrefs())
    assert ImageChops.difference(_top_bar(plain), _top_bar(ok)).getbbox() is not None
    assert ImageChops.difference(_top_bar(ok), _top_bar(lost)).getbbox() is not None
    below = (0, 10, 128, 64)  # only the top bar changes
    assert ImageChops.difference(plain.crop(below), ok.crop(below)).getbbox() is None


def test_the_ready_screen_has_room_for_the_wheels_long_form(make_status: MakeStatus) -> None:
    from pacer.screen import _gps_variants
    from pacer.glyphs import text_width

    variants = _gps_variants(make_status(wheel="lost", phase=Phase.READY))
    assert variants[0][0][0] == "WHL " and variants[0][1][0] == "LOST"
    assert sum(text_width(t, f) for t, f in variants[-1]) <= sum(text_width(t, f) for t, f in variants[0])
