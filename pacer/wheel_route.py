"""Progress from the wheel, checked by GPS all along: the Route the session gets when a wheel is fitted.

It wraps the GPS route (free or track, pacer/route.py) and keeps it running
beside the wheel, as the check and the fallback:

- free: progress is the wheel's revolutions times the circumference
  (pacer/wheel_circumference.py: the ride's start value weighed against the
  GPS distance over the revolutions so far), plus the GPS distance of every
  stretch the wheel was not trusted. A new circumference estimate rescales
  every trusted revolution, so a wheel that started 2 % off is right again
  everywhere once the estimate is, not only from then on.
- track: progress stays the runner's lane-1 distance on the oval (the bike's
  lane and bends make the wheel's distance another path's); whole laps of
  known length (the bike's lane) calibrate the circumference.

The wheel is never trusted blindly. A sensor quiet for `lost_after_s` (and
four revolutions' time) while GPS says the bike moves is lost; a wheel whose
distance over the last WINDOW_S disagrees with the GPS distance beyond what
their noise explains, twice running, slips (or counts wrong): both are
dropped, and the suspect stretch is given back to GPS, so a fault drags the
distance only by what it did before the first suspicion. The wheel is taken
back after RETRUST_S of agreement.
"""

from __future__ import annotations

import bisect
import collections
import math
from typing import Any

from pacer.config import RouteSettings
from pacer.events import Fix, Wheel
from pacer.filter import Estimator
from pacer.oval import LANE1_RADIUS_M, LAP_M, lane_centre_radius_m
from pacer.plan import Plan
from pacer.route import Route
from pacer.wheel import WheelOdometer, WheelSettings
from pacer.wheel_circumference import Circumference, CircumferenceEstimate
from pacer.wheel_spans import StraightSpans

END_SIGMA_DOPPLER_M = 3.0  # the GPS distance's error at a span's end, with a trusted speed
END_SIGMA_STRAIGHT_M = 2.5  # a straight stretch's end fix, along the stretch (pacer/wheel_spans.py)
END_SIGMA_LAP_M = 1.5  # a lap's ends on the oval (the along-track error of a projected position)
WINDOWS_S = (8.0, 60.0)  # the wheel and GPS compared over these: a gross fault at once, a slip of a few % in a minute
SUSPECT_MIN_M = (8.0, 6.0)  # per window: a disagreement under this is never suspect (GPS cuts a corner by metres)
SUSPECT_MIN_TRACK_M = (8.0, 15.0)  # on a track the wheel's lane is up to 7 % longer than lane 1 on a bend
SUSPECT_SIGMAS = 4.0
CLEAR_SHARE = 0.75  # a suspicion ends when every window is back within this share of its limit
CONFIRM_S = (2.0, 10.0)  # per window: disagreeing this long drops the wheel (GPS's own hiccups pass sooner)  # ... nor under this many of its usual size
SLEW_MPS = 0.5  # a correction of the whole distance is taken in at most this fast
RETRUST_S = 10.0  # a dropped wheel is taken back after agreeing this long


class WheelRoute:
    """Route protocol over a GPS route, plus `on_wheel(event)` and `wheel_state`."""

    def __init__(self, inner: Route, estimator: Estimator, settings: WheelSettings,
                 track_laps_m: tuple[float, float] | None = None, inner_progress: bool = False) -> None:
        self.inner = inner
        # progress from the GPS route, the wheel only checked: a track's lane-1 distance, a course's
        self.inner_progress = inner_progress or track_laps_m is not None
        self.est = estimator
        self.s = settings
        self.track_laps_m = track_laps_m  # (lane-1 lap, the bike's lap) on a track with a known lane
        # the bike's metres per lane-1 metre, a lap's mean (on a bend more, on a straight 1: the long window allows for it)
        self.ref_scale = track_laps_m[1] / track_laps_m[0] if track_laps_m and track_laps_m[1] > 0 else 1.0
        self.suspect_min_m = SUSPECT_MIN_M if track_laps_m is None else SUSPECT_MIN_TRACK_M
        self.odo = WheelOdometer()
        self.circ = CircumferenceEstimate(Circumference(settings.circumference_m, settings.circumference_sigma_m))
        self.state = "ok"  # ok, suspect, lost, slipping: trusted from the start, until found out
        self.trusted_once = True
        self.w_used = 0.0  # trusted revolutions since the start
        self.g_other = 0.0  # GPS metres of the stretches without the wheel
        self.corr_m = 0.0  # what of a change of the whole distance is not yet shown (SLEW_MPS)
        self.last: tuple[float, float, float] | None = None  # (t, ref_m, revs) at the last fix
        self.span0: tuple[float, float] | None = None  # (ref_m, revs) where the open calibration span began
        self.steps: collections.deque[tuple[float, float, float, bool]] = collections.deque()  # (t, dW, dR, used wheel)
        self.cum_t: list[float] = []  # each step's end, and the running sums of revolutions and GPS metres there
        self.cum: list[tuple[float, float]] = []
        self.last_unused_t = -math.inf  # the last step the wheel's distance was not used in
        self.resid_var = [2.0**2, 4.0**2]  # per window: the usual size of wheel minus GPS
        self.var_t_s = [-math.inf, -math.inf]  # when each was last learnt from
        self.suspect_since: float | None = None
        self.suspect_window_s = 0.0  # the longest window that disagreed: how far back to give to GPS
        self.agree_since: float | None = None
        self.drops: list[dict[str, Any]] = []
        self.lap_anchor: tuple[float, float] | None = None  # track: (lane-1 m, revs) where lap counting began
        self.laps_used = 0
        self.lap_points: list[tuple[float, float]] = []  # (the bike's metres, revolutions) at each lap line
        self.straights = StraightSpans()  # without a trusted speed: straight stretches calibrate
        self.straight_spans = 0

    # -- wheel events ----------------------------------------------------------

    def on_wheel(self, event: Wheel) -> None:
        self.odo.add(event)

    @property
    def wheel_state(self) -> str:
        """"ok" while the wheel gives the distance (or is about to), "lost" otherwise: for the screen."""
        return "ok" if self.state in ("ok", "suspect") else "lost"

    @property
    def trusted(self) -> bool:
        return self.state in ("ok", "suspect")

    # -- per fix ---------------------------------------------------------------

    def update(self, fix: Fix) -> None:
        self.inner.update(fix)
        t = fix.t_s
        ref = self.inner.dist_m
        revs = self.odo.revs_at(t)
        if self.last is None:
            self.last = (t, ref, revs)
            return
        d_w, d_r = revs - self.last[2], ref - self.last[1]
        dt = t - self.last[0]
        self.last = (t, ref, revs)
        before = self._target_m()
        c_before = self.circ.current.metres
        d_cmp = d_r * self.ref_scale  # GPS metres as the wheel rolls them (the bike's lane on a track)
        self._judge(t, d_w, d_cmp)
        used = self.trusted
        if used:
            self.w_used += d_w
        else:
            self.g_other += d_r
        self.steps.append((t, d_w, d_r, used))
        while self.steps and self.steps[0][0] < t - 2 * WINDOWS_S[-1]:
            self.steps.popleft()
        if not used:
            self.last_unused_t = t
        last_w, last_r = self.cum[-1] if self.cum else (0.0, 0.0)
        self.cum_t.append(t)
        self.cum.append((last_w + d_w, last_r + d_cmp))
        if len(self.cum_t) > 64 and self.cum_t[0] < t - 2 * WINDOWS_S[-1]:
            cut = bisect.bisect_left(self.cum_t, t - 1.5 * WINDOWS_S[-1])
            del self.cum_t[:cut], self.cum[:cut]
        self._calibrate(fix, ref, revs)
        # a new circumference or a stretch given back moves the whole distance: not at once, but
        # at most SLEW_MPS faster or slower than the bike, so neither screen nor split jumps
        natural = c_before * d_w if used else d_r
        self.corr_m -= self._target_m() - (before + natural)
        step = SLEW_MPS * max(dt, 0.0)
        self.corr_m -= max(-step, min(step, self.corr_m))

    def _judge(self, t: float, d_w: float, d_r: float) -> None:
        """Lost, slipping, suspect or ok: from the quiet time and the last WINDOW_S against GPS."""
        c = self.circ.current.metres
        v = self.est.speed_mps
        moving = v >= self.s.moving_mps
        quiet = self.odo.quiet_s(t)
        if moving and quiet > max(self.s.lost_after_s, 4.0 * c / v):
            if self.state in ("ok", "suspect"):
                self._drop(t, "lost", since_s=t - quiet)
            self.agree_since = None
            return
        if not self.odo.times:
            return
        agree = clear = True  # clear: well within every limit (a suspicion ends only then)
        worst = 0.0  # the longest window that disagrees
        for k, window_s in enumerate(WINDOWS_S):
            got = self._window(t, d_w, d_r, window_s)
            if got is None:
                continue
            resid = c * got[0] - got[1]  # wheel metres minus GPS metres
            # beside the usual scatter, what the circumference's own uncertainty allows over the window
            scale_m = self.circ.current.sigma_m * got[0]
            limit = max(self.suspect_min_m[k], SUSPECT_SIGMAS * math.hypot(math.sqrt(self.resid_var[k]), scale_m))
            if abs(resid) > CLEAR_SHARE * limit:
                clear = False
            if abs(resid) > limit:
                agree, worst = False, window_s
            elif self.state == "ok" and moving and t - self.var_t_s[k] >= 0.5 * window_s:
                # learnt from windows that barely overlap, so a slow slip cannot teach it its own size
                self.var_t_s[k] = t
                self.resid_var[k] += 0.1 * (min(resid * resid, 4 * self.resid_var[k]) - self.resid_var[k])
        if self.state == "ok":
            if not agree:
                self.state, self.suspect_since, self.suspect_window_s = "suspect", t, worst
            return
        if self.state == "suspect":
            self.suspect_window_s = max(self.suspect_window_s, worst)
            if clear:
                self.state, self.suspect_since = "ok", None
            elif not agree and t - (self.suspect_since or t) >= CONFIRM_S[WINDOWS_S.index(self.suspect_window_s)]:
                self._drop(t, "slipping", since_s=(self.suspect_since or t) - self.suspect_window_s)
            return
        # waiting, lost, slipping: take it (back) after agreeing for long enough while moving
        if agree and moving and quiet < self.s.lost_after_s:
            self.agree_since = t if self.agree_since is None else self.agree_since
            if t - self.agree_since >= (RETRUST_S if self.trusted_once else 0.0):
                self.state = "ok"
                self.trusted_once = True
                self.agree_since = None
                self.span0 = None
        else:
            self.agree_since = None

    def _window(self, t: float, d_w: float, d_r: float, window_s: float) -> tuple[float, float] | None:
        """(wheel revolutions, GPS metres) over the last `window_s`, this step included; None when the
        fixes do not cover half of it or the wheel was not in use over all of it. From running sums,
        so a 10 Hz source costs a bisection a window, not a walk through two minutes of steps."""
        if self.trusted and self.last_unused_t > t - window_s:
            return None
        times, cum = self.cum_t, self.cum
        if not times:
            return None
        i = bisect.bisect_right(times, t - window_s)  # steps ending after the window's start are in
        if i >= len(times) + 1 or t - (times[i] if i < len(times) else t) < 0.5 * window_s:
            return None
        base_w, base_r = cum[i - 1] if i > 0 else (0.0, 0.0)
        now_w, now_r = cum[-1]
        return now_w + d_w - base_w, now_r + d_r - base_r

    def _drop(self, t: float, why: str, since_s: float) -> None:
        """Stop using the wheel; what it added since `since_s` is replaced by the GPS distance."""
        was_used = self.state in ("ok", "suspect")
        self.state = why
        self.suspect_since = None
        self.agree_since = None
        if not was_used:
            return
        self.circ.close_open()
        self.span0 = None
        self.lap_anchor = None
        given_back = 0.0
        for i, (st, sw, sr, used) in enumerate(self.steps):
            if st > since_s and used:
                self.w_used -= sw
                self.g_other += sr
                self.steps[i] = (st, sw, sr, False)
                given_back += sw
        self.last_unused_t = t  # the given-back steps are no window's to judge the wheel by
        self.drops.append({"t_s": round(t, 3), "why": why, "revs_given_back": round(given_back, 2)})

    def _calibrate(self, fix: Fix, ref: float, revs: float) -> None:
        """Whole laps (track); else the GPS distance with a trusted speed, straight stretches without."""
        if self.state != "ok" or not self.est.started:
            if self.state != "suspect":
                self.straights.reset()
            return
        if self.track_laps_m is not None:
            self._calibrate_laps(ref, revs)
            return
        if not self.est.speed_trusted:
            if self.span0 is not None:  # a trusted speed no longer: its span is done
                self.circ.close_open()
                self.span0 = None
            if self.est.plane is not None:
                x, y = self.est.plane.to_xy(fix.lat_deg, fix.lon_deg)
                span = self.straights.add(fix.t_s, x, y, revs)
                if span is not None:
                    self.circ.add_span(span[0], span[1], END_SIGMA_STRAIGHT_M)
                    self.straight_spans += 1
            return
        self.straights.reset()
        odo = self.est.dist_m  # the bike's own odometer (a course route's distance is stretched to the plan)
        if self.span0 is None:
            if self.est.speed_mps >= self.s.moving_mps:
                self.span0 = (odo, revs)
            return
        self.circ.set_open(odo - self.span0[0], revs - self.span0[1], END_SIGMA_DOPPLER_M)

    def _calibrate_laps(self, ref: float, revs: float) -> None:
        assert self.track_laps_m is not None
        lap1, lap_bike = self.track_laps_m
        if lap_bike <= 0.0 or not getattr(self.inner, "started", False):  # no lane given: no known lap
            return
        if self.lap_anchor is None:
            if self.est.speed_mps >= self.s.moving_mps:
                self.lap_anchor = (ref, revs)
                self.laps_used = 0
                self.lap_points = []
            return
        r0, w0 = self.lap_anchor
        laps = int((ref - r0) // lap1)
        if laps <= self.laps_used or self.steps_ref_before() is None:
            return
        # the revolutions where the lane-1 distance passed the lap, between this fix and the last
        prev_ref, prev_revs = self.steps_ref_before()  # type: ignore[misc]
        target = r0 + laps * lap1
        f = (target - prev_ref) / (ref - prev_ref) if ref > prev_ref else 1.0
        at = prev_revs + min(max(f, 0.0), 1.0) * (revs - prev_revs)
        self.laps_used = laps
        self.lap_points.append((laps * lap_bike, at - w0))
        self._fit_laps()

    def _fit_laps(self) -> None:
        """The bike's metres at every lap line against the revolutions there, a straight line fitted:
        each crossing's along-track error is its own (a lap takes longer than the GNSS wander's
        memory), so the slope of all of them is twice as sure as the first and last alone."""
        pts = [(0.0, 0.0)] + self.lap_points
        if len(pts) < 3:
            ref, revs = pts[-1]
            self.circ.set_open(ref, revs, END_SIGMA_LAP_M)
            return
        n = len(pts)
        mw = sum(w for _, w in pts) / n
        mr = sum(r for r, _ in pts) / n
        sww = sum((w - mw) ** 2 for _, w in pts)
        slope = sum((w - mw) * (r - mr) for r, w in pts) / sww
        sigma = END_SIGMA_LAP_M / math.sqrt(sww)  # of the slope, metres a revolution
        span = pts[-1][1]
        # as a span of the same revolutions whose two ends carry that uncertainty
        self.circ.set_open(slope * span, span, sigma * span / math.sqrt(2.0))

    def steps_ref_before(self) -> tuple[float, float] | None:
        """(ref_m, revs) at the fix before this one."""
        if self.last is None or not self.steps:
            return None
        _, d_w, d_r, _ = self.steps[-1]
        return self.last[1] - d_r, self.last[2] - d_w

    # -- the session's questions -----------------------------------------------

    def begin(self, t_s: float) -> float:
        self.inner.begin(t_s)
        self.w_used = self.g_other = self.corr_m = 0.0
        if self.last is not None:
            if self.trusted:
                self.w_used = -(self.odo.revs_at(t_s) - self.last[2])
            else:
                self.g_other = -(self.inner.dist_at(t_s) - self.last[1])
        return 0.0

    def _target_m(self) -> float:
        return self.circ.current.metres * self.w_used + self.g_other

    @property
    def dist_m(self) -> float:
        if self.inner_progress:
            return self.inner.dist_m
        return self._target_m() + self.corr_m

    @property
    def speed_mps(self) -> float:
        if self.inner_progress or not self.trusted or self.last is None:
            return self.inner.speed_mps
        return self.circ.current.metres * self.odo.rate_rps(self.last[0])

    def dist_at(self, t_s: float) -> float:
        if self.inner_progress:
            return self.inner.dist_at(t_s)
        if self.last is None:
            return self.dist_m
        if self.trusted:
            return self.dist_m + self.circ.current.metres * max(0.0, self.odo.revs_at(t_s) - self.last[2])
        return self.dist_m + self.inner.dist_at(t_s) - self.inner.dist_m

    def laps_m(self, plan: Plan) -> tuple[float, ...]:
        return self.inner.laps_m(plan)

    @property
    def note(self) -> str:
        """The GPS route's word for the screen (a course's OFF COURSE)."""
        return str(getattr(self.inner, "note", ""))

    def describe(self) -> dict[str, Any]:
        doc = dict(self.inner.describe())
        doc["wheel"] = self.wheel_summary()
        return doc

    def wheel_summary(self) -> dict[str, Any]:
        """What `--json` says of the wheel: its source and state, the circumference used and how sure."""
        cur = self.circ.current
        measured = self.circ.measured
        return {
            "source": self.s.source,
            "state": self.state,
            "progress_from": "wheel" if not self.inner_progress and self.trusted else "gps",
            "circumference_m": round(cur.metres, 5),
            "circumference_sigma_m": round(cur.sigma_m, 5),
            "circumference_start_m": round(self.circ.start.metres, 5),
            "circumference_start_sigma_m": round(self.circ.start.sigma_m, 5),
            "start_rejected": self.circ.start_rejected,
            "measured_m": None if measured is None else round(measured.metres, 5),
            "calibrated_by": "laps" if self.track_laps_m is not None else "gps",
            "straight_spans": self.straight_spans,
            "revs": round(self.odo.revs, 1),
            "events": self.odo.events,
            "drops": self.drops,
        }

    def end_circumference(self) -> Circumference:
        """The circumference to keep for the next ride: the evidence so far, the open span included."""
        return self.circ.current


def wheel_route(inner: Route, estimator: Estimator, settings: WheelSettings, route: RouteSettings) -> WheelRoute:
    """The wheel over the GPS route; on a track with a known lane, whole laps calibrate it."""
    laps = None
    if route.mode == "course":  # the course's distance is the progress; its map is no calibration
        return WheelRoute(inner, estimator, settings, None, inner_progress=True)
    if route.mode == "track":
        bike_lap = 0.0  # the bike's lane unknown (a fitted oval): its lap is not known, no calibration
        if route.lane is not None:
            bike_lap = LAP_M + 2 * math.pi * (lane_centre_radius_m(route.lane) - LANE1_RADIUS_M)
        laps = (LAP_M, bike_lap)
    return WheelRoute(inner, estimator, settings, laps)
