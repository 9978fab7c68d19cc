"""The workouts closed loop (bench/workouts.py), on a few seeds: pacer holds reps
closer to their targets than pacing by feel, with the same rider and world."""

from __future__ import annotations

import numpy as np

from bench.workouts import ROUTE_TOML, WORKOUTS, markdown, ride_workout, run_workouts
from pacer.config import parse_config


def test_pacer_holds_400s_tighter_than_feel():
    config = parse_config(WORKOUTS["5 x 400 m"] + ROUTE_TOML, "<bench>")
    feel = [e for s in range(3) for e in ride_workout(config, 3000 + s, with_pacer=False)]
    pacer = [e for s in range(3) for e in ride_workout(config, 3000 + s, with_pacer=True)]
    assert len(feel) == len(pacer) == 15  # every rep of every seed is timed
    assert np.std(pacer) < np.std(feel) / 2
    assert np.mean(np.abs(pacer) <= 1.0) >= 0.9


def test_the_report_has_a_row_per_workout_and_rider():
    result = run_workouts(seeds=1)
    assert set(result["rows"]) == {f"{w} / {r}" for w in WORKOUTS for r in ("feel", "pacer")}
    text = markdown(result)
    assert text.count("| 5 x 400 m /") == 2 and "within ±1 s" in text
