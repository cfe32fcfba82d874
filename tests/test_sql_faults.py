"""Database faults while a gate reads or validates: one clear line, exit 3, never a pass.

A server is stopped, or the reading connection killed, while a query of the gate runs on it;
the query sleeps on the server (``pg_sleep``/``SLEEP``) so the fault reliably lands mid-read.
Servers that are stopped are throw-away ones started by the test, never the shared session ones.
Every wait is bounded: a source ``statement_timeout`` and the subprocess timeouts end a test that
missed its moment.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from kmu_dataguard.errors import ConfigError
from kmu_dataguard.sources import sql
from kmu_dataguard.sources.sql import errors as sql_errors
from tests.conftest import write
from tests.support.server_fixtures import _server_database, _start
from tests.support.servers import MariaDBServer, PostgresServer, ServerDatabase

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ("customer_id", "name", "street", "postal_code", "city", "country")
SLEEP_S = 4  # how long each query of the gate sleeps on the server
BOUND_S = 60  # no test waits longer than this for anything


def load(db: ServerDatabase, rows: int = 200) -> None:
    with db.admin_engine.begin() as conn:
        cols = ", ".join(f"{c} VARCHAR(60)" for c in COLUMNS)
        conn.exec_driver_sql(f"CREATE TABLE customers ({cols})")
        marks = ", ".join("%s" for _ in COLUMNS)
        data = [(f"K-{i}", f"Firma {i}", "Ring 1", "20457", "Hamburg", "DE") for i in range(rows)]
        conn.exec_driver_sql(f"INSERT INTO customers VALUES ({marks})", data)


def sleepy_query(dialect: str, seconds: float = SLEEP_S) -> str:
    """Every execution of this SELECT sleeps once on the server (not for WHERE 1 = 0)."""
    sleep = f"pg_sleep({seconds})" if dialect == "postgresql" else f"SLEEP({seconds})"
    return f"SELECT c.* FROM customers c CROSS JOIN (SELECT {sleep} AS z) s"


# Several expectations, each its own query in the database: a fault must still give ONE error.
SUITE = {
    "name": "faults",
    "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": c}} for c in COLUMNS
    ]
    + [{"type": "expect_column_values_to_be_unique", "kwargs": {"column": "customer_id"}}],
}


def gate_config(tmp_path: Path, db: ServerDatabase, **source: object) -> Path:
    suite = write(tmp_path / "faults.json", json.dumps(SUITE))
    config = {
        "version": 1,
        "sources": {"erp": {"url": db.url, **source}},
        "checks": {
            "customers": {
                "source": "erp",
                "suite": str(suite),
                "key": "customer_id",
                "query": sleepy_query(db.dialect),
            }
        },
        "gates": {"nightly": {"checks": ["customers"]}},
    }
    return write(tmp_path / "dataguard.yml", yaml.safe_dump(config))


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a subprocess: its whole stderr, as a user sees it."""
    return subprocess.run(
        [sys.executable, "-m", "kmu_dataguard", *args],
        capture_output=True,
        text=True,
        timeout=BOUND_S * 3,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
    )


@contextlib.contextmanager
def when_reading(
    db: ServerDatabase, fault: Callable[[], None], *, validation: bool
) -> Iterator[None]:
    """Run ``fault`` once a sleeping query of ``dg_reader`` is active on the server.

    ``validation`` waits for one of the validation engine's queries (they do not carry the
    reader's ``dg_q`` alias), else for any of the reader's.
    """
    done = threading.Event()
    hit: list[bool] = []

    def watch() -> None:
        deadline = time.monotonic() + BOUND_S
        while not done.is_set() and time.monotonic() < deadline:
            for text in _active_queries(db):
                if "sleep" in text.lower() and (not validation or "dg_q" not in text):
                    fault()
                    hit.append(True)
                    return
            time.sleep(0.1)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(BOUND_S)
    assert hit, "the fault never found a running query: the test proves nothing"


def _active_queries(db: ServerDatabase) -> list[str]:
    try:
        with sa.create_engine(db.admin_url, poolclass=sa.pool.NullPool).connect() as conn:
            if db.dialect == "postgresql":
                sql_text = (
                    "SELECT query FROM pg_stat_activity "
                    "WHERE usename = 'dg_reader' AND state = 'active'"
                )
            else:
                sql_text = (
                    "SELECT info FROM information_schema.processlist "
                    "WHERE user = 'dg_reader' AND info IS NOT NULL"
                )
            return [str(r[0]) for r in conn.exec_driver_sql(sql_text)]
    except sa.exc.DBAPIError:
        return []


def kill_readers(db: ServerDatabase) -> None:
    """What an administrator does: end the reading sessions."""
    with sa.create_engine(db.admin_url, poolclass=sa.pool.NullPool).connect() as conn:
        if db.dialect == "postgresql":
            conn.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'dg_reader'"
            )
        else:
            ids = conn.exec_driver_sql(
                "SELECT id FROM information_schema.processlist WHERE user = 'dg_reader'"
            ).scalars()
            for ident in list(ids):
                conn.exec_driver_sql(f"KILL {int(ident)}")


def assert_one_clear_error(proc: subprocess.CompletedProcess[str], *fragments: str) -> dict:
    assert proc.returncode == 3, (proc.returncode, proc.stdout[-2000:], proc.stderr[-3000:])
    doc = json.loads(proc.stdout)  # the JSON document is still printed, and complete
    assert doc["verdict"] == "error" and doc["exit_code"] == 3
    lines = proc.stderr.splitlines()
    assert len(lines) < 10, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    messages = " ".join(e["message"] for e in doc["errors"])
    assert "source 'erp'" in messages, messages
    assert len(doc["errors"]) == 1, messages  # one clear message, not one per expectation
    for fragment in fragments:
        assert fragment in messages, messages
    return doc


# ------------------------------------------------------------------------ throw-away servers


@pytest.fixture
def own_postgres() -> Iterator[tuple[PostgresServer, ServerDatabase]]:
    server = _start(PostgresServer, "PostgreSQL")
    try:
        yield server, _server_database(server, "postgresql")
    finally:
        server.stop()


@pytest.fixture
def own_mariadb() -> Iterator[tuple[MariaDBServer, ServerDatabase]]:
    server = _start(MariaDBServer, "MariaDB")
    try:
        yield server, _server_database(server, "mariadb")
    finally:
        server.stop()


def _stop_postgres(server: PostgresServer) -> None:
    server._run(
        str(Path(server._bindir) / "pg_ctl"), "-D", str(server.datadir), "-m", "fast", "-w",
        "stop", check=False,
    )  # fmt: skip


def test_postgres_stopped_while_the_engine_validates(own_postgres, tmp_path):
    """F2: one line on stderr, not thousands of lines of tracebacks from the engine's logger."""
    server, db = own_postgres
    load(db)
    cfg = gate_config(tmp_path, db, statement_timeout=BOUND_S)
    with when_reading(db, lambda: _stop_postgres(server), validation=True):
        proc = run_cli("gate", "nightly", "--config", str(cfg), "--format", "json")
    db.close()
    assert_one_clear_error(proc, "that the database server is running")


def test_mariadb_stopped_while_reading(own_mariadb, tmp_path):
    server, db = own_mariadb
    load(db)
    cfg = gate_config(tmp_path, db, statement_timeout=BOUND_S)
    with when_reading(db, server.stop, validation=False):
        proc = run_cli("gate", "nightly", "--config", str(cfg), "--format", "json")
    db.close()
    assert_one_clear_error(proc, "that the database server is running")


def test_connection_killed_while_reading(sql_server_database, tmp_path):
    db = sql_server_database
    load(db)
    cfg = gate_config(tmp_path, db, statement_timeout=BOUND_S)
    with when_reading(db, lambda: kill_readers(db), validation=False):
        proc = run_cli("gate", "nightly", "--config", str(cfg), "--format", "json")
    doc = assert_one_clear_error(proc, "source 'erp'")
    message = doc["errors"][0]["message"]
    assert "was lost while reading" in message or "canceled" in message, message


def test_connection_killed_while_the_engine_validates_is_read_again(sql_server_database, tmp_path):
    """An expectation the engine could not evaluate in the database is evaluated in Python
    from a fresh read: a genuine result (here a pass), never one made up for the lost ones."""
    db = sql_server_database
    load(db)
    cfg = gate_config(tmp_path, db, statement_timeout=BOUND_S)
    with when_reading(db, lambda: kill_readers(db), validation=True):
        proc = run_cli("gate", "nightly", "--config", str(cfg), "--format", "json")
    doc = json.loads(proc.stdout)
    assert proc.returncode == 0 and proc.stderr == "", (proc.returncode, proc.stderr[-2000:])
    (check,) = doc["checks"]
    assert check["rows"] == 200
    suite = [e for e in check["expectations"] if not e["id"].startswith("source.")]
    assert len(suite) == len(SUITE["expectations"])
    assert all(e["error"] is None and e["success"] for e in check["expectations"]), check


def test_statement_timeout_cancels_a_slow_query(sql_server_database, tmp_path):
    db = sql_server_database
    load(db)
    cfg = gate_config(tmp_path, db, statement_timeout=1)
    started = time.monotonic()
    proc = run_cli("gate", "nightly", "--config", str(cfg), "--format", "json")
    assert_one_clear_error(proc, "statement timeout: the query ran longer than 1 s")
    assert time.monotonic() - started < BOUND_S


def test_statement_timeout_holds_for_the_validation_engine_too(sql_server_database):
    db = sql_server_database
    args = sql.validation_engine_args(db.url, statement_timeout_s=2.5)
    assert args is not None
    engine = sa.create_engine(args[0], **args[1])
    try:
        with engine.connect() as conn:
            if db.dialect == "postgresql":
                assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "2500ms"
                assert conn.exec_driver_sql("SHOW transaction_read_only").scalar() == "on"
            else:
                assert conn.exec_driver_sql("SELECT @@max_statement_time").scalar() == 2.5
                assert conn.exec_driver_sql("SELECT @@tx_read_only").scalar() == 1
    finally:
        engine.dispose()


def test_statement_timeout_must_be_positive(tmp_path, dataguard):
    cfg = write(
        tmp_path / "dataguard.yml",
        "version: 1\nsources:\n  erp: {url: 'sqlite:///x.db', statement_timeout: 0}\n"
        "checks:\n  c: {source: erp, suite: customers, table: t}\n",
    )
    run = dataguard("gate", "nightly", "--config", str(cfg))
    assert run.code == 2 and "statement_timeout" in run.err, run.err
    with pytest.raises(ConfigError, match="statement_timeout"):
        sql.open_engine("postgresql+psycopg2://u@127.0.0.1:1/db", statement_timeout_s=-1)


@pytest.fixture(params=["postgresql", "mariadb"])
def sql_server_database(request: pytest.FixtureRequest) -> ServerDatabase:
    return request.getfixturevalue(
        "pg_database" if request.param == "postgresql" else "mariadb_database"
    )


class _DriverError(Exception):
    """A DBAPI error as psycopg2 (pgcode) or PyMySQL (errno, message) shapes it."""

    def __init__(self, message: str, pgcode: str | None = None, errno: int | None = None):
        super().__init__(*((errno, message) if errno is not None else (message,)))
        self.pgcode = pgcode


@pytest.mark.parametrize(
    ("driver_error", "kind"),
    [
        (_DriverError("terminating connection due to administrator command", "57P01"), "lost"),
        (_DriverError("server closed the connection unexpectedly"), "lost"),
        (_DriverError("Lost connection to MySQL server during query", errno=2013), "lost"),
        (_DriverError("MySQL server has gone away", errno=2006), "lost"),
        (_DriverError("Connection was killed", errno=1927), "lost"),
        (
            _DriverError("canceling statement due to statement timeout", "57014"),
            "statement_timeout",
        ),
        (
            _DriverError(
                "Query execution was interrupted (max_statement_time exceeded)", errno=1969
            ),
            "statement_timeout",
        ),
        (_DriverError("canceling statement due to user request", "57014"), "canceled"),
        (_DriverError("Query execution was interrupted", errno=1317), "canceled"),
        (_DriverError("connection to server failed: Connection refused"), "refused"),
        (_DriverError("cannot execute nextval() in a read-only transaction", "25006"), "read_only"),
        (_DriverError("something else entirely"), "other"),
    ],
)
def test_failures_are_classified_by_the_rule_table(driver_error, kind):
    wrapped = sa.exc.OperationalError("SELECT 1", None, driver_error)
    assert sql_errors._classify(wrapped) == kind


def test_statement_timeout_message_names_the_limit():
    engine = sql.open_engine(
        "postgresql+psycopg2://u:s3cret-pw@127.0.0.1:1/db", statement_timeout_s=7
    )
    error = sa.exc.OperationalError(
        "SELECT 1", None, _DriverError("canceling statement due to statement timeout", "57014")
    )
    with pytest.raises(Exception) as caught, sql.translate_errors(engine, source_name="erp"):
        raise error
    assert str(caught.value) == (
        "source 'erp': statement timeout: the query ran longer than 7 s on "
        "postgresql+psycopg2://u:***@127.0.0.1:1/db; raise the source's statement_timeout or "
        "make the query faster (an index, fewer rows)"
    )


def test_library_log_records_become_one_debug_line_without_password():
    import logging

    from kmu_dataguard.library_logs import route_library_logs

    class Collect(logging.Handler):
        def __init__(self) -> None:
            super().__init__(logging.DEBUG)
            self.records: list[logging.LogRecord] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.records.append(record)

    route_library_logs()
    root, ours = logging.getLogger(), logging.getLogger("kmu_dataguard")
    seen, level = Collect(), ours.level
    root.addHandler(seen)
    ours.setLevel(logging.DEBUG)  # as with dataguard -vv
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("great_expectations.execution_engine").error(
            "An SQL execution Exception occurred: postgresql://erp:s3cret-pw@db/erp\nline 2",
            exc_info=True,
        )
    finally:
        root.removeHandler(seen)
        ours.setLevel(level)
    (record,) = seen.records  # the library's own record never reaches the root handler
    assert record.name == "kmu_dataguard.library" and record.levelno == logging.DEBUG
    assert record.exc_info is None
    assert record.getMessage() == (
        "great_expectations.execution_engine: An SQL execution Exception occurred: "
        "postgresql://erp:***@db/erp"
    )
