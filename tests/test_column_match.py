"""A file that is not the suite's table says so once, with its headers and what to do."""

from __future__ import annotations

import json
from collections import Counter

import pytest

import kmu_dataguard
from kmu_dataguard.cli import main
from kmu_dataguard.column_match import mismatch_message, suite_columns
from kmu_dataguard.suites import SuiteCatalog

WRONG = "Kundennummer;Firmenname;PLZ;Ort;USt-IdNr.\n10001;Muster GmbH;01067;Dresden;DE113866163\n"
CANONICAL = (
    "customer_id;name;street;postal_code;city;country;vat_id;tax_number;email;phone;iban;bic;"
    "currency;payment_terms_days;leitweg_id;blocked"
)


@pytest.fixture
def customers_spec():
    return SuiteCatalog([]).load("customers")


def _check(path, *extra):
    return ["check", str(path), "--suite", "customers", *extra]


def test_wrong_file_gives_one_error_in_text(tmp_path, capsys, customers_spec):
    path = tmp_path / "kunden.csv"
    path.write_text(WRONG, encoding="utf-8")
    assert main(_check(path, "--key", "customer_id")) == 3
    out = capsys.readouterr().out
    [line] = [ln for ln in out.splitlines() if "do not match" in ln]
    assert "ERROR     " not in out  # no per-expectation errors
    assert "not in" not in out
    wanted = suite_columns(customers_spec)
    missing = line.split("missing ", 1)[1].split(" (", 1)[0].split(", ")
    assert Counter(missing) == Counter(wanted)  # each missing column listed exactly once
    assert f"({len(wanted)} of {len(wanted)})" in line
    assert "kunden.csv: the file's columns do not match suite 'customers'" in line
    assert "the file has: Kundennummer, Firmenname, PLZ, Ort, USt-IdNr.;" in line
    assert '--map "Kundennummer=customer_id,..."' in line
    assert "connector profile (docs/profiles.md)" in line


def test_wrong_file_gives_one_error_in_json(tmp_path, capsys):
    path = tmp_path / "kunden.csv"
    path.write_text(WRONG, encoding="utf-8")
    assert main(_check(path, "--format", "json")) == 3
    document = json.loads(capsys.readouterr().out)
    [error] = document["errors"]
    assert error["check"] == "kunden"
    assert "do not match suite 'customers'" in error["message"]
    assert "the file has: Kundennummer, Firmenname, PLZ, Ort, USt-IdNr." in error["message"]
    # Only the source's own checks (rows present) ran; no suite expectation reports an error.
    expectations = document["checks"][0]["expectations"]
    assert all(e["id"].startswith("source.") and e["success"] for e in expectations)


def test_few_missing_columns_keep_one_error_per_expectation_each_printed_once(tmp_path, capsys):
    header = CANONICAL.replace(";iban;bic", "")
    row = "000123;Müller GmbH;Hauptstr. 1;01067;Dresden;DE;;;;;EUR;30;;0"
    path = tmp_path / "kunden.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    assert main(_check(path)) == 3
    out = capsys.readouterr().out
    assert "do not match" not in out
    errors = [ln.strip() for ln in out.splitlines() if "not in" in ln]
    assert {e.split(":", 1)[0] for e in errors} == {
        "ERROR     customers.iban_valid",
        "ERROR     customers.bic_valid",
        "ERROR     customers.iban_matches_bic",
    }
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert len(lines) == len(set(lines)), "a line is printed twice"


def test_threshold_is_more_than_half_of_the_suites_columns(customers_spec):
    wanted = suite_columns(customers_spec)
    half = len(wanted) // 2
    assert mismatch_message(customers_spec, wanted[: len(wanted) - half], "k.csv") is None
    message = mismatch_message(customers_spec, wanted[: len(wanted) - half - 1], "k.csv")
    assert message is not None and f"({half + 1} of {len(wanted)})" in message


def test_a_wide_export_lists_its_first_headers_only(customers_spec):
    headers = [f"Feld {i}" for i in range(45)]
    message = mismatch_message(customers_spec, headers, "k.csv")
    assert message is not None
    assert "Feld 29, and 15 more;" in message and "Feld 30" not in message


def test_a_database_table_gets_a_hint_without_map(customers_spec):
    message = mismatch_message(customers_spec, ["id", "x"], "sqlite:///erp.db (t)", is_file=False)
    assert message is not None
    assert "the table has: id, x; rename them with a connector profile" in message
    assert "--map" not in message


def test_in_a_gate_the_hint_is_a_profile_not_map(tmp_path):
    (tmp_path / "kunden.csv").write_text(WRONG, encoding="utf-8")
    (tmp_path / "dataguard.yml").write_text(
        "sources:\n  kunden: {path: kunden.csv}\n"
        "checks:\n  kunden: {source: kunden, suite: customers}\n"
        "gates:\n  invoicing: {checks: [kunden]}\n",
        encoding="utf-8",
    )
    result = kmu_dataguard.run_gate("invoicing", config=tmp_path / "dataguard.yml")
    [error] = result.errors
    assert "do not match suite 'customers'" in error.message
    assert "give the source a connector profile that maps them (docs/profiles.md)" in error.message
    assert "--map" not in error.message
