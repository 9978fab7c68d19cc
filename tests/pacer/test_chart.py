"""The after-run chart, for a real recorded run: pace against the target over
distance, ahead/behind below it, the splits marked."""

from __future__ import annotations

import math

import pytest
from PIL import Image

from hw.logfile import read_log_file
from pacer.chart import pace_chart
from pacer.cli import main
from tests.conftest import need_realdata

RUN = ("gpx", "road_run_9k_fenix2_spike.gpx")  # 47 min, 9 km, 1 Hz, GPS jumps at the start; paced as 8 km


@pytest.fixture(scope="module")
def real_log(tmp_path_factory):
    run = need_realdata(*RUN)  # skips saying where it looked (PACER_REALDATA), fails in CI
    folder = tmp_path_factory.mktemp("chart")
    plan = folder / "9k.toml"
    plan.write_text('[plan]\nname = "8 km tempo"\ndistance = "8 km"\ngoal = "40:00"\nsplit_every = "1 km"\n')
    log = folder / "run.jsonl"
    assert main(["sim", str(run), "--plan", str(plan), "--display", "none", "--log", str(log)]) == 0
    return log


def test_the_chart_of_a_real_run_is_written_as_png(real_log, tmp_path, capsys):
    png = tmp_path / "pace.png"
    assert main(["report", str(real_log), "--plot", str(png)]) == 0
    image = Image.open(png)
    assert image.format == "PNG" and image.size == (1000, 650)
    assert len(image.convert("RGB").getcolors(1 << 20)) > 50  # lines, fills and text, not a blank canvas


def test_the_chart_holds_pace_target_delta_and_the_splits(real_log):
    log = read_log_file(real_log)
    fig = pace_chart(log)
    pace_ax, delta_ax = fig.axes[:2]
    lines = {ln.get_label(): ln for ln in pace_ax.get_lines()}
    actual, average, target = lines["pace, live (device estimate)"], lines["pace, 30 s average"], lines["target"]
    running = sum(st.status.phase.value == "running" for st in log.steps)
    assert len(actual.get_xdata()) >= running > 2000
    assert list(target.get_ydata()) == pytest.approx([300.0] * len(actual.get_xdata()))  # s/km, even plan
    steady = [p for p in average.get_ydata()[600:1800] if math.isfinite(p)]  # 2 to 6 km, no stops
    assert 240 < sum(steady) / len(steady) < 300  # ran it at about 4:30/km
    assert pace_ax.yaxis_inverted()  # faster is up
    marks = [ln for ln in delta_ax.get_lines() if ln.get_linestyle() == ":"]
    assert log.finished and len(log.splits) == 8 and len(marks) == 8
    assert [t.get_text().split("\n")[1] for t in delta_ax.texts] == [f"{s.delta_s:+.1f}" for s in log.splits]
    assert len(delta_ax.collections) == 2  # ahead and behind fills
    lo, hi = sorted(pace_ax.get_ylim())
    assert 200 < lo < 270 and 300 < hi < 720  # the run and the plan, not the GPS spikes of the start
