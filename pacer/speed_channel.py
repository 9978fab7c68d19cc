"""Whether a fix's "speed" may be believed: checked before it is used, and all along.

What a file or a daemon calls speed is not always a receiver's Doppler (issue 9):

- gpsd, when the receiver gives no speed, fills TPV `speed` with the distance
  from the previous fix over the time between them. Integrated, that is the
  raw fix-to-fix sum (2-3 % long at 1 Hz, double at 10 Hz). It betrays itself:
  speed x dt equals the chord between the two fixes to within millimetres in
  nearly every pair, which a real Doppler speed (independent of the positions)
  almost never does. `SynthesisTest` counts such pairs.
- a footpod's, a wheel's or a watch's speed may be off by a scale (a wrong
  calibration) or lag behind (a smoothed speed: a standing start then loses
  speed x lag metres). `ScaleCheck` compares its integral with the positions
  over straight windows and finds both.
"""

from __future__ import annotations

import bisect
import math


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


WINDOW_S = 20.0  # a window of positions to compare the speed's integral with
LAGS_S = (0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0)  # lags tried (a watch smooths over a few seconds)
MIN_CHORD_WINDOW_M = 40.0  # shorter windows say too little against a few metres of GNSS wander
STRAIGHT = 0.97  # a window counts when its chord is this close to its path: no corner inside
CHORD_SIGMA_M = 3.0  # the least wander between two fixes a window apart (2 m per axis, both ends)
MIN_WINDOWS = 10  # no verdict on fewer windows
MIN_SCALE = 0.008  # a scale within 0.8 % is left alone
MIN_LAG_GAIN_M2 = 100.0  # a lag must explain this much more squared error than none


class ScaleCheck:
    """Scale and lag of a speed against the positions, over straight windows of WINDOW_S.

    On a straight window the chord between its end fixes is the distance covered,
    up to the GNSS wander at its two ends (a few metres), whatever the speed
    says; the speed's integral over the same window, shifted by a lag L, should
    match it. Over many windows a least-squares fit gives the scale for each L;
    the L whose fit leaves the least error is the lag, when it is clearly better
    than none. Only the positions say anything here, so a wrong speed cannot
    talk itself right.
    """

    __slots__ = ("hist", "next_t", "sums", "windows", "scale", "lag_s")

    def __init__(self) -> None:
        self.hist: list[tuple[float, float, float, float]] = []  # (t, x, y, speed integral)
        self.next_t: float | None = None
        self.sums = [[0.0, 0.0, 0.0] for _ in LAGS_S]  # per lag: sum C*S, sum S*S, sum C*C
        self.windows = 0
        self.scale = 1.0  # what the speed reads per metre of positions
        self.lag_s = 0.0

    def add(self, t_s: float, x: float, y: float, speed_m: float) -> None:
        hist = self.hist
        hist.append((t_s, x, y, speed_m))
        keep_s = WINDOW_S + LAGS_S[-1] + 2.0
        if t_s - hist[0][0] > 2 * keep_s:
            del hist[: next(i for i, h in enumerate(hist) if t_s - h[0] <= keep_s)]
        if self.next_t is None:
            self.next_t = t_s + WINDOW_S + LAGS_S[-1]
        if t_s >= self.next_t:
            self.next_t = t_s + WINDOW_S / 2
            self._window(t_s - LAGS_S[-1])

    def _at(self, t_s: float) -> tuple[float, float, float, float] | None:
        """The stored fix nearest a time (within a second), for positions."""
        hist = self.hist
        i = bisect.bisect_left(hist, (t_s,))
        near = [h for h in hist[max(0, i - 1): i + 1] if abs(h[0] - t_s) <= 1.0]
        return min(near, key=lambda h: abs(h[0] - t_s)) if near else None

    def _speed_m_at(self, t_s: float) -> float | None:
        """The speed's integral at a time, between the stored fixes around it."""
        hist = self.hist
        i = bisect.bisect_left(hist, (t_s,))
        if i == 0 or i >= len(hist):
            return hist[i][3] if i < len(hist) and hist[i][0] == t_s else None
        a, b = hist[i - 1], hist[i]
        f = (t_s - a[0]) / (b[0] - a[0]) if b[0] > a[0] else 0.0
        return a[3] + f * (b[3] - a[3])

    def _window(self, end_s: float) -> None:
        start_s = end_s - WINDOW_S
        points = [self._at(start_s + k * WINDOW_S / 4) for k in range(5)]
        if any(p is None for p in points):
            return
        path = sum(math.hypot(b[1] - a[1], b[2] - a[2]) for a, b in zip(points, points[1:]))  # type: ignore[index]
        chord = math.hypot(points[-1][1] - points[0][1], points[-1][2] - points[0][2])  # type: ignore[index]
        if chord < MIN_CHORD_WINDOW_M or chord < STRAIGHT * path:
            return
        # The five-point path, not the chord, is the distance: a gentle curve inside the
        # window would make the chord read short (1.5 % at 0.985), the noise on four
        # sub-chords of tens of metres adds under 0.1 %.
        chord = path
        spans = []
        for lag in LAGS_S:
            a, b = self._speed_m_at(start_s + lag), self._speed_m_at(end_s + lag)
            if a is None or b is None:
                return
            spans.append(b - a)
        for sums, span in zip(self.sums, spans):
            sums[0] += chord * span
            sums[1] += span * span
            sums[2] += chord * chord
        self.windows += 1
        self._refit()

    def _refit(self) -> None:
        sse = []
        for cs, ss, cc in self.sums:
            k = cs / ss if ss > 0 else 1.0  # chord = k x span
            sse.append(cc - 2 * k * cs + k * k * ss)
        best = min(range(len(LAGS_S)), key=lambda i: sse[i])
        if sse[0] - sse[best] < MIN_LAG_GAIN_M2:
            best = 0
        cs, ss, _ = self.sums[best]
        if ss <= 0 or self.windows < MIN_WINDOWS:
            return
        k = cs / ss
        # the scatter the windows really show, at least what GNSS wander alone would give
        sigma_c = max(CHORD_SIGMA_M, math.sqrt(max(sse[best], 0.0) / (self.windows - 1)))
        sigma_k = sigma_c / math.sqrt(ss)
        if sse[0] - sse[best] < max(MIN_LAG_GAIN_M2, 4 * sigma_c * sigma_c):
            best, k = 0, self.sums[0][0] / self.sums[0][1]
        self.lag_s = LAGS_S[best]
        off = 1.0 / k - 1.0
        self.scale = 1.0 / k if abs(off) > max(MIN_SCALE, 4.0 * sigma_k) else 1.0
