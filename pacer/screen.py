"""The 128x64 frame: `render(status, prefs)` draws what the rider reads at a glance.

Pure (a `Status` in, a mode-"1" PIL image out; no device, no clock) so the
same frame goes to the OLED, to the simulator's sinks and to golden-image
tests. Any luma device shows it with `device.display(image)`. Layout, top down:

RUNNING   S2/5 420m          GPS OK 9    <- split, distance to the next mark, GPS
          +12.3  BEHIND                  <- THE number: seconds behind (+) / ahead (-)
                 12:34                      and elapsed time
          [▲ FASTER ▲]                   <- advice band: inverted for act-now advice
          4:32/km        need 4:20/km    <- current pace, pace (or speed) needed
GPS LOST inverts the top bar, hollows the (stale) big number and turns the
advice band into a GPS LOST banner; elapsed keeps running.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from pacer.glyphs import BIG_H, MEDIUM, SMALL, Run, big_width, draw_big, line_mask, paste_mask, text_width
from pacer.prefs import DisplayPrefs
from pacer.status import Cue, GpsState, Phase, Status
from pacer.units import MILE_M, format_duration, format_pace, format_speed

WIDTH, HEIGHT = 128, 64
_BAR = (0, 9)  # top bar rows
_BIG_Y = 11  # top row of the big number
_BAND = (42, 54)  # advice band rows
_LINE_Y = 56  # bottom line: text top row
_NUM_RIGHT_X = 80  # the big number ends here; its word and elapsed sit to the right


def render(status: Status, prefs: DisplayPrefs) -> Image.Image:
    """One frame for `status`, as prefs ask (per km or mile; pace or speed needed)."""
    image = Image.new("1", (WIDTH, HEIGHT), 0)
    draw = ImageDraw.Draw(image)
    if status.workout is not None and status.phase is not Phase.READY:
        from pacer.workout_screen import render_workout  # a workout's phases: pacer/workout_screen.py

        render_workout(image, draw, status, prefs)
    elif status.phase is Phase.READY:
        _ready(image, draw, status, prefs)
    elif status.phase is Phase.FINISHED:
        _finished(image, draw, status, prefs)
    else:
        _running(image, draw, status, prefs)
    return image


# --- layouts --------------------------------------------------------------------


def _running(image: Image.Image, draw: ImageDraw.ImageDraw, s: Status, p: DisplayPrefs) -> None:
    lost = s.gps is GpsState.LOST
    left: list[Run] = [(f"S{s.split_number}/{s.split_count}", MEDIUM)]
    if s.dist_to_next_m is not None:
        left += [(" ", SMALL), *_distance_runs(s.dist_to_next_m, p)]
    _top_bar(image, draw, left, s)

    text, word = delta_text(s.delta_s)
    draw_big(image, (_NUM_RIGHT_X - big_width(text), _BIG_Y), text, hollow=lost)
    _runs_right(image, WIDTH - 1, _BIG_Y + 1, [(word, MEDIUM)])
    _runs_right(image, WIDTH - 1, _BIG_Y + BIG_H - 8, [(format_duration(s.elapsed_s), MEDIUM)])

    advice_band(image, draw, s)

    if s.message:
        _message_line(image, s.message)
        return
    pace = format_pace(s.speed_mps, p.pace_unit)
    _runs_at(image, (0, _LINE_Y), [(pace, MEDIUM), (f"/{p.pace_unit}", SMALL)])
    if p.needed_as == "speed":
        need: list[Run] = [(format_speed(s.needed_speed_mps, p.pace_unit), MEDIUM), (p.speed_unit_label, SMALL)]
    else:
        need = [(format_pace(s.needed_speed_mps, p.pace_unit), MEDIUM), (f"/{p.pace_unit}", SMALL)]
    _runs_right(image, WIDTH, _LINE_Y, [("NEED ", SMALL), *need])


def _ready(image: Image.Image, draw: ImageDraw.ImageDraw, s: Status, p: DisplayPrefs) -> None:
    gps_w = _width(_gps_variants(s)[-1])
    _top_bar(image, draw, [(_fit(s.plan_name, WIDTH - 2 - gps_w - 4), MEDIUM)], s)
    goal = format_duration(s.projected_finish_s)
    draw_big(image, ((WIDTH - big_width(goal)) // 2, _BIG_Y), goal)
    if s.message:
        _message_line(image, s.message, y=_BAND[0] + 1)
    else:
        line = [*_distance_runs(s.total_m, p, exact=True), ("   ", SMALL),
                (format_pace(s.target_speed_mps, p.pace_unit), MEDIUM), (f"/{p.pace_unit}", SMALL)]
        _runs_centred(image, _BAND[0] + 1, line)
    label = "wait for GPS" if s.gps is GpsState.LOST else "press START"
    draw.rectangle((0, 52, WIDTH - 1, HEIGHT - 1), fill=1)
    _runs_centred(image, 54, [(label, MEDIUM)], fill=0)


def _finished(image: Image.Image, draw: ImageDraw.ImageDraw, s: Status, p: DisplayPrefs) -> None:
    goal_s = s.elapsed_s - s.delta_s
    _top_bar(image, draw, [("FINISHED", MEDIUM)], s,
             right=[("GOAL ", SMALL), (format_duration(goal_s), MEDIUM)])
    final = format_duration(s.elapsed_s, decimals=1 if s.elapsed_s < 3600 else 0)
    draw_big(image, ((WIDTH - big_width(final)) // 2, _BIG_Y), final)
    text, word = delta_text(s.delta_s)
    verdict = "ON GOAL" if word == "EVEN" else f"{text.lstrip('+-')}s {word}"
    _band(image, draw, verdict, style="plain" if word == "EVEN" else "solid")
    if s.message:
        _message_line(image, s.message)
    elif s.last_split is not None:
        sp = s.last_split
        split_delta, _ = delta_text(sp.split_s - sp.split_target_s)
        _runs_centred(image, _LINE_Y, [("LAST ", SMALL), (f"S{sp.index} ", MEDIUM),
                                       (format_duration(sp.split_s, 1), MEDIUM), ("  ", SMALL),
                                       (split_delta, MEDIUM)])


# --- parts ----------------------------------------------------------------------


def delta_text(delta_s: float) -> tuple[str, str]:
    """The big number and its word: '+2.1' BEHIND, '-0.8' AHEAD, '0.0' EVEN.

    One decimal below 100 s, whole seconds above (capped at 999), so the number
    never outgrows its place; the sign follows the rounded value, so '+0.0'
    never appears.
    """
    mag = abs(delta_s)
    if mag < 0.05:
        return "0.0", "EVEN"
    sign, word = ("+", "BEHIND") if delta_s > 0 else ("-", "AHEAD")
    return (f"{sign}{mag:.1f}" if mag < 99.95 else f"{sign}{min(999, round(mag))}"), word


def _gps_variants(s: Status) -> list[list[Run]]:
    """GPS state, longest form first: the top bar drops the label, then the satellites.
    With a wheel sensor its state comes first (WHL ok / WHL LOST), shortened before GPS is."""
    if s.gps is GpsState.LOST:
        gps = [[("GPS LOST", MEDIUM)], [("NO GPS", MEDIUM)]]
    else:
        state: Run = ("OK" if s.gps is GpsState.OK else "2D", MEDIUM)
        sats: list[Run] = [] if s.satellites is None else [(f" {s.satellites}", SMALL)]
        gps = [[("GPS ", SMALL), state, *sats], [state, *sats], [state]]
    if s.wheel is None:
        return gps
    ok = s.wheel == "ok"
    long: list[Run] = [("WHL ", SMALL), ("ok" if ok else "LOST", MEDIUM), ("  ", SMALL)]
    short: list[Run] = [("W", SMALL), ("ok" if ok else "--", MEDIUM), (" ", SMALL)]
    return [long + v for v in gps] + [short + v for v in gps] + gps


def _top_bar(image: Image.Image, draw: ImageDraw.ImageDraw, left: list[Run], s: Status,
             right: list[Run] | None = None) -> None:
    """Left runs, right runs (GPS state by default, as long as fits); inverted when GPS is lost."""
    fill = 1
    if s.gps is GpsState.LOST and s.phase is not Phase.FINISHED:
        draw.rectangle((0, _BAR[0], WIDTH - 1, _BAR[1]), fill=1)
        fill = 0
    room = WIDTH - 2 - _width(left) - 4
    variants = [right] if right is not None else _gps_variants(s)
    chosen = next((v for v in variants if _width(v) <= room), variants[-1])
    _runs_at(image, (1, 1), left, fill)
    _runs_right(image, WIDTH - 1, 1, chosen, fill)


def advice_band(image: Image.Image, draw: ImageDraw.ImageDraw, s: Status) -> None:
    """The band under the big number: GPS LOST, or the standing advice (one for every screen)."""
    if s.gps is GpsState.LOST:
        _band(image, draw, "GPS LOST", style="lost")
    elif s.advice is Cue.FASTER:
        _band(image, draw, "FASTER", style="up")
    elif s.advice is Cue.SLOWER:
        _band(image, draw, "SLOWER", style="down")
    else:
        _band(image, draw, "ON PACE", style="outline")


def _band(image: Image.Image, draw: ImageDraw.ImageDraw, word: str, style: str) -> None:
    """The advice band. Act-now advice is inverted with arrows at both ends;
    ON PACE is only outlined, so "do something" and "hold it" differ by area,
    not by reading; GPS LOST gets hatched ends so it cannot pass for advice."""
    y0, y1 = _BAND
    box = (0, y0, WIDTH - 1, y1)
    if style in ("outline", "plain"):
        if style == "outline":
            draw.rectangle(box, outline=1)
        _runs_centred(image, y0 + 3, [(word, MEDIUM)])
        return
    draw.rectangle(box, fill=1)
    if style in ("up", "down"):
        for x in (3, WIDTH - 13):
            _triangle(draw, x, y0 + 2, up=style == "up")
    elif style == "lost":
        for x0 in (2, WIDTH - 20):
            for i in range(0, 18, 4):
                draw.line((x0 + i, y1 - 2, x0 + i + 8, y0 + 2), fill=0)
    _runs_centred(image, y0 + 3, [(word, MEDIUM)], fill=0)


def _triangle(draw: ImageDraw.ImageDraw, x: int, y: int, up: bool) -> None:
    """A 10x9 filled arrow head, drawn in the band's background colour."""
    pts = [(x, y + 8), (x + 9, y + 8), (x + 4.5, y)] if up else [(x, y), (x + 9, y), (x + 4.5, y + 8)]
    draw.polygon(pts, fill=0)


def _message_line(image: Image.Image, message: str, y: int = _LINE_Y) -> None:
    _runs_at(image, (0, y), [("! ", MEDIUM), (_fit(message, WIDTH - 10), MEDIUM)])


def _distance_runs(dist_m: float, p: DisplayPrefs, exact: bool = False) -> list[Run]:
    """'420 m' below a km (or 0.1 mi), else '1.23 km' / '0.26 mi'; `exact` trims zeros."""
    if p.pace_unit == "mi":
        value = dist_m / MILE_M
        return [(f"{value:g}" if exact else f"{value:.2f}", MEDIUM), ("mi", SMALL)]
    if dist_m < 1000:
        return [(f"{dist_m:.0f}", MEDIUM), ("m", SMALL)]
    return [(f"{dist_m / 1000:g}" if exact else f"{dist_m / 1000:.2f}", MEDIUM), ("km", SMALL)]


def _width(runs: list[Run]) -> int:
    return line_mask(tuple(runs)).width if runs else 0


def _runs_at(image: Image.Image, xy: tuple[int, int], runs: list[Run], fill: int = 1) -> None:
    paste_mask(image, xy, line_mask(tuple(runs)), fill)


def _runs_right(image: Image.Image, right_x: int, y: int, runs: list[Run], fill: int = 1) -> None:
    mask = line_mask(tuple(runs))
    paste_mask(image, (right_x - mask.width, y), mask, fill)


def _runs_centred(image: Image.Image, y: int, runs: list[Run], fill: int = 1) -> None:
    mask = line_mask(tuple(runs))
    paste_mask(image, ((WIDTH - mask.width) // 2, y), mask, fill)


def _fit(text: str, width_px: int) -> str:
    """`text`, cut with '..' to fit `width_px` in the bold font."""
    if text_width(text) <= width_px:
        return text
    while text and text_width(text + "..") > width_px:
        text = text[:-1]
    return text + ".."
