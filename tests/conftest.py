"""Shared fixtures: the demo world in tmp_path and a CLI runner that returns exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from kmu_dataguard.cli import main
from kmu_dataguard.demo.world import DemoWorld, build_world

# Real PostgreSQL and MariaDB servers (see tests/server_fixtures.py).
pytest_plugins = ["tests.server_fixtures"]


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


@pytest.fixture
def datev_records() -> list[dict[int, object]]:
    return [
        {  # debtor, company
            1: 10001,
            2: "Verwaltung NORDCAPITAL Schiffsportfolio 4 GmbH",
            7: "2",
            8: "NORDCAPITAL",
            9: "DE",
            10: "113866163",
            16: "Cremon 3",
            18: "20457",
            19: "Hamburg",
            20: "DE",
            29: "+49 40 123456",
            33: "info@nordcapital.example",
            45: "DE89370400440532013000",
            47: "AGBMDEMM",
            99: "K-000123",
            100: "22/815/08154",
            110: 30,
            245: 0,
        },
        {  # debtor, natural person, Saxon PLZ with leading zero
            1: 10002,
            4: "Weiß",
            5: "Jürgen",
            7: "1",
            16: "Fußweg 1",
            18: "01067",
            19: "Dresden",
            20: "DE",
        },
        {  # creditor
            1: 70001,
            2: "Schmidts Tivoli Gastspiel GmbH",
            7: "2",
            9: "DE",
            10: "DE231969187",
            16: "Spielbudenplatz 27-28",
            18: "20359",
            19: "Hamburg",
            20: "DE",
            112: 14,
        },
        {  # creditor, name "keine Angabe"
            1: 99999,
            6: "Müller & Söhne",
            7: "0",
            16: "Hauptstraße 5",
            18: "20354",
            19: "Hamburg",
            20: "DE",
        },
    ]
