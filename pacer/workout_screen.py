"""The workout's frames: one layout per phase, drawn with the running screen's parts.

Kept apart from `pacer.screen` (a continuous run) so each reads as one layout;
`screen.render` hands a Status with a workout here. Top down:

REP       REP 3/5 400m             GPS OK 9   <- rep of block, its distance (or time)
          +1.2  BEHIND                        <- the live gap (unpaced: time or time left)
                 0:41                            and the rep's own elapsed time
          [▲ FASTER ▲]                        <- advice, as in a run
          123m LEFT               T 1:10.0    <- distance (or time) left, the rep's target
REST      REST 3/5                 GPS OK 9
                  1:23                        <- the countdown to GO (a float: its gap)
          [NEXT 400m in 1:09]  /  [GO in 5]   <- inverted for the last 5 s
          LAST 1:10.4 +0.4                    <- the rep just run
FREE      FREE                     GPS OK 9
          1.23 km            4:56             <- distance and time of the free run
          [LAP to start]                      <- what LAP does now
          NEXT 5x 400m in 1:10
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from pacer.glyphs import BIG_H, MEDIUM, SMALL, Run, big_width, draw_big
from pacer.prefs import DisplayPrefs
from pacer.screen import (
    _BAND,
    _BIG_Y,
    _LINE_Y,
    _NUM_RIGHT_X,
    WIDTH,
    _band,
    _gps_variants,
    _width,
    _distance_runs,
    _message_line,
    _runs_at,
    _runs_centred,
    _runs_right,
    _top_bar,
    advice_band,
    delta_text,
)
from pacer.status import GpsState, Status
from pacer.units import format_duration, format_pace
from pacer.workout import Step
from pacer.workout_status import RepRecord, WorkoutView

GO_IN_S = 5.0  # the rest's band turns to "GO in N" this long before GO


def render_workout(image: Image.Image, draw: ImageDraw.ImageDraw, s: Status, p: DisplayPrefs) -> None:
    """Draw the phase `s.workout` shows (READY is the run's own screen)."""
    w = s.workout
    assert w is not None
    if w.kind == "done" or w.step is None:
        _done(image, draw, s, w)
    elif w.kind == "rep":
        _rep(image, draw, s, w, w.step, p)
    elif w.kind == "rest":
        _rest(image, draw, s, w, w.step, p)
    else:
        _free(image, draw, s, w, w.step, p)


def _rep(image: Image.Image, draw: ImageDraw.ImageDraw, s: Status, w: WorkoutView, step: Step, p: DisplayPrefs) -> None:
    lost = s.gps is GpsState.LOST
    _top_bar(image, draw, _fit_title([(f"REP {step.index}/{step.count}", MEDIUM)], _amount_runs(step, p), s), s)
    if step.paced:
        text, word = delta_text(s.delta_s)
        draw_big(image, (_NUM_RIGHT_X - big_width(text), _BIG_Y), text, hollow=lost)
        _runs_right(image, WIDTH - 1, _BIG_Y + 1, [(word, MEDIUM)])
        _runs_right(image, WIDTH - 1, _BIG_Y + BIG_H - 8, [(format_duration(w.step_elapsed_s), MEDIUM)])
        advice_band(image, draw, s)
    else:  # unpaced: the clock is the number (time left in a timed rep)
        big = format_duration(w.left_s if w.left_s is not None else w.step_elapsed_s)
        draw_big(image, ((WIDTH - big_width(big)) // 2, _BIG_Y), big, hollow=lost)
        _band(image, draw, "GPS LOST" if lost else ("TIME LEFT" if w.left_s is not None else "UNPACED"),
              style="lost" if lost else "outline")
    if s.message:
        _message_line(image, s.message)
        return
    if step.paced or w.left_m is not None:
        _runs_at(image, (0, _LINE_Y), _left_runs(w, p))
    else:  # a timed unpaced rep: the clock is the big number, so the distance run goes here
        _runs_at(image, (0, _LINE_Y), _distance_runs(w.step_dist_m, p))
    target = _target_runs(step, p)
    if target:
        _runs_right(image, WIDTH, _LINE_Y, [("T ", SMALL), *target])


def _rest(image: Image.Image, draw: ImageDraw.ImageDraw, s: Status, w: WorkoutView, step: Step, p: DisplayPrefs) -> None:
    lost = s.gps is GpsState.LOST
    title = "FLOAT" if step.paced else "REST"
    amount = _short_distance_runs(step.distance_m, p) if step.distance_m is not None else []
    _top_bar(image, draw, _fit_title([(f"{title} {step.index}/{step.count}", MEDIUM)], amount, s), s)
    if step.counted:
        big = _countdown(w.left_s or 0.0)
        draw_big(image, ((WIDTH - big_width(big)) // 2, _BIG_Y), big)
    elif step.paced:
        text, word = delta_text(s.delta_s)
        draw_big(image, (_NUM_RIGHT_X - big_width(text), _BIG_Y), text, hollow=lost)
        _runs_right(image, WIDTH - 1, _BIG_Y + 1, [(word, MEDIUM)])
        _runs_right(image, WIDTH - 1, _BIG_Y + BIG_H - 8, [(format_duration(w.step_elapsed_s), MEDIUM)])
    else:
        big = f"{w.left_m or 0.0:.0f}"
        draw_big(image, ((WIDTH - big_width(big)) // 2, _BIG_Y), big, hollow=lost)
    if step.counted and w.left_s is not None and w.left_s <= GO_IN_S:
        _band(image, draw, f"GO in {max(1, int(-(-w.left_s // 1)))}", style="solid")
    elif lost:
        _band(image, draw, "GPS LOST", style="lost")
    else:
        _band(image, draw, _next_text(w.next_step, p), style="outline")
    if s.message:
        _message_line(image, s.message)
    elif step.distance_m is not None:
        _runs_at(image, (0, _LINE_Y), _left_runs(w, p))
        _last_runs_right(image, w.last_record)
    elif w.last_record is not None:
        _runs_centred(image, _LINE_Y, _last_runs(w.last_record))


def _free(image: Image.Image, draw: ImageDraw.ImageDraw, s: Status, w: WorkoutView, step: Step, p: DisplayPrefs) -> None:
    _top_bar(image, draw, [("FREE", MEDIUM)], s)
    dist = w.step_dist_m
    if p.pace_unit == "mi":
        big, unit = f"{dist / 1609.344:.2f}", "mi"
    else:
        big, unit = (f"{dist:.0f}", "m") if dist < 1000 else (f"{dist / 1000:.2f}", "km")
    draw_big(image, (_NUM_RIGHT_X - big_width(big), _BIG_Y), big, hollow=s.gps is GpsState.LOST)
    _runs_right(image, WIDTH - 1, _BIG_Y + 1, [(unit, MEDIUM)])
    _runs_right(image, WIDTH - 1, _BIG_Y + BIG_H - 8, [(format_duration(w.step_elapsed_s), MEDIUM)])
    if s.gps is GpsState.LOST:
        _band(image, draw, "GPS LOST", style="lost")
    else:
        _band(image, draw, "LAP to start" if w.lap_starts else "STOP to end", style="solid" if w.lap_starts else "outline")
    if s.message:
        _message_line(image, s.message)
    elif w.left_m is not None or w.left_s is not None:
        _runs_at(image, (0, _LINE_Y), _left_runs(w, p))
        if w.next_step is not None:
            _runs_right(image, WIDTH, _LINE_Y, [("THEN ", SMALL), *_next_rep_runs(w.next_step, p)])
    elif w.next_step is not None:
        _runs_centred(image, _LINE_Y, [("NEXT ", SMALL), *_next_rep_runs(w.next_step, p)])


def _done(image: Image.Image, draw: ImageDraw.ImageDraw, s: Status, w: WorkoutView) -> None:
    """The session is over: its time, the reps run and their mean ±, the last rep."""
    _top_bar(image, draw, [("DONE", MEDIUM)], s, right=[(f"{w.reps_done} ", MEDIUM), ("REPS", SMALL)])
    total = format_duration(s.elapsed_s)
    draw_big(image, ((WIDTH - big_width(total)) // 2, _BIG_Y), total)
    if w.mean_delta_s is not None:
        _band(image, draw, f"MEAN {delta_text(w.mean_delta_s)[0]}s", style="plain")
    if s.message:
        _message_line(image, s.message)
    elif w.last_record is not None and w.last_record.kind == "rep":
        _runs_centred(image, _LINE_Y, _last_runs(w.last_record))


# --- parts ----------------------------------------------------------------------


def _countdown(left_s: float) -> str:
    """Whole seconds, rounded up: it shows 1 until GO, never 0 before it."""
    return format_duration(float(-(-left_s // 1)))


def _short_distance_runs(dist_m: float, p: DisplayPrefs) -> list[Run]:
    """A rep's distance as coaches write it: '400m', '1.2km', '1mi' (a whole number of miles
    only when miles are asked for): track distances are metres whatever the pace unit."""
    miles = dist_m / 1609.344
    if p.pace_unit == "mi" and abs(miles - round(miles, 2)) * 1609.344 < 0.5 and miles >= 0.25:
        return [(f"{round(miles, 2):g}", MEDIUM), ("mi", SMALL)]
    if dist_m < 1000:
        return [(f"{dist_m:.0f}", MEDIUM), ("m", SMALL)]
    return [(f"{dist_m / 1000:.3g}", MEDIUM), ("km", SMALL)]


def _amount_runs(step: Step, p: DisplayPrefs) -> list[Run]:
    if step.distance_m is not None:
        return _short_distance_runs(step.distance_m, p)
    return [(format_duration(step.duration_s or 0.0), MEDIUM)]


def _left_runs(w: WorkoutView, p: DisplayPrefs) -> list[Run]:
    if w.left_m is not None:
        runs = _distance_runs(w.left_m, p) if w.left_m >= 1000 else [(f"{w.left_m:.0f}", MEDIUM), ("m", SMALL)]
        return [*runs, (" LEFT", SMALL)]
    if w.left_s is not None:
        return [(format_duration(w.left_s), MEDIUM), (" LEFT", SMALL)]
    return [*_distance_runs(w.step_dist_m, p)]


def _target_runs(step: Step, p: DisplayPrefs) -> list[Run]:
    if step.target_s is not None:
        return [(format_duration(step.target_s, 1), MEDIUM)]
    if step.pace_s_per_m is not None:
        return [(format_pace(1.0 / step.pace_s_per_m, p.pace_unit), MEDIUM), (f"/{p.pace_unit}", SMALL)]
    return []


def _next_rep_runs(step: Step, p: DisplayPrefs) -> list[Run]:
    runs = _amount_runs(step, p)
    target = _target_runs(step, p)
    return [*runs, (" in ", SMALL), *target] if step.target_s is not None else [*runs, (" ", SMALL), *target]


def _next_text(step: Step | None, p: DisplayPrefs) -> str:
    if step is None:
        return "LAST REST"
    if step.kind != "rep":
        return "NEXT: FREE"
    amount = ("".join(text for text, _ in _short_distance_runs(step.distance_m, p)) if step.distance_m is not None
              else format_duration(step.duration_s or 0.0))
    if step.target_s is not None:
        return f"NEXT {amount} {format_duration(step.target_s, 1)}"
    if step.pace_s_per_m is not None:
        return f"NEXT {amount} {format_pace(1.0 / step.pace_s_per_m, p.pace_unit)}"
    return f"NEXT {amount}"


def _last_runs(r: RepRecord) -> list[Run]:
    runs: list[Run] = [("LAST ", SMALL), (format_duration(r.elapsed_s, 1), MEDIUM)]
    if r.delta_s is not None:
        runs += [(" ", SMALL), (delta_text(r.delta_s)[0], MEDIUM)]
    return runs


def _last_runs_right(image: Image.Image, r: RepRecord | None) -> None:
    """The last rep's ± beside a distance left (no room for its time too)."""
    if r is not None and r.kind == "rep" and r.delta_s is not None:
        _runs_right(image, WIDTH, _LINE_Y, [("LAST ", SMALL), (delta_text(r.delta_s)[0], MEDIUM)])


def _fit_title(title: list[Run], amount: list[Run], s: Status) -> list[Run]:
    """The phase and its amount ('REP 3/5 400m'), the amount left out when the GPS state would not fit."""
    with_amount = [*title, (" ", SMALL), *amount] if amount else title
    return with_amount if _width(with_amount) + 4 + _width(_gps_variants(s)[-1]) <= WIDTH - 2 else title


__all__ = ["render_workout", "_BAND"]
