"""--format json prints exactly one document of schema v1 on stdout."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

EXPECTATION_KEYS = {
    "id",
    "type",
    "column",
    "severity",
    "success",
    "unexpected_count",
    "unexpected_percent",
    "failing_keys",
    "failing_keys_truncated",
}


def test_json_schema_v1(world, dataguard):
    run = dataguard("gate", "invoicing", "--config", str(world.config), "--format", "json")
    doc = json.loads(run.out)  # exactly one document: json.loads rejects trailing data
    assert run.code == doc["exit_code"] == 1
    assert doc["schema_version"] == 1
    assert doc["gate"] == "invoicing"
    assert doc["verdict"] == "blocked"
    datetime.fromisoformat(doc["started_at"])
    assert isinstance(doc["duration_s"], float)
    assert doc["errors"] == []
    names = [c["name"] for c in doc["checks"]]
    assert names == ["customers", "articles", "contacts", "contacts_have_customer"]
    for check in doc["checks"]:
        assert {"name", "source", "suite", "rows", "verdict", "expectations"} <= set(check)
        assert isinstance(check["rows"], int)
        for exp in check["expectations"]:
            assert set(exp) >= EXPECTATION_KEYS
            assert exp["severity"] in ("critical", "warning")
            assert isinstance(exp["failing_keys"], list)
    failing = {
        (c["name"], k) for c in doc["checks"] for e in c["expectations"] for k in e["failing_keys"]
    }
    assert {(d.check, d.key) for d in world.defects} <= failing


def test_failing_keys_are_the_key_column_values(world, dataguard):
    doc = dataguard("gate", "invoicing", "--config", str(world.config), "--format", "json").json()
    customers = next(c for c in doc["checks"] if c["name"] == "customers")
    by_id = {e["id"]: e for e in customers["expectations"]}
    name = by_id["customers.name_present"]
    assert name["success"] is False
    assert name["failing_keys"] == ["K10004"]
    assert name["unexpected_count"] == 1
    assert round(name["unexpected_percent"], 2) == round(100 / 60, 2)


def test_max_keys_truncates_and_says_so(world, dataguard):
    import sqlite3

    with sqlite3.connect(world.database) as conn:
        conn.execute("UPDATE customers SET currency = 'XXX1' WHERE rowid <= 25")
    conn.close()
    doc = dataguard(
        "gate", "invoicing", "--config", str(world.config), "--format", "json", "--max-keys", "5"
    ).json()
    customers = next(c for c in doc["checks"] if c["name"] == "customers")
    currency = next(e for e in customers["expectations"] if e["id"] == "customers.currency_valid")
    assert currency["unexpected_count"] == 25
    assert len(currency["failing_keys"]) == 5
    assert currency["failing_keys_truncated"] is True


def test_config_error_in_json_mode_is_still_one_document(world, dataguard):
    run = dataguard("gate", "ghost", "--config", str(world.config), "--format", "json")
    assert run.code == 2
    doc = run.json()
    assert doc["verdict"] == "error"
    assert doc["exit_code"] == 2
    assert "ghost" in doc["errors"][0]["message"]


@pytest.mark.parametrize(
    "args",
    [
        ["gate", "invoicing", "--fail-on", "sometimes", "--format", "json"],
        ["check", "x.csv", "--suites-dir", "/no/such/folder", "--format=json"],
        ["check", "x.csv", "--max-keys", "0", "--format", "json"],
    ],
)
def test_usage_errors_still_print_one_json_document(dataguard, args):
    run = dataguard(*args)
    assert run.code == 2
    doc = json.loads(run.out)
    assert doc["verdict"] == "error" and doc["exit_code"] == 2
    assert doc["errors"][0]["message"]
    assert len(run.err.strip().splitlines()) == 1
