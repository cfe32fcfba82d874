"""Shared fixtures: the demo world in tmp_path and a CLI runner that returns exit codes."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from kmu_dataguard.cli import main
from kmu_dataguard.demo.world import DemoWorld, build_world

# Real PostgreSQL and MariaDB servers (see tests/support/server_fixtures.py); dataguard serve
# under uvicorn (tests/support/service_server.py).
pytest_plugins = [
    "tests.support.server_fixtures",
    "tests.support.notify_servers",
    "tests.support.service_server",
]


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> dict:
        """The printed document; a result (or error) document must match its JSON Schema."""
        doc = json.loads(self.out)
        if isinstance(doc, dict) and "checks" in doc:
            validate_result_document(doc)
        return doc


@functools.cache
def _result_validator() -> object:
    import jsonschema

    from kmu_dataguard.outputs.json_doc import RESULT_SCHEMA

    schema = json.loads(RESULT_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def validate_result_document(doc: dict) -> None:
    """Fail unless ``doc`` is valid against the shipped ``result-v1.schema.json``."""
    _result_validator().validate(doc)  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _every_json_document_matches_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every result or error document rendered in a test is validated against the schema."""
    from kmu_dataguard.outputs import json_doc

    def checked(render: Callable[..., str]) -> Callable[..., str]:
        def render_and_validate(*args: object, **kwargs: object) -> str:
            text = render(*args, **kwargs)
            validate_result_document(json.loads(text))
            return text

        return render_and_validate

    monkeypatch.setattr(json_doc, "render_json", checked(json_doc.render_json))
    monkeypatch.setattr(json_doc, "render_error_json", checked(json_doc.render_error_json))


@pytest.fixture(autouse=True)
def _history_in_tmp(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs without ``history:`` record into a store of the test's own, never into the
    repository (``dataguard check`` would default to ``.dataguard/`` in the current folder)."""
    from kmu_dataguard.history import ENV_VAR

    store = tmp_path_factory.mktemp("history") / "history.db"
    monkeypatch.setenv(ENV_VAR, str(store))


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
