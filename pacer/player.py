"""Plays cue patterns on a buzzer in caller-given time: the one player for Pi and simulator.

The player never sleeps and never reads a clock: it is told the time with each
call, so the same object drives the Pi's buzzer (hw/ calls `advance` at
`next_change_s` from its real clock) and the simulator's mock buzzer (sim/
calls it in simulated time). It imports no hardware module: the device is
passed in, either an active buzzer (`on()`/`off()`, e.g. `gpiozero.Buzzer`)
or a passive one (`play(tone)`/`stop()`, e.g. `gpiozero.TonalBuzzer`).

Rules, when cues overlap:
- A cue waits behind the one sounding, then `PATTERN_GAP_S` of silence.
- Waiting cues go more urgent first (`sounds.PRIORITY`), else in arrival order.
- A cue at `sounds.URGENT` or above (FINISH, GPS_LOST) cuts off a less urgent
  one that is sounding; the cut pattern is dropped, not resumed.
- Advice is a state: a new advice cue replaces any advice still waiting, and a
  cue already waiting is not queued twice.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Iterable, Protocol

from pacer.sounds import ADVICE, PATTERN_GAP_S, PATTERNS, PRIORITY, URGENT, Pattern
from pacer.status import Cue


class ActiveBuzzer(Protocol):
    def on(self) -> None: ...
    def off(self) -> None: ...


class PassiveBuzzer(Protocol):
    def play(self, tone: Any) -> None: ...
    def stop(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Sounded:
    """One change of the buzzer: at `t_s`, for `cue`, to `tone_hz` (None = silent)."""

    t_s: float
    cue: Cue
    tone_hz: float | None


@dataclass(slots=True)
class _Waiting:
    cue: Cue
    t_s: float  # when it was asked for
    seq: int  # arrival order, for ties

    @property
    def key(self) -> tuple[int, int]:
        return (-PRIORITY[self.cue], self.seq)


@dataclass(slots=True)
class _Playing:
    cue: Cue
    start_s: float
    ends_s: tuple[float, ...]  # end time of each step, from start_s (exact: offsets are 1/16 s)
    step: int = 0


class PatternPlayer:
    """Feed it cues with `play(cue, t_s)`; `advance(t_s)` applies what is due.

    `log` records every change with its exact scheduled time, whatever the
    granularity of the `advance` calls. Time must not go backwards.
    """

    def __init__(self, device: ActiveBuzzer | PassiveBuzzer,
                 patterns: dict[Cue, Pattern] | None = None) -> None:
        self._device = device
        self._tonal = hasattr(device, "play") and hasattr(device, "stop")
        self._patterns = PATTERNS if patterns is None else patterns
        self._waiting: list[_Waiting] = []
        self._playing: _Playing | None = None
        self._free_s = float("-inf")  # the next pattern may start from here
        self._now_s = float("-inf")
        self._seq = itertools.count()
        self.log: list[Sounded] = []

    # --- the interface -------------------------------------------------------

    def play(self, cue: Cue, t_s: float) -> None:
        """Ask for `cue` at `t_s`. It sounds at the next `advance(t)` with
        t >= its start, so several cues of one step are ordered before any sounds."""
        self._run(t_s, inclusive=False)
        if any(w.cue is cue for w in self._waiting):
            return
        if cue in ADVICE:
            self._waiting = [w for w in self._waiting if w.cue not in ADVICE]
        self._waiting.append(_Waiting(cue, t_s, next(self._seq)))
        self._waiting.sort(key=lambda w: w.key)

    def play_step(self, cues: Iterable[Cue], t_s: float) -> None:
        """One step's cues, all queued before any sounds, then what is due by `t_s`
        (so a SPLIT and a FINISH of one step come out FINISH first)."""
        for cue in cues:
            self.play(cue, t_s)
        self.advance(t_s)

    def advance(self, t_s: float) -> None:
        """Apply every change due at or before `t_s`."""
        self._run(t_s, inclusive=True)

    def stop(self, t_s: float) -> None:
        """Silence now and forget what waits (end of a run, shutdown)."""
        self._run(t_s, inclusive=False)
        self._waiting.clear()
        if self._playing is not None:
            self._end(t_s)

    @property
    def next_change_s(self) -> float | None:
        """When the next change is due (None: nothing to do): when to call `advance` next."""
        return self._next_event_s()

    @property
    def idle(self) -> bool:
        return self._playing is None and not self._waiting

    # --- the schedule --------------------------------------------------------

    def _run(self, until_s: float, inclusive: bool) -> None:
        if until_s < self._now_s:
            raise ValueError(f"time went backwards: {until_s} < {self._now_s}")
        while (t := self._next_event_s()) is not None and (t < until_s or (inclusive and t == until_s)):
            self._fire(t)
        self._now_s = until_s

    def _preempts(self) -> bool:
        if self._playing is None or not self._waiting:
            return False
        head = PRIORITY[self._waiting[0].cue]
        return head >= URGENT and head > PRIORITY[self._playing.cue]

    def _next_event_s(self) -> float | None:
        if self._playing is not None:
            if self._preempts():
                return max(self._waiting[0].t_s, self._playing.start_s)
            return self._playing.ends_s[self._playing.step]
        if self._waiting:
            return max(self._waiting[0].t_s, self._free_s)
        return None

    def _fire(self, t_s: float) -> None:
        playing = self._playing
        if playing is None:
            waiting = self._waiting.pop(0)
            pattern = self._patterns[waiting.cue]
            offsets = itertools.accumulate(dur_s for dur_s, _ in pattern)
            self._playing = _Playing(waiting.cue, t_s, tuple(t_s + off for off in offsets))
            self._apply(t_s, waiting.cue, pattern[0][1])
        elif self._preempts():
            self._end(t_s)
        else:
            playing.step += 1
            pattern = self._patterns[playing.cue]
            if playing.step < len(pattern):
                self._apply(t_s, playing.cue, pattern[playing.step][1])
            else:
                self._end(t_s)

    def _end(self, t_s: float) -> None:
        assert self._playing is not None
        cue, self._playing = self._playing.cue, None
        self._free_s = t_s + PATTERN_GAP_S
        if self.log and self.log[-1].tone_hz is not None:
            self._apply(t_s, cue, None)

    def _apply(self, t_s: float, cue: Cue, tone_hz: float | None) -> None:
        """Log first, then touch the device: if the device fails, the schedule
        stays right and the caller may log the error and carry on."""
        self.log.append(Sounded(t_s, cue, tone_hz))
        if self._tonal:
            device: Any = self._device
            if tone_hz is None:
                device.stop()
            else:
                device.play(_tone_for(device, tone_hz))
        elif tone_hz is None:
            self._device.off()  # type: ignore[union-attr]
        else:
            self._device.on()  # type: ignore[union-attr]


def _tone_for(device: Any, tone_hz: float) -> Any:
    """`tone_hz` clamped into a gpiozero TonalBuzzer's range (its `min_tone`
    and `max_tone`), as a gpiozero Tone; other devices get the number."""
    low, high = getattr(device, "min_tone", None), getattr(device, "max_tone", None)
    if low is None or high is None:
        return tone_hz
    from gpiozero.tones import Tone  # pure arithmetic, no hardware: safe to import here

    return Tone(frequency=min(max(tone_hz, float(low.frequency)), float(high.frequency)))
