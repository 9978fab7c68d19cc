"""The simulator's loop: events through the session, statuses to the sinks, on a clock.

This is the same loop the Pi runs, with a GPX replay in place of gpsd and a
`SimClock` in place of the wall clock: the clock is advanced to each event's
time (relative to the track's start) before the session steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from pacer.clock import Clock
from pacer.events import Event, Fix
from pacer.session import Session
from pacer.status import Cue, Phase, Split, Status

StatusSink = Callable[[Status], None]


@dataclass
class ReplayResult:
    splits: list[Split] = field(default_factory=list)
    sounds: list[tuple[float, Cue]] = field(default_factory=list)  # (elapsed since track start, cue)
    final: Status | None = None
    steps: int = 0
    fixes: int = 0
    first_t_s: float | None = None

    @property
    def finished(self) -> bool:
        return self.final is not None and self.final.phase == Phase.FINISHED


def replay(
    events: Iterable[Event],
    session: Session,
    clock: Clock,
    sinks: Iterable[StatusSink] = (),
    stop_at_finish: bool = True,
    finish_linger_s: float = 3.0,
) -> ReplayResult:
    """Run every event through the session; stop a little after the finish."""
    out = ReplayResult()
    sinks = tuple(sinks)
    finish_t: float | None = None
    for event in events:
        if out.first_t_s is None:
            out.first_t_s = event.t_s
        clock.sleep_until(event.t_s - out.first_t_s)
        status = session.step(event)
        out.steps += 1
        out.fixes += isinstance(event, Fix)
        out.splits.extend(status.new_splits)
        out.sounds.extend((event.t_s - out.first_t_s, c) for c in status.sounds)
        out.final = status
        for sink in sinks:
            sink(status)
        if status.phase == Phase.FINISHED and stop_at_finish:
            finish_t = event.t_s if finish_t is None else finish_t
            if event.t_s - finish_t >= finish_linger_s:
                break
    else:
        if out.final is not None and getattr(session, "pending", None):
            # the track ended within a split's timing lag of a mark: time it with what there is
            status = session.close(out.final.t_s)
            out.splits.extend(status.new_splits)
            out.sounds.extend((status.t_s - (out.first_t_s or 0.0), c) for c in status.sounds)
            out.final = status
            for sink in sinks:
                sink(status)
    return out
