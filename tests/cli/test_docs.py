"""The README documents every command and option the CLI has (a test fails when one is not)."""

from pathlib import Path

import pytest

from pacer.cli import build_parser

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def _subparsers():
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return action.choices


@pytest.mark.parametrize("command", sorted(_subparsers()))
def test_every_command_is_in_the_readme(command):
    assert f"pacer {command}" in README


@pytest.mark.parametrize(
    "command, option",
    [(c, o) for c, p in sorted(_subparsers().items()) for a in p._actions for o in a.option_strings
     if o.startswith("--") and o != "--help"],
)
def test_every_option_is_in_the_readme(command, option):
    assert option in README, f"pacer {command} {option} is not documented in README.md"
