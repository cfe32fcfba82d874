"""No data is never a pass: empty and truncated sources, old exports, stale timestamps."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from kmu_dataguard.entities import CANONICAL
from kmu_dataguard.preconditions import newest_timestamp
from kmu_dataguard.units import age_text, parse_age
from tests.conftest import write

HEADER = ";".join(CANONICAL["customers"])
ROW = "K1;Muster GmbH;Hauptstr. 1;01067;Dresden;DE" + ";" * (len(CANONICAL["customers"]) - 6)


def _source_outcomes(doc: dict) -> dict[str, dict]:
    return {
        e["id"]: e
        for c in doc["checks"]
        for e in c["expectations"]
        if e["id"].startswith("source.")
    }


# ----------------------------------------------------------------------------------- units


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("26h", 26 * 3600),
        ("2d", 2 * 86400),
        ("90m", 5400),
        ("1d12h", 36 * 3600),
        (" 1w ", 7 * 86400),
        ("1.5h", 5400),
        ("PT26H", 26 * 3600),
        ("P1DT2H", 26 * 3600),
        ("45s", 45),
    ],
)
def test_ages_are_read_in_the_usual_spellings(text: str, seconds: int) -> None:
    assert parse_age(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "26", "26x", "soon", "0h", "P", "h26", 26, None, "-1h"])
def test_ages_without_unit_or_value_are_refused(text: object) -> None:
    with pytest.raises(ValueError, match="26h"):
        parse_age(text)


def test_age_text_reads_like_what_people_set() -> None:
    assert age_text(timedelta(hours=26)) == "26 h"
    assert age_text(timedelta(days=4, hours=1)) == "4 d 1 h"
    assert age_text(timedelta(minutes=45)) == "45 min"


def test_newest_timestamp_reads_iso_german_and_offsets() -> None:
    now = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    values = [
        "2026-12-01",
        "06.12.2026 23:30",
        "2026-12-07T05:00:00Z",
        "2026-12-07 06:00:00+02:00",  # 04:00 UTC: older than the Z value
        "garbage",
        None,
        "",
    ]
    assert newest_timestamp(values, now=now) == datetime(2026, 12, 7, 5, 0, tzinfo=UTC)


def test_newest_timestamp_ignores_placeholder_dates_in_the_future() -> None:
    now = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    found = newest_timestamp(["2099-12-31", "2026-12-07T01:00:00Z"], now=now)
    assert found == datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    assert newest_timestamp(["n/a", "31.02.2026", None], now=now) is None


# ------------------------------------------------------------------------------ files (CLI)


def test_header_only_export_is_never_a_pass(tmp_path: Path, dataguard) -> None:
    path = write(tmp_path / "kunden.csv", HEADER + "\n")
    run = dataguard(
        "check", str(path), "--suite", "customers", "--key", "customer_id", "--format", "json"
    )
    assert run.code == 3
    doc = run.json()
    rows = _source_outcomes(doc)["source.rows_present"]
    assert rows["success"] is False and rows["observed_value"] == 0
    assert "holds no records" in rows["error"] and "allow_empty" in rows["error"]
    # Nothing else is claimed to have passed on no data.
    assert [e["id"] for e in doc["checks"][0]["expectations"]] == ["source.rows_present"]


def test_allow_empty_lets_an_empty_export_pass(tmp_path: Path, dataguard) -> None:
    path = write(tmp_path / "kunden.csv", HEADER + "\n")
    run = dataguard(
        "check",
        str(path),
        "--suite",
        "customers",
        "--key",
        "customer_id",
        "--allow-empty",
        "--format",
        "json",
    )
    assert run.code == 0, run.out
    assert "source.rows_present" not in _source_outcomes(run.json())


def test_rows_present_is_reported_as_a_passed_check(tmp_path: Path, dataguard) -> None:
    path = write(tmp_path / "kunden.csv", f"{HEADER}\n{ROW}\n")
    run = dataguard(
        "check", str(path), "--suite", "customers", "--key", "customer_id", "--format", "json"
    )
    rows = _source_outcomes(run.json())["source.rows_present"]
    assert rows["success"] is True and rows["observed_value"] == 1 and rows["error"] is None


def test_truncated_export_below_min_rows_is_exit_3(tmp_path: Path, dataguard) -> None:
    lines = [HEADER] + [ROW.replace("K1", f"K{i}", 1) for i in range(18)]
    path = write(tmp_path / "kunden.csv", "\n".join(lines) + "\n")
    run = dataguard(
        "check",
        str(path),
        "--suite",
        "customers",
        "--key",
        "customer_id",
        "--min-rows",
        "200",
        "--format",
        "json",
    )
    assert run.code == 3
    found = _source_outcomes(run.json())["source.min_rows"]
    assert found["observed_value"] == 18 and "fewer than min_rows 200" in found["error"]
    # The records were still judged: the steward sees them too.
    assert len(run.json()["checks"][0]["expectations"]) > 3


def test_old_export_file_is_exit_3_and_a_fresh_one_is_not(tmp_path: Path, dataguard) -> None:
    path = write(tmp_path / "kunden.csv", f"{HEADER}\n{ROW}\n")
    two_days_ago = time.time() - 2 * 86400
    os.utime(path, (two_days_ago, two_days_ago))
    args = (
        "check",
        str(path),
        "--suite",
        "customers",
        "--key",
        "customer_id",
        "--max-age",
        "26h",
        "--format",
        "json",
    )
    run = dataguard(*args)
    assert run.code == 3
    fresh = _source_outcomes(run.json())["source.file_fresh"]
    assert "older than max_age 26 h" in fresh["error"]
    os.utime(path, None)
    again = _source_outcomes(dataguard(*args).json())["source.file_fresh"]
    assert again["success"] is True and again["error"] is None


def test_stale_timestamp_column_is_exit_3(tmp_path: Path, dataguard) -> None:
    old = (datetime.now() - timedelta(hours=30)).strftime("%d.%m.%Y %H:%M")
    path = write(tmp_path / "kontakte.csv", f"contact_id;updated_at\nC1;{old}\nC2;\n")
    suite = _tiny_suite(tmp_path)
    run = dataguard(
        "check",
        str(path),
        "--suite",
        str(suite),
        "--key",
        "contact_id",
        "--fresh",
        "updated_at=26h",
        "--format",
        "json",
    )
    assert run.code == 3
    found = _source_outcomes(run.json())["source.column_fresh"]
    assert found["column"] == "updated_at" and "not refreshed" in found["error"]
    ok = dataguard(
        "check",
        str(path),
        "--suite",
        str(suite),
        "--key",
        "contact_id",
        "--fresh",
        "updated_at=2d",
        "--format",
        "json",
    )
    assert ok.code == 0, ok.out


def test_fresh_column_that_does_not_exist_is_exit_3(tmp_path: Path, dataguard) -> None:
    path = write(tmp_path / "kontakte.csv", "contact_id;updated_at\nC1;2026-01-01\n")
    run = dataguard(
        "check",
        str(path),
        "--suite",
        str(_tiny_suite(tmp_path)),
        "--fresh",
        "changed=26h",
        "--format",
        "json",
    )
    assert run.code == 3
    assert "no column 'changed'" in _source_outcomes(run.json())["source.column_fresh"]["error"]


def test_bad_age_on_the_command_line_is_a_usage_error(tmp_path: Path, dataguard) -> None:
    path = write(tmp_path / "kunden.csv", f"{HEADER}\n{ROW}\n")
    run = dataguard("check", str(path), "--suite", "customers", "--max-age", "soon")
    assert run.code == 2 and "max_age" in run.err and "26h" in run.err
    run = dataguard("check", str(path), "--suite", "customers", "--fresh", "updated_at")
    assert run.code == 2 and "COLUMN=AGE" in run.err


def _tiny_suite(tmp_path: Path) -> Path:
    return write(
        tmp_path / "tiny.json",
        '{"name": "tiny", "expectations": [{"type": "expect_column_values_to_not_be_null",'
        ' "kwargs": {"column": "contact_id"}, "severity": "critical",'
        ' "meta": {"id": "tiny.id_present"}}]}',
    )


# --------------------------------------------------------------------------- gates, databases


def test_gate_keys_in_dataguard_yml(tmp_path: Path, dataguard) -> None:
    write(tmp_path / "kunden.csv", HEADER + "\n")
    write(tmp_path / "lieferanten.csv", HEADER.replace("customer_id", "supplier_id") + "\n")
    config = write(
        tmp_path / "dataguard.yml",
        "sources:\n"
        "  kunden: {path: kunden.csv, max_age: 2d}\n"
        "  lieferanten: {path: lieferanten.csv}\n"
        "checks:\n"
        "  customers: {source: kunden, suite: customers, key: customer_id, min_rows: 1}\n"
        "  suppliers: {source: lieferanten, suite: suppliers, key: supplier_id,"
        " allow_empty: true}\n"
        "gates:\n"
        "  invoicing: {checks: [customers, suppliers]}\n",
    )
    run = dataguard("gate", "invoicing", "--config", str(config), "--format", "json")
    assert run.code == 3
    checks = {c["name"]: c for c in run.json()["checks"]}
    assert checks["customers"]["verdict"] == "error"
    assert checks["suppliers"]["verdict"] == "pass"
    ids = {e["id"] for e in checks["customers"]["expectations"]}
    assert {"source.rows_present", "source.min_rows", "source.file_fresh"} <= ids


@pytest.mark.parametrize(
    ("yaml_line", "complaint"),
    [
        ("min_rows: 0", "checks.c.min_rows"),
        ("fresh: {column: updated_at, max_age: tomorrow}", "checks.c.fresh.max_age"),
        ("fresh: {column: updated_at, max_age: 26h, severity: warning}", "checks.c.fresh.severity"),
        ("allow_empty: sometimes", "checks.c.allow_empty"),
        ("min_rows: true", "checks.c.min_rows"),
    ],
)
def test_bad_precondition_keys_are_configuration_errors(
    tmp_path: Path, dataguard, yaml_line: str, complaint: str
) -> None:
    write(tmp_path / "kunden.csv", f"{HEADER}\n{ROW}\n")
    config = write(
        tmp_path / "dataguard.yml",
        "sources:\n  s: {path: kunden.csv}\n"
        f"checks:\n  c: {{source: s, suite: customers, {yaml_line}}}\n"
        "gates:\n  g: {checks: [c]}\n",
    )
    run = dataguard("gate", "g", "--config", str(config), "--format", "json")
    assert run.code == 2
    assert complaint in run.json()["errors"][0]["message"]


def test_max_age_on_a_database_source_is_refused(tmp_path: Path, dataguard) -> None:
    config = write(
        tmp_path / "dataguard.yml",
        "sources:\n  s: {url: 'sqlite:///x.db', max_age: 26h}\n"
        "checks:\n  c: {source: s, table: t, suite: customers}\n"
        "gates:\n  g: {checks: [c]}\n",
    )
    run = dataguard("gate", "g", "--config", str(config))
    assert run.code == 2 and "max_age" in run.err and "files" in run.err


def test_empty_table_and_empty_query_are_never_a_pass(sql_database, tmp_path, dataguard) -> None:
    with sql_database.admin_engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE kunden (customer_id VARCHAR(20), changed TIMESTAMP)"))
    url = sql_database.url
    run = dataguard("check", url, "--table", "kunden", "--suite", "customers", "--format", "json")
    assert run.code == 3, run.out
    assert _source_outcomes(run.json())["source.rows_present"]["observed_value"] == 0
    with sql_database.admin_engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO kunden VALUES ('K1', '2020-01-01 00:00:00')"))
    query = "SELECT * FROM kunden WHERE customer_id = 'nobody'"
    run = dataguard("check", url, "--query", query, "--suite", "customers", "--format", "json")
    assert run.code == 3
    assert "holds no records" in _source_outcomes(run.json())["source.rows_present"]["error"]


def test_fresh_column_in_a_database_table(sql_database, tmp_path, dataguard) -> None:
    recent = (datetime.now() - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")
    with sql_database.admin_engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE kontakte (contact_id VARCHAR(20), changed TIMESTAMP)"))
        conn.execute(sa.text("INSERT INTO kontakte VALUES ('C1', '2020-01-01 00:00:00')"))
        conn.execute(sa.text(f"INSERT INTO kontakte VALUES ('C2', '{recent}')"))
    suite = str(_tiny_suite(tmp_path))
    args = (
        "check",
        sql_database.url,
        "--table",
        "kontakte",
        "--suite",
        suite,
        "--key",
        "contact_id",
        "--format",
        "json",
    )
    run = dataguard(*args, "--fresh", "changed=2h")
    assert run.code == 0, run.out
    observed = _source_outcomes(run.json())["source.column_fresh"]["observed_value"]
    assert observed is not None and observed.startswith(recent[:10])
    stale = dataguard(*args, "--fresh", "changed=30m")
    assert stale.code == 3


def test_reference_with_an_empty_side_is_never_a_pass(tmp_path: Path, dataguard) -> None:
    write(tmp_path / "kunden.csv", f"{HEADER}\n{ROW}\n")
    write(tmp_path / "kontakte.csv", "contact_id;customer_id\n")
    config = write(
        tmp_path / "dataguard.yml",
        "sources:\n  erp: {path: kunden.csv}\n  crm: {path: kontakte.csv}\n"
        "checks:\n"
        "  customers: {source: erp, suite: customers, key: customer_id}\n"
        "  contacts: {source: crm, suite: contacts, key: contact_id}\n"
        "references:\n"
        "  contacts_have_customer:\n"
        "    from: {check: contacts, column: customer_id}\n"
        "    to: {check: customers}\n"
        "gates:\n  g: {references: [contacts_have_customer]}\n",
    )
    run = dataguard("gate", "g", "--config", str(config), "--format", "json")
    assert run.code == 3
    assert "'contacts' read no records" in run.json()["errors"][0]["message"]


def test_report_shows_the_precondition_in_the_stewards_language(tmp_path: Path, dataguard):
    path = write(tmp_path / "kunden.csv", HEADER + "\n")
    report = tmp_path / "report"
    run = dataguard(
        "check", str(path), "--suite", "customers", "--report", str(report), "--lang", "de"
    )
    assert run.code == 3
    page = (report / "index.html").read_text(encoding="utf-8")
    assert "source.rows_present" in page
    assert "keine Datensätze" in page
    assert "Export fehlgeschlagen" in page


def test_sources_test_says_an_empty_source_would_not_pass(tmp_path: Path, dataguard) -> None:
    write(tmp_path / "kunden.csv", HEADER + "\n")
    config = write(
        tmp_path / "dataguard.yml",
        "sources:\n  s: {path: kunden.csv}\n"
        "checks:\n  c: {source: s, suite: customers}\n"
        "gates:\n  g: {checks: [c]}\n",
    )
    run = dataguard("sources", "test", "--config", str(config), "--format", "json")
    assert run.code == 3
    check = run.json()["sources"][0]["checks"][0]
    assert check["rows"] == 0 and "holds no records" in check["error"]
