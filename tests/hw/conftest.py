"""Fixtures for the Pi world's tests."""

from __future__ import annotations

import gpiozero
import pytest
from gpiozero.pins.mock import MockFactory


@pytest.fixture
def mock_pins():
    """gpiozero's own MockFactory as the default pin factory, as GPIOZERO_PIN_FACTORY=mock would make it."""
    previous = gpiozero.Device.pin_factory
    gpiozero.Device.pin_factory = MockFactory()
    yield gpiozero.Device.pin_factory
    gpiozero.Device.pin_factory.close()
    gpiozero.Device.pin_factory = previous
