"""The history store's tables and their migrations.

The schema is versioned: ``dg_meta`` holds ``schema_version``, and :data:`MIGRATIONS` lists the
steps from an empty store to the current version, each applied once, in order, in one
transaction with the store locked (two gates opening a new store at once must not both create
it). A store written by a newer kmu-dataguard is refused rather than guessed at.

Why not Alembic: it wants a script folder and an ``env.py`` shipped with the package, and it has
no answer for "refuse a newer store" or for locking a store that several gates open at the same
moment; a handful of steps in one list, tested from every older version, is simpler to trust.

All names start with ``dg_`` so the tables can live in a shared database. Times are naive UTC.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.mysql import LONGBLOB

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "VALUE_SALT",
    "Migration",
    "approvals",
    "baselines",
    "checks",
    "expectations",
    "meta",
    "metadata",
    "notifications",
    "runs",
]

metadata = sa.MetaData()

meta = sa.Table(
    "dg_meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(255), nullable=False),
)

#: One row per gate or check run. ``subject`` is what runs are compared by: the gate's name, or
#: ``check:<name>`` for ``dataguard check``.
runs = sa.Table(
    "dg_runs",
    metadata,
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("subject", sa.String(255), nullable=False),
    sa.Column("gate", sa.String(255)),
    sa.Column("started_at", sa.DateTime(), nullable=False),
    sa.Column("finished_at", sa.DateTime(), nullable=False),
    sa.Column("duration_s", sa.Float(), nullable=False),
    sa.Column("verdict", sa.String(16), nullable=False),
    sa.Column("exit_code", sa.Integer(), nullable=False),
    sa.Column("fail_on", sa.String(16), nullable=False),
    sa.Column("tool_version", sa.String(64), nullable=False),
    sa.Column("config_hash", sa.String(64), nullable=False),
    sa.Column("host", sa.String(255), nullable=False),
    sa.Column("report_path", sa.Text()),
    sa.Column("errors", sa.Text(), nullable=False),  # JSON list of {"check", "message"}
    sa.Index("dg_runs_subject_started", "subject", "started_at"),
    sa.Index("dg_runs_started", "started_at"),
)

#: One row per check of a run; ``failing_records`` counts distinct failing keys over its
#: expectations (exact unless ``keys_complete`` is false: ``--max-keys`` cut a list).
checks = sa.Table(
    "dg_checks",
    metadata,
    sa.Column(
        "run_id",
        sa.String(64),
        sa.ForeignKey("dg_runs.run_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("name", sa.String(255), primary_key=True),
    sa.Column("source", sa.Text(), nullable=False),
    sa.Column("suite", sa.String(255), nullable=False),
    sa.Column("key_column", sa.String(255)),
    sa.Column("rows", sa.BigInteger(), nullable=False),
    sa.Column("verdict", sa.String(16), nullable=False),
    sa.Column("failing_records", sa.BigInteger(), nullable=False),
    sa.Column("keys_complete", sa.Boolean(), nullable=False),
    # the change against the previous run, as the run itself reported it (null: nothing to
    # compare with), so that listing many large runs unpacks no keys
    sa.Column("previous_run", sa.String(64)),
    sa.Column("new_failing", sa.BigInteger()),
    sa.Column("fixed", sa.BigInteger()),
    sa.Column("change_complete", sa.Boolean()),
    sa.Column("errors", sa.Text(), nullable=False),  # JSON list of messages
)

#: One row per expectation of a check; ``failing_keys`` is the packed list of failing keys
#: (see :mod:`kmu_dataguard.history.keys`), null when none failed.
expectations = sa.Table(
    "dg_expectations",
    metadata,
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("check_name", sa.String(255), primary_key=True),
    sa.Column("position", sa.Integer(), primary_key=True),
    sa.Column("expectation_id", sa.String(255), nullable=False),
    sa.Column("type", sa.String(255), nullable=False),
    sa.Column("column_name", sa.String(255)),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("verdict", sa.String(16)),
    sa.Column("success", sa.Boolean(), nullable=False),
    sa.Column("unexpected_count", sa.BigInteger(), nullable=False),
    sa.Column("keys_truncated", sa.Boolean(), nullable=False),
    # LONGBLOB on MariaDB/MySQL: their BLOB ends at 64 KB, a few thousand keys
    sa.Column("failing_keys", sa.LargeBinary().with_variant(LONGBLOB(), "mysql", "mariadb")),
    sa.ForeignKeyConstraint(
        ["run_id", "check_name"], ["dg_checks.run_id", "dg_checks.name"], ondelete="CASCADE"
    ),
)


#: The accepted value of a column per record, for ``expect_column_values_to_be_unchanged``
#: (see :mod:`kmu_dataguard.history.changes`). ``value_hash`` is a keyed hash of the normalised
#: value and ``shown`` its masked form: the raw value (an IBAN) is never stored. A change that
#: waits for ``dataguard approve`` is in the ``pending_*`` columns; the baseline stays.
baselines = sa.Table(
    "dg_baselines",
    metadata,
    # MariaDB/MySQL index at most 3072 bytes (4 per character): names are at most 64
    # characters (config MAX_NAME), columns short; a record key may be long
    sa.Column("subject", sa.String(128), primary_key=True),
    sa.Column("check_name", sa.String(128), primary_key=True),
    sa.Column("column_name", sa.String(128), primary_key=True),
    sa.Column("record_key", sa.String(255), primary_key=True),
    sa.Column("value_hash", sa.String(64), nullable=False),
    sa.Column("shown", sa.Text(), nullable=False),
    # the run that saw the value first, or whose change was approved
    sa.Column("since_run", sa.String(64)),
    sa.Column("updated_at", sa.DateTime(), nullable=False),
    sa.Column("pending_hash", sa.String(64)),
    sa.Column("pending_shown", sa.Text()),
    sa.Column("pending_run", sa.String(64)),  # the latest run that reported the change
    sa.Column("pending_since", sa.DateTime()),  # when a run first reported it
)

#: Who accepted which change, when and why (``dataguard approve``); never deleted.
approvals = sa.Table(
    "dg_approvals",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("subject", sa.String(255), nullable=False),
    sa.Column("check_name", sa.String(255), nullable=False),
    sa.Column("column_name", sa.String(255), nullable=False),
    sa.Column("record_key", sa.String(255), nullable=False),
    sa.Column("old_shown", sa.Text(), nullable=False),
    sa.Column("new_shown", sa.Text(), nullable=False),
    sa.Column("run_id", sa.String(64)),  # the run that reported the change
    sa.Column("approved_by", sa.String(255), nullable=False),
    sa.Column("approved_at", sa.DateTime(), nullable=False),
    sa.Column("note", sa.Text()),
    sa.Index("dg_approvals_subject_check", "subject", "check_name"),
)

#: ``dg_meta`` key of the store's random salt for value hashes: the same IBAN hashes alike in
#: one store only, so a table of precomputed hashes is of no use against it.
VALUE_SALT = "value_salt"


#: One row per message decided for a gate and channel, delivered or not; the last delivered one
#: is what the channel was told (``notify.decide``), a failed one is decided again next run.
notifications = sa.Table(
    "dg_notifications",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("subject", sa.String(255), nullable=False),
    sa.Column("channel", sa.String(255), nullable=False),
    sa.Column("run_id", sa.String(64)),
    sa.Column("event", sa.String(16), nullable=False),
    sa.Column("verdict", sa.String(16), nullable=False),
    sa.Column("at", sa.DateTime(), nullable=False),
    sa.Column("ok", sa.Boolean(), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("error", sa.Text()),
    sa.Index("dg_notifications_last", "subject", "channel", "ok", "at"),
)


@dataclass(frozen=True)
class Migration:
    """One step of the schema: from ``version - 1`` to ``version``."""

    version: int
    summary: str
    apply: Callable[[sa.Connection], None]


def _create(*tables: sa.Table) -> Callable[[sa.Connection], None]:
    def apply(conn: sa.Connection) -> None:
        for table in tables:
            table.create(conn, checkfirst=True)

    return apply


def _baselines(conn: sa.Connection) -> None:
    _create(baselines, approvals)(conn)
    salt = conn.execute(sa.select(meta.c.value).where(meta.c.key == VALUE_SALT)).scalar()
    if salt is None:
        conn.execute(sa.insert(meta).values(key=VALUE_SALT, value=secrets.token_hex(16)))


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "runs, checks and expectations", _create(runs, checks, expectations)),
    Migration(2, "change detection: baselines and approvals", _baselines),
    Migration(3, "notifications sent per gate and channel", _create(notifications)),
)
SCHEMA_VERSION = MIGRATIONS[-1].version
