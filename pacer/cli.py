"""The `pacer` command: the composition root, the one module that picks a world.

Each subcommand is a few lines over library functions. A `PacerError` (a bad
plan, a broken track, a wrong option) prints as one line and exits 2; nothing
a user can do should end in a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path
from typing import Sequence

from pacer.errors import PacerError, UsageError, file_problem, one_line

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "sim"
DEFAULT_TRACK = "mile_road_1hz"
DEFAULT_PLAN = "mile_4_40"
TERMINAL_RUN_S = 20.0  # a terminal replay at the default speed takes about this long


def _bundled_track(name: str) -> Path:
    return BUNDLED_DIR / "tracks" / f"{name}.gpx"


def _bundled_plan(name: str) -> Path:
    return BUNDLED_DIR / "plans" / f"{name}.toml"


def _user_or_bundled(text: str, kind: str, suffix: str) -> Path:
    """The file the user named; failing that, the bundled one of that name (`mile_4_40`),
    so an installed pacer can use its plans and tracks without knowing where they live."""
    path = Path(text)
    bundled = BUNDLED_DIR / kind / (text if text.endswith(suffix) else text + suffix)
    return bundled if not path.exists() and path.name == text and bundled.is_file() else path


def _parse_speed(text: str) -> float:
    if text == "max":
        return math.inf
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number such as 10 or 'max', got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive speed-up factor, got {text!r}")
    return value


def _parse_press(text: str) -> tuple[float, str]:
    """'612.3:lap' -> (612.3, 'lap'): a press T seconds from the track's first point."""
    t, _, button = text.partition(":")
    try:
        t_s = float(t)
    except ValueError:
        t_s = -1.0
    if button not in ("start", "lap", "stop", "mark") or not (t_s >= 0 and math.isfinite(t_s)):
        raise argparse.ArgumentTypeError(
            f"expected T:BUTTON, seconds from the track's first point and start, lap, stop or mark (such as 612.5:lap), got {text!r}"
        )
    return t_s, button


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pacer",
        description="Pace a runner's time trial from a bike: GPS in, ahead/behind schedule out.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p_plan = sub.add_parser("plan", help="print the schedule of a plan file", description="Print the schedule a plan file describes: every split mark with its target split, target elapsed time, and pace per km and per mile.")
    p_plan.add_argument("plan", metavar="PLAN.toml", help="the plan file, or the name of a bundled plan (mile_4_40)")

    p_sim = sub.add_parser(
        "sim",
        help="replay a recording (FIT, TCX, GPX, NMEA; .gz too) through the pacing loop, screen, buzzer and light emulated",
        description=(
            "Replay a recording (FIT, TCX or GPX, an NMEA log through a real gpsd; gzipped or not) through "
            "exactly the loop the bike runs, with the OLED, buzzer and runner's light emulated, and print the "
            "split table (or JSON). With no arguments, replays a bundled 4:40 road mile in the terminal."
        ),
    )
    p_sim.add_argument("track", metavar="TRACK", nargs="?", help=f"the recording to replay: .fit, .tcx, .gpx, .nmea or gpsd .log, each also .gz; told by content (default: the bundled {DEFAULT_TRACK})")
    p_sim.add_argument("--plan", metavar="PLAN.toml", help="the plan to pace against, a file or a bundled plan's name (default with the bundled track: its plan)")
    p_sim.add_argument("--speed", type=_parse_speed, metavar="N|max", help="replay N times faster than real time, or 'max' (default: a whole run in ~20 s in the terminal; max otherwise)")
    p_sim.add_argument("--display", default=None, metavar="terminal|none|png:DIR|gif:FILE", help="where the emulated OLED shows its frames (default: terminal, or none with --json)")
    p_sim.add_argument("--buzzer", choices=("active", "tonal"), default="active", help="emulate an active buzzer (gpiozero Buzzer) or a passive one (TonalBuzzer)")
    p_run = sub.add_parser(
        "run",
        help="pace on the bike: gpsd, OLED, buzzer and buttons (the Pi's main loop)",
        description="The on-device loop: read fixes from gpsd, pace against the plan, show it on the OLED and "
        "buzzer. Runs off the Pi with GPIOZERO_PIN_FACTORY=mock and display = \"none\".",
    )
    p_run.add_argument("--config", default="/etc/pacer/pacer.toml", metavar="PACER.toml", help="plan and [device] wiring (default: %(default)s)")
    p_sim.add_argument("--via-gpsd", action="store_true", help="send the track as NMEA through a real gpsd (Debian package gpsd) and read it back with the Pi's gpsd source: the device path, off the device (always so for an NMEA log)")
    p_sim.add_argument("--json", action="store_true", help="print one JSON document with the splits on stdout instead of the table")
    p_sim.add_argument("--press", type=_parse_press, action="append", default=[], metavar="T:BUTTON", help="a button the rider pressed, replayed: T seconds from the track's first point, BUTTON start, lap, stop or mark (the bike is at a km/mile board: snap to it) (repeat it)")
    p_sim.add_argument("--wheel", metavar="WHEEL.csv", help="replay the bike's wheel beside the track: a CSV with a t_s column, one row per revolution, seconds from the track's first point (the generator writes one beside each track); the plan's [device] wheel_circumference is the starting circumference")
    p_sim.add_argument("--log", metavar="FILE.jsonl", help="write the run log (every event and status, as on the bike) to FILE; read it with `pacer report`")
    p_report = sub.add_parser(
        "report",
        help="the split table of a run log, and a pace chart, GPX or CSV of it",
        description="Read a run log (written by `pacer run` on the bike, or `pacer sim --log`) and print the split "
        "table; optionally chart pace over distance against the plan, and export the run as GPX and the splits as CSV.",
    )
    p_report.add_argument("log", metavar="LOG.jsonl", help="the run log")
    p_report.add_argument("--plot", metavar="FILE.png", help="chart of pace against the target, and ahead/behind, over distance (needs matplotlib)")
    p_report.add_argument("--gpx", metavar="FILE.gpx", help="the run from start to finish as GPX 1.1 (time, position, elevation)")
    p_report.add_argument("--csv", metavar="FILE.csv", help="the splits (a workout: the reps and rests) as CSV")
    p_report.add_argument("--journal", metavar="FILE.md", help="append a Markdown journal entry: date, plan, the table, totals, and headed blanks for the runner's notes")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "plan":
            return cmd_plan(args)
        if args.command == "sim":
            return cmd_sim(args)
        if args.command == "run":
            return cmd_run(args)
        if args.command == "report":
            return cmd_report(args)
    except PacerError as e:
        print(f"pacer: error: {one_line(e)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pacer: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`pacer plan ... | head`): what it wanted it has. Point
        # stdout at nothing so the interpreter's own flush at exit does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    parser.error(f"unknown command {args.command!r}")
    return 2


def cmd_plan(args: argparse.Namespace) -> int:
    from pacer.config import load_config
    from pacer.report import schedule_table

    config = load_config(_user_or_bundled(args.plan, "plans", ".toml"))
    if config.workout is not None:
        from pacer.workout_report import workout_schedule

        print(workout_schedule(config))
        return 0
    print(schedule_table(config))
    return 0


def cmd_sim(args: argparse.Namespace) -> int:
    from pacer.config import load_config
    from sim.run import SimOptions, run_sim

    if args.track is None:
        track_path = _bundled_track(DEFAULT_TRACK)
        plan_path = _user_or_bundled(args.plan, "plans", ".toml") if args.plan else _bundled_plan(DEFAULT_PLAN)
    else:
        track_path = _user_or_bundled(args.track, "tracks", ".gpx")
        if not args.plan:
            plans = ", ".join(sorted(p.name for p in (BUNDLED_DIR / "plans").glob("*.toml")))
            raise UsageError(f"--plan PLAN.toml is needed to replay {track_path} (bundled plans: {plans})")
        plan_path = _user_or_bundled(args.plan, "plans", ".toml")
    display = args.display or ("none" if args.json else "terminal")
    if args.json and display == "terminal":
        raise UsageError("--json writes the splits to stdout, so --display terminal cannot share it; use --display none, png:DIR or gif:FILE")
    config = load_config(plan_path)
    options = SimOptions(
        display=display, speed=args.speed, buzzer=args.buzzer, terminal_run_s=TERMINAL_RUN_S, via_gpsd=args.via_gpsd,
        log=args.log, presses=tuple(args.press), wheel=args.wheel,
    )
    result = run_sim(track_path, config, options)
    if config.workout is not None and not args.json:
        from pacer.workout_report import reps_table

        print(reps_table(config, result.reps, title=f"replayed from {track_path.name}"))
        for line in result.notes:
            print(line)
        return 0
    if args.json:
        from pacer.report import splits_json

        print(json.dumps(splits_json(config, result.splits, result.finished, track=str(track_path), extra=result.summary), indent=2, allow_nan=False))
    else:
        from pacer.report import split_table

        print(split_table(config, result.splits, result.finished, title=f"replayed from {track_path.name}"))
        from pacer.runreport import corrections_lines

        for line in corrections_lines(result.corrections, config.display.pace_unit):
            print(line)
        for line in result.notes:
            print(line)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    import logging

    from hw.device_config import device_config
    from hw.logfile import log_settings
    from hw.recorder import DeviceRecorder
    from hw.run import run_device, stop_on_sigterm, systemd_notifier
    from pacer.config import load_config
    from pacer.report import split_table

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    config = load_config(args.config)
    dev = device_config(config)
    logs = log_settings(config)
    recorder = DeviceRecorder(config, dev.start, logs)
    result = run_device(config, dev, notify=systemd_notifier(), stop=stop_on_sigterm(), recorder=recorder,
                        wheel_store_dir=logs.dir)  # the wheel's circumference is kept beside the logs
    finished = result.final is not None and result.final.phase.value == "finished"
    if config.workout is not None:
        from pacer.workout_report import reps_table

        print(reps_table(config, list(getattr(recorder.session, "records", [])), title="on the bike"))
        return 0
    print(split_table(config, result.splits, finished, title="on the bike"))
    if result.wheel is not None:
        w = result.wheel
        print(f"wheel ({w['source']}, {w['state']}): circumference {w['circumference_m']:.4f} m "
              f"+- {w['circumference_sigma_m']:.4f}, started from {w['circumference_start_m']:.4f} m")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from hw.logfile import read_log_file
    from pacer.report import split_table

    path = Path(args.log)
    try:
        log = read_log_file(path)
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(file_problem(path, "log", e, expected="a run log file (run-*.jsonl)")) from None
    for warning in log.warnings:
        print(f"pacer: warning: {warning}", file=sys.stderr)
    from pacer.workout_log import append_journal, journal_entry, workout_of_log

    workout = workout_of_log(log)
    if args.journal:
        append_journal(args.journal, journal_entry(log, workout))
    if workout is not None:
        return _report_workout(args, log, workout, path)
    print(split_table(log.config, log.splits, log.finished, title=f"from {path.name}"))
    from pacer.runreport import corrections_lines

    for line in corrections_lines(log, log.config.display.pace_unit):
        print(line)
    if args.csv:
        from pacer.runreport import splits_csv

        _write_output(args.csv, splits_csv(log.splits))
    if args.gpx:
        from hw.logfile import software_version
        from pacer.runreport import run_gpx

        _write_output(args.gpx, run_gpx(log, creator=software_version()))
    if args.plot:
        try:
            from pacer.chart import pace_chart
        except ImportError:
            raise UsageError("--plot needs matplotlib (pip install 'pacer[sim]')") from None
        fig = pace_chart(log, title=path.name)
        try:
            fig.savefig(args.plot, format="png")
        except OSError as e:
            raise UsageError(f"{args.plot}: cannot write the chart ({e.strerror or e})") from None
    return 0


def _report_workout(args: argparse.Namespace, log: object, workout: object, path: Path) -> int:
    """`pacer report` of a workout: the reps table, and the reps as CSV or a shaded chart."""
    from pacer.workout_report import reps_csv, reps_table

    print(reps_table(workout.config, workout.records, title=f"from {path.name}"))  # type: ignore[attr-defined]
    if args.csv:
        _write_output(args.csv, reps_csv(workout.records, workout.first_t_s))  # type: ignore[attr-defined]
    if args.gpx:
        from hw.logfile import software_version
        from pacer.runreport import run_gpx

        _write_output(args.gpx, run_gpx(log, creator=software_version()))  # type: ignore[arg-type]
    if args.plot:
        try:
            from pacer.workout_chart import workout_chart
        except ImportError:
            raise UsageError("--plot needs matplotlib (pip install 'pacer[sim]')") from None
        fig = workout_chart(log, workout, title=path.name)  # type: ignore[arg-type]
        try:
            fig.savefig(args.plot, format="png")
        except OSError as e:
            raise UsageError(f"{args.plot}: cannot write the chart ({e.strerror or e})") from None
    return 0


def _write_output(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as e:
        raise UsageError(f"{path}: cannot write it ({e.strerror or e})") from None


if __name__ == "__main__":
    sys.exit(main())
