"""The runner's light through a whole replay, on gpiozero's own RGBLED and MockFactory pins.

The 5 km with a 25 s GPS outage on a bend: every cue and every split flashes
white at its step's time, the outage blinks amber, and the three PWM pins
record exactly the colours the light's log says, nothing more.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from pacer.cli import main
from pacer.config import load_config
from pacer.light import AMBER, BLINK_S, FLASH_S, OFF, WHITE
from pacer.session import Session
from pacer.status import GpsState, Status
from sim.clock import SimClock
from sim.gpx_source import load_gpx, replay_events
from sim.light import LIGHT_PINS, SimLight
from sim.replay import replay

ROOT = Path(__file__).resolve().parents[2]
OUTAGE = ROOT / "sim" / "tracks" / "road_5k_outage_1hz.gpx"
PLAN_5K = ROOT / "sim" / "plans" / "5k_20_00.toml"


@pytest.fixture(scope="module")
def outage_run() -> tuple[SimLight, list[Status]]:
    light, statuses = SimLight(brightness=0.5), []
    session = Session(load_config(PLAN_5K), start="first_fix")
    replay(replay_events(load_gpx(OUTAGE).fixes), session, SimClock(), [statuses.append, light.feed])
    light.close()
    return light, statuses


def test_every_cue_and_split_flashes_white_at_its_step(outage_run: tuple[SimLight, list[Status]]) -> None:
    light, statuses = outage_run
    flashed_at = [s.t_s for s in statuses if s.sounds or s.new_splits]
    whites = [x.t_s for x in light.log if x.colour == WHITE]
    assert len(flashed_at) > 10 and whites == flashed_at
    after = {x.t_s: y for x, y in itertools.pairwise(light.log)}
    assert all(after[t].t_s == t + FLASH_S for t in whites)  # each flash lasts exactly a quarter second


def test_the_outage_blinks_amber_once_a_second(outage_run: tuple[SimLight, list[Status]]) -> None:
    light, statuses = outage_run
    lost = [s.t_s for s in statuses if s.gps is GpsState.LOST]
    assert lost, "the outage track must lose GPS"
    blink = [x for x in light.log if lost[0] <= x.t_s <= lost[-1] and x.colour in (AMBER, OFF)]
    assert len(blink) >= 10
    assert [x.colour for x in blink[:4]] in ([AMBER, OFF, AMBER, OFF], [OFF, AMBER, OFF, AMBER])
    edges = [b.t_s - a.t_s for a, b in itertools.pairwise(blink[1:-1])]
    assert all(gap == BLINK_S or gap == BLINK_S - FLASH_S for gap in edges), edges


def test_the_mock_pins_saw_exactly_the_logged_colours_dimmed(outage_run: tuple[SimLight, list[Status]]) -> None:
    light, _ = outage_run
    for channel, name in enumerate(LIGHT_PINS):
        logged = [round(x.colour[channel] * 0.5, 9) for x in light.log]
        changes = [v for v, _ in itertools.groupby([0.0, *logged])][1:]
        seen = [float(s.state) for s in light.pins[name].states[1:]]
        assert seen == changes, name
    assert light.log[-1].colour == OFF


def test_sim_json_lists_each_change_of_the_light(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sim", str(OUTAGE), "--plan", str(PLAN_5K), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    light = doc["light"]
    assert light[0] == {"t_s": 0.0, "colour": "white"} and light[-1]["colour"] == "off"
    assert {"white", "amber", "off"} <= {x["colour"] for x in light}
    assert [x["t_s"] for x in light] == sorted(x["t_s"] for x in light)
    assert all(a["colour"] != b["colour"] for a, b in itertools.pairwise(light))
    # every step that sounded flashed once (a split sounds SPLIT, so splits are among them)
    assert [x["t_s"] for x in light if x["colour"] == "white"] == sorted({s["t_s"] for s in doc["sounds"]})


def test_png_frames_show_the_flash_and_its_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    frames = tmp_path / "frames"
    assert main(["sim", str(ROOT / "sim" / "tracks" / "mile_road_1hz.gpx"), "--plan",
                 str(ROOT / "sim" / "plans" / "mile_4_40.toml"), "--display", f"png:{frames}", "--speed", "max"]) == 0
    index = dict(line.split() for line in (frames / "index.txt").read_text().splitlines())
    assert index["000001.png"] == "0.000" and index["000002.png"] == "0.250"  # start flash, then its end
    times = [float(t) for t in index.values()]
    assert times == sorted(set(times))  # one frame per moment: a light change at a step shows with its frame
    first, second = Image.open(frames / "000001.png").convert("RGB"), Image.open(frames / "000002.png").convert("RGB")
    assert first.size == (640, 256)
    led = (576, 128)  # the light's centre, right of the OLED, at 4x
    assert first.getpixel(led) == (255, 255, 255) and second.getpixel(led) != (255, 255, 255)
