"""The `pacer` command: the composition root, the one module that picks a world.

Each subcommand is a few lines over library functions. A `PacerError` (a bad
plan, a broken track, a wrong option) prints as one line and exits 2; nothing
a user can do should end in a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Sequence

from pacer.errors import PacerError, UsageError

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "sim"
DEFAULT_TRACK = "mile_road_1hz"
DEFAULT_PLAN = "mile_4_40"
TERMINAL_RUN_S = 20.0  # a terminal replay at the default speed takes about this long


def _bundled_track(name: str) -> Path:
    return BUNDLED_DIR / "tracks" / f"{name}.gpx"


def _bundled_plan(name: str) -> Path:
    return BUNDLED_DIR / "plans" / f"{name}.toml"


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pacer",
        description="Pace a runner's time trial from a bike: GPS in, ahead/behind schedule out.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p_plan = sub.add_parser("plan", help="print the schedule of a plan file", description="Print the schedule a plan file describes: every split mark with its target split, target elapsed time, and pace per km and per mile.")
    p_plan.add_argument("plan", metavar="PLAN.toml", help="the plan file")

    p_sim = sub.add_parser(
        "sim",
        help="replay a GPX track through the pacing loop with the screen and buzzer emulated",
        description=(
            "Replay a recorded GPX track through exactly the loop the bike runs, with the OLED and "
            "buzzer emulated, and print the split table (or JSON). With no arguments, replays a "
            "bundled 4:40 road mile in the terminal."
        ),
    )
    p_sim.add_argument("track", metavar="TRACK.gpx", nargs="?", help=f"GPX track to replay (default: the bundled {DEFAULT_TRACK})")
    p_sim.add_argument("--plan", metavar="PLAN.toml", help="the plan to pace against (default with the bundled track: its plan)")
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
    p_sim.add_argument("--via-gpsd", action="store_true", help="send the track as NMEA through a real gpsd (Debian package gpsd) and read it back with the Pi's gpsd source: the device path, off the device")
    p_sim.add_argument("--json", action="store_true", help="print one JSON document with the splits on stdout instead of the table")
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
    except PacerError as e:
        print(f"pacer: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pacer: interrupted", file=sys.stderr)
        return 130
    parser.error(f"unknown command {args.command!r}")
    return 2


def cmd_plan(args: argparse.Namespace) -> int:
    from pacer.config import load_config
    from pacer.report import schedule_table

    config = load_config(args.plan)
    print(schedule_table(config))
    return 0


def cmd_sim(args: argparse.Namespace) -> int:
    from pacer.config import load_config
    from sim.run import SimOptions, run_sim

    if args.track is None:
        track_path = _bundled_track(DEFAULT_TRACK)
        plan_path = Path(args.plan) if args.plan else _bundled_plan(DEFAULT_PLAN)
    else:
        track_path = Path(args.track)
        if not args.plan:
            plans = ", ".join(sorted(p.name for p in (BUNDLED_DIR / "plans").glob("*.toml")))
            raise UsageError(f"--plan PLAN.toml is needed to replay {track_path} (bundled plans in sim/plans/: {plans})")
        plan_path = Path(args.plan)
    display = args.display or ("none" if args.json else "terminal")
    if args.json and display == "terminal":
        raise UsageError("--json writes the splits to stdout, so --display terminal cannot share it; use --display none, png:DIR or gif:FILE")
    config = load_config(plan_path)
    options = SimOptions(
        display=display, speed=args.speed, buzzer=args.buzzer, terminal_run_s=TERMINAL_RUN_S, via_gpsd=args.via_gpsd
    )
    result = run_sim(track_path, config, options)
    if args.json:
        from pacer.report import splits_json

        print(json.dumps(splits_json(config, result.splits, result.finished, track=str(track_path), extra=result.summary), indent=2))
    else:
        from pacer.report import split_table

        print(split_table(config, result.splits, result.finished, title=f"replayed from {track_path.name}"))
        for line in result.notes:
            print(line)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    import logging

    from hw.device_config import device_config
    from hw.run import run_device, stop_on_sigterm, systemd_notifier
    from pacer.config import load_config
    from pacer.report import split_table

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    config = load_config(args.config)
    dev = device_config(config)
    result = run_device(config, dev, notify=systemd_notifier(), stop=stop_on_sigterm())
    finished = result.final is not None and result.final.phase.value == "finished"
    print(split_table(config, result.splits, finished, title="on the bike"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
