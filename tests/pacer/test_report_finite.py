"""pacer.report: a JSON document never holds NaN or Infinity, whatever slips through."""

from __future__ import annotations

import json
import math

from pacer.config import parse_config
from pacer.report import finite_json, splits_json


def test_non_finite_numbers_become_null_at_any_depth():
    doc = finite_json({"a": math.nan, "b": [1.0, math.inf, {"c": -math.inf}], "d": (2.5, "x")})
    assert doc == {"a": None, "b": [1.0, None, {"c": None}], "d": [2.5, "x"]}


def test_a_splits_document_dumps_as_strict_json():
    config = parse_config('[plan]\ndistance = "1 mi"\ngoal = "4:40"\n', "p.toml")
    doc = splits_json(config, [], False, extra={"final_dist_m": math.nan, "sounds": [{"t_s": math.inf}]})
    text = json.dumps(doc, allow_nan=False)  # raises on any NaN or Infinity
    assert json.loads(text)["final_dist_m"] is None
