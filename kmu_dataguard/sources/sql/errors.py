"""Driver errors as one line: every SQLAlchemy/driver exception of a SQL source, translated.

:func:`translate_errors` is the only place database failures are mapped to
:class:`~kmu_dataguard.errors.SourceError`. What a failure *is* comes from a rule table
(:data:`_RULES`: PostgreSQL SQLSTATE, MySQL error number, words of the message; first match
wins), what it *tells the user* from a message table (:data:`_MESSAGES`). Every line names the
redacted URL and never a password: credentials are blanked out of driver text as a second line
of defence.

:mod:`~kmu_dataguard.sources.sql.engines` records an engine's statement timeout in
:data:`_STATEMENT_TIMEOUTS` for the message when the server cancels; the tables a "no such
table" message offers are listed by :mod:`~kmu_dataguard.sources.sql.introspect`.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import exc
from sqlalchemy.engine import URL, Engine

from kmu_dataguard.errors import SourceError
from kmu_dataguard.sources.sql.urls import _safe_url, _scrub, redact_url

__all__ = ["translate_errors"]

_MAX_LISTED = 25  # names listed in one error line before "… and N more"

# The statement_timeout an engine was opened with, for the message when the server cancels.
_STATEMENT_TIMEOUTS: weakref.WeakKeyDictionary[Engine, float] = weakref.WeakKeyDictionary()


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
    # Imported here: introspect translates its own errors through this module.
    from kmu_dataguard.sources.sql.introspect import list_tables

    try:
        names = list_tables(target)
    except Exception:  # the listing is a courtesy; the original error is what matters
        return ""
    return f"; tables there: {_listing(names)}" if names else "; the database has no tables"


def _listing(names: Sequence[str]) -> str:
    shown = ", ".join(names[:_MAX_LISTED])
    rest = len(names) - _MAX_LISTED
    return f"{shown} … and {rest} more" if rest > 0 else shown
