"""A GNSS receiver's errors, applied to a truth trajectory: what turns a generated
run into the fixes a u-blox M8 on a handlebar would report.

Kept apart from the track generator so tests and benchmarks can vary the error
model on one truth, and so the model's statistics can be specified on their own.

The model, per horizontal axis (east, north) and for the vertical:

- a first-order Gauss-Markov error (exponentially correlated, the "wander" of
  a real fix: ephemeris, ionosphere and multipath residuals that change over
  tens of seconds), discretised exactly for any step dt:
  ``x[k+1] = phi * x[k] + sqrt(q) * n``, ``phi = exp(-dt/tau)``,
  ``q = sigma^2 (1 - phi^2)``; it starts from its stationary distribution, so
  its variance and autocorrelation in time are the same at 1, 5 or 10 Hz;
- white noise per fix (receiver measurement noise, independent fix to fix);
- optional multipath bursts: windows where a faster extra Gauss-Markov error
  of several metres fades in and out (passing buildings, under a bridge).

The velocity is the receiver's Doppler velocity: truth velocity plus white
noise per axis, so the reported speed (its norm) is never negative, and the
course (its direction) gets noisier as the speed drops, as a real receiver's
does. Dropouts are windows with no fix at all. Every window is given in
seconds elapsed since the track's first sample.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pacer.events import Fix, FixMode
from pacer.geo import WGS84_A_M, WGS84_E2, LocalPlane

CEP_PER_SIGMA = math.sqrt(2 * math.log(2))
"""Circular error probable (50 % radius) of a circular Gaussian, in per-axis sigmas."""

R95_PER_SIGMA = math.sqrt(-2 * math.log(0.05))
"""95 % radius of a circular Gaussian, in per-axis sigmas (what receivers call eph)."""

_N_DRAWS = 10
"""Normal draws per sample, always all made, so that a dropout or a burst never
shifts the random numbers of the other samples (the same seed gives the same
errors with or without an outage)."""


@dataclass(frozen=True)
class GnssErrorModel:
    """Parameters of the error model; the defaults mimic a u-blox M8 in open sky.

    Where the figures come from:

    - Horizontal position: the u-blox NEO-M8 datasheet gives 2.5 m CEP
      (open sky, 24 h static). For a circular Gaussian CEP = 1.177 sigma per
      axis, so the total per-axis sigma is 2.12 m: 2.05 m of correlated error
      plus 0.5 m white noise (sqrt(2.05^2 + 0.5^2) = 2.11 m, CEP 2.48 m).
    - Correlation time: the position errors of single-frequency code receivers
      are usually modelled as first-order Gauss-Markov with correlation times
      of tens of seconds (20-60 s; Grewal, Weill & Andrews, "Global
      Positioning Systems, Inertial Navigation, and Integration", and the
      GNSS/INS literature generally); 30 s is the middle of that range.
    - Vertical: about 1.5-2x the horizontal error, as for any GNSS.
    - Velocity: the datasheet gives 0.05 m/s speed accuracy (50 %, at 30 m/s,
      open sky); on a moving bicycle with vibration and partial sky 0.1 m/s
      per axis (1 sigma) is a fair, slightly pessimistic figure.

    `dropouts_s` holds (start_s, end_s) windows with no fix, and `multipath_s`
    (start_s, end_s, sigma_m) windows of extra error; both in seconds elapsed
    since the track's first sample, each start inclusive and end exclusive.
    """

    sigma_m: float = 2.05
    tau_s: float = 30.0
    white_sigma_m: float = 0.5
    sigma_up_m: float = 3.5
    speed_sigma_mps: float = 0.1
    course_min_speed_mps: float = 0.3
    multipath_tau_s: float = 5.0
    multipath_ramp_s: float = 3.0
    dropouts_s: tuple[tuple[float, float], ...] = ()
    multipath_s: tuple[tuple[float, float, float], ...] = ()

    @property
    def horizontal_sigma_m(self) -> float:
        """Total per-axis sigma of the position error outside multipath bursts."""
        return math.hypot(self.sigma_m, self.white_sigma_m)

    @property
    def cep_m(self) -> float:
        """The horizontal CEP (50 % radius) this model states."""
        return CEP_PER_SIGMA * self.horizontal_sigma_m

    @property
    def eph_m(self) -> float:
        """The 95 % horizontal radius: what the simulated receiver reports as eph."""
        return R95_PER_SIGMA * self.horizontal_sigma_m

    def as_dict(self) -> dict[str, object]:
        """JSON-ready parameters (windows as lists), for a track's truth file."""
        return {
            "sigma_m": self.sigma_m,
            "tau_s": self.tau_s,
            "white_sigma_m": self.white_sigma_m,
            "sigma_up_m": self.sigma_up_m,
            "speed_sigma_mps": self.speed_sigma_mps,
            "course_min_speed_mps": self.course_min_speed_mps,
            "multipath_tau_s": self.multipath_tau_s,
            "multipath_ramp_s": self.multipath_ramp_s,
            "dropouts_s": [list(w) for w in self.dropouts_s],
            "multipath_s": [list(w) for w in self.multipath_s],
            "cep_m": round(self.cep_m, 4),
            "eph_m": round(self.eph_m, 4),
        }


@dataclass(frozen=True, eq=False)
class TruthSamples:
    """The true state at each sample time of a track (arrays of equal length).

    `course_deg` is clockwise from north; `elapsed_s` counts from the first sample.
    """

    elapsed_s: np.ndarray
    east_m: np.ndarray
    north_m: np.ndarray
    alt_m: np.ndarray
    speed_mps: np.ndarray
    course_deg: np.ndarray


@dataclass(frozen=True, eq=False)
class ErrorSeries:
    """One draw of the model's errors at each sample time (arrays of equal length).

    `kept` is False inside dropouts; `extra_sigma_m` is the multipath burst's
    sigma at each sample (0 outside bursts), which raises the reported eph.
    """

    east_m: np.ndarray
    north_m: np.ndarray
    up_m: np.ndarray
    vel_east_mps: np.ndarray
    vel_north_mps: np.ndarray
    extra_sigma_m: np.ndarray
    kept: np.ndarray


def gauss_markov(elapsed_s: np.ndarray, sigma: float, tau_s: float, normals: np.ndarray) -> np.ndarray:
    """A first-order Gauss-Markov series at the given times, from unit normals.

    Exact discretisation for any (even uneven) steps, started from the
    stationary distribution: its variance is sigma^2 at every sample and the
    correlation between two samples dt apart is exp(-dt/tau), whatever the rate.
    """
    n = len(elapsed_s)
    out = np.empty(n)
    if n == 0:
        return out
    phi = np.exp(-np.diff(elapsed_s) / tau_s)
    gain = sigma * np.sqrt(1.0 - phi * phi)
    # The recursion is inherently sequential; plain floats keep it ~0.1 us a step.
    phi_l, gain_l, w_l = phi.tolist(), gain.tolist(), normals.tolist()
    x = sigma * w_l[0]
    vals = [x]
    for k in range(n - 1):
        x = phi_l[k] * x + gain_l[k] * w_l[k + 1]
        vals.append(x)
    out[:] = vals
    return out


def window_mask(elapsed_s: np.ndarray, windows: tuple[tuple[float, ...], ...]) -> np.ndarray:
    """True for samples inside any [start, end) window."""
    inside = np.zeros(len(elapsed_s), dtype=bool)
    for w in windows:
        inside |= (elapsed_s >= w[0]) & (elapsed_s < w[1])
    return inside


def multipath_sigma(elapsed_s: np.ndarray, model: GnssErrorModel) -> np.ndarray:
    """The burst sigma at each sample: each window's sigma, faded in and out
    with raised-cosine ramps so the error grows and shrinks as a real one does."""
    out = np.zeros(len(elapsed_s))
    ramp_s = model.multipath_ramp_s
    for start_s, end_s, sigma in model.multipath_s:
        ramp = min(ramp_s, 0.5 * (end_s - start_s))
        into = np.clip((elapsed_s - start_s) / ramp, 0.0, 1.0) if ramp > 0 else (elapsed_s >= start_s) * 1.0
        left = np.clip((end_s - elapsed_s) / ramp, 0.0, 1.0) if ramp > 0 else (elapsed_s < end_s) * 1.0
        env = 0.5 - 0.5 * np.cos(np.pi * np.minimum(into, left))
        out = np.maximum(out, sigma * env)
    return out


def draw_errors(elapsed_s: np.ndarray, model: GnssErrorModel, rng: np.random.Generator) -> ErrorSeries:
    """Draw the model's errors at the given sample times (seconds since the first)."""
    t = np.asarray(elapsed_s, dtype=float)
    z = rng.standard_normal((len(t), _N_DRAWS))
    gm_e = gauss_markov(t, model.sigma_m, model.tau_s, z[:, 0])
    gm_n = gauss_markov(t, model.sigma_m, model.tau_s, z[:, 1])
    gm_u = gauss_markov(t, model.sigma_up_m, model.tau_s, z[:, 2])
    extra = multipath_sigma(t, model)
    if model.multipath_s:
        mp_e = extra * gauss_markov(t, 1.0, model.multipath_tau_s, z[:, 8])
        mp_n = extra * gauss_markov(t, 1.0, model.multipath_tau_s, z[:, 9])
    else:
        mp_e = mp_n = np.zeros(len(t))
    return ErrorSeries(
        east_m=gm_e + model.white_sigma_m * z[:, 3] + mp_e,
        north_m=gm_n + model.white_sigma_m * z[:, 4] + mp_n,
        up_m=gm_u + model.white_sigma_m * z[:, 5],
        vel_east_mps=model.speed_sigma_mps * z[:, 6],
        vel_north_mps=model.speed_sigma_mps * z[:, 7],
        extra_sigma_m=extra,
        kept=~window_mask(t, model.dropouts_s),
    )


def latlon_arrays(plane: LocalPlane, east_m: np.ndarray, north_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`LocalPlane.to_latlon` on whole arrays (same formulas, vectorised), so a
    3 h run at 10 Hz converts in milliseconds rather than seconds."""
    lat0 = math.radians(plane.lat0_deg)

    def meridian(lat: np.ndarray | float) -> np.ndarray:
        s = np.sin(lat)
        return WGS84_A_M * (1 - WGS84_E2) / (1 - WGS84_E2 * s * s) ** 1.5

    lat = lat0 + north_m / meridian(lat0)
    for _ in range(4):
        lat = lat0 + north_m / meridian(0.5 * (lat0 + lat))
    s = np.sin(lat)
    dlon = east_m / (WGS84_A_M / np.sqrt(1 - WGS84_E2 * s * s) * np.cos(lat))
    lon = (np.radians(plane.lon0_deg) + dlon + np.pi) % (2 * np.pi) - np.pi
    return np.degrees(lat), np.degrees(lon)


def measure(
    truth: TruthSamples,
    plane: LocalPlane,
    start_unix_s: float,
    model: GnssErrorModel,
    rng: np.random.Generator,
) -> list[Fix]:
    """The fixes a receiver would report along a truth trajectory.

    One 3D fix per sample outside dropouts, time-stamped `start_unix_s +
    elapsed`. Values are rounded as a GPX file stores them (lat/lon 7
    decimals, altitude 2, speed 3, course 1), so fixes read back from a
    written track equal these exactly.
    """
    err = draw_errors(truth.elapsed_s, model, rng)
    lat, lon = latlon_arrays(plane, truth.east_m + err.east_m, truth.north_m + err.north_m)
    course = np.radians(truth.course_deg)
    vel_e = truth.speed_mps * np.sin(course) + err.vel_east_mps
    vel_n = truth.speed_mps * np.cos(course) + err.vel_north_mps
    speed = np.round(np.hypot(vel_e, vel_n), 3)
    track = np.round(np.degrees(np.arctan2(vel_e, vel_n)) % 360.0, 1) % 360.0
    alt = np.round(truth.alt_m + err.up_m, 2)
    # The receiver notices only part of a multipath error in its own estimate.
    eph = np.round(R95_PER_SIGMA * np.hypot(model.horizontal_sigma_m, 0.5 * err.extra_sigma_m), 2)
    # Whole microseconds over 1e6, as datetime.timestamp() computes them, so a
    # time read back from GPX is bit-for-bit the fix's time.
    t_us = round(start_unix_s * 1e6) + np.round(truth.elapsed_s * 1e6).astype(np.int64)
    t_s = t_us / 1e6
    lat, lon = np.round(lat, 7), np.round(lon, 7)
    slow = speed < model.course_min_speed_mps
    return [
        Fix(
            t_s=float(t_s[i]),
            lat_deg=float(lat[i]),
            lon_deg=float(lon[i]),
            speed_mps=float(speed[i]),
            track_deg=None if slow[i] else float(track[i]),
            mode=FixMode.THREE_D,
            eph_m=float(eph[i]),
            alt_m=float(alt[i]),
        )
        for i in np.flatnonzero(err.kept)
    ]
