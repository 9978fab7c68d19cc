"""Generate runs with a known truth, and write them as GPX tracks beside their truth.

`make_run` turns a scenario (sim/scenarios.py) into a run at a rate and seed:
the truth on a fine grid, the truth at each sample, and the simulated fixes.
`python -m sim.generate` rewrites the bundled tracks, their truth files and
their plans, byte for byte the same on every run (fixed seeds).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from xml.etree import ElementTree

import gpxpy.gpx
import numpy as np

from pacer.events import Fix
from pacer.geo import LocalPlane
from sim.gnss import GnssErrorModel, TruthSamples, measure
from sim.profiles import FINE_HZ, SpeedFn, SpeedTruth, integrate_run
from sim.routes import Route, build_route, course_at, offset_path, position_at, with_length
from sim.scenarios import BUNDLED, PLANS, SCENARIOS, Scenario

START_UTC = datetime(2026, 5, 1, 7, 0, 0, tzinfo=timezone.utc)
TPX_NS = "http://www.garmin.com/xmlschemas/TrackPointExtension/v2"
TPX_XSD = "https://www8.garmin.com/xmlschemas/TrackPointExtensionv2.xsd"
SIM_DIR = Path(__file__).resolve().parent
ROUTE_SPARE_M = 100.0
"""Route beyond the finish: the runner eases down for a few seconds past the line."""


@dataclass(frozen=True, eq=False)
class GeneratedRun:
    """One generated run: its recipe, its truth and the fixes a receiver reported.

    `profile` is the runner's speed over time before the start ramp (see
    `sim.profiles.race_speed_mps`); `fine` is the truth on the 20 Hz grid (time, speed, distance); `truth` the
    true state at each sample of the track's rate, dropouts included; `fixes`
    what the receiver reported (dropouts left out). Elapsed times count from
    the track's first sample, which is the standing start (distance 0).
    """

    scenario: Scenario
    rate_hz: int
    seed: int
    start_utc: datetime
    plane: LocalPlane
    route: Route
    profile: SpeedFn
    fine: SpeedTruth
    truth: TruthSamples
    model: GnssErrorModel
    fixes: list[Fix]

    @property
    def distance_m(self) -> float:
        """The run's true path length, start line to finish line."""
        return self.fine.distance_m

    @property
    def marks_m(self) -> tuple[float, ...]:
        return self.scenario.plan.marks_m()

    def truth_elapsed_at(self, dist_m: float | np.ndarray) -> float | np.ndarray:
        """True time (s after the first sample) at which the runner passes `dist_m`."""
        return self.fine.elapsed_at(dist_m)

    def truth_dist_at(self, elapsed_s: float | np.ndarray) -> float | np.ndarray:
        return self.fine.dist_at(elapsed_s)


def make_run(
    scenario: Scenario | str, rate_hz: int = 1, seed: int = 0, model: GnssErrorModel | None = None
) -> GeneratedRun:
    """Generate a run: a scenario (or its name in SCENARIOS) at `rate_hz` Hz.

    The seed fixes the runner, a random route and the GNSS errors, each from its
    own stream, so the same seed at another rate is the same run and the same
    seed with an outage is the same run minus the outage. `model` replaces the
    scenario's error model (its windows are still placed by the scenario).
    """
    sc = SCENARIOS[scenario] if isinstance(scenario, str) else scenario
    if rate_hz <= 0 or FINE_HZ % rate_hz:
        raise ValueError(f"rate_hz must divide {FINE_HZ}, got {rate_hz}")
    runner_rng, route_rng, gnss_rng = (np.random.default_rng([seed, k]) for k in range(3))
    profile = sc.profile(runner_rng)
    fine = integrate_run(profile, sc.plan.distance_m)
    route = build_route(
        with_length(sc.route(route_rng), sc.route_from_m + sc.plan.distance_m + ROUTE_SPARE_M), sc.heading_deg
    )
    if route.length_m < sc.route_from_m + fine.dist_m[-1]:
        raise ValueError(f"scenario {sc.name}: the route ends before the run does")
    every = FINE_HZ // rate_hz
    t_s, dist_m = fine.t_s[::every], fine.dist_m[::every]
    speed_mps = fine.speed_mps[::every]
    if sc.route_from_m or sc.bike_offset_m:  # a track: the run starts before the line, the bike rides out in its lane
        east_m, north_m, stretch, course_deg = offset_path(route, sc.route_from_m + dist_m, sc.bike_offset_m)
        speed_mps = speed_mps * stretch
    else:
        east_m, north_m = position_at(route, dist_m)
        course_deg = course_at(route, dist_m)
    truth = TruthSamples(
        elapsed_s=t_s, east_m=east_m, north_m=north_m, alt_m=sc.hills.alt_m(dist_m),
        speed_mps=speed_mps, course_deg=course_deg,
    )
    base = model if model is not None else sc.model
    bursts = windows_at(fine, tuple((centre_m, dur_s) for centre_m, dur_s, _ in sc.multipath_at_m))
    model = replace(
        base,
        dropouts_s=base.dropouts_s + windows_at(fine, sc.dropouts_at_m),
        multipath_s=base.multipath_s + tuple((*w, m[2]) for w, m in zip(bursts, sc.multipath_at_m)),
    )
    plane = LocalPlane(*sc.origin_deg)
    fixes = measure(truth, plane, START_UTC.timestamp(), model, gnss_rng)
    return GeneratedRun(sc, rate_hz, seed, START_UTC, plane, route, profile, fine, truth, model, fixes)


def windows_at(fine: SpeedTruth, at_m: tuple[tuple[float, float], ...]) -> tuple[tuple[float, float], ...]:
    """(centre_dist_m, duration_s) -> (start_s, end_s), centred on the true time
    at that distance, to 0.01 s (a 25 s window then drops exactly 25 fixes at 1 Hz)."""
    out = []
    for centre_m, duration_s in at_m:
        centre_s = float(fine.elapsed_at(centre_m))
        out.append((round(centre_s - duration_s / 2, 2), round(centre_s + duration_s / 2, 2)))
    return tuple(out)


def write_gpx(run: GeneratedRun, path: Path | str, pretty: bool = False) -> None:
    """GPX 1.1: lat/lon (7 decimals), elevation, UTC time (fractional seconds at
    10 Hz), and the Doppler speed (m/s) and course (deg) in Garmin's
    TrackPointExtension v2, which gpxpy and most tools read back. Unindented by
    default: it keeps a 20 min 10 Hz track near 3 MB instead of 4."""
    gpx = gpxpy.gpx.GPX()
    gpx.creator = "pacer sim.generate"
    gpx.name = track_name(run)
    gpx.description = "Simulated GNSS track; its truth is in the .truth.json beside it."
    gpx.nsmap["gpxtpx"] = TPX_NS
    gpx.schema_locations = [
        "http://www.topografix.com/GPX/1/1", "http://www.topografix.com/GPX/1/1/gpx.xsd", TPX_NS, TPX_XSD,
    ]
    track = gpxpy.gpx.GPXTrack(name=track_name(run))
    segment = gpxpy.gpx.GPXTrackSegment()
    track.segments.append(segment)
    gpx.tracks.append(track)
    start_us = round(run.start_utc.timestamp() * 1e6)
    for fix in run.fixes:
        point = gpxpy.gpx.GPXTrackPoint(
            fix.lat_deg, fix.lon_deg, elevation=fix.alt_m,
            time=run.start_utc + timedelta(microseconds=round(fix.t_s * 1e6) - start_us),
        )
        ext = ElementTree.Element(f"{{{TPX_NS}}}TrackPointExtension")
        if fix.speed_mps is not None:
            ElementTree.SubElement(ext, f"{{{TPX_NS}}}speed").text = f"{fix.speed_mps:.3f}"
        if fix.track_deg is not None:
            ElementTree.SubElement(ext, f"{{{TPX_NS}}}course").text = f"{fix.track_deg:.1f}"
        point.extensions.append(ext)
        segment.points.append(point)
    Path(path).write_text(gpx.to_xml(version="1.1", prettyprint=pretty), encoding="utf-8")


def track_name(run: GeneratedRun) -> str:
    return f"{run.scenario.name}_{run.rate_hz}hz"


def truth_doc(run: GeneratedRun, name: str | None = None) -> dict[str, object]:
    """The truth file's content. Elapsed times count from the track's first fix."""
    first_s = run.fixes[0].t_s - run.start_utc.timestamp()
    first_utc = run.start_utc + timedelta(seconds=first_s)
    whole_s = np.arange(0, int(run.fine.t_s[-1]) + 1)
    dists = run.fine.dist_at(whole_s)
    return {
        "name": name or track_name(run),
        "rate_hz": run.rate_hz,
        "distance_m": run.distance_m,
        "start_time": first_utc.isoformat().replace("+00:00", "Z"),
        "seed": run.seed,
        "plan": f"{run.scenario.plan.file_stem}.toml",
        "points": len(run.fixes),
        "error_model": run.model.as_dict(),
        "marks": [
            {"distance_m": round(m, 4), "truth_elapsed_s": round(float(run.truth_elapsed_at(m)) - first_s, 4)}
            for m in run.marks_m
        ],
        **({"laps": [
            {"distance_m": round(d, 4), "truth_elapsed_s": round(float(run.truth_elapsed_at(d)) - first_s, 4)}
            for d in lap_crossings_m(run)
        ]} if run.scenario.lap_m else {}),
        "samples": [[round(float(t) - first_s, 3), round(float(d), 3)] for t, d in zip(whole_s, dists)],
    }


def lap_crossings_m(run: GeneratedRun) -> list[float]:
    """A track run's distance at each crossing of the finish line before the finish:
    the route starts on the line, so it is crossed at every whole lap of the route."""
    sc = run.scenario
    out, k = [], 1
    while (d := k * sc.lap_m - sc.route_from_m) < run.distance_m - 1.0:
        if d > 0.0:
            out.append(d)
        k += 1
    return out


def write_truth(run: GeneratedRun, path: Path | str, name: str | None = None) -> None:
    """The truth as JSON, with one `samples` row per line so it diffs well."""
    doc = truth_doc(run, name)
    samples = doc.pop("samples")
    head = json.dumps(doc, indent=2)[:-2]
    rows = ",\n".join(f"    {json.dumps(row)}" for row in samples)  # type: ignore[union-attr]
    Path(path).write_text(f'{head},\n  "samples": [\n{rows}\n  ]\n}}\n', encoding="utf-8")


WHEEL_ERROR_PCT = 1.5
"""The bundled wheel files' true circumference against the configured 2.105 m (tyre and load)."""


def write_bundled(out_dir: Path | str = SIM_DIR, wheel_error_pct: float = WHEEL_ERROR_PCT,
                  wheel_dropouts_s: tuple[tuple[float, float], ...] = ()) -> list[Path]:
    """Write every bundled track, its truth, its wheel's revolutions (sim/wheel_gen.py: the true
    circumference `wheel_error_pct` off the configured one; `wheel_dropouts_s`, seconds from the
    first point, with none) and every plan they use under `out_dir`/tracks and `out_dir`/plans;
    return the paths written."""
    tracks, plans = Path(out_dir) / "tracks", Path(out_dir) / "plans"
    tracks.mkdir(parents=True, exist_ok=True)
    plans.mkdir(parents=True, exist_ok=True)
    written = []
    from sim.wheel_gen import wheel_truth, write_wheel_csv  # the bike's wheel (issue 14)

    for b in BUNDLED:
        run = make_run(b.scenario, b.rate_hz, b.seed)
        gpx_path, truth_path = tracks / f"{b.track}.gpx", tracks / f"{b.track}.truth.json"
        wheel_path = tracks / f"{b.track}.wheel.csv"
        write_gpx(run, gpx_path)
        write_truth(run, truth_path, b.track)
        write_wheel_csv(wheel_truth(run, wheel_error_pct, dropouts_s=wheel_dropouts_s), wheel_path)
        written += [gpx_path, truth_path, wheel_path]
        if not run.scenario.lap_m:  # a road run: the course a map gives beside it (issue 12)
            from sim.courses import write_course

            course_path = tracks / f"{b.track}.course.gpx"
            write_course(run, course_path)
            written.append(course_path)
    for stem in sorted({SCENARIOS[b.scenario].plan.file_stem for b in BUNDLED}):
        plan_path = plans / f"{stem}.toml"
        plan_path.write_text(PLANS[stem].toml(), encoding="utf-8")
        written.append(plan_path)
    from sim.workouts import write_bundled_workouts  # workouts: reps and rests with truth (issue 11)

    written += write_bundled_workouts(Path(out_dir))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.generate",
        description="Regenerate the bundled simulator tracks (GPX + .truth.json) and their plans.",
    )
    parser.add_argument(
        "--out", type=Path, default=SIM_DIR,
        help="write DIR/tracks/*.gpx, *.truth.json and DIR/plans/*.toml (default: the sim package itself)",
    )
    parser.add_argument("--wheel-error", type=float, default=WHEEL_ERROR_PCT, metavar="PCT",
                        help="the wheel files' true circumference, %% off the configured 2.105 m (default: %(default)s)")
    parser.add_argument("--wheel-dropout", action="append", default=[], metavar="START-END",
                        help="seconds from the first point without a revolution (a flat sensor battery); repeatable")
    args = parser.parse_args(argv)
    dropouts = []
    for text in args.wheel_dropout:
        a, _, b = text.partition("-")
        try:
            dropouts.append((float(a), float(b)))
        except ValueError:
            parser.error(f"--wheel-dropout: expected START-END in seconds such as 300-420, got {text!r}")
    for path in write_bundled(args.out, args.wheel_error, tuple(dropouts)):
        print(f"{path}  {path.stat().st_size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
