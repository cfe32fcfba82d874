"""The run history store: SQLite by default, any SQLAlchemy database for a shared one.

Safe with several gates at once: every write is one transaction; SQLite runs in WAL mode (readers
never wait for a writer), takes its write lock at BEGIN (``BEGIN IMMEDIATE``, so two writers
queue instead of failing half-way) and waits up to :data:`BUSY_TIMEOUT_S` for it. Opening checks
the schema version and migrates under a lock (see :mod:`kmu_dataguard.history.schema`).

Every failure becomes a :class:`~kmu_dataguard.errors.HistoryError` naming the store (password
masked) and what to do; the run then exits 3 (a gate never passes unrecorded).
"""

from __future__ import annotations

import contextlib
import json
import socket
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

from kmu_dataguard._secrets import mask_url, redact, url_secrets
from kmu_dataguard.errors import ConfigError, HistoryError, one_line
from kmu_dataguard.history import schema
from kmu_dataguard.history.keys import pack_keys
from kmu_dataguard.history.previous import failing_keys, previous_run
from kmu_dataguard.results import CheckHistory, CheckResult, GateResult, TrendPoint

__all__ = ["BUSY_TIMEOUT_S", "HistoryStore", "PreviousCheck", "open_existing", "open_store"]

#: How long a run waits for another run's write to finish before giving up (exit 3).
BUSY_TIMEOUT_S = 30
_LOCK_ID = 0x64675F68  # "dg_h": PostgreSQL advisory lock for migrations


@dataclass(frozen=True)
class PreviousCheck:
    """A check as the last run that validated it recorded it: its failing keys and counts."""

    run_id: str
    started_at: datetime
    rows: int
    failing_records: int
    keys: set[str]
    #: false when ``--max-keys`` cut a list, so "fixed" cannot be told from "not listed"
    complete: bool


def open_store(url: str, secrets: frozenset[str] | set[str] = frozenset()) -> HistoryStore:
    """Open (and create or migrate) the store at ``url``; HistoryError when it cannot be used."""
    store = _store(url, secrets, create=True)
    try:
        store.migrate()
    except BaseException:
        store.close()
        raise
    return store


def open_existing(
    url: str, secrets: frozenset[str] | set[str] = frozenset()
) -> HistoryStore | None:
    """Open the store at ``url`` for reading; None when nothing was recorded there yet.

    Creates nothing (no folder, no file, no table) and migrates nothing: every table it reads
    exists since schema version 1. A newer store is refused like in :func:`open_store`.
    """
    store = _store(url, secrets, create=False)
    if store.missing():
        store.close()
        return None
    try:
        found = store.version()
        if found > schema.SCHEMA_VERSION:
            raise store._newer(found)
    except BaseException:
        store.close()
        raise
    if found == 0:
        store.close()
        return None
    return store


def _store(url: str, secrets: frozenset[str] | set[str], *, create: bool) -> HistoryStore:
    shown = mask_url(url)
    hidden = set(secrets) | url_secrets(url)
    try:
        engine = _engine(url, create=create)
    except ConfigError as err:
        raise HistoryError(f"history store {shown}: {err}; or set history: off") from err
    return HistoryStore(engine, shown, hidden)


def _engine(url: str, *, create: bool) -> Engine:
    from kmu_dataguard.sources.sql.engines import store_engine

    engine = store_engine(url, connect_timeout_s=10)
    if engine.dialect.name == "sqlite":
        _prepare_sqlite(engine, create=create)
    return engine


def _sqlite_file(engine: Engine) -> Path | None:
    """The file of an SQLite store (None for a server, an in-memory or a URI database)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite":
        return None
    if database and database != ":memory:" and not database.startswith("file:"):
        return Path(database)
    return None


def _prepare_sqlite(engine: Engine, *, create: bool) -> None:
    file = _sqlite_file(engine)
    if create and file is not None:
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise ConfigError(
                f"cannot create the folder {file.parent}: {err.strerror or err}"
            ) from err

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # Transactions are ours (BEGIN below), not pysqlite's implicit ones.
        dbapi_connection.isolation_level = None
        dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        # A writer takes the lock at BEGIN and waits for it there, never half-way through.
        write = conn.get_execution_options().get("history_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class HistoryStore:
    """An open history store; use as a context manager or call :meth:`close`."""

    def __init__(self, engine: Engine, where: str, secrets: set[str]) -> None:
        self._engine = engine
        self.where = where
        self._secrets = secrets

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._engine.dispose()

    # ----------------------------------------------------------------------- plumbing

    @contextlib.contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Driver errors become one HistoryError line that says what to do."""
        try:
            yield
        except HistoryError:
            raise
        except (exc.SQLAlchemyError, sqlite3.Error, OSError, ValueError) as err:
            cause = getattr(err, "orig", None) or err
            detail = redact(one_line(cause), self._secrets)
            raise HistoryError(
                f"history store {self.where}: {doing} failed: {detail}; {_hint(detail)}"
            ) from None

    # A transaction that reads or writes; ``doing`` names it in the error ("recording the run").
    @contextlib.contextmanager
    def writing(self, doing: str) -> Iterator[sa.Connection]:
        with (
            self._errors(doing),
            self._engine.execution_options(history_write=True).begin() as conn,
        ):
            yield conn

    @contextlib.contextmanager
    def reading(self, doing: str) -> Iterator[sa.Connection]:
        with self._errors(doing), self._engine.begin() as conn:
            yield conn

    def missing(self) -> bool:
        """An SQLite store whose file does not exist yet (connecting would create it)."""
        file = _sqlite_file(self._engine)
        return file is not None and not file.exists()

    # ----------------------------------------------------------------------- schema

    def version(self) -> int:
        with self.reading("reading the schema version") as conn:
            return _version(conn)

    def migrate(self) -> None:
        """Bring the schema to :data:`~kmu_dataguard.history.schema.SCHEMA_VERSION`."""
        found = self.version()
        if found > schema.SCHEMA_VERSION:
            raise self._newer(found)  # before anything touches the file
        self._use_wal()
        if found == schema.SCHEMA_VERSION:
            return  # the common case, without taking the write lock
        with self.writing("creating or migrating the schema") as conn:
            _lock(conn)
            current = _version(conn)  # again: another run may have migrated meanwhile
            if current > schema.SCHEMA_VERSION:
                raise self._newer(current)
            schema.meta.create(conn, checkfirst=True)
            for step in schema.MIGRATIONS:
                if step.version > current:
                    step.apply(conn)
            _set_version(conn, schema.SCHEMA_VERSION, exists=current > 0)

    def _use_wal(self) -> None:
        """SQLite in WAL mode: readers never wait for a writer. The mode stays with the file;
        switching needs a moment without other connections, so when another run holds the file
        (several gates opening a new store at once) this run goes on in the current mode and a
        later run switches it. Correct either way: only less concurrent until then."""
        if self._engine.dialect.name != "sqlite":
            return
        with self._errors("switching to WAL mode"):
            raw = self._engine.raw_connection()
            try:
                db: Any = raw.driver_connection
                if str(db.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                    db.execute("PRAGMA journal_mode = WAL")
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) and "busy" not in str(err):
                    raise
            finally:
                raw.close()

    def _newer(self, found: int) -> HistoryError:
        return HistoryError(
            f"history store {self.where} has schema version {found}, written by a newer "
            f"kmu-dataguard (this one knows up to {schema.SCHEMA_VERSION}): upgrade "
            "kmu-dataguard, or use another history store, or set history: off"
        )

    # ----------------------------------------------------------------------- writing

    def record(
        self,
        result: GateResult,
        *,
        subject: str,
        config_hash: str,
        version: str,
        also: Callable[[sa.Connection], None] | None = None,
    ) -> None:
        """Record a finished run, all of it or nothing; ``also`` writes more in the same
        transaction (the baselines the run moved)."""
        finished = datetime.now(UTC)
        run_row = {
            "run_id": result.run_id,
            "subject": subject,
            "gate": result.gate,
            "started_at": naive_utc(result.started_at),
            "finished_at": naive_utc(finished),
            "duration_s": result.duration_s,
            "verdict": str(result.verdict),
            "exit_code": int(result.exit_code),
            "fail_on": str(result.fail_on),
            "tool_version": version,
            "config_hash": config_hash,
            "host": socket.gethostname()[:255],
            "report_path": result.report_path,
            "errors": json.dumps([e.to_dict() for e in result.errors], ensure_ascii=False),
        }
        check_rows = [_check_row(result.run_id, c) for c in result.checks]
        outcome_rows = [
            _outcome_row(result.run_id, c.name, i, e)
            for c in result.checks
            for i, e in enumerate(c.expectations)
        ]
        with self.writing("recording the run") as conn:
            conn.execute(sa.insert(schema.runs), [run_row])
            if check_rows:
                conn.execute(sa.insert(schema.checks), check_rows)
            if outcome_rows:
                conn.execute(sa.insert(schema.expectations), outcome_rows)
            if also is not None:
                also(conn)

    # ----------------------------------------------------------------------- reading

    def previous_check(self, subject: str, check: str, before: datetime) -> PreviousCheck | None:
        """The check as the latest earlier run of ``subject`` validated it (errors skipped)."""
        columns = ("run_id", "started_at", "rows", "failing_records", "keys_complete")
        query = previous_run(subject, check, naive_utc(before), *columns)
        with self.reading("reading the previous run") as conn:
            row = conn.execute(query).first()
            if row is None:
                return None
            keys = failing_keys(conn, [(row.run_id, check)])[(row.run_id, check)]
        return PreviousCheck(
            run_id=row.run_id,
            started_at=aware(row.started_at),
            rows=int(row.rows),
            failing_records=int(row.failing_records),
            keys=keys,
            complete=bool(row.keys_complete),
        )

    def trend(self, subject: str, limit: int = 20) -> dict[str, list[TrendPoint]]:
        """Per check, its last ``limit`` recorded runs of ``subject``, oldest first."""
        r, c = schema.runs, schema.checks
        latest = (
            sa.select(r.c.run_id)
            .where(r.c.subject == subject)
            .order_by(r.c.started_at.desc())
            .limit(limit)
            .subquery()
        )
        query = (
            sa.select(
                r.c.run_id, r.c.started_at, c.c.name, c.c.verdict, c.c.failing_records, c.c.rows
            )
            .join(c, c.c.run_id == r.c.run_id)
            .where(r.c.run_id.in_(sa.select(latest.c.run_id)))
            .order_by(r.c.started_at)
        )
        found: dict[str, list[TrendPoint]] = {}
        with self.reading("reading the trend") as conn:
            for row in conn.execute(query):
                found.setdefault(row.name, []).append(
                    TrendPoint(
                        row.run_id,
                        aware(row.started_at),
                        row.verdict,
                        int(row.failing_records),
                        int(row.rows),
                    )
                )
        return found


def _check_row(run_id: str | None, check: CheckResult) -> dict[str, Any]:
    keys, complete = check.failing_record_keys()
    return {
        "run_id": run_id,
        "name": check.name,
        "source": check.source,
        "suite": check.suite,
        "key_column": check.key,
        "rows": check.rows,
        "verdict": str(check.verdict),
        "failing_records": len(keys),
        "keys_complete": complete,
        "errors": json.dumps(check.errors, ensure_ascii=False),
        **_change_columns(check.history),
    }


def _change_columns(history: CheckHistory | None) -> dict[str, Any]:
    known = history is not None and history.previous_run is not None
    return {
        "previous_run": history.previous_run if known else None,
        "new_failing": len(history.new_keys) if known else None,
        "fixed": history.fixed if known else None,
        "change_complete": history.complete if known else None,
    }


def _outcome_row(run_id: str | None, check: str, position: int, outcome: Any) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "check_name": check,
        "position": position,
        "expectation_id": outcome.id,
        "type": outcome.type,
        "column_name": outcome.column,
        "severity": str(outcome.severity),
        "verdict": None if outcome.verdict is None else str(outcome.verdict),
        "success": bool(outcome.success),
        "unexpected_count": int(outcome.unexpected_count),
        "keys_truncated": bool(outcome.failing_keys_truncated),
        "failing_keys": None if outcome.success else pack_keys(outcome.failing_keys),
    }


def _version(conn: sa.Connection) -> int:
    if not sa.inspect(conn).has_table(schema.meta.name):
        # A table of ours without dg_meta would be a damaged store; an empty one is new.
        return 0
    value = conn.execute(
        sa.select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")
    ).scalar()
    try:
        return int(value or 0)
    except ValueError:
        raise ValueError(f"schema_version {value!r} is not a number") from None


def _set_version(conn: sa.Connection, version: int, *, exists: bool) -> None:
    table = schema.meta
    if exists:
        conn.execute(
            sa.update(table).where(table.c.key == "schema_version").values(value=str(version))
        )
    else:
        conn.execute(sa.insert(table).values(key="schema_version", value=str(version)))


def _lock(conn: sa.Connection) -> None:
    """Serialise migrations between runs (SQLite: BEGIN IMMEDIATE already holds the lock)."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
    elif dialect in ("mysql", "mariadb"):
        got = conn.execute(
            sa.text("SELECT GET_LOCK('kmu_dataguard_history', :t)"), {"t": BUSY_TIMEOUT_S}
        ).scalar()
        if got != 1:
            raise HistoryError("history store: another run holds the migration lock")


def _hint(detail: str) -> str:
    text = detail.lower()
    if "not a database" in text or "malformed" in text:
        return "the file is damaged: move it away (a new one is created) or set history: off"
    if "locked" in text or "busy" in text:
        return (
            f"other runs kept it busy (waited up to {BUSY_TIMEOUT_S} s): try again, "
            "or put the history on a local disk (network shares break SQLite locking)"
        )
    if "readonly" in text or "read-only" in text or "permission" in text:
        return "make the folder and file writable for this user, or set history: off"
    return "check the history: setting in dataguard.yml, or set history: off"


def naive_utc(moment: datetime) -> datetime:
    """Times are stored as naive UTC (SQLite keeps no zone)."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
