"""Read-only SQL sources through SQLAlchemy 2.x.

The guard never writes to a source system. Every engine made by :func:`open_engine` is read-only
where the database allows it:

* SQLite is opened as ``file:PATH?mode=ro`` (a missing file is an error, never created) and with
  ``PRAGMA query_only``;
* PostgreSQL sessions start with ``default_transaction_read_only=on``;
* MariaDB/MySQL sessions run ``SET SESSION TRANSACTION READ ONLY``;
* MS SQL Server (``mssql+pyodbc`` / ``mssql+pymssql``, optional extras) has no read-only session
  switch: connect with a login that holds only ``db_datareader``.

Values are returned as text exactly as stored (leading zeros kept, ``Decimal`` without float
artefacts, dates in ISO 8601, booleans as ``"true"``/``"false"``, bytes as hex); SQL NULL stays
``None``. All driver exceptions are translated in one place, :func:`translate_errors`, into
:class:`~kmu_dataguard.errors.SourceError` lines that never contain a password.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
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

from kmu_dataguard._secrets import mask_url, url_secrets
from kmu_dataguard.errors import ConfigError, SourceError

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
_MAX_LISTED = 25  # names listed in one error line before "… and N more"


@dataclass(frozen=True)
class ConnectionInfo:
    """What ``dataguard sources test`` shows about a reachable database."""

    url: str  # redacted
    dialect: str  # "postgresql", "mariadb", "mysql", "sqlite", "mssql"
    driver: str
    server_version: str
    read_only: bool | None  # None where the database has no session-level switch (MSSQL)
    tables: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------- URLs


def redact_url(url: str | URL) -> str:
    """Return ``url`` with its password (also one in the query) replaced by ``***``."""
    return mask_url(url)


def _secrets_of(url: URL | None) -> list[str]:
    """The credentials of ``url`` in the spellings a driver message could contain."""
    # Very short passwords are not blanked: "p" would mangle every message, and no driver
    # message echoes a password anyway (this is a second line of defence).
    return sorted((s for s in url_secrets(url) if len(s) >= 4), key=len, reverse=True)


def _scrub(text: str, url: URL | None) -> str:
    """One line of ``text`` with any password of ``url`` blanked out."""
    for secret in _secrets_of(url):
        text = text.replace(secret, "***")
    return " ".join(text.split())


# ------------------------------------------------------------------------------------ engines


def open_engine(url: str, *, connect_timeout_s: int = 10) -> Engine:
    """Create a read-only engine for ``url``; no connection is made yet.

    Raises :class:`ConfigError` for an unparsable URL, an unsupported dialect or a missing driver
    (naming the package to install) and :class:`SourceError` for a missing SQLite file.
    """
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
    if backend == "sqlite":
        return _open_sqlite(parsed, connect_timeout_s)

    driver = parsed.drivername.partition("+")[2]
    if not driver:
        driver = _installed_driver(parsed, backend)
        parsed = parsed.set(drivername=f"{backend}+{driver}")
    connect_args: dict[str, Any] = {}
    if backend == "postgresql" and driver in ("psycopg2", "psycopg"):
        # A startup option, not a SET: it cannot be undone by a rollback of the first transaction.
        options = " ".join(
            filter(
                None, [str(parsed.query.get("options", "")), "-c default_transaction_read_only=on"]
            )
        )
        connect_args.update(connect_timeout=connect_timeout_s, options=options)
        parsed = parsed.difference_update_query(["options"])
    elif backend == "postgresql" and driver == "pg8000":
        connect_args["timeout"] = connect_timeout_s
    elif backend in ("mysql", "mariadb"):
        connect_args["connect_timeout"] = connect_timeout_s
    elif backend == "mssql":
        connect_args["login_timeout" if driver == "pymssql" else "timeout"] = connect_timeout_s

    engine = _create_engine(parsed, connect_args)
    if backend == "postgresql" and driver not in ("psycopg2", "psycopg"):
        _on_connect(engine, "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", commit=True)
    elif backend in ("mysql", "mariadb"):
        _on_connect(engine, "SET SESSION TRANSACTION READ ONLY", commit=False)
    return engine


def _installed_driver(url: URL, backend: str) -> str:
    choices = _DRIVER_CHOICES[backend]
    for driver, module in choices:
        if importlib.util.find_spec(module) is not None:
            return driver
    packages = " or ".join(_DRIVER_PACKAGES[d] for d, _ in choices)
    raise ConfigError(
        f"database URL {redact_url(url)}: no {backend} driver is installed; pip install {packages}"
    )


def _create_engine(url: URL, connect_args: dict[str, Any]) -> Engine:
    backend, _, driver = url.drivername.partition("+")
    try:
        engine = sa.create_engine(url, connect_args=connect_args, poolclass=NullPool)
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


def _on_connect(engine: Engine, statement: str, *, commit: bool) -> None:
    """Run ``statement`` on every new DBAPI connection of ``engine``."""

    @event.listens_for(engine, "connect")
    def _read_only(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(statement)
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


# ----------------------------------------------------------------------------------- errors


def _driver_code(err: BaseException) -> tuple[str | None, int | None]:
    """(PostgreSQL SQLSTATE, MySQL error number) of a DBAPI exception, where present."""
    pgcode = getattr(err, "pgcode", None) or getattr(getattr(err, "diag", None), "sqlstate", None)
    mysql_no = None
    args = getattr(err, "args", ())
    if args and isinstance(args[0], int):
        mysql_no = args[0]
    return pgcode, mysql_no


def _classify(err: BaseException) -> str:
    orig = getattr(err, "orig", None) or err
    pgcode, mysql_no = _driver_code(orig)
    text = str(orig).lower()
    if mysql_no == 1044:
        return "no_access"
    if (
        pgcode in ("28P01", "28000")
        or mysql_no in (1045, 1698)
        or ("authentication failed" in text or "access denied" in text or "login failed" in text)
        or ("role" in text and "does not exist" in text)
    ):
        return "auth"
    if pgcode == "3D000" or mysql_no == 1049 or ("database" in text and "does not exist" in text):
        return "no_database"
    if (
        pgcode == "42P01"
        or mysql_no == 1146
        or "no such table" in text
        or ("relation" in text and "does not exist" in text)
        or "invalid object name" in text
    ):
        return "no_table"
    if (
        pgcode == "42703"
        or mysql_no == 1054
        or "no such column" in text
        or ("column" in text and "does not exist" in text)
        or "unknown column" in text
        or "invalid column name" in text
    ):
        return "no_column"
    if (
        pgcode == "25006"
        or mysql_no == 1792
        or "readonly database" in text
        or ("read-only" in text or "read only" in text)
    ):
        return "read_only"
    if "timeout" in text or "timed out" in text:
        return "timeout"
    if (
        "could not translate host name" in text
        or "name or service not known" in text
        or ("nodename nor servname" in text or "temporary failure in name resolution" in text)
    ):
        return "no_host"
    if "connection refused" in text or mysql_no in (2002, 2003) or "can't connect" in text:
        return "refused"
    if "unable to open database file" in text:
        return "unreadable"
    return "other"


@contextmanager
def translate_errors(
    target: Engine | URL | str,
    *,
    source_name: str,
    table: str | None = None,
) -> Iterator[None]:
    """Turn SQLAlchemy/driver exceptions inside the block into one-line :class:`SourceError`.

    The only place driver errors are mapped; messages carry the redacted URL, never a password.
    """
    url = target.url if isinstance(target, Engine) else _safe_url(target)
    where = redact_url(url) if url is not None else redact_url(str(target))
    prefix = f"source {source_name!r}"
    try:
        yield
    except exc.NoSuchTableError as err:
        raise SourceError(
            f"{prefix}: table {table or str(err)!r} does not exist in {where}{_tables_hint(target)}"
        ) from err
    except exc.DBAPIError as err:
        kind = _classify(err)
        detail = _scrub(_first_line(err.orig), url)
        user = url.username if url is not None else None
        if kind == "auth":
            msg = f"login to {where} failed for user {user!r}; check user name and password"
        elif kind == "no_access":
            msg = (
                f"user {user!r} may not use database {url.database if url else '?'!r} on "
                f"{where}, or it does not exist; check the database name and the grants"
            )
        elif kind == "no_database":
            msg = f"database {url.database if url else '?'!r} does not exist on {where}"
        elif kind == "refused":
            msg = (
                f"cannot connect to {where}: connection refused; "
                "check host and port and that the database server is running"
            )
        elif kind == "timeout":
            msg = f"{where} did not answer in time ({detail}); check host, port and firewall"
        elif kind == "no_host":
            msg = f"cannot connect to {where}: host name not found; check the host in the URL"
        elif kind == "no_table":
            what = f"table {table!r}" if table else "a table the query names"
            msg = f"{what} does not exist in {where} ({detail}){_tables_hint(target)}"
        elif kind == "no_column":
            msg = f"a column does not exist in {where}: {detail}"
        elif kind == "read_only":
            msg = (
                f"{where} refused a write ({detail}); kmu-dataguard only reads: use a SELECT query"
            )
        elif kind == "unreadable":
            msg = f"cannot open {where}: {detail}; check the file and its permissions"
        else:
            msg = f"database error from {where}: {detail}"
        raise SourceError(f"{prefix}: {msg}") from err
    except exc.SQLAlchemyError as err:
        raise SourceError(f"{prefix}: {where}: {_scrub(_first_line(err), url)}") from err


def _safe_url(target: URL | str) -> URL | None:
    if isinstance(target, URL):
        return target
    try:
        return make_url(target)
    except Exception:
        return None


def _first_line(err: BaseException | None) -> str:
    args = getattr(err, "args", ())
    if len(args) == 2 and isinstance(args[0], int) and isinstance(args[1], str):
        text = args[1]  # PyMySQL: (errno, message)
    else:
        text = str(err) if err is not None else ""
    for line in text.splitlines():
        # PostgreSQL prefixes server messages with the severity; it adds nothing for a user.
        line = re.sub(r"^(FATAL|ERROR):\s+", "", line.strip())
        if line:
            return line
    return type(err).__name__


def _tables_hint(target: Engine | URL | str) -> str:
    if not isinstance(target, Engine):
        return ""
    try:
        names = list_tables(target)
    except Exception:  # the listing is a courtesy; the original error is what matters
        return ""
    return f"; tables there: {_listing(names)}" if names else "; the database has no tables"


def _listing(names: Sequence[str]) -> str:
    shown = ", ".join(names[:_MAX_LISTED])
    rest = len(names) - _MAX_LISTED
    return f"{shown} … and {rest} more" if rest > 0 else shown


# ------------------------------------------------------------------------------ introspection


def list_tables(engine: Engine, schema: str | None = None) -> list[str]:
    """Names of the tables and views in ``schema`` (the default schema when None), sorted."""
    inspector = sa.inspect(engine)
    names = set(inspector.get_table_names(schema=schema))
    names.update(inspector.get_view_names(schema=schema))
    return sorted(names, key=str.lower)


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


def _validate_query(query: str) -> str:
    """The query without a trailing ``;``; ConfigError unless it is one SELECT/WITH statement.

    A first line of defence against typos; the read-only session is the real guard.
    """
    stripped = query.strip().rstrip(";").strip()
    code = _code_only(stripped)
    if ";" in code:
        raise ConfigError("the SQL query holds more than one statement; give a single SELECT")
    first = code.split(None, 1)[0].upper() if code.split() else ""
    if first not in ("SELECT", "WITH"):
        raise ConfigError(
            f"the SQL query starts with {first or 'nothing'!r}; only SELECT or WITH … SELECT "
            "queries are allowed (kmu-dataguard never writes to a source)"
        )
    forbidden = re.search(
        r"\b(INSERT|UPDATE|DELETE|MERGE|UPSERT|INTO|CREATE|DROP|ALTER|TRUNCATE"
        r"|GRANT|REVOKE|CALL|EXEC|EXECUTE|COPY|LOCK|VACUUM|ATTACH|DETACH|PRAGMA)\b",
        code,
        re.IGNORECASE,
    )
    if forbidden:
        raise ConfigError(
            f"the SQL query contains {forbidden.group(1).upper()!r}; only read-only SELECT "
            "queries are allowed (kmu-dataguard never writes to a source)"
        )
    return stripped


def _code_only(sql: str) -> str:
    """``sql`` with comments, string literals and quoted identifiers blanked out."""
    pattern = re.compile(
        r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`(?:[^`]|``)*`|\[[^\]]*\]",
        re.DOTALL,
    )
    return pattern.sub(" ", sql)


def _exec_query(conn: sa.Connection, sql: str) -> sa.CursorResult[Any]:
    """Execute the user's SQL as written (no ``:name`` binds, ``%`` kept literal)."""
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
    sql = _validate_query(query or "")
    if conn.dialect.name == "mssql":  # no WITH inside a derived table there
        result = _exec_query(conn.execution_options(stream_results=True), sql)
        keys = list(result.keys())
        result.close()
        return keys
    return list(_exec_query(conn, f"SELECT * FROM ({sql}) dg_q WHERE 1 = 0").keys())


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
        sql = _validate_query(query or "")
        return int(_exec_query(conn, f"SELECT COUNT(*) FROM ({sql}) dg_q").scalar_one())


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
            sql = _validate_query(query or "")
            picks = None
            if wanted is not None and conn.dialect.name != "mssql":
                # Fetch only the wanted columns: the database drops the others.
                quote_name = conn.dialect.identifier_preparer.quote
                listed = ", ".join(f"dg_q.{quote_name(c)}" for c in wanted)
                sql = f"SELECT {listed} FROM ({sql}) dg_q"
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
    url: str, *, connect_timeout_s: int = 10
) -> tuple[str, dict[str, Any]] | None:
    """The URL and ``create_engine`` keyword arguments for the validation engine's own engine.

    Great Expectations builds its SQLAlchemy engine itself; these arguments make its sessions
    read-only like :func:`open_engine`'s (as startup options, since no listener can be attached
    before its first connection). None for drivers where that is not possible (then the data
    is validated in Python). The returned URL contains the password: never print it.
    """
    engine = open_engine(url, connect_timeout_s=connect_timeout_s)  # validates URL and driver
    try:
        parsed = engine.url
    finally:
        engine.dispose()
    backend, _, driver = parsed.drivername.partition("+")
    connect_args: dict[str, Any] = {}
    if backend == "sqlite":
        connect_args["timeout"] = connect_timeout_s  # mode=ro is in the URL
    elif backend == "postgresql" and driver in ("psycopg2", "psycopg"):
        options = "-c default_transaction_read_only=on"
        connect_args.update(connect_timeout=connect_timeout_s, options=options)
    elif backend in ("mysql", "mariadb") and driver in ("pymysql", "mysqldb"):
        connect_args.update(
            connect_timeout=connect_timeout_s, init_command="SET SESSION TRANSACTION READ ONLY"
        )
    else:
        return None
    return parsed.render_as_string(hide_password=False), {"connect_args": connect_args}
