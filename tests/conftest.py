"""Shared pytest options and helpers for the whole suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REALDATA_ENV = "PACER_REALDATA"


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


# --- the real recordings ------------------------------------------------------------------
# Real GPS recordings (public projects' test data: FIT/TCX converted to GPX, NMEA logs) are not
# in the repository. Tests that need them find them here, and skip saying where they looked and
# how to point them elsewhere; in CI (CI set) a missing recording fails instead of skipping.


def realdata_dir() -> Path:
    """The folder of real recordings: $PACER_REALDATA, else ../shared/realdata beside the repository."""
    configured = os.environ.get(REALDATA_ENV)
    return Path(configured).expanduser() if configured else ROOT.parent / "shared" / "realdata"


def realdata_missing(path: Path) -> str:
    """Why a test that needs `path` cannot run: one sentence naming the folder and the variable."""
    return (f"real recording {path} not found; set {REALDATA_ENV} to the folder with the real recordings "
            f"(gpx/, nmea/, csv/; default {ROOT.parent / 'shared' / 'realdata'})")


def need_realdata(*parts: str, module_level: bool = False) -> Path:
    """The real recording (file or folder) at `parts` under `realdata_dir()`; skips the test (or the
    module) when it is missing, and fails when CI is set, so CI never silently skips them."""
    path = realdata_dir().joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(realdata_missing(path) + " (CI must have them)", pytrace=False)
        pytest.skip(realdata_missing(path), allow_module_level=module_level)
    return path


@pytest.fixture
def realdata() -> object:
    """`need_realdata` as a fixture: `realdata("gpx", "ride.gpx")`."""
    return need_realdata


@pytest.fixture(scope="session")
def mile_fixes() -> tuple:
    """The bundled 4:40 road mile (generated, 1 Hz, Doppler speed) as fixes: the track the
    recording-format tests write as FIT, TCX and NMEA."""
    from sim.gpx_source import load_gpx

    return load_gpx(ROOT / "sim" / "tracks" / "mile_road_1hz.gpx").fixes


def _needs_gpsd() -> list[pytest.MarkDecorator]:
    from sim.gpsd_harness import gpsd_binary

    return [
        pytest.mark.gpsd,
        pytest.mark.skipif(
            gpsd_binary() is None and not os.environ.get("CI"),
            reason="gpsd is not installed (Debian package gpsd; `make test` installs it); in CI this fails instead",
        ),
    ]


NEEDS_GPSD = _needs_gpsd()
"""Marks for a test that runs the real gpsd: `pytestmark = NEEDS_GPSD`, or each as a decorator."""
