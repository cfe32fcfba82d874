"""Shared fixtures: the demo world in tmp_path and a CLI runner that returns exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from kmu_dataguard.cli import main
from kmu_dataguard.demo.world import DemoWorld, build_world


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> dict:
        return json.loads(self.out)


@pytest.fixture
def dataguard(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run the CLI in-process through ``main`` (the real exit-code mapping)."""

    def run(*args: str) -> Run:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def world(tmp_path: Path) -> DemoWorld:
    return build_world(tmp_path / "demo")


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path
