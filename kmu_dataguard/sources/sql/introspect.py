"""What a database holds, asked without reading rows: tables, columns, row counts, the server.

Table names are resolved against the catalogue and quoted by SQLAlchemy (never formatted into
SQL); a user's query runs only after the query guard and the server's single-statement check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.engine import Engine

from kmu_dataguard.errors import ConfigError, SourceError
from kmu_dataguard.sources.sql.engines import open_engine
from kmu_dataguard.sources.sql.errors import _listing, translate_errors
from kmu_dataguard.sources.sql.guard import _server_single_statement, _validate_query
from kmu_dataguard.sources.sql.urls import redact_url

__all__ = [
    "ConnectionInfo",
    "count_rows",
    "describe",
    "list_tables",
    "table_query",
    "test_connection",
]


@dataclass(frozen=True)
class ConnectionInfo:
    """What ``dataguard sources test`` shows about a reachable database."""

    url: str  # redacted
    dialect: str  # "postgresql", "mariadb", "mysql", "sqlite", "mssql"
    driver: str
    server_version: str
    read_only: bool | None  # None where the database has no session-level switch (MSSQL)
    tables: list[str] = field(default_factory=list)


def test_connection(
    url: str, *, connect_timeout_s: int = 10, source_name: str = "source"
) -> ConnectionInfo:
    """Connect once and report dialect, server version, read-only state and tables."""
    engine = open_engine(url, connect_timeout_s=connect_timeout_s)
    try:
        with translate_errors(engine, source_name=source_name), engine.connect() as conn:
            dialect = engine.dialect
            name = "mariadb" if getattr(dialect, "is_mariadb", False) else dialect.name
            version = ".".join(str(p) for p in (dialect.server_version_info or ()))
            read_only = _session_read_only(conn, dialect.name)
            tables = list_tables(engine)
        return ConnectionInfo(
            url=redact_url(engine.url),
            dialect=name,
            driver=dialect.driver,
            server_version=version,
            read_only=read_only,
            tables=tables,
        )
    finally:
        engine.dispose()


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def _session_read_only(conn: sa.Connection, dialect: str) -> bool | None:
    if dialect == "postgresql":
        return conn.exec_driver_sql("SHOW transaction_read_only").scalar() == "on"
    if dialect in ("mysql", "mariadb"):
        # MySQL 8 and MariaDB 11.1+ call it transaction_read_only, older MariaDB tx_read_only;
        # a failed SELECT does not abort a MySQL transaction, so the fallback is safe.
        try:
            value = conn.exec_driver_sql("SELECT @@session.transaction_read_only").scalar()
        except exc.DBAPIError:
            value = conn.exec_driver_sql("SELECT @@session.tx_read_only").scalar()
        return bool(value)
    if dialect == "sqlite":
        return bool(conn.exec_driver_sql("PRAGMA query_only").scalar())
    return None


def _split_table_name(name: str) -> tuple[str | None, str]:
    parts = name.strip().split(".")
    if len(parts) == 1 and parts[0]:
        return None, parts[0]
    if len(parts) == 2 and all(parts):
        return parts[0], parts[1]
    raise ConfigError(f"table name {name!r} is not valid; write TABLE or SCHEMA.TABLE")


def _resolve_table(conn: sa.Connection, name: str, source_name: str) -> sa.TableClause:
    """The table ``name`` (``schema.table`` allowed) as it is spelt in the database.

    Only names that exist are used, and SQLAlchemy quotes them: no string formatting of names.
    """
    schema, table = _split_table_name(name)
    inspector = sa.inspect(conn)
    schemas = inspector.get_schema_names() if schema is not None else []
    if schema is not None and schema not in schemas:
        raise SourceError(
            f"source {source_name!r}: schema {schema!r} does not exist in "
            f"{redact_url(conn.engine.url)}; schemas there: {_listing(schemas)}"
        )
    existing = set(inspector.get_table_names(schema=schema)) | set(
        inspector.get_view_names(schema=schema)
    )
    if table not in existing:
        folded = [n for n in existing if n.lower() == table.lower()]
        if len(folded) != 1:
            listing = _listing(sorted(existing, key=str.lower)) or "none"
            raise SourceError(
                f"source {source_name!r}: table {name!r} does not exist in "
                f"{redact_url(conn.engine.url)}; tables there: {listing}"
            )
        table = folded[0]  # PostgreSQL folds unquoted names to lower case, SAP writes upper case
    return sa.table(table, schema=schema)


def _exec_query(conn: sa.Connection, sql: str) -> sa.CursorResult[Any]:
    """Execute the user's SQL as written (no ``:name`` binds, ``%`` kept literal), after the
    server has confirmed that it is one statement."""
    _server_single_statement(conn, sql)
    if conn.dialect.paramstyle in ("format", "pyformat"):
        # psycopg2/pymysql format the statement with the (empty) parameters: % must be doubled.
        sql = sql.replace("%", "%%")
    return conn.exec_driver_sql(sql)


def describe(
    engine: Engine,
    *,
    table: str | None = None,
    query: str | None = None,
    source_name: str = "source",
) -> list[str]:
    """Column names of ``table`` or ``query``, in order, without reading any row."""
    _one_of(table, query)
    with translate_errors(engine, source_name=source_name, table=table), engine.connect() as conn:
        return _columns_of(conn, table=table, query=query, source_name=source_name)


def _columns_of(
    conn: sa.Connection, *, table: str | None, query: str | None, source_name: str
) -> list[str]:
    if table is not None:
        tbl = _resolve_table(conn, table, source_name)
        stmt = sa.select(sa.literal_column("*")).select_from(tbl).where(sa.false())
        return list(conn.execute(stmt).keys())
    sql = _validate_query(query or "", conn.dialect.name)
    if conn.dialect.name == "mssql":  # no WITH inside a derived table there
        result = _exec_query(conn.execution_options(stream_results=True), sql)
        keys = list(result.keys())
        result.close()
        return keys
    return list(_exec_query(conn, f"SELECT * FROM ({sql}\n) dg_q WHERE 1 = 0").keys())


def count_rows(
    engine: Engine,
    *,
    table: str | None = None,
    query: str | None = None,
    source_name: str = "source",
) -> int:
    """Number of rows of ``table`` or ``query``, counted by the database."""
    _one_of(table, query)
    with translate_errors(engine, source_name=source_name, table=table), engine.connect() as conn:
        if table is not None:
            tbl = _resolve_table(conn, table, source_name)
            return int(conn.execute(sa.select(sa.func.count()).select_from(tbl)).scalar_one())
        sql = _validate_query(query or "", conn.dialect.name)
        return int(_exec_query(conn, f"SELECT COUNT(*) FROM ({sql}\n) dg_q").scalar_one())


def _one_of(table: str | None, query: str | None) -> None:
    if (table is None) == (query is None):
        raise ConfigError("give exactly one of table or query for an SQL source")


def table_query(engine: Engine, table: str, *, source_name: str) -> tuple[str, str | None, str]:
    """``SELECT * FROM <table>`` for the engine's dialect, the name resolved and quoted; and
    the schema (None: the default) and table name as spelt in the database."""
    with translate_errors(engine, source_name=source_name, table=table), engine.connect() as conn:
        clause = _resolve_table(conn, table, source_name)
        stmt = sa.select(sa.literal_column("*")).select_from(clause)
        return str(stmt.compile(dialect=engine.dialect)), clause.schema, clause.name


def list_tables(engine: Engine, schema: str | None = None) -> list[str]:
    """Names of the tables and views in ``schema`` (the default schema when None), sorted."""
    inspector = sa.inspect(engine)
    names = set(inspector.get_table_names(schema=schema))
    names.update(inspector.get_view_names(schema=schema))
    return sorted(names, key=str.lower)
