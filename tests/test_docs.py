"""The README and the help texts stay true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kmu_dataguard.cli import cli, main
from kmu_dataguard.exit_codes import ExitCode

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_exit_code_table_matches_the_code():
    rows = re.findall(r"^\| (\d) \| (\w+)", README, flags=re.MULTILINE)
    assert [int(code) for code, _ in rows] == [int(c) for c in ExitCode]
    words = {0: "pass", 1: "blocked", 2: "usage", 3: "could"}
    for code, first_word in rows:
        assert first_word.lower() == words[int(code)]


def test_readme_quick_start_is_two_commands_that_exist():
    block = README.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line for line in block.strip().splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]
    makefile = (Path(__file__).parents[1] / "Makefile").read_text()
    assert re.search(r"^demo:", makefile, re.MULTILINE)
    assert re.search(r"^test:", makefile, re.MULTILINE)
    ci = (Path(__file__).parents[1] / ".ci" / "run").read_text()
    assert "make test" in ci


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_and_is_documented(command, capsys):
    assert main([command, "--help"]) == 0
    assert len(capsys.readouterr().out) > 100
    assert f"dataguard {command}" in README
