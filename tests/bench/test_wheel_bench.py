"""bench.wheel: the wheel's rows beside GPS alone on the same fixes, the faults' drag measured."""

from __future__ import annotations

from bench.wheel import Row, markdown, rows, run_row


def test_every_row_kind_the_issue_asks_for_is_there():
    labels = [r.label for r in rows()]
    for text in ("wheel none", "wheel calibrated", "wheel uncalibrated", "wheel lost mid-run", "wheel slipping",
                 "wheel wrong calibration", "positions only", "doppler", "city 5k", "road 5k", "track"):
        assert any(text in label for label in labels), text


def test_a_calibrated_wheel_row_reports_splits_circumference_and_drag():
    row = run_row(Row("road_2k_random", "positions only", "calibrated", 2.0), seeds=[1000])
    assert row["all"]["n"] == 5 and row["finishes_missed"] == 0
    assert row["circumference_err_pct"]["worst"] < 0.5
    assert row["drag_pct"]["worst"] is not None and row["wheel_states"] == {"ok": 1}
    text = markdown({"seeds": 1, "rows": {row["label"]: row}})
    assert row["label"] in text
