"""Shared pytest options for the whole suite."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden",
        action="store_true",
        default=False,
        help="rewrite the golden screen images under tests/pacer/golden/ from the current renderer "
        "(look at them before committing: the tests then compare against whatever was written)",
    )


@pytest.fixture
def regen_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run was started with --regen-golden."""
    return bool(request.config.getoption("--regen-golden"))
