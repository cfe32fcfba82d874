"""The guard never changes a source, whatever SQL a query smuggles in (issue 13, F5).

Every attack runs through the public paths (``dataguard check URL --query`` and a ``query:``
check of a gate) against real SQLite, PostgreSQL and MariaDB databases where the reading account
has full rights, so only the guard's own measures can stop it. Afterwards a fingerprint of the
whole database (tables, row counts, a hash of the sorted rows, sequence values, large objects)
must be unchanged.
"""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa
import yaml

from kmu_dataguard.errors import ConfigError
from kmu_dataguard.sources import sql
from kmu_dataguard.sources.sql import guard, introspect
from tests.conftest import write
from tests.support.servers import ServerDatabase

ROWS = [
    ("K-1", "Bäckerei Schulze GmbH", "Hauptstraße 1", "01067", "Dresden", "DE"),
    ("K-2", "olly UG", "Cremon 3", "20457", "Hamburg", "DE"),
    ("K-3", "Müller & Söhne", "Ring 5", "1010", "Wien", "AT"),
]
COLUMNS = ("customer_id", "name", "street", "postal_code", "city", "country")


def load(db: ServerDatabase) -> None:
    """Table ``customers`` and, where the database has them, a sequence ``dg_seq``."""
    with db.admin_engine.begin() as conn:
        cols = ", ".join(f"{c} VARCHAR(60)" for c in COLUMNS)
        conn.exec_driver_sql(f"CREATE TABLE customers ({cols})")
        marks = ", ".join("?" if db.dialect == "sqlite" else "%s" for _ in COLUMNS)
        conn.exec_driver_sql(f"INSERT INTO customers VALUES ({marks})", ROWS)
        if db.dialect in ("postgresql", "mariadb"):
            conn.exec_driver_sql("CREATE SEQUENCE dg_seq")
        if db.dialect == "postgresql":
            conn.exec_driver_sql("GRANT ALL ON SEQUENCE dg_seq TO dg_reader")


def fingerprint(db: ServerDatabase) -> dict[str, object]:
    """Everything a write could change: tables, their rows, sequences, large objects."""
    engine = db.admin_engine
    inspector = sa.inspect(engine)
    found: dict[str, object] = {"tables": sorted(inspector.get_table_names())}
    with engine.connect() as conn:
        for name in found["tables"]:  # type: ignore[union-attr]
            rows = sorted(repr(tuple(r)) for r in conn.exec_driver_sql(f"SELECT * FROM {name}"))
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            found[f"table {name}"] = (len(rows), digest)
        if db.dialect == "postgresql":
            found["sequences"] = conn.exec_driver_sql(
                "SELECT last_value, is_called FROM dg_seq"
            ).all()
            found["large objects"] = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_largeobject_metadata"
            ).scalar()
            found["sequence names"] = conn.exec_driver_sql(
                "SELECT relname FROM pg_class WHERE relkind = 'S' ORDER BY 1"
            ).all()
        elif db.dialect == "mariadb":
            found["sequences"] = conn.exec_driver_sql(
                "SELECT next_not_cached_value FROM dg_seq"
            ).all()
    return found


# Each attack: (dialects it is aimed at, query). "all" = every dialect.
ATTACKS: list[tuple[str, str]] = [
    ("all", "SELECT * FROM customers; DELETE FROM customers"),
    ("all", "SELECT * FROM customers /* ; */ ; DELETE FROM customers"),
    ("all", "SELECT * FROM customers -- x\n; DELETE FROM customers"),
    ("all", "SELECT * INTO copy_of_customers FROM customers"),
    ("all", "WITH d AS (DELETE FROM customers RETURNING *) SELECT * FROM d"),
    ("all", "SELECT * FROM customers;\nCREATE TABLE pwned (x INT)"),
    # PostgreSQL: dollar quoting, E'' strings and the simple protocol's many statements. The
    # ") x; ... (SELECT" pairs close and reopen the parenthesis the guard wraps a query in.
    (
        "postgresql",
        "SELECT $a$'$a$) x; COMMIT; BEGIN READ WRITE; DELETE FROM customers; "
        "CREATE TABLE pwned (x int); COMMIT; SELECT * FROM (SELECT $b$'$b$",
    ),
    (
        "postgresql",
        "SELECT E'\\'') x; COMMIT; BEGIN READ WRITE; INSERT INTO customers (customer_id) "
        "VALUES ('X'); COMMIT; SELECT * FROM (SELECT E'\\''",
    ),
    (
        "postgresql",
        "SELECT $a$'$a$; COMMIT; BEGIN READ WRITE; DELETE FROM customers; COMMIT; SELECT 1",
    ),
    (
        "postgresql",
        "SELECT *, $$ -- $$ FROM customers; COMMIT; BEGIN READ WRITE; "
        "INSERT INTO customers (customer_id) VALUES ('X'); CREATE TABLE pwned (x int); "
        "TRUNCATE customers; COMMIT; SELECT 1",
    ),
    (
        "postgresql",
        "SELECT *, E'\\'' AS q FROM customers; COMMIT; BEGIN READ WRITE; "
        "DELETE FROM customers; COMMIT; SELECT '1'",
    ),
    ("postgresql", "SELECT customers.*, nextval('dg_seq') AS n FROM customers"),
    ("postgresql", "SELECT customers.*, lo_from_bytea(0, 'x') AS lo FROM customers"),
    ("postgresql", "SELECT customers.*, lo_import('/etc/hostname') AS lo FROM customers"),
    (
        # Turns the session default off, then bumps the sequence in a later transaction.
        "postgresql",
        "SELECT customers.*, set_config('default_transaction_read_only', 'off', false) AS f, "
        "CASE WHEN current_setting('transaction_read_only') = 'off' "
        "THEN nextval('dg_seq') END AS n, "
        "CASE WHEN current_setting('transaction_read_only') = 'off' "
        "THEN lo_from_bytea(0, 'x') END AS lo FROM customers",
    ),
    # MariaDB: backslash escapes and # comments hide a second statement from a naive lexer.
    (
        "mariadb",
        "SELECT '\\'') x; COMMIT; SET SESSION TRANSACTION READ WRITE; DELETE FROM customers; "
        "COMMIT; SELECT * FROM (SELECT '\\''",
    ),
    (
        "mariadb",
        "SELECT *, '\\'' AS q FROM customers; COMMIT; SET SESSION TRANSACTION READ WRITE; "
        "DELETE FROM customers; COMMIT; SELECT '1'",
    ),
    (
        "mariadb",
        "SELECT * FROM customers # '\n; COMMIT; SET SESSION TRANSACTION READ WRITE; "
        "DELETE FROM customers; COMMIT; -- '",
    ),
    ("mariadb", "SELECT * FROM customers INTO OUTFILE '/tmp/dg-pwned.txt'"),
    ("mariadb", "SELECT customers.*, NEXTVAL(dg_seq) AS n FROM customers"),
]


def attacks_for(dialect: str) -> list[str]:
    return [q for aimed, q in ATTACKS if aimed in ("all", dialect)]


def _refused(run, source: str) -> None:
    assert run.code in (2, 3), (run.code, run.out, run.err)
    assert "Traceback" not in run.err
    doc = run.json()
    messages = [e["message"] for e in doc["errors"]] + [
        e.get("error") or "" for c in doc["checks"] for e in c.get("expectations", [])
    ]
    assert any(source in m or "query" in m for m in messages), messages


@pytest.mark.parametrize("mariadb_url_flag", ["", "&client_flag=65536"])
def test_mariadb_multi_statement_flag(mariadb_database, tmp_path, dataguard, mariadb_url_flag):
    """With the flag in the URL a second statement would run; it is refused (exit 2)."""
    load(mariadb_database)
    before = fingerprint(mariadb_database)
    for query in attacks_for("mariadb"):
        run = dataguard(
            "check", mariadb_database.url + mariadb_url_flag, "--query", query,
            "--suite", "customers", "--format", "json",
        )  # fmt: skip
        assert fingerprint(mariadb_database) == before, query
        _refused(run, "input")
        if mariadb_url_flag:
            assert run.code == 2 and "CLIENT_MULTI_STATEMENTS" in run.err, run.err


def test_attacks_through_check_leave_the_source_unchanged(sql_database, dataguard):
    load(sql_database)
    before = fingerprint(sql_database)
    for query in attacks_for(sql_database.dialect):
        run = dataguard(
            "check", sql_database.url, "--query", query, "--suite", "customers",
            "--format", "json",
        )  # fmt: skip
        assert fingerprint(sql_database) == before, query
        _refused(run, "input")


def test_attacks_through_a_gate_leave_the_source_unchanged(sql_database, tmp_path, dataguard):
    load(sql_database)
    before = fingerprint(sql_database)
    for i, query in enumerate(attacks_for(sql_database.dialect)):
        config = {
            "version": 1,
            "sources": {"erp": {"url": sql_database.url}},
            "checks": {"attack": {"source": "erp", "suite": "customers", "query": query}},
            "gates": {"nightly": {"checks": ["attack"]}},
        }
        cfg = write(tmp_path / f"attack{i}.yml", yaml.safe_dump(config, allow_unicode=True))
        run = dataguard("gate", "nightly", "--config", str(cfg), "--format", "json")
        assert fingerprint(sql_database) == before, query
        _refused(run, "erp")


def test_a_plain_query_still_validates(sql_database, dataguard):
    """The guard is not a wall: an honest SELECT is validated (blocked on missing columns)."""
    load(sql_database)
    run = dataguard(
        "check", sql_database.url, "--query", "SELECT * FROM customers -- all of them",
        "--suite", "customers", "--format", "json",
    )  # fmt: skip
    doc = run.json()
    assert doc["checks"][0]["rows"] == len(ROWS), doc
    assert not any("statement" in e["message"] for e in doc["errors"]), doc


@pytest.mark.parametrize(
    "query",
    [
        "SELECT 1; DELETE FROM customers",
        "SELECT 1) x; DELETE FROM customers; SELECT * FROM (SELECT 1",
        "SELECT $a$'$a$; COMMIT; BEGIN READ WRITE; DELETE FROM customers; COMMIT; SELECT 1",
    ],
)
def test_postgresql_server_refuses_a_second_statement_without_the_lexer(pg_database, query):
    """Even SQL that slipped past the lexer reaches PostgreSQL as one statement or not at all."""
    load(pg_database)
    before = fingerprint(pg_database)
    engine = sql.open_engine(pg_database.url)
    try:
        # Not a syntax error when it is one statement: then it ran, read-only, doing nothing.
        with pytest.raises((ConfigError, sa.exc.DBAPIError)), engine.connect() as conn:
            introspect._exec_query(conn, query)
    finally:
        engine.dispose()
    assert fingerprint(pg_database) == before


def test_postgresql_transactions_stay_read_only_after_set_config(pg_database):
    """set_config() may turn the session default off: every transaction still begins READ ONLY."""
    load(pg_database)
    for engine in _pg_engines(pg_database.url):
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql(
                    "SELECT set_config('default_transaction_read_only', 'off', false)"
                )
                conn.commit()
                state = conn.exec_driver_sql("SHOW transaction_read_only").scalar()
            assert state == "on"
        finally:
            engine.dispose()


def _pg_engines(url: str) -> list[sa.Engine]:
    """Our reader and the validation engine (a pooled engine, as Great Expectations makes it)."""
    args = sql.validation_engine_args(url)
    assert args is not None
    return [sql.open_engine(url), sa.create_engine(args[0], **args[1])]


@pytest.mark.parametrize(
    ("dialect", "query"),
    [
        ("postgresql", "SELECT $$;$$ AS x"),
        ("postgresql", "SELECT $tag$ it's; $tag$ AS x"),
        ("postgresql", "SELECT 1 /* a /* nested; */ still comment; */ AS x"),
        ("postgresql", "SELECT E'it\\'s; fine' AS x"),
        ("mysql", "SELECT 'it\\'s; fine' AS x # a comment; really\n"),
        ("mysql", 'SELECT "a\\"; b" AS x'),
    ],
)
def test_lexer_knows_each_dialects_quoting(dialect, query):
    assert guard._validate_query(query, dialect)


@pytest.mark.parametrize(
    ("dialect", "query"),
    [
        ("postgresql", "SELECT $$ -- $$; DELETE FROM t"),
        ("postgresql", "SELECT E'\\'', 1; DELETE FROM t; SELECT '1'"),
        ("postgresql", "SELECT 1 /* /* */ ; */; DELETE FROM t"),
        ("mysql", "SELECT '\\'', 1; DELETE FROM t; SELECT '1'"),
        ("mysql", "SELECT 1 # '\n; DELETE FROM t; -- '"),
        ("mysql", "SELECT 1 INTO @x"),
        ("postgresql", "SELECT * INTO TEMP copy FROM t"),
    ],
)
def test_lexer_sees_through_quoting_tricks(dialect, query):
    with pytest.raises(ConfigError):
        guard._validate_query(query, dialect)


@pytest.mark.parametrize("flag", ["client_flag=65536", "client_flag=65538", "client_flag=0x10000"])
def test_multi_statement_client_flag_is_a_config_error(flag):
    with pytest.raises(ConfigError, match="CLIENT_MULTI_STATEMENTS"):
        sql.open_engine(f"mariadb+pymysql://dg_reader@127.0.0.1:1/db?{flag}")


def test_other_client_flags_are_kept():
    engine = sql.open_engine("mariadb+pymysql://dg_reader@127.0.0.1:1/db?client_flag=2")
    engine.dispose()


def test_sqlite_runs_one_statement_and_stays_read_only(sqlite_database: ServerDatabase):
    load(sqlite_database)
    before = fingerprint(sqlite_database)
    engine = sql.open_engine(sqlite_database.url)
    try:
        with pytest.raises(sa.exc.SQLAlchemyError), engine.connect() as conn:
            introspect._exec_query(conn, "SELECT 1; DELETE FROM customers")
        with pytest.raises(sa.exc.SQLAlchemyError), engine.connect() as conn:
            conn.exec_driver_sql("DELETE FROM customers")
    finally:
        engine.dispose()
    assert fingerprint(sqlite_database) == before
