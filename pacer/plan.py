"""The schedule: the target elapsed time at any distance, and the split marks.

A plan is a piecewise-linear curve of elapsed time over distance (constant
pace between knots), built from a goal (even pace), from explicit split times,
or from per-segment paces. Everything else (the coach, the split table, the
screen) asks it two questions: when should the runner be at d, and at what
speed should they be going there.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Plan:
    name: str
    distance_m: float
    knots_m: tuple[float, ...]  # 0 ... distance_m, strictly increasing
    knots_s: tuple[float, ...]  # 0 ... goal_s, strictly increasing
    marks_m: tuple[float, ...]  # split marks, the finish last

    @property
    def goal_s(self) -> float:
        return self.knots_s[-1]

    def _segment(self, dist_m: float) -> int:
        i = bisect.bisect_right(self.knots_m, dist_m) - 1
        return min(max(i, 0), len(self.knots_m) - 2)

    def target_elapsed_s(self, dist_m: float) -> float:
        """Planned elapsed time at `dist_m`; beyond the finish, at the last pace."""
        i = self._segment(dist_m)
        d0, d1 = self.knots_m[i], self.knots_m[i + 1]
        t0, t1 = self.knots_s[i], self.knots_s[i + 1]
        return t0 + (dist_m - d0) * (t1 - t0) / (d1 - d0)

    def target_speed_mps(self, dist_m: float) -> float:
        """The plan's speed at `dist_m` (of the segment it lies in)."""
        i = self._segment(dist_m)
        return (self.knots_m[i + 1] - self.knots_m[i]) / (self.knots_s[i + 1] - self.knots_s[i])

    def rows(self) -> list[tuple[float, float, float]]:
        """(mark_m, split_target_s, elapsed_target_s) for every mark."""
        out = []
        prev_s = 0.0
        for mark in self.marks_m:
            t = self.target_elapsed_s(mark)
            out.append((mark, t - prev_s, t))
            prev_s = t
        return out


def split_marks_m(distance_m: float, split_every_m: float) -> tuple[float, ...]:
    """Marks every `split_every_m`, plus the finish.

    Where the distance is not a whole number of splits, a small remainder (under
    5 % of a split, as the 9.34 m of a mile in 400 m laps) goes into the FIRST
    split: marks are then counted back from the finish, the way a track mile is
    split at each crossing of the finish line (409.34, 809.34, 1209.34, 1609.34)
    instead of ending in a 9 m split. A larger remainder makes a short last split,
    as on the road (a half marathon's last 97.5 m). A mark within 1 m of the
    finish merges into it, so float noise never makes a 0.0001 m split.
    """
    n_whole = int((distance_m + 1.0) // split_every_m)
    remainder_m = distance_m - n_whole * split_every_m
    if n_whole >= 1 and 1.0 < remainder_m < 0.05 * split_every_m:
        return tuple(distance_m - k * split_every_m for k in range(n_whole - 1, -1, -1))
    marks = []
    k = 1
    while k * split_every_m < distance_m - 1.0:
        marks.append(k * split_every_m)
        k += 1
    marks.append(distance_m)
    return tuple(marks)


def even_plan(name: str, distance_m: float, goal_s: float, split_every_m: float) -> Plan:
    return Plan(name, distance_m, (0.0, distance_m), (0.0, goal_s), split_marks_m(distance_m, split_every_m))


def splits_plan(name: str, distance_m: float, split_every_m: float, split_times_s: list[float]) -> Plan:
    """Explicit split times, one per mark; constant pace within each split."""
    marks = split_marks_m(distance_m, split_every_m)
    if len(split_times_s) != len(marks):
        raise ValueError(f"expected {len(marks)} split times (one per mark), got {len(split_times_s)}")
    knots_s = [0.0]
    for t in split_times_s:
        knots_s.append(knots_s[-1] + t)
    return Plan(name, distance_m, (0.0, *marks), tuple(knots_s), marks)


def segments_plan(
    name: str, distance_m: float, split_every_m: float, segments: list[tuple[float, float]]
) -> Plan:
    """Per-segment paces: [(to_m, pace_s_per_m), ...], the last one ending at the finish."""
    knots_m, knots_s = [0.0], [0.0]
    for to_m, pace_s_per_m in segments:
        if to_m <= knots_m[-1]:
            raise ValueError(f"segment ends must increase, got {to_m:g} m after {knots_m[-1]:g} m")
        knots_s.append(knots_s[-1] + (to_m - knots_m[-1]) * pace_s_per_m)
        knots_m.append(to_m)
    if abs(knots_m[-1] - distance_m) > 0.01:
        raise ValueError(f"the last segment must end at the distance ({distance_m:g} m), it ends at {knots_m[-1]:g} m")
    knots_m[-1] = distance_m
    return Plan(name, distance_m, tuple(knots_m), tuple(knots_s), split_marks_m(distance_m, split_every_m))
