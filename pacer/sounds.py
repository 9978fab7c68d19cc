"""What each cue sounds like: buzzer patterns as plain data.

A pattern is a tuple of steps `(duration_s, tone_hz or None for silence)`,
always sound / silence / sound ... ending on sound. The rider hears them at
speed, in wind, often from an active buzzer with a single tone, so every
pattern is told apart by RHYTHM ALONE (the number of beeps and the length class
of each); tone only adds to it on a passive buzzer:

    ON_PACE   .            one short                 "fine, hold it"
    SPLIT     -            one long                  a mark passed
    FASTER    . . .        three short, high         urgent, like a ticking clock
    SLOWER    -  -         two long, low             calm down
    FINISH    - . -        long short long, high-low-high
    GPS_LOST  o   o   o    three medium, low, wide gaps: slow and ominous
    GPS_BACK  . -          short long, rising
    START     . . -        short short long, rising: "ready, set, go"

A workout adds (pacer/workout_session.py):

    PIP       o            one medium, high          each of the last 3 s of a counted rest
    GO        o -          medium long, rising       the rest is over: run
    REP_DONE  - .          long short, falling       a rep ended (its ± is in the log)
    BLOCK_DONE - . .       long short short, falling the last rep of a block ended

Durations are multiples of 1/16 s so that every step time is exact in binary
floating point: tests compare simulated times with ==, not within a slack.
"""

from __future__ import annotations

from pacer.status import Cue

SHORT_S = 0.125  # a beep the ear counts
MEDIUM_S = 0.3125  # 2.5 x short: not mistaken for either
LONG_S = 0.625  # 5 x short
GAP_S = 0.125  # silence inside a pattern
WIDE_GAP_S = 0.5  # the slow pulse of GPS_LOST
PATTERN_GAP_S = 0.375  # silence between two patterns, so they never run together

LOW_HZ = 440.0  # A4
MID_HZ = 660.0
HIGH_HZ = 880.0  # A5: the default gpiozero TonalBuzzer spans A3-A5

Step = tuple[float, float | None]  # (duration_s, tone_hz or None = silent)
Pattern = tuple[Step, ...]


def _beeps(*beeps: tuple[float, float], gap_s: float = GAP_S) -> Pattern:
    steps: list[Step] = []
    for i, (dur_s, hz) in enumerate(beeps):
        if i:
            steps.append((gap_s, None))
        steps.append((dur_s, hz))
    return tuple(steps)


PATTERNS: dict[Cue, Pattern] = {
    Cue.ON_PACE: _beeps((SHORT_S, MID_HZ)),
    Cue.SPLIT: _beeps((LONG_S, MID_HZ)),
    Cue.FASTER: _beeps((SHORT_S, HIGH_HZ), (SHORT_S, HIGH_HZ), (SHORT_S, HIGH_HZ)),
    Cue.SLOWER: _beeps((LONG_S, LOW_HZ), (LONG_S, LOW_HZ), gap_s=2 * GAP_S),
    Cue.FINISH: _beeps((LONG_S, HIGH_HZ), (SHORT_S, MID_HZ), (LONG_S, HIGH_HZ)),
    Cue.GPS_LOST: _beeps((MEDIUM_S, LOW_HZ), (MEDIUM_S, LOW_HZ), (MEDIUM_S, LOW_HZ), gap_s=WIDE_GAP_S),
    Cue.GPS_BACK: _beeps((SHORT_S, LOW_HZ), (LONG_S, HIGH_HZ)),
    Cue.START: _beeps((SHORT_S, LOW_HZ), (SHORT_S, MID_HZ), (LONG_S, HIGH_HZ)),
    Cue.PIP: _beeps((MEDIUM_S, HIGH_HZ)),
    Cue.GO: _beeps((MEDIUM_S, MID_HZ), (LONG_S, HIGH_HZ)),
    Cue.REP_DONE: _beeps((LONG_S, HIGH_HZ), (SHORT_S, LOW_HZ)),
    Cue.BLOCK_DONE: _beeps((LONG_S, HIGH_HZ), (SHORT_S, MID_HZ), (SHORT_S, LOW_HZ)),
}

# Who may interrupt whom. A cue at URGENT or above cuts off a less urgent one
# that is sounding (FINISH and GPS_LOST must be heard now, not after advice);
# everything else waits its turn, more urgent first.
URGENT = 2
PRIORITY: dict[Cue, int] = {
    Cue.FINISH: 3,
    Cue.GPS_LOST: 2,
    Cue.START: 1,
    Cue.SPLIT: 1,
    Cue.GPS_BACK: 1,
    Cue.PIP: 1,
    Cue.GO: 1,
    Cue.REP_DONE: 1,
    Cue.BLOCK_DONE: 1,
    Cue.FASTER: 0,
    Cue.SLOWER: 0,
    Cue.ON_PACE: 0,
}
ADVICE = frozenset({Cue.FASTER, Cue.SLOWER, Cue.ON_PACE})  # a standing state: only the latest matters


def rhythm(pattern: Pattern) -> tuple[str, ...]:
    """The beeps of `pattern` as length classes 'S', 'M', 'L': what an ear
    hears from a one-tone buzzer. Distinct cues have distinct rhythms."""
    classes = []
    for dur_s, hz in pattern:
        if hz is not None:
            classes.append("S" if dur_s < 0.2 else "M" if dur_s < 0.45 else "L")
    return tuple(classes)


def duration_s(pattern: Pattern) -> float:
    """How long `pattern` sounds, from its first beep to the end of its last."""
    return sum(dur_s for dur_s, _ in pattern)
