"""The log writer on disk: every record is in the file as soon as it is written,
fsync runs at most once per interval and at every split, and [log] is checked
like the rest of the config."""

from __future__ import annotations

from pathlib import Path

import pytest

from hw.logfile import LogWriter, default_log_dir, log_name, log_settings, make_header, read_log_file
from pacer.config import parse_config
from pacer.errors import ConfigError
from pacer.session import Session
from sim.gpx_source import load_gpx

PLAN = '[plan]\nname = "Mile"\ndistance = "1 mi"\ngoal = "4:40"\nsplit_every = "400 m"\n'


@pytest.fixture
def mile():
    return parse_config(PLAN, "mile.toml")


@pytest.fixture(scope="module")
def fixes():
    return list(load_gpx(Path(__file__).resolve().parents[2] / "sim" / "tracks" / "mile_road_1hz.gpx").fixes)


class FakeWall:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_each_record_is_in_the_file_before_the_next_is_stepped(tmp_path, mile, fixes):
    path = tmp_path / "run.jsonl"
    writer = LogWriter(path, header=make_header(mile, "first_fix", "test", 0.0))
    session = Session(mile)
    for n, fix in enumerate(fixes[:20], start=1):
        writer.write_step(fix, session.step(fix))
        assert len(read_log_file(path).steps) == n  # read by another handle, writer still open
    writer.close()


def test_fsync_at_most_once_a_second_and_at_every_split(tmp_path, mile, fixes):
    wall = FakeWall()
    writer = LogWriter(tmp_path / "run.jsonl", header=make_header(mile, "first_fix", "test", 0.0), now=wall)
    assert writer.fsyncs == 1  # the header
    session = Session(mile)
    syncing_steps = 0
    for fix in fixes:
        wall.t += 0.25  # four records a second of wall time
        status = session.step(fix)
        syncing_steps += bool(status.new_splits or status.sounds and status.sounds[0].value in ("start", "finish"))
        writer.write_step(fix, status)
    writer.close()
    wall_s = 0.25 * len(fixes)
    assert syncing_steps == 5  # the start and four splits
    assert wall_s <= writer.fsyncs - 1 <= wall_s + syncing_steps + 1  # + the close
    assert writer.records == 1 + len(fixes)


def test_the_header_keeps_the_config_file_text(tmp_path, mile):
    plan = tmp_path / "mile.toml"
    plan.write_text(PLAN)
    header = make_header(parse_config(PLAN, str(plan)), "button", "gpsd", 1.7e9)
    assert header["config_text"] == PLAN and header["start_mode"] == "button"
    assert header["software"].startswith("pacer ")
    assert make_header(mile, "button", "gpsd", 1.7e9)["config_text"] is None  # no such file: the plan still is there


def test_appending_after_a_cut_off_record_cuts_it_off_first(tmp_path, mile, fixes):
    path = tmp_path / "run.jsonl"
    writer = LogWriter(path, header=make_header(mile, "first_fix", "test", 0.0))
    session = Session(mile)
    fixes = fixes[:10]
    for fix in fixes[:5]:
        writer.write_step(fix, session.step(fix))
    writer.close()
    with open(path, "ab") as f:
        f.write(b'{"fix":{"t_s":17')  # the power went
    cut = read_log_file(path)
    assert len(cut.warnings) == 1
    writer = LogWriter(path, truncate_to=cut.good_bytes)
    for fix in fixes[5:]:
        writer.write_step(fix, session.step(fix))
    writer.close()
    log = read_log_file(path)
    assert log.warnings == [] and [s.event for s in log.steps] == fixes


def test_one_file_per_run_named_by_its_gps_start_time():
    assert log_name(1714545012.9) == "run-20240501T063012Z.jsonl"


def test_the_log_folder_is_systemds_state_directory_on_the_pi_else_the_xdg_one():
    assert default_log_dir({"STATE_DIRECTORY": "/var/lib/pacer"}) == Path("/var/lib/pacer")
    assert default_log_dir({"XDG_STATE_HOME": "/x/state", "HOME": "/home/u"}) == Path("/x/state/pacer")
    assert default_log_dir({"HOME": "/home/u"}) == Path("/home/u/.local/state/pacer")


def test_log_settings_from_the_config(mile):
    config = parse_config(PLAN + '[log]\ndir = "/data/runs"\nresume_window = "5:00"\nfsync_interval = 2\n', "p.toml")
    settings = log_settings(config, env={"HOME": "/home/u"})
    assert (settings.dir, settings.resume_window_s, settings.fsync_interval_s) == (Path("/data/runs"), 300.0, 2.0)
    defaults = log_settings(mile, env={"STATE_DIRECTORY": "/var/lib/pacer"})
    assert (defaults.dir, defaults.resume_window_s, defaults.fsync_interval_s) == (Path("/var/lib/pacer"), 600.0, 1.0)


@pytest.mark.parametrize(
    "section, message",
    [
        ('[log]\nresume = "5:00"\n', "p.toml: log.resume: unknown key; expected one of dir, resume_window, fsync_interval"),
        ('[log]\nresume_window = "5 min"\n', "p.toml: log.resume_window: "),
        ("[log]\ndir = 3\n", "p.toml: log.dir: expected a folder"),
        ("[log]\nfsync_interval = true\n", "p.toml: log.fsync_interval: expected a duration"),
    ],
)
def test_a_wrong_log_key_is_one_sentence(section, message):
    with pytest.raises(ConfigError) as e:
        log_settings(parse_config(PLAN + section, "p.toml"))
    assert str(e.value).startswith(message)
