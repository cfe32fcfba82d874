"""The query guard: a user's SQL may be one read-only SELECT, and nothing else.

Two lines of defence, on purpose. The first is a lexer here (:func:`_validate_query`): it blanks
comments, string literals and quoted names with the dialect's own rules and refuses a second
statement or a writing keyword, so a typo or a pasted ``DELETE`` gets a clear ConfigError before
anything reaches the database. A lexer can be fooled (a dialect's quoting it does not know, a
server setting that changes escapes), so it is never trusted alone.

The real guards are the server's, which parses the SQL itself:

* one statement per message: PostgreSQL refuses several in the extended protocol's Parse, which
  :func:`_server_single_statement` sends before psycopg2 runs the text in the simple protocol;
  MariaDB/MySQL refuse them while CLIENT_MULTI_STATEMENTS is off, which
  :func:`_refuse_multi_statements` keeps a URL from switching on; pg8000 and sqlite3 run one
  statement per call anyway;
* a read-only session (see :func:`~kmu_dataguard.sources.sql.engines.open_engine`), so that even
  a single statement cannot write.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.engine import URL

from kmu_dataguard.errors import ConfigError
from kmu_dataguard.sources.sql.urls import redact_url

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


# ------------------------------------------------------------------------------------ lexer


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


# ------------------------------------------------------------------------------- the server


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
