"""Read-only SQL sources through SQLAlchemy 2.x.

The guard never writes to a source system. Every engine made by :func:`open_engine` is read-only
where the database allows it:

* SQLite is opened as ``file:PATH?mode=ro`` (a missing file is an error, never created) and with
  ``PRAGMA query_only``;
* PostgreSQL sessions start with ``default_transaction_read_only=on`` and (psycopg2) every
  transaction begins ``READ ONLY``; the server parses a query before it runs and refuses a
  second statement;
* MariaDB/MySQL sessions run ``SET SESSION TRANSACTION READ ONLY``, and a URL may not switch on
  multi-statement mode;
* MS SQL Server (``mssql+pyodbc`` / ``mssql+pymssql``, optional extras) has no read-only session
  switch: connect with a login that holds only ``db_datareader``.

Values are returned as text exactly as stored (leading zeros kept, ``Decimal`` without float
artefacts, dates in ISO 8601, booleans as ``"true"``/``"false"``, bytes as hex); SQL NULL stays
``None``. All driver exceptions are translated in one place, :func:`translate_errors`, into
:class:`~kmu_dataguard.errors.SourceError` lines that never contain a password.

This module is the public face: engines, introspection, reading and the validation engine's
settings. Two concerns live beside it and are used from here:

* :mod:`~kmu_dataguard.sources.sql_guard` — the query guard: a user's SQL is one read-only
  SELECT (a lexer first, then the server's single-statement refusal);
* :mod:`~kmu_dataguard.sources.sql_errors` — driver errors translated into one line
  (:func:`translate_errors`, :func:`redact_url` and :func:`list_tables` are re-exported here).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import NullPool

from kmu_dataguard.errors import ConfigError, SourceError
from kmu_dataguard.library_logs import route_library_logs
from kmu_dataguard.sources.sql_errors import (
    _STATEMENT_TIMEOUTS,
    _listing,
    list_tables,
    redact_url,
    translate_errors,
)
from kmu_dataguard.sources.sql_guard import (
    _refuse_multi_statements,
    _server_single_statement,
    _validate_query,
)

__all__ = [
    "ConnectionInfo",
    "count_rows",
    "describe",
    "iter_chunks",
    "list_tables",
    "open_engine",
    "read_table",
    "redact_url",
    "table_query",
    "test_connection",
    "to_text",
    "translate_errors",
    "validation_engine_args",
]

DEFAULT_CHUNKSIZE = 50_000

# Which pip package provides a SQLAlchemy driver; named in the error when it is missing.
_DRIVER_PACKAGES: dict[str, str] = {
    "psycopg2": "psycopg2-binary",
    "psycopg": "psycopg[binary]",
    "pg8000": "pg8000",
    "pymysql": "PyMySQL",
    "mysqldb": "mysqlclient",
    "mariadbconnector": "mariadb",
    "pyodbc": "pyodbc",
    "pymssql": "pymssql",
}
# Drivers tried, in order, when a URL names no driver ("postgresql://"): the first one that is
# installed is used, so a plain URL works with whichever driver the user has.
_DRIVER_CHOICES: dict[str, tuple[tuple[str, str], ...]] = {
    "postgresql": (("psycopg2", "psycopg2"), ("psycopg", "psycopg"), ("pg8000", "pg8000")),
    "mysql": (("pymysql", "pymysql"), ("mysqldb", "MySQLdb"), ("mariadbconnector", "mariadb")),
    "mariadb": (("pymysql", "pymysql"), ("mysqldb", "MySQLdb"), ("mariadbconnector", "mariadb")),
    "mssql": (("pyodbc", "pyodbc"), ("pymssql", "pymssql")),
}
_SUPPORTED_BACKENDS = ("sqlite", "postgresql", "mysql", "mariadb", "mssql")


@dataclass(frozen=True)
class ConnectionInfo:
    """What ``dataguard sources test`` shows about a reachable database."""

    url: str  # redacted
    dialect: str  # "postgresql", "mariadb", "mysql", "sqlite", "mssql"
    driver: str
    server_version: str
    read_only: bool | None  # None where the database has no session-level switch (MSSQL)
    tables: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------------ engines


def open_engine(
    url: str, *, connect_timeout_s: int = 10, statement_timeout_s: float | None = None
) -> Engine:
    """Create a read-only engine for ``url``; no connection is made yet.

    ``statement_timeout_s`` makes the server cancel any statement that runs longer (PostgreSQL
    and MariaDB/MySQL; not applied to SQLite and MS SQL Server). Raises :class:`ConfigError`
    for an unparsable URL, an unsupported dialect, a missing driver (naming the package to
    install) or a multi-statement client flag, and :class:`SourceError` for a missing SQLite file.
    """
    route_library_logs()  # a dying connection makes SQLAlchemy's pool log tracebacks
    try:
        parsed = make_url(url)
    except Exception:
        # from None: the parser's message or traceback could contain the raw URL and password.
        raise ConfigError(
            f"database URL {redact_url(url)} cannot be parsed; "
            "expected dialect+driver://user:password@host:port/database"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in _SUPPORTED_BACKENDS:
        raise ConfigError(
            f"database URL {redact_url(parsed)}: dialect {backend!r} is not supported; "
            f"use one of {', '.join(_SUPPORTED_BACKENDS)}"
        )
    if statement_timeout_s is not None and statement_timeout_s <= 0:
        raise ConfigError(
            f"statement_timeout must be more than 0 seconds, not {statement_timeout_s}"
        )
    if backend == "sqlite":
        return _open_sqlite(parsed, connect_timeout_s)
    if backend in ("mysql", "mariadb"):
        _refuse_multi_statements(parsed)

    driver = parsed.drivername.partition("+")[2]
    if not driver:
        driver = _installed_driver(parsed, backend)
        parsed = parsed.set(drivername=f"{backend}+{driver}")
    connect_args: dict[str, Any] = {}
    execution_options: dict[str, Any] = {}
    if backend == "postgresql" and driver in ("psycopg2", "psycopg"):
        options = _pg_options(statement_timeout_s, _url_options(parsed))
        connect_args.update(connect_timeout=connect_timeout_s, options=options)
        parsed = parsed.difference_update_query(["options"])
        # Every transaction starts as BEGIN READ ONLY: a query that turns the session default
        # off (SELECT set_config('default_transaction_read_only', 'off', false)) changes nothing.
        execution_options["postgresql_readonly"] = True
    elif backend == "postgresql" and driver == "pg8000":
        connect_args["timeout"] = connect_timeout_s
    elif backend in ("mysql", "mariadb"):
        connect_args["connect_timeout"] = connect_timeout_s
    elif backend == "mssql":
        connect_args["login_timeout" if driver == "pymssql" else "timeout"] = connect_timeout_s

    engine = _create_engine(parsed, connect_args, execution_options)
    if backend == "postgresql" and driver not in ("psycopg2", "psycopg"):
        session = "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"
        _on_connect(engine, session, commit=True)
        if statement_timeout_s is not None:
            _on_connect(
                engine, f"SET statement_timeout = {_millis(statement_timeout_s)}", commit=True
            )
    elif backend in ("mysql", "mariadb"):
        _on_connect(engine, "SET SESSION TRANSACTION READ ONLY", commit=False)
        if statement_timeout_s is not None:
            seconds = statement_timeout_s
            _on_connect(
                engine,
                lambda dbapi: _mysql_timeout_sql(seconds, mariadb=_is_mariadb(dbapi)),
                commit=False,
            )
    if statement_timeout_s is not None and backend != "mssql":
        _STATEMENT_TIMEOUTS[engine] = statement_timeout_s
    return engine


def _millis(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def _pg_options(statement_timeout_s: float | None, url_options: str = "") -> str:
    """PostgreSQL startup options: they hold for the whole session, whatever a rollback does.

    The URL's own ``options`` (e.g. ``-c search_path=erp``) come first: a later ``-c`` wins, so
    a URL cannot switch read-only off.
    """
    options = "-c default_transaction_read_only=on"
    if statement_timeout_s is not None:
        options += f" -c statement_timeout={_millis(statement_timeout_s)}"
    return f"{url_options} {options}" if url_options else options


def _url_options(url: URL) -> str:
    """The libpq ``options`` a PostgreSQL URL gives (its ``?options=`` query)."""
    return str(url.query.get("options", ""))


def _mysql_timeout_sql(statement_timeout_s: float, *, mariadb: bool) -> str:
    """MariaDB cancels any statement after max_statement_time (s); MySQL a SELECT after
    max_execution_time (ms)."""
    if mariadb:
        return f"SET SESSION max_statement_time = {statement_timeout_s:g}"
    return f"SET SESSION max_execution_time = {_millis(statement_timeout_s)}"


def _is_mariadb(dbapi_connection: Any) -> bool:
    info = getattr(dbapi_connection, "get_server_info", None)
    return callable(info) and "mariadb" in str(info()).lower()


def _installed_driver(url: URL, backend: str) -> str:
    choices = _DRIVER_CHOICES[backend]
    for driver, module in choices:
        if importlib.util.find_spec(module) is not None:
            return driver
    packages = " or ".join(_DRIVER_PACKAGES[d] for d, _ in choices)
    raise ConfigError(
        f"database URL {redact_url(url)}: no {backend} driver is installed; pip install {packages}"
    )


def _create_engine(
    url: URL, connect_args: dict[str, Any], execution_options: dict[str, Any] | None = None
) -> Engine:
    backend, _, driver = url.drivername.partition("+")
    try:
        engine = sa.create_engine(
            url,
            connect_args=connect_args,
            execution_options=execution_options or {},
            poolclass=NullPool,
        )
    except exc.NoSuchModuleError as err:
        raise ConfigError(
            f"database URL {redact_url(url)}: SQLAlchemy has no driver {driver!r} for {backend}; "
            "use e.g. postgresql+psycopg2, mariadb+pymysql, mssql+pyodbc or sqlite"
        ) from err
    except ImportError as err:
        package = _DRIVER_PACKAGES.get(driver, err.name or driver)
        others = [
            f"{backend}+{d}"
            for d, module in _DRIVER_CHOICES.get(backend, ())
            if d != driver and importlib.util.find_spec(module) is not None
        ]
        hint = f" (or use the installed {others[0]}://...)" if others else ""
        raise ConfigError(
            f"database URL {redact_url(url)}: driver {driver!r} is not installed; "
            f"pip install {package}{hint}"
        ) from err
    if engine.dialect.is_async:
        raise ConfigError(
            f"database URL {redact_url(url)}: async driver {driver!r} is not supported; "
            "use a synchronous driver such as psycopg2 or pymysql"
        )
    return engine


def _on_connect(engine: Engine, statement: str | Callable[[Any], str], *, commit: bool) -> None:
    """Run ``statement`` (or the one it returns for the connection) on every new DBAPI
    connection of ``engine``."""

    @event.listens_for(engine, "connect")
    def _read_only(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(statement if isinstance(statement, str) else statement(dbapi_connection))
        finally:
            cursor.close()
        if commit:  # drivers that opened a transaction for the SET must keep it
            dbapi_connection.commit()


def _open_sqlite(url: URL, timeout_s: int) -> Engine:
    database = url.database or ""
    uri_given = str(url.query.get("uri", "")).lower() in ("true", "1")
    if uri_given and database.startswith("file:"):
        path_text = unquote(database[len("file:") :])
    else:
        path_text = database
    if path_text in ("", ":memory:") or url.query.get("mode") == "memory":
        raise ConfigError(
            "SQLite URL names no database file; use sqlite:///relative/path.db "
            "or sqlite:////absolute/path.db"
        )
    path = Path(path_text).expanduser().resolve()
    if not path.is_file():
        # sqlite3 would silently create an empty database: a typo must not look like empty data.
        raise SourceError(f"SQLite file {path} does not exist; check the path in the source URL")
    ro_url = URL.create(
        "sqlite",
        database="file:" + quote(str(path)),
        query={"mode": "ro", "uri": "true"},
    )
    engine = _create_engine(ro_url, {"timeout": timeout_s})
    _on_connect(engine, "PRAGMA query_only = ON", commit=False)
    return engine


# ------------------------------------------------------------------------------ introspection


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


# ------------------------------------------------------------------------------------ reading


def _text_of_decimal(value: Decimal) -> str:
    return format(value, "f")  # never "1E+2", never a float round trip


def _text_of_bytes(value: bytes | bytearray | memoryview) -> str:
    return bytes(value).hex()


_TO_TEXT: dict[type, Callable[[Any], str]] = {
    str: lambda v: v,
    bool: lambda v: "true" if v else "false",
    int: str,
    float: repr,
    Decimal: _text_of_decimal,
    dt.date: dt.date.isoformat,
    dt.datetime: dt.datetime.isoformat,
    dt.time: dt.time.isoformat,
    bytes: _text_of_bytes,
    bytearray: _text_of_bytes,
    memoryview: _text_of_bytes,
    uuid.UUID: str,
}


def to_text(value: Any) -> str | None:
    """The text form of one database value (None stays None)."""
    if value is None:
        return None
    convert = _TO_TEXT.get(type(value))
    if convert is not None:
        return convert(value)
    if isinstance(value, dict | list):  # PostgreSQL json/jsonb
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    for kind, func in _TO_TEXT.items():  # subclasses (e.g. pendulum, numpy) last
        if isinstance(value, kind):
            return func(value)
    return str(value)


_PLAIN = frozenset({str, type(None)})


def _texts(values: Sequence[Any]) -> list[str | None]:
    """One column's values as text; text columns (the usual case) are taken as they are."""
    if set(map(type, values)) <= _PLAIN:
        return list(values)
    return [v if type(v) is str or v is None else to_text(v) for v in values]


def _iter_batches(
    engine: Engine,
    *,
    table: str | None,
    query: str | None,
    columns: Sequence[str] | None,
    source_name: str,
    chunksize: int,
) -> Iterator[tuple[list[str], list[list[str | None]]]]:
    """Yield (column names, column-wise text values) per batch of at most ``chunksize`` rows.

    A server-side cursor (``yield_per``) keeps memory bounded by one batch on PostgreSQL and
    MariaDB; only the requested columns of a table are fetched.
    """
    _one_of(table, query)
    if chunksize < 1:
        raise ConfigError(f"chunksize must be at least 1, not {chunksize}")
    wanted = list(columns) if columns is not None else None
    with translate_errors(engine, source_name=source_name, table=table), engine.connect() as conn:
        available = _columns_of(conn, table=table, query=query, source_name=source_name)
        if wanted is not None:
            missing = [c for c in wanted if c not in available]
            if missing:
                what = f"table {table!r}" if table else "the query"
                raise SourceError(
                    f"source {source_name!r}: {what} has no column "
                    f"{', '.join(repr(m) for m in missing)}; columns there: {_listing(available)}"
                )
        streaming = conn.execution_options(yield_per=chunksize)
        if table is not None:
            tbl = _resolve_table(conn, table, source_name)
            cols = [sa.column(c) for c in (wanted or available)]
            result = streaming.execute(sa.select(*cols).select_from(tbl))
            picks = None
        else:
            sql = _validate_query(query or "", conn.dialect.name)
            picks = None
            if wanted is not None and conn.dialect.name != "mssql":
                # Fetch only the wanted columns: the database drops the others.
                quote_name = conn.dialect.identifier_preparer.quote
                listed = ", ".join(f"dg_q.{quote_name(c)}" for c in wanted)
                sql = f"SELECT {listed} FROM ({sql}\n) dg_q"
            result = _exec_query(streaming, sql)
            if wanted is not None and conn.dialect.name == "mssql":  # no WITH in a derived table
                keys = list(result.keys())
                picks = [keys.index(c) for c in wanted]
        names = wanted if wanted is not None else list(result.keys())
        with result:
            # An explicit size: a driver-level statement does not inherit yield_per's batching.
            for rows in result.partitions(chunksize):
                # Transposed in C (zip), not value by value: a million rows of ten columns
                # would otherwise spend seconds in this loop.
                transposed = list(zip(*rows, strict=True))
                if picks is not None:
                    transposed = [transposed[i] for i in picks]
                yield names, [_texts(values) for values in transposed]


def _frame(names: list[str], cols: Sequence[Sequence[str | None]]) -> pd.DataFrame:
    # dtype=object keeps None as None (pandas 3 would turn it into NaN in a "str" column).
    return pd.DataFrame(dict(zip(names, cols, strict=True)), columns=names, dtype=object)


def iter_chunks(
    engine: Engine,
    *,
    table: str | None = None,
    query: str | None = None,
    columns: Sequence[str] | None = None,
    source_name: str,
    chunksize: int = DEFAULT_CHUNKSIZE,
) -> Iterator[pd.DataFrame]:
    """Stream ``table`` or ``query`` as text DataFrames of at most ``chunksize`` rows each.

    Memory stays bounded by one chunk however many rows the source has.
    """
    for names, cols in _iter_batches(
        engine,
        table=table,
        query=query,
        columns=columns,
        source_name=source_name,
        chunksize=chunksize,
    ):
        yield _frame(names, cols)


def read_table(
    engine: Engine,
    *,
    table: str | None = None,
    query: str | None = None,
    columns: Sequence[str] | None = None,
    source_name: str,
    chunksize: int = DEFAULT_CHUNKSIZE,
) -> pd.DataFrame:
    """Read all rows of ``table`` (``schema.table`` allowed) or ``query`` as text.

    Every column has dtype object holding ``str`` or ``None``. ``columns`` selects (and orders)
    columns; a missing one is a :class:`SourceError` listing those that exist.
    """
    names: list[str] | None = None
    acc: list[TextColumn] = []
    for batch_names, cols in _iter_batches(
        engine,
        table=table,
        query=query,
        columns=columns,
        source_name=source_name,
        chunksize=chunksize,
    ):
        if names is None:
            names, acc = batch_names, [TextColumn() for _ in batch_names]
        for target, part in zip(acc, cols, strict=True):
            target.add(part)
    if names is None:  # no rows: still return the columns
        names = (
            list(columns)
            if columns is not None
            else describe(engine, table=table, query=query, source_name=source_name)
        )
        acc = [TextColumn() for _ in names]
    return _frame(names, [column.array() for column in acc])


class TextColumn:
    """A column of text values collected batch by batch, compactly.

    The driver makes a new ``str`` object for every row; a value that repeats (a city, a
    country, a name entered twice) is kept as one shared object, which on a million rows
    saves ~50 bytes per repeated cell. A column whose batches are mostly distinct values
    (keys, IBANs) is not pooled: that would only cost time and a dict.
    """

    def __init__(self) -> None:
        self._parts: list[np.ndarray] = []
        self._pool: dict[str, str] | None = {}

    def add(self, values: Sequence[str | None]) -> None:
        pool = self._pool
        if pool is None:
            array = np.empty(len(values), dtype=object)
            array[:] = values
        else:
            # map() over the C method: no Python bytecode per value.
            array = np.fromiter(map(pool.setdefault, values, values), object, len(values))
            if 2 * len(pool) > sum(len(p) for p in self._parts) + len(values):
                self._pool = None
        self._parts.append(array)

    def array(self) -> np.ndarray:
        """All values so far as one object array (``str`` or ``None``)."""
        self._pool = None
        if not self._parts:
            return np.empty(0, dtype=object)
        whole = self._parts[0] if len(self._parts) == 1 else np.concatenate(self._parts)
        self._parts = []
        return whole


# ------------------------------------------------------------------ validation in the database


def table_query(engine: Engine, table: str, *, source_name: str) -> tuple[str, str | None, str]:
    """``SELECT * FROM <table>`` for the engine's dialect, the name resolved and quoted; and
    the schema (None: the default) and table name as spelt in the database."""
    with translate_errors(engine, source_name=source_name, table=table), engine.connect() as conn:
        clause = _resolve_table(conn, table, source_name)
        stmt = sa.select(sa.literal_column("*")).select_from(clause)
        return str(stmt.compile(dialect=engine.dialect)), clause.schema, clause.name


def validation_engine_args(
    url: str,
    *,
    connect_timeout_s: int = 10,
    statement_timeout_s: float | None = None,
    source_name: str = "source",
) -> tuple[str, dict[str, Any]] | None:
    """The URL and ``create_engine`` keyword arguments for the validation engine's own engine.

    Great Expectations builds its SQLAlchemy engine itself; these arguments make its sessions
    read-only like :func:`open_engine`'s (as startup options, since no listener can be attached
    before its first connection), with the same statement timeout. None for drivers where that
    is not possible (then the data is validated in Python). The returned URL contains the
    password: never print it.
    """
    # Validates URL, driver and client flags.
    engine = open_engine(url, connect_timeout_s=connect_timeout_s)
    try:
        parsed = engine.url
        backend, _, driver = parsed.drivername.partition("+")
        kwargs: dict[str, Any] = {}
        connect_args: dict[str, Any] = {}
        if backend == "sqlite":
            connect_args["timeout"] = connect_timeout_s  # mode=ro is in the URL
        elif backend == "postgresql" and driver in ("psycopg2", "psycopg"):
            # open_engine moved the URL's options (search_path...) out of engine.url.
            options = _pg_options(statement_timeout_s, _url_options(make_url(url)))
            connect_args.update(connect_timeout=connect_timeout_s, options=options)
            kwargs["execution_options"] = {"postgresql_readonly": True}  # BEGIN READ ONLY
        elif backend in ("mysql", "mariadb") and driver in ("pymysql", "mysqldb"):
            init = "SET SESSION TRANSACTION READ ONLY"
            if statement_timeout_s is not None:
                init = _mysql_init_command(engine, statement_timeout_s, source_name)
            connect_args.update(connect_timeout=connect_timeout_s, init_command=init)
        else:
            return None
    finally:
        engine.dispose()
    return parsed.render_as_string(hide_password=False), {"connect_args": connect_args, **kwargs}


def _mysql_init_command(engine: Engine, statement_timeout_s: float, source_name: str) -> str:
    """Read-only and the timeout in ONE statement (the driver runs a single init_command);
    the variables are named differently on MariaDB and MySQL, so the server is asked once."""
    with translate_errors(engine, source_name=source_name), engine.connect() as conn:
        mariadb = bool(getattr(conn.dialect, "is_mariadb", False))
    if mariadb:
        return f"SET SESSION tx_read_only = 1, SESSION max_statement_time = {statement_timeout_s:g}"
    return (
        "SET SESSION transaction_read_only = 1, "
        f"SESSION max_execution_time = {_millis(statement_timeout_s)}"
    )
