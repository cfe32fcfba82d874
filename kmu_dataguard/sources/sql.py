"""Read-only SQL sources through SQLAlchemy 2.x.

The guard never writes to a source system. Every engine made by :func:`open_engine` is read-only
where the database allows it:

* SQLite is opened as ``file:PATH?mode=ro`` (a missing file is an error, never created) and with
  ``PRAGMA query_only``;
* PostgreSQL sessions start with ``default_transaction_read_only=on`` and (psycopg2) every
  transaction begins ``READ ONLY``; the server parses a query before it runs and refuses a
  second statement (:func:`_server_single_statement`);
* MariaDB/MySQL sessions run ``SET SESSION TRANSACTION READ ONLY``, and a URL may not switch on
  multi-statement mode;
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
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
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
from kmu_dataguard.library_logs import route_library_logs

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
        options = " ".join(
            filter(None, [str(parsed.query.get("options", "")), _pg_options(statement_timeout_s)])
        )
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


# The statement_timeout an engine was opened with, for the message when the server cancels.
_STATEMENT_TIMEOUTS: weakref.WeakKeyDictionary[Engine, float] = weakref.WeakKeyDictionary()

# MySQL client capability CLIENT_MULTI_STATEMENTS: lets one message carry several statements.
_CLIENT_MULTI_STATEMENTS = 1 << 16


def _refuse_multi_statements(url: URL) -> None:
    """ConfigError when the URL asks the MySQL driver to send several statements at once.

    Without the flag the server refuses ``SELECT 1; DELETE ...`` as a syntax error, so a query
    can never end the read-only transaction and run a second statement.
    """
    raw = url.query.get("client_flag", ())
    for value in raw if isinstance(raw, tuple) else (raw,):  # a key given twice is a tuple
        try:
            flag = int(str(value), 0)
        except ValueError:
            raise ConfigError(
                f"database URL {redact_url(url)}: client_flag={value!r} is not a number"
            ) from None
        if flag & _CLIENT_MULTI_STATEMENTS:
            raise ConfigError(
                f"database URL {redact_url(url)}: client_flag {flag} includes "
                "CLIENT_MULTI_STATEMENTS (65536), which lets one query run several statements; "
                "remove that bit from the URL (kmu-dataguard only runs single SELECTs)"
            )
    if any(k.lower() in ("multi_statements", "multistatements") for k in url.query):
        raise ConfigError(
            f"database URL {redact_url(url)}: multi-statement mode is not allowed; "
            "remove multi_statements from the URL"
        )


def _millis(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def _pg_options(statement_timeout_s: float | None) -> str:
    """PostgreSQL startup options: they hold for the whole session, whatever a rollback does."""
    options = "-c default_transaction_read_only=on"
    if statement_timeout_s is not None:
        options += f" -c statement_timeout={_millis(statement_timeout_s)}"
    return options


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


# ----------------------------------------------------------------------------------- errors


def _driver_code(err: BaseException) -> tuple[str | None, int | None]:
    """(PostgreSQL SQLSTATE, MySQL error number) of a DBAPI exception, where present."""
    pgcode = getattr(err, "pgcode", None) or getattr(getattr(err, "diag", None), "sqlstate", None)
    mysql_no = None
    args = getattr(err, "args", ())
    if args and isinstance(args[0], int):
        mysql_no = args[0]
    return pgcode, mysql_no


@dataclass(frozen=True)
class _Rule:
    """One kind of database failure: by PostgreSQL SQLSTATE, MySQL error number or message.

    ``texts`` are groups of words; the rule matches when every word of one group occurs in the
    driver's message (lower case).
    """

    kind: str
    pgcodes: frozenset[str] = frozenset()
    mysql: frozenset[int] = frozenset()
    texts: tuple[tuple[str, ...], ...] = ()

    def matches(self, pgcode: str | None, mysql_no: int | None, text: str) -> bool:
        return (
            pgcode in self.pgcodes
            or mysql_no in self.mysql
            or any(all(word in text for word in words) for words in self.texts)
        )


def _rule(kind: str, pg: str = "", mysql: str = "", *texts: str) -> _Rule:
    """A rule from space-separated codes; each text is a group of words joined by ``&``."""
    return _Rule(
        kind,
        frozenset(pg.split()),
        frozenset(int(n) for n in mysql.split()),
        tuple(tuple(t.split("&")) for t in texts),
    )


# First match wins: the order matters where messages overlap ("timeout", "read only").
_RULES: tuple[_Rule, ...] = (
    _rule("no_access", "", "1044"),
    _rule(
        "auth", "28P01 28000", "1045 1698",
        "authentication failed", "access denied", "login failed", "role&does not exist",
    ),
    _rule("no_database", "3D000", "1049", "database&does not exist"),
    _rule(
        "statement_timeout", "", "1969 3024",
        "statement timeout", "max_statement_time", "maximum statement execution time",
    ),
    _rule(
        "lost", "57P01 57P02 57P03", "1053 1927 2006 2013",
        "server closed the connection", "terminating connection", "lost connection",
        "gone away", "connection already closed", "connection was killed",
        "could not receive data from server", "could not send data to server",
        "connection reset", "eof detected", "shutdown in progress",
    ),
    _rule("canceled", "57014", "1317", "canceling statement", "execution was interrupted"),
    _rule(
        "no_table", "42P01", "1146",
        "no such table", "relation&does not exist", "invalid object name",
    ),
    _rule(
        "no_column", "42703", "1054",
        "no such column", "column&does not exist", "unknown column", "invalid column name",
    ),
    _rule("read_only", "25006", "1792", "readonly database", "read-only", "read only"),
    _rule("timeout", "", "", "timeout", "timed out"),
    _rule(
        "no_host", "", "",
        "could not translate host name", "name or service not known", "nodename nor servname",
        "temporary failure in name resolution",
    ),
    _rule("refused", "", "2002 2003", "connection refused", "can't connect"),
    _rule("unreadable", "", "", "unable to open database file"),
)  # fmt: skip


def _classify(err: BaseException) -> str:
    orig = getattr(err, "orig", None) or err
    pgcode, mysql_no = _driver_code(orig)
    text = str(orig).lower()
    for rule in _RULES:
        if rule.matches(pgcode, mysql_no, text):
            return rule.kind
    if getattr(err, "connection_invalidated", False):  # SQLAlchemy saw the connection die
        return "lost"
    return "other"


# What each kind of failure tells the user; {hint} lists the tables (it costs a connection).
_MESSAGES: dict[str, str] = {
    "auth": "login to {where} failed for user {user!r}; check user name and password",
    "no_access": (
        "user {user!r} may not use database {database!r} on {where}, or it does not exist; "
        "check the database name and the grants"
    ),
    "no_database": "database {database!r} does not exist on {where}",
    "refused": (
        "cannot connect to {where}: connection refused; "
        "check host and port and that the database server is running"
    ),
    "timeout": "{where} did not answer in time ({detail}); check host, port and firewall",
    "no_host": "cannot connect to {where}: host name not found; check the host in the URL",
    "no_table": "{what} does not exist in {where} ({detail}){hint}",
    "no_column": "a column does not exist in {where}: {detail}",
    "read_only": (
        "{where} refused a write ({detail}); kmu-dataguard only reads: use a SELECT query"
    ),
    "unreadable": "cannot open {where}: {detail}; check the file and its permissions",
    "lost": (
        "the connection to {where} was lost while reading ({detail}); check that the database "
        "server is running and run the check again"
    ),
    "statement_timeout": (
        "statement timeout: the query ran longer than {limit} on {where}; raise the source's "
        "statement_timeout or make the query faster (an index, fewer rows)"
    ),
    "canceled": (
        "the query was canceled on {where} ({detail}); run the check again, or ask the "
        "database administrator why it was canceled"
    ),
    "other": "database error from {where}: {detail}",
}


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
        template = _MESSAGES[kind]
        limit = _STATEMENT_TIMEOUTS.get(target) if isinstance(target, Engine) else None
        msg = template.format(
            where=where,
            detail=_scrub(_first_line(err.orig), url),
            user=url.username if url is not None else None,
            database=url.database if url is not None else "?",
            what=f"table {table!r}" if table else "a table the query names",
            hint=_tables_hint(target) if "{hint}" in template else "",
            limit=f"{limit:g} s" if limit is not None else "the server's statement timeout",
        )
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


def _validate_query(query: str, dialect: str = "") -> str:
    """The query without a trailing ``;``; ConfigError unless it is one SELECT/WITH statement.

    A first line of defence against typos, lexed with ``dialect``'s quoting and comment rules.
    The real guards are the server's: a single statement per message and a read-only session.
    """
    stripped = query.strip().rstrip(";").strip()
    code = _code_only(stripped, dialect)
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


# PostgreSQL dollar quote opener: $$ or $tag$ (a tag never starts with a digit: $1 is a parameter).
_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_\x80-\uffff][\w\x80-\uffff]*)?\$")
_MYSQL = ("mysql", "mariadb")


def _code_only(sql: str, dialect: str = "") -> str:
    """``sql`` with comments, string literals and quoted identifiers blanked out.

    Follows ``dialect``'s rules: PostgreSQL dollar quoting, nested ``/* */`` and ``E'…'``
    backslash escapes; MySQL/MariaDB ``#`` comments and backslash escapes in every string;
    ``[…]`` identifiers on MS SQL Server and SQLite. Unknown dialects get the common rules.
    An unterminated literal or comment blanks the rest (the server refuses it anyway).
    """
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        end = _literal_end(sql, i, dialect)
        if end is None:
            out.append(sql[i])
            i += 1
        else:
            out.append(" ")
            i = end
    return "".join(out)


def _literal_end(sql: str, i: int, dialect: str) -> int | None:
    """Where the comment, string or quoted name starting at ``i`` ends; None if none starts."""
    c = sql[i]
    if sql.startswith("--", i) or (c == "#" and dialect in _MYSQL):
        end = sql.find("\n", i)
        return len(sql) if end < 0 else end
    if sql.startswith("/*", i):
        return _comment_end(sql, i, nested=dialect == "postgresql")
    if (
        c == "$"
        and dialect == "postgresql"
        and not (i and (sql[i - 1].isalnum() or sql[i - 1] in "_$"))
    ):
        tag = _DOLLAR_TAG.match(sql, i)
        if tag is not None:
            end = sql.find(tag.group(), tag.end())
            return len(sql) if end < 0 else end + len(tag.group())
        return None
    if c in "'\"`" or (c == "[" and dialect in ("mssql", "sqlite")):
        close = "]" if c == "[" else c
        escapes = (dialect in _MYSQL and c in "'\"") or (
            dialect == "postgresql"
            and c == "'"
            and i > 0
            and sql[i - 1] in "eE"
            and not (i > 1 and (sql[i - 2].isalnum() or sql[i - 2] == "_"))
        )
        return _quoted_end(sql, i + 1, close, backslash=escapes)
    return None


def _comment_end(sql: str, i: int, *, nested: bool) -> int:
    depth, j = 0, i
    while j < len(sql):
        if sql.startswith("/*", j) and (nested or depth == 0):
            depth, j = depth + 1, j + 2
        elif sql.startswith("*/", j):
            depth, j = depth - 1, j + 2
            if depth == 0:
                return j
        else:
            j += 1
    return len(sql)


def _quoted_end(sql: str, j: int, close: str, *, backslash: bool) -> int:
    """End of a literal whose body starts at ``j``; a doubled ``close`` is part of it."""
    while j < len(sql):
        ch = sql[j]
        if backslash and ch == "\\":
            j += 2
        elif ch == close:
            if sql.startswith(close * 2, j) and close != "]":
                j += 2
            else:
                return j + 1
        else:
            j += 1
    return len(sql)


def _exec_query(conn: sa.Connection, sql: str) -> sa.CursorResult[Any]:
    """Execute the user's SQL as written (no ``:name`` binds, ``%`` kept literal), after the
    server has confirmed that it is one statement."""
    _server_single_statement(conn, sql)
    if conn.dialect.paramstyle in ("format", "pyformat"):
        # psycopg2/pymysql format the statement with the (empty) parameters: % must be doubled.
        sql = sql.replace("%", "%%")
    return conn.exec_driver_sql(sql)


def _server_single_statement(conn: sa.Connection, sql: str) -> None:
    """Let PostgreSQL itself refuse a second statement before the SQL runs.

    psycopg2 sends SQL in the simple protocol, where ``SELECT …; COMMIT; BEGIN READ WRITE; …``
    would end the read-only transaction whatever our lexer thought of the quoting. The same
    text is first parsed (not run) with the extended protocol's Parse, which the server refuses
    for more than one statement. pg8000 always uses the extended protocol; MariaDB/MySQL refuse
    several statements while CLIENT_MULTI_STATEMENTS is off (see :func:`_refuse_multi_statements`);
    sqlite3 runs one statement per call.
    """
    if conn.dialect.name != "postgresql" or conn.dialect.driver == "pg8000":
        return
    dbapi = conn.connection.dbapi_connection
    pgconn = getattr(dbapi, "pgconn_ptr", None)
    if conn.dialect.driver != "psycopg2" or pgconn is None:
        raise ConfigError(
            f"queries on PostgreSQL need the psycopg2 or pg8000 driver, not "
            f"{conn.dialect.driver!r}; use postgresql+psycopg2:// (or name a table instead)"
        )
    from psycopg2.extensions import encodings

    refusal = _pg_parse(pgconn, sql.encode(encodings.get(dbapi.encoding, "utf-8")))
    if refusal is None:
        return
    sqlstate, message = refusal
    if "multiple commands" in message:
        raise ConfigError("the SQL query holds more than one statement; give a single SELECT")
    # Any other refusal (a missing table, a syntax error) is reported like the driver's own.
    raise exc.DBAPIError(sql, None, _ServerRefusal(sqlstate, message))


class _ServerRefusal(Exception):
    """What PostgreSQL answered to the Parse of a query, shaped like a psycopg2 error."""

    def __init__(self, pgcode: str | None, message: str) -> None:
        super().__init__(message)
        self.pgcode = pgcode


@cache
def _libpq() -> Any:
    """The libpq that psycopg2 is linked with (its symbols are found through the extension)."""
    import ctypes

    from psycopg2 import _psycopg

    lib = ctypes.CDLL(_psycopg.__file__)
    lib.PQprepare.restype = ctypes.c_void_p
    lib.PQprepare.argtypes = [
        ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_void_p
    ]  # fmt: skip
    lib.PQresultStatus.argtypes = [ctypes.c_void_p]
    lib.PQresultErrorField.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.PQresultErrorField.restype = ctypes.c_char_p
    lib.PQresultErrorMessage.argtypes = [ctypes.c_void_p]
    lib.PQresultErrorMessage.restype = ctypes.c_char_p
    lib.PQclear.argtypes = [ctypes.c_void_p]
    return lib


_PGRES_COMMAND_OK = 1
_PG_DIAG_SQLSTATE = ord("C")
_PG_DIAG_MESSAGE_PRIMARY = ord("M")


def _pg_parse(pgconn: int, sql: bytes) -> tuple[str | None, str] | None:
    """Parse ``sql`` as the unnamed prepared statement; None if the server accepted it, else
    (SQLSTATE, message)."""
    lib = _libpq()
    result = lib.PQprepare(pgconn, b"", sql, 0, None)
    try:
        if result and lib.PQresultStatus(result) == _PGRES_COMMAND_OK:
            return None
        if not result:
            return None, "out of memory or the connection is gone"
        code = lib.PQresultErrorField(result, _PG_DIAG_SQLSTATE)
        text = lib.PQresultErrorField(result, _PG_DIAG_MESSAGE_PRIMARY) or lib.PQresultErrorMessage(
            result
        )
        return (code.decode() if code else None), (text or b"").decode("utf-8", "replace")
    finally:
        if result:
            lib.PQclear(result)


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
            connect_args.update(
                connect_timeout=connect_timeout_s, options=_pg_options(statement_timeout_s)
            )
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
