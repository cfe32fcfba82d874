"""The accepted values of change detection in the store: read, moved by a run, approved.

A baseline is the accepted value of one column of one record, per subject (gate) and check:
its keyed hash and its masked form (``schema.baselines``). A run reads the baselines of an
expectation (:func:`load`), and when the run is recorded its :class:`BaselineUpdate` is written
in the same transaction (:func:`write_updates`): records seen for the first time get their
value as baseline, a changed value is kept as *pending* beside the baseline it changed, and a
value back at its baseline drops the pending change. Only :func:`approve` moves a baseline to
a pending value, and records who did it (``schema.approvals``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from kmu_dataguard.errors import ConfigError, HistoryError
from kmu_dataguard.history import schema
from kmu_dataguard.history.store import HistoryStore, aware, naive_utc

__all__ = [
    "Approval",
    "Baseline",
    "BaselineUpdate",
    "Pending",
    "Scope",
    "approve",
    "load",
    "pending",
    "value_salt",
    "write_updates",
]

_B = schema.baselines


@dataclass(frozen=True)
class Scope:
    """Whose baselines: one column of one check, for one subject (gate or ``check:NAME``)."""

    subject: str
    check: str
    column: str

    def where(self) -> sa.ColumnElement[bool]:
        return sa.and_(
            _B.c.subject == self.subject,
            _B.c.check_name == self.check,
            _B.c.column_name == self.column,
        )


@dataclass(frozen=True)
class Baseline:
    value_hash: str
    shown: str
    pending_hash: str | None


@dataclass
class BaselineUpdate:
    """What one run writes into the baselines of one expectation when it is recorded."""

    scope: Scope
    #: (key, hash, shown) of records without a baseline: their value becomes it
    first: list[tuple[str, str, str]] = field(default_factory=list)
    #: (key, baseline hash, new hash, new shown): kept pending, the baseline stays
    changed: list[tuple[str, str, str, str]] = field(default_factory=list)
    #: (key, baseline hash) of records back at their baseline: a pending change is dropped
    settled: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Pending:
    """A change waiting for ``dataguard approve``."""

    check: str
    column: str
    key: str
    old: str
    new: str
    run_id: str | None
    since: datetime | None


@dataclass(frozen=True)
class Approval:
    """One accepted change, as recorded."""

    subject: str
    check: str
    column: str
    key: str
    old: str
    new: str
    run_id: str | None
    by: str
    at: datetime
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "check": self.check,
            "column": self.column,
            "key": self.key,
            "old": self.old,
            "new": self.new,
            "run_id": self.run_id,
            "approved_by": self.by,
            "approved_at": self.at.isoformat(timespec="seconds"),
            "note": self.note,
        }


def value_salt(store: HistoryStore) -> bytes:
    """The store's salt for value hashes (written by schema migration 2)."""
    with store.reading("reading the value salt") as conn:
        value = conn.execute(
            sa.select(schema.meta.c.value).where(schema.meta.c.key == schema.VALUE_SALT)
        ).scalar()
    if not value:
        raise HistoryError(
            f"history store {store.where}: the salt of the value hashes is missing from dg_meta "
            "(a damaged store): move the store away, or set history: off"
        )
    return bytes.fromhex(value)


def load(store: HistoryStore, scope: Scope) -> dict[str, Baseline]:
    """Every baseline of ``scope``, by record key."""
    query = sa.select(_B.c.record_key, _B.c.value_hash, _B.c.shown, _B.c.pending_hash).where(
        scope.where()
    )
    with store.reading("reading the accepted values") as conn:
        return {
            row.record_key: Baseline(row.value_hash, row.shown, row.pending_hash)
            for row in conn.execute(query)
        }


def write_updates(conn: sa.Connection, updates: Sequence[BaselineUpdate], run_id: str) -> None:
    """Write what a run found, inside the transaction that records the run."""
    now = naive_utc(datetime.now(UTC))
    for update in updates:
        scope = update.scope
        ident = {"subject": scope.subject, "check_name": scope.check, "column_name": scope.column}
        if update.first:
            rows = [
                {**ident, "record_key": key, "value_hash": digest, "shown": shown}
                | {"since_run": run_id, "updated_at": now}
                for key, digest, shown in update.first
            ]
            # Another run of the same gate may have noted them meanwhile: theirs stands.
            _insert_new(conn, rows)
        if update.changed:
            match = sa.and_(
                scope.where(),
                _B.c.record_key == sa.bindparam("b_key"),
                _B.c.value_hash == sa.bindparam("b_old"),
            )
            params = [
                {"b_key": key, "b_old": old, "b_new": new, "b_shown": shown}
                for key, old, new, shown in update.changed
            ]
            same = sa.and_(match, _B.c.pending_hash == sa.bindparam("b_new"))
            conn.execute(
                sa.update(_B)
                .where(same)
                .values(pending_shown=sa.bindparam("b_shown"), pending_run=run_id),
                params,
            )
            other = sa.and_(
                match,
                sa.or_(_B.c.pending_hash.is_(None), _B.c.pending_hash != sa.bindparam("b_new")),
            )
            conn.execute(
                sa.update(_B)
                .where(other)
                .values(
                    pending_hash=sa.bindparam("b_new"),
                    pending_shown=sa.bindparam("b_shown"),
                    pending_run=run_id,
                    pending_since=now,
                ),
                params,
            )
        if update.settled:
            conn.execute(
                sa.update(_B)
                .where(
                    scope.where(),
                    _B.c.record_key == sa.bindparam("b_key"),
                    _B.c.value_hash == sa.bindparam("b_old"),
                )
                .values(
                    pending_hash=None, pending_shown=None, pending_run=None, pending_since=None
                ),
                [{"b_key": key, "b_old": old} for key, old in update.settled],
            )


def _insert_new(conn: sa.Connection, rows: list[dict[str, Any]]) -> None:
    """Insert the rows whose key is not there yet (one statement per dialect's own way)."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        conn.execute(pg_insert(_B).on_conflict_do_nothing(), rows)
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        conn.execute(sqlite_insert(_B).on_conflict_do_nothing(), rows)
    elif dialect in ("mysql", "mariadb"):
        conn.execute(sa.insert(_B).prefix_with("IGNORE"), rows)
    else:
        conn.execute(sa.insert(_B), rows)


def pending(store: HistoryStore, subject: str, check: str | None = None) -> list[Pending]:
    """The changes of ``subject`` (one check, or all) that wait for approval."""
    query = (
        sa.select(_B)
        .where(_B.c.subject == subject, _B.c.pending_hash.is_not(None))
        .order_by(_B.c.check_name, _B.c.record_key, _B.c.column_name)
    )
    if check is not None:
        query = query.where(_B.c.check_name == check)
    with store.reading("reading the changes waiting for approval") as conn:
        return [_pending(row) for row in conn.execute(query)]


def _pending(row: Any) -> Pending:
    since = aware(row.pending_since) if row.pending_since is not None else None
    return Pending(
        row.check_name,
        row.column_name,
        row.record_key,
        row.shown,
        row.pending_shown,
        row.pending_run,
        since,
    )


def approve(
    store: HistoryStore,
    *,
    subject: str,
    check: str,
    key: str,
    column: str | None,
    by: str,
    note: str | None,
) -> list[Approval]:
    """Accept the pending change(s) of record ``key`` (every changed column, or ``column``).

    The baseline becomes the pending value and an approval row records who, when and why; all
    in one transaction. Nothing pending is a ConfigError (exit 2) that lists what is pending.
    """
    at = datetime.now(UTC)
    where = [
        _B.c.subject == subject,
        _B.c.check_name == check,
        _B.c.record_key == key,
        _B.c.pending_hash.is_not(None),
    ]
    if column is not None:
        where.append(_B.c.column_name == column)
    done: list[Approval] = []
    with store.writing("approving the change") as conn:
        for row in conn.execute(sa.select(_B).where(*where).order_by(_B.c.column_name)).all():
            change = _pending(row)
            conn.execute(
                sa.update(_B)
                .where(
                    _B.c.subject == subject,
                    _B.c.check_name == check,
                    _B.c.column_name == row.column_name,
                    _B.c.record_key == key,
                )
                .values(
                    value_hash=row.pending_hash,
                    shown=row.pending_shown,
                    since_run=row.pending_run,
                    updated_at=naive_utc(at),
                    pending_hash=None,
                    pending_shown=None,
                    pending_run=None,
                    pending_since=None,
                )
            )
            approval = Approval(
                subject=subject,
                check=check,
                column=row.column_name,
                key=key,
                old=change.old,
                new=change.new,
                run_id=change.run_id,
                by=by,
                at=at,
                note=note,
            )
            conn.execute(sa.insert(schema.approvals).values(_approval_row(approval)))
            done.append(approval)
    if not done:
        raise ConfigError(_nothing_pending(store, subject, check, key, column))
    return done


def _approval_row(approval: Approval) -> dict[str, Any]:
    return {
        "subject": approval.subject,
        "check_name": approval.check,
        "column_name": approval.column,
        "record_key": approval.key,
        "old_shown": approval.old,
        "new_shown": approval.new,
        "run_id": approval.run_id,
        "approved_by": approval.by[:255],
        "approved_at": naive_utc(approval.at),
        "note": approval.note,
    }


def _nothing_pending(
    store: HistoryStore, subject: str, check: str, key: str, column: str | None
) -> str:
    what = f"record {key!r}" + (f", column {column!r}," if column else "")
    waiting = pending(store, subject, check)
    tail = (
        f"changes waiting: {_listing(waiting)}"
        if waiting
        else f"no change of check {check!r} waits for approval (a run of {subject!r} must "
        "report one first)"
    )
    return f"nothing to approve for {what} of check {check!r} in {subject!r}; {tail}"


def _listing(waiting: Iterable[Pending], limit: int = 10) -> str:
    items = [f"{p.key} ({p.column})" for p in waiting]
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more
