"""Through the CLI: every configuration error is exit 2 and, with --format json, one document.

And an ad-hoc check of a file whose name is no valid check name still runs (exit 0/1, not 2).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import write
from tests.test_config import GOOD
from tests.test_yaml_safe import BOMB


def _text(body: str) -> Callable[[Path], Path]:
    return lambda folder: write(folder / "dataguard.yml", body)


def _bytes(body: bytes) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / "dataguard.yml"
        path.write_bytes(body)
        return path

    return build


def _folder(folder: Path) -> Path:
    path = folder / "dataguard.yml"
    path.mkdir()
    return path


def _fifo(folder: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    path = folder / "dataguard.yml"
    os.mkfifo(path)
    return path


BAD_CONFIGS = {
    "alias bomb": (_text(BOMB), "aliases expand"),
    "deep flow nesting": (_text("x: " + "[" * 5000 + "]" * 5000), "nest"),
    "deep block nesting": (
        _text("".join(f"{' ' * i}k{i}:\n" for i in range(150)) + " " * 200 + "v: 1\n"),
        "nest",
    ),
    "5000-digit number": (_text("version: " + "1" * 5000 + "\n"), "number of 5000 characters"),
    "duplicate key": (_text(GOOD + "gates: {}\n"), "duplicate key 'gates'"),
    "python tag": (_text("version: !!python/object/apply:os.system [id]\n"), "!!python/object"),
    "recursive anchor": (_text("version: 1\nx: &a [*a]\n"), "inside its own anchor"),
    "binary": (_bytes(b"\x00\x01\x02\xff\xfe" * 50), "not UTF-8 text"),
    "latin-1": (_bytes("version: 1 # Übersicht\n".encode("latin-1")), "not UTF-8 text"),
    "control character": (_bytes(b"version: 1\x07\n"), "#x0007 is not allowed"),
    "folder": (_folder, "is a folder"),
    "fifo": (_fifo, "not a regular file"),
    "version true": (_text(GOOD.replace("version: 1", "version: true")), "version:"),
    "missing suites_dir": (_text("suites_dir: nowhere\n" + GOOD), "suites_dir: "),
    "name with newline": (_text(GOOD.replace("  invoicing:", '  "invoicing\\n":')), "gates."),
    "name too long": (_text(GOOD.replace("  invoicing:", f"  {'g' * 300}:")), "at most 64"),
}


@pytest.mark.parametrize("case", list(BAD_CONFIGS))
def test_config_error_is_exit_2_and_one_json_document(tmp_path, dataguard, case):
    build, expected = BAD_CONFIGS[case]
    config = build(tmp_path)
    run = dataguard("gate", "invoicing", "--config", str(config), "--format", "json")
    assert run.code == 2, run.err
    doc = json.loads(run.out)  # exactly one document: trailing data would not parse
    assert (doc["verdict"], doc["exit_code"]) == ("error", 2)
    [error] = doc["errors"]
    assert error["message"].startswith(f"{config}: ")
    assert expected in error["message"]
    assert run.err.count("\n") == 1 and run.err.startswith("dataguard: error: ")


CONTACTS = (
    "contact_id;first_name;last_name;company;email;phone;country;customer_id\n"
    "C1;Anna;Weber;Weber GmbH;weber@weber.de;+49 40 1;DE;K1\n"
)


@pytest.mark.parametrize(
    ("file_name", "check_name"),
    [
        ("Kunden Export 2024.csv", "Kunden_Export_2024"),
        ("Lieferanten-Übersicht.csv", "Lieferanten-Uebersicht"),
        ("ÄÖÜ äöü ß.csv", "AeOeUe_aeoeue_ss"),
        ("Café (neu).csv", "Cafe_neu"),
        ("€€€.csv", "input"),
        ("x" * 200 + ".csv", "x" * 64),
    ],
)
def test_ad_hoc_check_of_any_file_name_runs(tmp_path, dataguard, file_name, check_name):
    data = write(tmp_path / file_name, CONTACTS)
    run = dataguard("check", str(data), "--suite", "contacts", "--format", "json")
    assert run.code in (0, 1), run.err
    [check] = run.json()["checks"]
    assert check["name"] == check_name
    assert file_name in check["source"]
