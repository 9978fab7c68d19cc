"""The runner's light: what an RGB LED at the back of the bike shows, from each Status.

The OLED faces the rider; the runner behind sees only this light, so it says
the one thing a runner can act on, by colour: green on pace, red push, blue
ease off; a brief white flash on every cue and split (the moment the rider
hears the buzzer), and a slow amber blink while GPS is lost (the advice is
then stale, so it is not shown). `light_state` is the one pure function from
Status to that state; `LightPlayer` turns states into timed colour changes in
caller-given time (like `pacer.player` for sounds), so the simulator logs
exact simulated times and the Pi's adapter applies the same colours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from pacer.status import Cue, GpsState, Phase, Status

Colour = tuple[float, float, float]  # red, green, blue, each 0..1 (gpiozero RGBLED.color)

OFF: Colour = (0.0, 0.0, 0.0)
GREEN: Colour = (0.0, 1.0, 0.0)  # on pace: hold it
RED: Colour = (1.0, 0.0, 0.0)  # behind: push
BLUE: Colour = (0.0, 0.25, 1.0)  # ahead: ease off
AMBER: Colour = (1.0, 0.5, 0.0)  # GPS lost: the advice is stale
WHITE: Colour = (1.0, 1.0, 1.0)  # the flash of a cue or split
NAMES: dict[Colour, str] = {OFF: "off", GREEN: "green", RED: "red", BLUE: "blue", AMBER: "amber", WHITE: "white"}
ADVICE_COLOURS: dict[Cue, Colour] = {Cue.ON_PACE: GREEN, Cue.FASTER: RED, Cue.SLOWER: BLUE}

FLASH_S = 0.25  # long enough to catch the eye at a glance, short enough not to read as a colour
BLINK_S = 1.0  # amber on 1 s, off 1 s: slow, unlike the flash
# Both are multiples of 2**-2 s, so flash and blink times stay exact on GPS seconds (~1.7e9).


@dataclass(frozen=True, slots=True)
class LightState:
    """What the light shows after one step."""

    colour: Colour  # the steady colour (OFF before the start and after the finish)
    flash: bool  # a white flash now: a cue sounded or a split passed at this step
    blink: bool  # slow amber blink instead of the steady colour


def light_state(status: Status) -> LightState:
    """The light for `status`: advice colour while running, amber blink when GPS is lost, a
    flash on each cue or split; dark before the start and after the finish."""
    flash = bool(status.sounds or status.new_splits)
    if status.phase is not Phase.RUNNING:
        return LightState(OFF, flash, False)
    if status.gps is GpsState.LOST:
        return LightState(OFF, flash, True)
    return LightState(ADVICE_COLOURS.get(status.advice, GREEN), flash, False)


def dimmed(colour: Colour, brightness: float) -> Colour:
    """`colour` at `brightness` (0..1): full in daylight, lower at dusk so it does not dazzle."""
    return (colour[0] * brightness, colour[1] * brightness, colour[2] * brightness)


@dataclass(frozen=True, slots=True)
class Lit:
    """One change of the light: at `t_s`, to `colour` (before brightness)."""

    t_s: float
    colour: Colour

    @property
    def name(self) -> str:
        return NAMES.get(self.colour, "rgb")


class LightPlayer:
    """Feed it each Status with `feed`; `advance(t_s)` applies the flash ends and blink
    edges due by then. Never sleeps nor reads a clock. `device`, when given, gets each
    colour (dimmed by `brightness`) as `device.color = (r, g, b)`: a gpiozero RGBLED."""

    def __init__(self, device: Any = None, brightness: float = 1.0) -> None:
        if not 0.0 < brightness <= 1.0:
            raise ValueError(f"brightness {brightness}: expected more than 0 and at most 1")
        self.device, self.brightness = device, brightness
        self.log: list[Lit] = []
        self._state = LightState(OFF, False, False)
        self._now_s = -math.inf
        self._flash_until_s = -math.inf
        self._blink_from_s = 0.0

    @property
    def colour(self) -> Colour:
        """The colour showing now (before brightness)."""
        return self.log[-1].colour if self.log else OFF

    def colour_at(self, t_s: float) -> Colour:
        """What the state fed last shows at `t_s` (not before the last feed)."""
        if t_s < self._flash_until_s:
            return WHITE
        if self._state.blink:
            return AMBER if math.floor((t_s - self._blink_from_s) / BLINK_S) % 2 == 0 else OFF
        return self._state.colour

    @property
    def next_change_s(self) -> float | None:
        """When the light next changes by itself (a flash ends, a blink edge), or None."""
        due = [self._flash_until_s] if self._flash_until_s > self._now_s else []
        if self._state.blink:
            edges = math.floor((self._now_s - self._blink_from_s) / BLINK_S) + 1
            due.append(self._blink_from_s + edges * BLINK_S)
        return min(due) if due else None

    def advance(self, t_s: float) -> None:
        """Apply every change due at or before `t_s`."""
        if t_s < self._now_s:
            raise ValueError(f"time went backwards: {t_s} < {self._now_s}")
        while (due := self.next_change_s) is not None and due <= t_s:
            self._now_s = due
            self._apply(due, self.colour_at(due))
        self._now_s = t_s

    def feed(self, status: Status) -> None:
        """The light for `status`, from its time on."""
        self.advance(status.t_s)
        state = light_state(status)
        if state.blink and not self._state.blink:
            self._blink_from_s = status.t_s
        if state.flash:
            self._flash_until_s = status.t_s + FLASH_S
        self._state = state
        self._apply(status.t_s, self.colour_at(status.t_s))

    def close(self) -> None:
        """Let a flash end (a blink stops where it is), then turn the light off."""
        if self._flash_until_s > self._now_s:
            self.advance(self._flash_until_s)
        self._state = LightState(OFF, False, False)
        self._apply(self._now_s, OFF)

    def _apply(self, t_s: float, colour: Colour) -> None:
        if colour == self.colour and self.log:
            return
        if not self.log and colour == OFF:
            return  # the light starts dark: no change to record
        self.log.append(Lit(t_s, colour))
        if self.device is not None:
            self.device.color = dimmed(colour, self.brightness)
