"""Read-only engines: ours (:func:`open_engine`) and the validation engine's own
(:func:`validation_engine_args`), both configured from one table of per-dialect settings.

How each database is kept read-only, with a statement timeout, is data (:data:`_DIALECTS`), read
by both functions:

* SQLite is opened as ``file:PATH?mode=ro`` (a missing file is an error, never created) and with
  ``PRAGMA query_only``;
* PostgreSQL through psycopg2/psycopg gets libpq startup options (``default_transaction_read_only``
  and ``statement_timeout`` for the whole session, after the URL's own ``?options=``) and every
  transaction begins ``READ ONLY``; other PostgreSQL drivers set the session on connect;
* MariaDB/MySQL sessions run ``SET SESSION TRANSACTION READ ONLY`` (the validation engine's as
  the driver's ``init_command``), and a URL may not switch on multi-statement mode;
* MS SQL Server has no read-only session switch: connect with a login that holds only
  ``db_datareader``.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import URL, Engine
from sqlalchemy.pool import NullPool

from kmu_dataguard.errors import ConfigError
from kmu_dataguard.library_logs import route_library_logs
from kmu_dataguard.sources.sql.errors import _STATEMENT_TIMEOUTS, translate_errors
from kmu_dataguard.sources.sql.guard import _refuse_multi_statements
from kmu_dataguard.sources.sql.urls import _parse, _sqlite_read_only, _url_options, redact_url

__all__ = ["open_engine", "store_engine", "validation_engine_args"]

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


def _millis(seconds: float) -> int:
    return max(1, round(seconds * 1000))


def _pg_timeout_sql(statement_timeout_s: float, _dbapi_connection: Any) -> str:
    return f"SET statement_timeout = {_millis(statement_timeout_s)}"


def _mysql_timeout_sql(statement_timeout_s: float, dbapi_connection: Any) -> str:
    """MariaDB cancels any statement after max_statement_time (s); MySQL a SELECT after
    max_execution_time (ms)."""
    if _is_mariadb(dbapi_connection):
        return f"SET SESSION max_statement_time = {statement_timeout_s:g}"
    return f"SET SESSION max_execution_time = {_millis(statement_timeout_s)}"


def _is_mariadb(dbapi_connection: Any) -> bool:
    info = getattr(dbapi_connection, "get_server_info", None)
    return callable(info) and "mariadb" in str(info()).lower()


@dataclass(frozen=True)
class _Dialect:
    """How the sessions of one backend and driver are made read-only and time-limited."""

    connect_timeout: str | None = None  # the driver's connect_args keyword for it
    #: libpq startup options (read-only, statement_timeout) and BEGIN READ ONLY: they hold for
    #: the whole session, whatever a query does, and need no listener (the validation engine too)
    startup_options: bool = False
    read_only_sql: str | None = None  # run on every new connection
    commit: bool = False  # the driver opened a transaction for read_only_sql: keep it
    timeout_sql: Callable[[float, Any], str] | None = None  # run on connect with the timeout
    #: the validation engine's sessions: read_only_sql (and the timeout) as the driver's
    #: init_command; without this or startup_options it cannot be made read-only (except SQLite)
    init_command: bool = False


_PG_SESSION = "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"
_MYSQL_SESSION = "SET SESSION TRANSACTION READ ONLY"
_PG_STARTUP = _Dialect("connect_timeout", startup_options=True)
_MYSQL = _Dialect("connect_timeout", read_only_sql=_MYSQL_SESSION, timeout_sql=_mysql_timeout_sql)
_MYSQL_INIT = _Dialect(
    "connect_timeout",
    read_only_sql=_MYSQL_SESSION,
    timeout_sql=_mysql_timeout_sql,
    init_command=True,
)

# One row per (backend, driver); driver "" stands for every other driver of that backend.
# The backends' order is the one the "not supported" message lists.
_DIALECTS: dict[tuple[str, str], _Dialect] = {
    ("sqlite", ""): _Dialect("timeout", read_only_sql="PRAGMA query_only = ON"),
    ("postgresql", "psycopg2"): _PG_STARTUP,
    ("postgresql", "psycopg"): _PG_STARTUP,
    ("postgresql", "pg8000"): _Dialect(
        "timeout", read_only_sql=_PG_SESSION, commit=True, timeout_sql=_pg_timeout_sql
    ),
    ("postgresql", ""): _Dialect(
        read_only_sql=_PG_SESSION, commit=True, timeout_sql=_pg_timeout_sql
    ),
    ("mysql", "pymysql"): _MYSQL_INIT,
    ("mysql", "mysqldb"): _MYSQL_INIT,
    ("mysql", ""): _MYSQL,
    ("mariadb", "pymysql"): _MYSQL_INIT,
    ("mariadb", "mysqldb"): _MYSQL_INIT,
    ("mariadb", ""): _MYSQL,
    ("mssql", "pymssql"): _Dialect("login_timeout"),
    ("mssql", ""): _Dialect("timeout"),
}
_SUPPORTED_BACKENDS = tuple(dict.fromkeys(backend for backend, _ in _DIALECTS))


def _dialect(url: URL) -> _Dialect:
    backend, _, driver = url.drivername.partition("+")
    return _DIALECTS.get((backend, driver)) or _DIALECTS[backend, ""]


def _pg_options(statement_timeout_s: float | None, url_options: str = "") -> str:
    """PostgreSQL startup options: they hold for the whole session, whatever a rollback does.

    The URL's own ``options`` (e.g. ``-c search_path=erp``) come first: a later ``-c`` wins, so
    a URL cannot switch read-only off.
    """
    options = "-c default_transaction_read_only=on"
    if statement_timeout_s is not None:
        options += f" -c statement_timeout={_millis(statement_timeout_s)}"
    return f"{url_options} {options}" if url_options else options


# -------------------------------------------------------------------------------- our engine


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
    parsed, backend = _supported(url)
    if statement_timeout_s is not None and statement_timeout_s <= 0:
        raise ConfigError(
            f"statement_timeout must be more than 0 seconds, not {statement_timeout_s}"
        )
    if backend == "sqlite":
        parsed = _sqlite_read_only(parsed)
    else:
        if backend in ("mysql", "mariadb"):
            _refuse_multi_statements(parsed)
        if not parsed.drivername.partition("+")[2]:
            parsed = parsed.set(drivername=f"{backend}+{_installed_driver(parsed, backend)}")

    settings = _dialect(parsed)
    connect_args: dict[str, Any] = {}
    execution_options: dict[str, Any] = {}
    if settings.connect_timeout is not None:
        connect_args[settings.connect_timeout] = connect_timeout_s
    if settings.startup_options:
        connect_args["options"] = _pg_options(statement_timeout_s, _url_options(parsed))
        parsed = parsed.difference_update_query(["options"])
        # Every transaction starts as BEGIN READ ONLY: a query that turns the session default
        # off (SELECT set_config('default_transaction_read_only', 'off', false)) changes nothing.
        execution_options["postgresql_readonly"] = True

    engine = _create_engine(parsed, connect_args, execution_options)
    if settings.read_only_sql is not None:
        _on_connect(engine, settings.read_only_sql, commit=settings.commit)
    if statement_timeout_s is not None and settings.timeout_sql is not None:
        _on_connect(
            engine, partial(settings.timeout_sql, statement_timeout_s), commit=settings.commit
        )
    if statement_timeout_s is not None and (settings.startup_options or settings.timeout_sql):
        _STATEMENT_TIMEOUTS[engine] = statement_timeout_s
    return engine


def store_engine(url: str, *, connect_timeout_s: int = 10) -> Engine:
    """A read-write engine for one of the guard's own stores (the run history), never a source.

    The same URL checks, driver choice and error messages as :func:`open_engine`, none of its
    read-only settings. SQLite files are the caller's business (locking, journal mode).
    """
    route_library_logs()
    parsed, backend = _supported(url)
    if backend != "sqlite" and not parsed.drivername.partition("+")[2]:
        parsed = parsed.set(drivername=f"{backend}+{_installed_driver(parsed, backend)}")
    settings = _dialect(parsed)
    connect_args: dict[str, Any] = {}
    if settings.connect_timeout is not None:
        connect_args[settings.connect_timeout] = connect_timeout_s
    return _create_engine(parsed, connect_args)


def _supported(url: str) -> tuple[URL, str]:
    """``url`` parsed, and its backend; ConfigError for a dialect we do not support."""
    parsed = _parse(url)
    backend = parsed.get_backend_name()
    if backend not in _SUPPORTED_BACKENDS:
        raise ConfigError(
            f"database URL {redact_url(parsed)}: dialect {backend!r} is not supported; "
            f"use one of {', '.join(_SUPPORTED_BACKENDS)}"
        )
    return parsed, backend


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


# ---------------------------------------------------------------- the validation engine's own


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
        settings = _dialect(parsed)
        kwargs: dict[str, Any] = {}
        connect_args: dict[str, Any] = {}
        if parsed.get_backend_name() == "sqlite":
            connect_args["timeout"] = connect_timeout_s  # mode=ro is in the URL
        elif settings.startup_options:
            # open_engine moved the URL's options (search_path...) out of engine.url.
            options = _pg_options(statement_timeout_s, _url_options(_parse(url)))
            connect_args.update(connect_timeout=connect_timeout_s, options=options)
            kwargs["execution_options"] = {"postgresql_readonly": True}  # BEGIN READ ONLY
        elif settings.init_command:
            init = _MYSQL_SESSION
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
