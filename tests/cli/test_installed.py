"""pacer installed, not only checked out: a wheel built from the sources, pip-installed into a
fresh venv outside the repository, runs the bundled replay and prints a bundled plan.

This is what a user gets from `pip install`: the bundled tracks and plans must be
package data, and nothing may reach back into the checkout. It needs the package
index (or pip's cache) for the dependencies, and runs in CI like every test.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "pacer", "hw", "sim")  # what the wheel is built from


def run(argv: list[str | Path], cwd: Path, timeout_s: float = 300) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout_s)
    assert done.returncode == 0, f"{argv[0]} ... failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with pacer installed from a wheel; returns its bin folder."""
    work = tmp_path_factory.mktemp("install")
    src = work / "src"  # a copy, so the build leaves no build/ or egg-info in the checkout
    for name in SOURCES:
        item = ROOT / name
        if item.is_dir():
            shutil.copytree(item, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            src.mkdir(exist_ok=True)
            shutil.copy2(item, src / name)
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", work / "dist", src], cwd=work)
    wheel = next((work / "dist").glob("pacer-*.whl"))
    run([sys.executable, "-m", "venv", work / "venv"], cwd=work)
    bin_dir = work / "venv" / "bin"
    run([bin_dir / "python", "-m", "pip", "install", "--quiet", wheel], cwd=work)
    shutil.rmtree(src)  # whatever runs now can only use what was installed
    return bin_dir


@pytest.mark.install
def test_the_installed_pacer_is_the_wheels_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    where = run([installed / "python", "-c", "import pacer, sim; print(pacer.__file__); print(sim.__file__)"], cwd=tmp_path)
    assert all(str(installed.parent) in line and str(ROOT) not in line for line in where.splitlines())


@pytest.mark.install
def test_the_installed_pacer_replays_its_bundled_mile(installed: Path, tmp_path: Path) -> None:
    out = run([installed / "pacer", "sim", "--speed", "max", "--display", "none", "--json"], cwd=tmp_path)
    doc = json.loads(out)
    assert doc["finished"] and [s["kind"] for s in doc["splits"]] == ["mark", "mark", "mark", "finish"]
    assert doc["light"] and doc["buzzer"]["changes"]


@pytest.mark.install
def test_the_installed_pacer_prints_a_bundled_plan_by_name(installed: Path, tmp_path: Path) -> None:
    out = run([installed / "pacer", "plan", "5k_20_00"], cwd=tmp_path)
    assert out.splitlines()[0] == "5k in 20:00: 5 km in 20:00.0" and out.count(" km ") >= 5, out
