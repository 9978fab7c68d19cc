"""The workout's screens, one per phase, pinned by golden images (look at them:
`pytest tests/pacer/test_workout_screen.py --regen-golden` rewrites them)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops

from pacer.prefs import DisplayPrefs
from pacer.screen import render
from pacer.status import Cue, GpsState, Phase, Status
from pacer.workout import Step
from pacer.workout_status import RepRecord, WorkoutView

GOLDEN_DIR = Path(__file__).parent / "golden"

REP = Step("rep", 2, 3, 5, distance_m=400.0, target_s=70.0, pace_s_per_m=70.0 / 400, marks_m=(400.0,))
NEXT_REP = replace(REP, index=4, target_s=69.0, pace_s_per_m=69.0 / 400)
REST = Step("rest", 2, 3, 5, duration_s=120.0)
FLOAT = Step("rest", 3, 2, 8, distance_m=200.0, pace_s_per_m=360 / 1609.344, marks_m=(200.0,))
TEMPO = Step("rep", 4, 1, 1, duration_s=1800.0, pace_s_per_m=345 / 1609.344, marks_m=(400.0, 800.0))
SPRINT = Step("rep", 5, 2, 8, duration_s=15.0)
WARM_UP = Step("free", 1, 1, 1, free_until="lap")
COOL_DOWN = Step("free", 6, 1, 1, free_until="stop")
LAST = RepRecord(2, 3, 5, "rep", 1.7e9, 70.4, 400.0, 70.0, None, 70.0 / 400, "distance")

BASE = Status(
    t_s=1.7e9 + 700.0, phase=Phase.RUNNING, plan_name="Tuesday", elapsed_s=700.0, dist_m=2900.0,
    total_m=6000.0, speed_mps=5.6, delta_s=0.0, target_speed_mps=400 / 70, needed_speed_mps=None,
    next_mark_m=None, split_number=4, split_count=11, projected_finish_s=1500.0, gps=GpsState.OK,
    satellites=9, advice=Cue.ON_PACE,
)


def view(step: Step, **kw: Any) -> WorkoutView:
    fields: dict[str, Any] = dict(kind=step.kind, step=step, step_elapsed_s=0.0, step_dist_m=0.0, left_m=None,
                                  left_s=None, next_step=None, lap_starts=False)
    fields.update(kw)
    return WorkoutView(**fields)


CASES: dict[str, tuple[dict[str, Any], DisplayPrefs]] = {
    "workout_rep": (dict(delta_s=1.23, advice=Cue.FASTER, workout=view(REP, step_elapsed_s=41.3, step_dist_m=229.0,
                                                                       left_m=171.0)), DisplayPrefs()),
    "workout_rep_on_pace": (dict(delta_s=-0.4, workout=view(REP, step_elapsed_s=52.0, step_dist_m=300.0, left_m=100.0)),
                            DisplayPrefs(pace_unit="mi")),
    "workout_tempo": (dict(delta_s=-3.1, advice=Cue.SLOWER, workout=view(TEMPO, step_elapsed_s=612.0, step_dist_m=2870.0,
                                                                         left_s=1188.0)), DisplayPrefs(pace_unit="mi")),
    "workout_sprint": (dict(workout=view(SPRINT, step_elapsed_s=3.2, step_dist_m=18.0, left_s=11.8)), DisplayPrefs()),
    "workout_rest": (dict(workout=view(REST, step_elapsed_s=26.6, left_s=93.4, next_step=NEXT_REP, lap_starts=True,
                                       last_record=LAST)), DisplayPrefs()),
    "workout_countdown": (dict(workout=view(REST, step_elapsed_s=117.2, left_s=2.8, next_step=NEXT_REP, lap_starts=True,
                                            last_record=LAST)), DisplayPrefs()),
    "workout_float": (dict(delta_s=2.4, workout=view(FLOAT, step_elapsed_s=30.0, step_dist_m=130.0, left_m=70.0,
                                                     next_step=NEXT_REP, lap_starts=True, last_record=LAST)),
                      DisplayPrefs()),
    "workout_free": (dict(workout=view(WARM_UP, step_elapsed_s=412.0, step_dist_m=1234.0, next_step=REP,
                                       lap_starts=True)), DisplayPrefs()),
    "workout_cool_down": (dict(workout=view(COOL_DOWN, step_elapsed_s=95.0, step_dist_m=310.0)), DisplayPrefs()),
    "workout_done": (dict(phase=Phase.FINISHED, elapsed_s=1110.4,
                          workout=WorkoutView("done", None, 0.0, 0.0, None, None, None, False, (), LAST, 5, 0.42)),
                     DisplayPrefs()),
    "workout_rep_gps_lost": (dict(delta_s=0.8, gps=GpsState.LOST, satellites=None, message="no fix",
                                  workout=view(REP, step_elapsed_s=30.0, step_dist_m=170.0, left_m=230.0)),
                             DisplayPrefs()),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_workout_frame_matches_golden_image(name: str, regen_golden: bool, tmp_path: Path) -> None:
    overrides, prefs = CASES[name]
    actual = render(replace(BASE, **overrides), prefs)
    golden_path = GOLDEN_DIR / f"{name}.png"
    if regen_golden:
        actual.save(golden_path)
        pytest.skip(f"regenerated {golden_path}")
    assert golden_path.exists(), f"no golden image {golden_path}: run pytest --regen-golden and look at it"
    expected = Image.open(golden_path).convert("1")
    if ImageChops.difference(actual.convert("L"), expected.convert("L")).getbbox() is not None:
        actual.save(tmp_path / f"{name}.actual.png")
        pytest.fail(f"{name}: frame differs from {golden_path} (actual in {tmp_path})")


def _pixels(status: Status) -> bytes:
    return render(status, DisplayPrefs()).tobytes()


def test_the_countdown_rounds_up_so_it_never_shows_zero_before_go() -> None:
    at = lambda left_s: replace(BASE, workout=view(REST, left_s=left_s, next_step=NEXT_REP, lap_starts=True))  # noqa: E731
    assert _pixels(at(0.2)) == _pixels(at(1.0))
    assert _pixels(at(1.0)) != _pixels(at(1.01))


def test_the_rest_band_turns_to_go_in_the_last_five_seconds() -> None:
    at = lambda left_s: replace(BASE, workout=view(REST, left_s=left_s, next_step=NEXT_REP, lap_starts=True))  # noqa: E731
    band = (0, 42, 128, 55)
    inverted = lambda s: render(s, DisplayPrefs()).crop(band).convert("L").histogram()[255]  # noqa: E731
    assert inverted(at(5.0)) > 1200 > inverted(at(5.5))  # filled with the words cut out, or only outlined


def test_a_workout_ready_uses_the_runs_screen() -> None:
    ready = replace(BASE, phase=Phase.READY, workout=view(WARM_UP))
    assert _pixels(ready) == _pixels(replace(ready, workout=None))
