"""From progress and plan to advice: how far off, what to do, when to say it.

The rider must never be nagged by noise, so advice is a state with hysteresis:
it turns to FASTER or SLOWER when the delta *projected a few seconds ahead at
the current speed* leaves the tolerance band, and back to ON PACE only once it
is well inside (half the band). Looking ahead means a rider already closing the
gap is left alone, and one drifting away is told before the gap is large.
A standing FASTER/SLOWER is repeated at a slow interval, never every step, and
three times as often while the gap is far outside the band: a cue carries no
amount, so its rate does (in the closed-loop bench, a rider hearing but not
reading halves the spread of finish times at the same cues per minute).
"""

from __future__ import annotations

from dataclasses import dataclass

from pacer.config import CoachSettings
from pacer.plan import Plan
from pacer.status import Cue

MIN_RECOVERY_M = 100.0  # "pace needed" aims at the next mark, but never one closer than this
MIN_HOLD_S = 3.0  # advice holds at least this long before it changes again
FAR_OFF_BANDS = 1.5  # projected gap beyond 1.5 tolerance bands: the reminder comes ...
FAR_OFF_REMINDER_DIVISOR = 3.0  # ... three times as often (every 10 s instead of 30 s)


def tolerance_s(plan: Plan, settings: CoachSettings) -> float:
    """The on-pace band: set in the plan, or 1 s plus 0.1 % of the goal
    (1.3 s for a 4:40 mile, 2.2 s for a 20:00 5k, 8.5 s for a 2:05 marathon)."""
    if settings.tolerance_s is not None:
        return settings.tolerance_s
    return 1.0 + 0.001 * plan.goal_s


def needed_speed_mps(plan: Plan, dist_m: float, elapsed_s: float) -> float | None:
    """The speed that puts the runner back on schedule at the next mark.

    None when that is no longer possible (the mark's time has passed), in the
    last MIN_RECOVERY_M before the finish (no time is left to act on it: 1 m
    out and 1.8 s ahead would read "46:17/km") or the run is over; a mark
    closer than MIN_RECOVERY_M is skipped for the next one, so the figure does
    not explode in the last metres before a split.
    """
    if plan.marks_m[-1] - dist_m < MIN_RECOVERY_M:
        return None
    for mark in plan.marks_m:
        if mark - dist_m >= MIN_RECOVERY_M:
            remaining_m = mark - dist_m
            time_left_s = plan.target_elapsed_s(mark) - elapsed_s
            if remaining_m <= 0 or time_left_s <= 1.0:
                return None
            # The plan's own speed here, scaled so the rest of the split closes the gap: the
            # average to the mark for an even plan, but on a grade-adjusted one the pace for
            # THIS stretch of hill (the average would ask for the same pace up and down).
            planned_left_s = plan.target_elapsed_s(mark) - plan.target_elapsed_s(dist_m)
            return plan.target_speed_mps(dist_m) * planned_left_s / time_left_s
    return None


def projected_delta_s(delta_s: float, speed_mps: float | None, target_speed_mps: float, horizon_s: float) -> float:
    """The delta `horizon_s` from now if the current speed is held.

    Each second at speed v against a plan speed v_t changes the delta by
    (1 - v / v_t) seconds.
    """
    if speed_mps is None or target_speed_mps <= 0:
        return delta_s
    return delta_s + horizon_s * (1.0 - speed_mps / target_speed_mps)


@dataclass(frozen=True, slots=True)
class AdviceState:
    advice: Cue = Cue.ON_PACE
    changed_s: float = float("-inf")
    sounded_s: float = float("-inf")


def advise(
    state: AdviceState, projected_s: float, tol_s: float, t_s: float, settings: CoachSettings
) -> tuple[AdviceState, Cue | None]:
    """Next advice state, and the cue to sound now (None: stay quiet)."""
    current = state.advice
    new = current
    if current == Cue.ON_PACE:
        if projected_s > tol_s:
            new = Cue.FASTER
        elif projected_s < -tol_s:
            new = Cue.SLOWER
    elif current == Cue.FASTER:
        if projected_s < -tol_s:
            new = Cue.SLOWER
        elif projected_s < tol_s / 2:
            new = Cue.ON_PACE
    elif current == Cue.SLOWER:
        if projected_s > tol_s:
            new = Cue.FASTER
        elif projected_s > -tol_s / 2:
            new = Cue.ON_PACE
    if new != current and t_s - state.changed_s >= MIN_HOLD_S:
        return AdviceState(new, t_s, t_s), new
    reminder_s = settings.reminder_s
    if abs(projected_s) > FAR_OFF_BANDS * tol_s:
        reminder_s /= FAR_OFF_REMINDER_DIVISOR
    if current != Cue.ON_PACE and t_s - state.sounded_s >= reminder_s:
        return AdviceState(current, state.changed_s, t_s), current
    return state, None
