"""bench.course and bench.grade (issue 12): each row scores both modes on the same fixes;
the grade bench rides the same worlds with both plans."""

from __future__ import annotations

from bench.course import Row, markdown, run_course, run_row
from bench.grade import run_grade


def test_a_course_row_scores_free_and_course_mode_on_the_same_runs() -> None:
    row = run_row(Row("city_5k", 1, "positions only"), seeds=[1000])
    assert row["free"]["n"] == row["course"]["n"] == 5
    assert row["course"]["rms_s"] < row["free"]["rms_s"]  # the city's corners are what the course fixes
    assert row["time_off_course_s"] == 0.0


def test_the_course_section_states_its_targets() -> None:
    result = run_course(seeds=1, only="1 Hz, positions only")
    text = markdown(result)
    assert "Targets (positions only, 1 Hz, course mode" in text
    assert text.count("**met**") + text.count("**missed**") == 2


def test_the_grade_bench_makes_the_effort_more_even_with_graded_targets() -> None:
    rows = run_grade(seeds=1)["rows"]
    assert rows["grade"]["effort_cv_pct"] < rows["flat"]["effort_cv_pct"]
    assert rows["grade"]["effort_cv_if_followed_exactly_pct"] < 0.5 * rows["flat"]["effort_cv_if_followed_exactly_pct"]
