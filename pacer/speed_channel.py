"""Whether a fix's "speed" may be believed: checked before it is used, and all along.

What a file or a daemon calls speed is not always a receiver's Doppler (issue 9):

- gpsd, when the receiver gives no speed, fills TPV `speed` with the distance
  from the previous fix over the time between them. Integrated, that is the
  raw fix-to-fix sum (2-3 % long at 1 Hz, double at 10 Hz). It betrays itself:
  speed x dt equals the chord between the two fixes to within millimetres in
  nearly every pair, which a real Doppler speed (independent of the positions)
  almost never does. `SynthesisTest` counts such pairs.
- a footpod's, a wheel's or a watch's speed may be off by a scale or lag;
  that check is not built yet (see docs/benchmarks.md: the world rows with a
  scaled or lagged speed).
"""

from __future__ import annotations


MATCH_TOL_M = 0.03  # |speed x dt - chord| below this (plus 0.2 % of the chord) is a match
MATCH_REL = 0.002
MIN_CHORD_M = 1.0  # pairs closer than this say nothing (standing still)
DECIDE_PAIRS = 8  # moving pairs before a verdict
SYNTH_SHARE = 0.7  # at least this share of matches: synthesized
GENUINE_SHARE = 0.3  # at most this share: independent of the positions
FORGET = 0.98  # per pair: old evidence fades, so a source that changes is noticed


class SynthesisTest:
    """Running share of fix pairs whose speed x dt equals their chord."""

    __slots__ = ("matches", "pairs", "verdict")

    def __init__(self) -> None:
        self.matches = 0.0
        self.pairs = 0.0
        self.verdict: str = "undecided"  # "undecided", "genuine" or "synthesized"

    def observe(self, speed_mps: float, dt_s: float, chord_m: float) -> None:
        if chord_m < MIN_CHORD_M:
            return
        match = abs(speed_mps * dt_s - chord_m) <= MATCH_TOL_M + MATCH_REL * chord_m
        self.matches = FORGET * self.matches + (1.0 if match else 0.0)
        self.pairs = FORGET * self.pairs + 1.0
        if self.pairs >= DECIDE_PAIRS or (self.verdict != "undecided" and self.pairs > 0):
            share = self.matches / self.pairs
            if share >= SYNTH_SHARE:
                self.verdict = "synthesized"
            elif share <= GENUINE_SHARE:
                self.verdict = "genuine"
