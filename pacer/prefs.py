"""How the rider wants numbers shown: a display choice, not pacing logic.

Kept apart from `Status` because the same run can be shown per km or per mile,
and "pace needed" as a pace or as the bike's speed, without recomputing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class DisplayPrefs:
    pace_unit: Literal["km", "mi"] = "km"  # paces per km or per mile; speeds in km/h or mph
    needed_as: Literal["pace", "speed"] = "pace"  # "pace needed" as a runner's pace or the bike's speed

    @property
    def speed_unit_label(self) -> str:
        return "km/h" if self.pace_unit == "km" else "mph"
