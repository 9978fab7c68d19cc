"""docs/reliability.md: every test its fault table names exists, so a row cannot
outlive the test that backs it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "reliability.md").read_text()
NAMED = sorted(set(re.findall(r"`(tests/[\w/]+\.py)::(\w+)", DOC)))
ROWS = [line for line in DOC.splitlines() if line.startswith("| ") and "tests/" in line]


def test_the_table_names_tests():
    assert len(NAMED) >= 15


@pytest.mark.parametrize("path, name", NAMED, ids=[f"{p}::{n}" for p, n in NAMED])
def test_each_named_test_exists(path, name):
    tree = ast.parse((ROOT / path).read_text())
    assert name in {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


def test_every_fault_row_says_what_is_seen_heard_logged_and_lost():
    fault_rows = [r for r in ROWS if r.count("|") == 7]
    assert len(fault_rows) >= 15
    for row in fault_rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert all(cells), row
