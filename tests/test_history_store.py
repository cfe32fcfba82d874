"""The run history store: recorded runs, comparison with the last run, fail-closed failures.

Real stores only: SQLite files and a throw-away PostgreSQL server (tests/support/servers.py).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from kmu_dataguard.demo.world import DemoWorld
from kmu_dataguard.history import ENV_VAR, history_url, open_store, schema
from kmu_dataguard.history.keys import pack_keys, unpack_keys
from kmu_dataguard.runner import run_gate
from tests.support.fixing import fix_defect
from tests.support.history_stores import store_of_version


def test_a_fixed_record_shows_as_fixed_against_the_previous_run(world: DemoWorld) -> None:
    first = run_gate("invoicing", world.config)
    assert first.run_id and first.checks[0].history is not None
    assert first.checks[0].history.previous_run is None  # nothing to compare with yet
    key = fix_defect(world, "customers", "currency")

    second = run_gate("invoicing", world.config)
    customers = next(c for c in second.checks if c.name == "customers")
    assert customers.history is not None
    assert customers.history.previous_run == first.run_id
    assert customers.history.fixed == 1
    assert customers.history.new_keys == set()
    assert [p.run_id for p in customers.history.trend] == [first.run_id]
    doc = second.to_dict()["checks"][0]["history"]
    assert doc == {"previous_run": first.run_id, "new_failing": 0, "fixed": 1, "complete": True}
    assert key not in {k for e in customers.expectations for k in e.failing_keys}


def test_a_new_defect_is_new_and_the_default_store_is_beside_the_config(
    world: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_VAR)
    run_gate("invoicing", world.config)
    with sqlite3.connect(world.database) as conn:
        conn.execute("UPDATE customers SET currency = 'Euro' WHERE customer_id = 'K10001'")
    second = run_gate("invoicing", world.config)
    customers = next(c for c in second.checks if c.name == "customers")
    assert customers.history is not None and customers.history.new_keys == {"K10001"}
    store = world.folder / ".dataguard" / "history.db"
    with sqlite3.connect(store) as conn:
        assert conn.execute("SELECT count(*) FROM dg_runs").fetchone() == (2,)
        rows = conn.execute("SELECT rows FROM dg_checks WHERE name = 'customers'").fetchall()
    assert rows == [(customers.rows,)] * 2


def test_history_off_records_nothing(world: DemoWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR)
    text = world.config.read_text(encoding="utf-8")
    world.config.write_text("history: off\n" + text, encoding="utf-8")
    result = run_gate("invoicing", world.config)
    assert result.run_id is None and result.exit_code == 1
    assert result.checks[0].history is None
    assert not (world.folder / ".dataguard").exists()


def test_the_environment_variable_is_only_the_default(tmp_path: Path) -> None:
    env = {ENV_VAR: "off"}
    assert history_url(None, tmp_path, env) is None
    assert history_url("h.db", tmp_path, env) == f"sqlite:///{(tmp_path / 'h.db').resolve()}"
    assert history_url(False, tmp_path, {}) is None
    assert history_url(None, tmp_path, {}).endswith("/.dataguard/history.db")
    url = "postgresql://u:pw@db/h"
    assert history_url(url, tmp_path, {}) == url


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda p: p.write_bytes(b"this is not a database" * 100), "damaged"),
        (lambda p: store_of_version(p, schema.SCHEMA_VERSION + 5), "newer kmu-dataguard"),
    ],
    ids=["corrupt", "newer"],
)
def test_a_store_that_cannot_be_used_makes_the_gate_exit_3(
    world: DemoWorld, dataguard, damage, expected: str, tmp_path: Path
) -> None:
    store = tmp_path / "bad" / "history.db"
    store.parent.mkdir()
    damage(store)
    before = store.read_bytes()
    text = world.config.read_text(encoding="utf-8")
    world.config.write_text(f"history: {store}\n" + text, encoding="utf-8")

    run = dataguard("gate", "invoicing", "--config", str(world.config), "--format", "json")
    assert run.code == 3
    doc = run.json()
    assert doc["verdict"] == "error" and doc["run_id"] is None
    message = doc["errors"][-1]["message"]
    assert str(store) in message and expected in message and "history: off" in message
    assert doc["checks"], "the data is still validated and reported"
    assert store.read_bytes() == before, "nothing lost: the damaged store is left as it was"


def test_an_unwritable_store_location_exits_3(world: DemoWorld, dataguard, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    text = world.config.read_text(encoding="utf-8")
    world.config.write_text(f"history: {blocker}/history.db\n" + text, encoding="utf-8")
    run = dataguard("gate", "invoicing", "--config", str(world.config))
    assert run.code == 3
    assert "history store" in run.out + run.err and "a-file" in run.out + run.err


def test_a_store_locked_longer_than_the_timeout_exits_3(
    world: DemoWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kmu_dataguard.history import store as store_module

    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 1)
    path = tmp_path / "locked.db"
    monkeypatch.setenv(ENV_VAR, str(path))
    run_gate("invoicing", world.config)  # creates the store
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        result = run_gate("invoicing", world.config)
    finally:
        holder.close()
    assert result.exit_code == 3
    assert any("locked" in e.message for e in result.errors)
    with sqlite3.connect(path) as conn:  # the first run is still there, the second is not
        assert conn.execute("SELECT count(*) FROM dg_runs").fetchone() == (1,)


def test_keys_survive_packing() -> None:
    keys = ["K1", "K 2", "a,b", "line\nbreak", "Ümlaut", "K1"]
    assert unpack_keys(pack_keys(keys)) == set(keys)
    assert pack_keys([]) is None and unpack_keys(None) == set()


def test_every_older_schema_migrates_to_the_current_one(tmp_path: Path) -> None:
    for version in range(schema.SCHEMA_VERSION):
        path = tmp_path / f"v{version}.db"
        store_of_version(path, version)
        if version >= 1:
            _record_a_run(path, f"run-of-v{version}")
        with open_store(f"sqlite:///{path}") as store:
            assert store.version() == schema.SCHEMA_VERSION
            if version >= 1:  # nothing lost: the run recorded before is still there
                (point,) = store.trend("invoicing")["customers"]
                assert (point.run_id, point.rows, point.failing_records) == (
                    f"run-of-v{version}",
                    60,
                    8,
                )
        engine = sa.create_engine(f"sqlite:///{path}")
        with engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
            salt = conn.execute(
                sa.select(schema.meta.c.value).where(schema.meta.c.key == schema.VALUE_SALT)
            ).scalar()
        engine.dispose()
        assert {t.name for t in schema.metadata.sorted_tables} <= tables
        assert salt is not None and len(bytes.fromhex(salt)) == 16


def _record_a_run(path: Path, run_id: str) -> None:
    """A run as version 1 recorded it: rows in dg_runs and dg_checks only."""
    engine = sa.create_engine(f"sqlite:///{path}")
    moment = datetime(2026, 1, 5, 6, 0)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(schema.runs).values(
                run_id=run_id, subject="invoicing", gate="invoicing", started_at=moment,
                finished_at=moment, duration_s=1.0, verdict="blocked", exit_code=1,
                fail_on="critical", tool_version="0.1", config_hash="x", host="h", errors="[]",
            )
        )  # fmt: skip
        conn.execute(
            sa.insert(schema.checks).values(
                run_id=run_id, name="customers", source="erp", suite="customers",
                key_column="customer_id", rows=60, verdict="blocked", failing_records=8,
                keys_complete=True, errors="[]",
            )
        )  # fmt: skip
    engine.dispose()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_eight_gates_at_once_are_all_recorded(
    world: DemoWorld, kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if kind == "postgresql":
        url = request.getfixturevalue("pg_database").url
    else:
        url = f"sqlite:///{tmp_path / 'shared.db'}"
    text = world.config.read_text(encoding="utf-8")
    world.config.write_text(f"history: '{url}'\n" + text, encoding="utf-8")
    command = [sys.executable, "-m", "kmu_dataguard", "gate", "invoicing", "--config"]
    procs = [
        subprocess.Popen(
            [*command, str(world.config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        for _ in range(8)
    ]
    results = [(p.wait(timeout=300), p.stderr.read().decode()) for p in procs]  # type: ignore[union-attr]
    for p in procs:
        p.stderr.close()  # type: ignore[union-attr]
    assert [code for code, _ in results] == [1] * 8, results
    with open_store(url) as store:
        trend = store.trend("invoicing", limit=100)
    assert len(trend["customers"]) == 8
    assert len({p.run_id for p in trend["customers"]}) == 8


@pytest.mark.parametrize("kind", ["postgresql", "mariadb"])
def test_a_large_run_round_trips_through_a_server_store(
    kind: str, request: pytest.FixtureRequest
) -> None:
    """50 000 failing keys (a packed list far beyond MariaDB's 64 KB BLOB) come back whole."""
    from datetime import UTC, datetime

    from kmu_dataguard.exit_codes import ExitCode
    from kmu_dataguard.results import (
        CheckResult,
        ExpectationOutcome,
        GateResult,
        Severity,
        Verdict,
    )

    fixture = "pg_database" if kind == "postgresql" else "mariadb_database"
    url = request.getfixturevalue(fixture).url
    keys = [f"K{i:07d}" for i in range(0, 500_000, 10)]
    outcome = ExpectationOutcome(
        id="customers.iban_valid", type="expect_column_values_to_be_valid_iban", column="iban",
        severity=Severity.CRITICAL, success=False, unexpected_count=len(keys),
        failing_keys=keys, verdict=Verdict.BLOCKED,
    )  # fmt: skip
    check = CheckResult("customers", "erp", "customers", "customer_id", rows=500_000,
                        expectations=[outcome], verdict=Verdict.BLOCKED)  # fmt: skip
    started = datetime.now(UTC)
    result = GateResult(gate="invoicing", verdict=Verdict.BLOCKED, exit_code=ExitCode.BLOCKED,
                        started_at=started, duration_s=1.0, fail_on=Severity.CRITICAL,
                        checks=[check], run_id="r-large")  # fmt: skip
    with open_store(url) as store:
        store.record(result, subject="invoicing", config_hash="x", version="t")
        previous = store.previous_check("invoicing", "customers", datetime.now(UTC))
    assert previous is not None and previous.keys == set(keys)
    assert previous.failing_records == len(keys) and previous.complete
