"""Fixtures of the simulator's tests."""

from __future__ import annotations

import pytest

from pacer.events import Fix


@pytest.fixture(scope="session")
def mile_fixes() -> tuple[Fix, ...]:
    """The bundled 4:40 road mile (generated, 1 Hz, Doppler speed), as fixes."""
    from pathlib import Path

    from sim.gpx_source import load_gpx

    return load_gpx(Path(__file__).resolve().parents[2] / "sim" / "tracks" / "mile_road_1hz.gpx").fixes
