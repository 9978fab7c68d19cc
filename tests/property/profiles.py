"""Hypothesis profiles: `ci` (the default, the whole folder in well under two
minutes on a shared 2-core machine) and `fuzz` (`make fuzz`, before a release:
many more examples per property). HYPOTHESIS_PROFILE picks one.

Every test module here imports this; it is not a conftest.py because other
test folders import their own `conftest` by that bare name."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("ci", max_examples=300, derandomize=True, **_COMMON)
settings.register_profile("fuzz", max_examples=5000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
