"""Reading the history: the recorded runs, newest first, each check against its previous run.

What ``dataguard history`` shows. A handful of queries whatever the number of runs shown (the
runs, their checks with the previous run looked up per check in the same query, their
expectations' counts, then the failing keys in batches), none of which reads more than the runs
shown: a store of thousands of runs answers as fast as one of fifty. Failing keys are unpacked
only where both a check and its previous run have failing records (otherwise the counts alone
give the change), a batch of runs at a time so memory stays bounded at 125 000 keys per check.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from kmu_dataguard._secrets import mask_url
from kmu_dataguard.errors import ConfigError
from kmu_dataguard.history import schema
from kmu_dataguard.history.previous import change_counts, failing_keys, previous_run
from kmu_dataguard.history.recording import store_url
from kmu_dataguard.history.store import HistoryStore, aware, naive_utc, open_existing
from kmu_dataguard.units import iso_from_german, parse_age

if TYPE_CHECKING:
    from kmu_dataguard.config import Config

__all__ = [
    "DEFAULT_LIMIT",
    "CheckEntry",
    "RunEntry",
    "RunListing",
    "list_runs",
    "parse_since",
    "read_history",
    "read_store",
]

#: Runs shown unless ``--limit`` says otherwise: the report's trend shows as many.
DEFAULT_LIMIT = 20
#: Runs whose failing keys are unpacked together (bounds memory: two key sets per check each).
KEY_BATCH = 5
#: Run ids per ``IN (...)``: old SQLite builds allow 999 parameters per statement.
_IN_LIMIT = 500


@dataclass
class CheckEntry:
    """One check of a recorded run, and how it changed against the previous run of the same
    subject that validated it (None when there is none, or this one could not be validated)."""

    name: str
    rows: int
    verdict: str
    failing_records: int
    #: id → unexpected_count; None for an expectation that could not be evaluated
    expectations: dict[str, int | None]
    keys_complete: bool
    previous_run: str | None = None
    new_failing: int | None = None
    fixed: int | None = None
    #: false when a key list of either run was cut (``--max-keys``): the two are approximate
    change_complete: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "rows": self.rows,
            "verdict": self.verdict,
            "failing_records": self.failing_records,
            "expectations": dict(self.expectations),
            "previous_run": self.previous_run,
            "new_failing": self.new_failing,
            "fixed": self.fixed,
            "complete": self.keys_complete and self.change_complete,
        }


@dataclass
class RunEntry:
    """One recorded run of a gate (or of ``dataguard check``)."""

    run_id: str
    subject: str
    gate: str | None
    started_at: datetime
    duration_s: float
    verdict: str
    exit_code: int
    fail_on: str
    tool_version: str
    config_hash: str
    report_path: str | None
    checks: list[CheckEntry] = field(default_factory=list)

    @property
    def failing_records(self) -> int:
        return sum(c.failing_records for c in self.checks)

    @property
    def new_failing(self) -> int | None:
        """Summed over the checks that have a previous run; None when none has."""
        return _sum(c.new_failing for c in self.checks)

    @property
    def fixed(self) -> int | None:
        return _sum(c.fixed for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "gate": self.gate,
            "subject": self.subject,
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "verdict": self.verdict,
            "exit_code": self.exit_code,
            "fail_on": self.fail_on,
            "duration_s": round(self.duration_s, 3),
            "failing_records": self.failing_records,
            "new_failing": self.new_failing,
            "fixed": self.fixed,
            "report_path": self.report_path,
            "tool_version": self.tool_version,
            "config_hash": self.config_hash,
            "checks": [c.to_dict() for c in self.checks],
        }


@dataclass
class RunListing:
    """What ``dataguard history`` answers: the runs shown and what was asked."""

    #: where the runs were read (password masked); None when it was not found out
    store: str | None
    #: false when nothing was recorded at ``store`` yet (no file, no tables)
    found: bool
    subject: str | None = None
    since: datetime | None = None
    limit: int = DEFAULT_LIMIT
    runs: list[RunEntry] = field(default_factory=list)
    #: older runs match too but are beyond ``limit``
    more: bool = False

    def to_dict(self, error: str | None = None) -> dict[str, Any]:
        """The JSON document (``schemas/history-v1.schema.json``); ``error`` says why it is
        empty when the runs could not be listed."""
        return {
            "schema_version": 1,
            "store": self.store,
            "store_found": self.found,
            "gate": self.subject,
            "since": None if self.since is None else self.since.isoformat(timespec="seconds"),
            "limit": self.limit,
            "more": self.more,
            "runs": [r.to_dict() for r in self.runs],
            "error": error,
        }


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """``--since``: a date (local midnight), a date and time, or an age before ``now``.

    ``2026-12-01``, ``01.12.2026``, ``2026-12-01 14:00``, ``2026-12-01T14:00+01:00``, ``7d``,
    ``26h``; a time without an offset is local time. Returns UTC; ValueError saying what to write.
    """
    value = text.strip()
    try:
        moment = datetime.fromisoformat(iso_from_german(value))
    except ValueError:
        try:
            age = parse_age(value)
        except ValueError:
            raise ValueError(
                f"{text!r} is neither a date nor an age: write e.g. 2026-12-01, "
                "2026-12-01T14:00, 7d or 26h"
            ) from None
        return (now or datetime.now(UTC)) - age
    if moment.tzinfo is None:
        moment = moment.astimezone()  # as the user's clock says
    return moment.astimezone(UTC)


def read_history(
    cfg: Config,
    gate: str | None = None,
    *,
    since: datetime | None = None,
    limit: int = DEFAULT_LIMIT,
    history: str | bool | None = None,
) -> RunListing:
    """The runs recorded where ``cfg`` records them (``history`` overrides it, as in
    :func:`~kmu_dataguard.runner.run_gate`); see :func:`read_store`."""
    url = store_url(cfg, history)
    return read_store(url, gate, since=since, limit=limit, secrets=cfg.secrets)


def read_store(
    url: str | None,
    gate: str | None = None,
    *,
    since: datetime | None = None,
    limit: int = DEFAULT_LIMIT,
    secrets: frozenset[str] | set[str] = frozenset(),
    run_id: str | None = None,
) -> RunListing:
    """The runs recorded in the store at ``url`` (None: the history is off); with ``run_id``
    only that run (none when it is not recorded there).

    Creates nothing: where nothing was recorded yet the listing is empty with ``found`` false.
    ConfigError when the history is off, HistoryError when the store cannot be read (damaged,
    locked, newer, unreachable).
    """
    if url is None:
        raise ConfigError(
            "the history is off (history: off in dataguard.yml, DATAGUARD_HISTORY=off or "
            "--history off): no run was recorded; give --history PATH|URL to read a store"
        )
    store = open_existing(url, secrets)
    if store is None:
        return RunListing(mask_url(url), False, gate, since, limit)
    with store:
        return list_runs(store, gate, since=since, limit=limit, run_id=run_id)


def list_runs(
    store: HistoryStore,
    subject: str | None = None,
    *,
    since: datetime | None = None,
    limit: int = DEFAULT_LIMIT,
    run_id: str | None = None,
) -> RunListing:
    """The newest ``limit`` runs (of ``subject``, since ``since``; only ``run_id`` if given),
    each check with its change."""
    listing = RunListing(store.where, True, subject, since, limit)
    r = schema.runs
    shown = sa.select(r.c.run_id).order_by(r.c.started_at.desc(), r.c.run_id.desc())
    if subject is not None:
        shown = shown.where(r.c.subject == subject)
    if since is not None:
        shown = shown.where(r.c.started_at >= naive_utc(since))
    if run_id is not None:
        shown = shown.where(r.c.run_id == run_id)
    with store.reading("reading the runs") as conn:
        ids = list(conn.scalars(shown.limit(limit + 1)))
        listing.more = len(ids) > limit
        runs = _runs(conn, ids[:limit])
        previous = _previous_checks(conn, runs)
        _add_changes(conn, runs, previous)
    listing.runs = runs
    return listing


def _runs(conn: sa.Connection, ids: list[str]) -> list[RunEntry]:
    """The runs ``ids`` (in that order) with their checks and expectation counts."""
    runs: list[RunEntry] = []
    for start in range(0, len(ids), _IN_LIMIT):  # SQLite allows so many parameters
        runs += _some_runs(conn, ids[start : start + _IN_LIMIT])
    return runs


def _some_runs(conn: sa.Connection, ids: list[str]) -> list[RunEntry]:
    r, c, e = schema.runs, schema.checks, schema.expectations
    rows = conn.execute(
        sa.select(
            r.c.run_id,
            r.c.subject,
            r.c.gate,
            r.c.started_at,
            r.c.duration_s,
            r.c.verdict,
            r.c.exit_code,
            r.c.fail_on,
            r.c.tool_version,
            r.c.config_hash,
            r.c.report_path,
        ).where(r.c.run_id.in_(ids))
    )
    runs = {
        row.run_id: RunEntry(
            run_id=row.run_id,
            subject=row.subject,
            gate=row.gate,
            started_at=aware(row.started_at),
            duration_s=float(row.duration_s),
            verdict=row.verdict,
            exit_code=int(row.exit_code),
            fail_on=row.fail_on,
            tool_version=row.tool_version,
            config_hash=row.config_hash,
            report_path=row.report_path,
        )
        for row in rows
    }
    prev = previous_run(r.c.subject, c.c.name, r.c.started_at, "run_id").scalar_subquery()
    checks: dict[tuple[str, str], CheckEntry] = {}
    query = (
        sa.select(
            c.c.run_id,
            c.c.name,
            c.c.rows,
            c.c.verdict,
            c.c.failing_records,
            c.c.keys_complete,
            prev.label("previous_run"),
            c.c.previous_run.label("recorded_previous"),
            c.c.new_failing,
            c.c.fixed,
            c.c.change_complete,
        )
        .join(r, r.c.run_id == c.c.run_id)
        .where(c.c.run_id.in_(ids))
        .order_by(c.c.run_id, c.c.name)
    )
    for row in conn.execute(query):
        entry = CheckEntry(
            name=row.name,
            rows=int(row.rows),
            verdict=row.verdict,
            failing_records=int(row.failing_records),
            expectations={},
            keys_complete=bool(row.keys_complete),
            # nothing to compare for a check that could not be validated (see compare())
            previous_run=None if row.verdict == "error" else row.previous_run,
        )
        if row.new_failing is not None:  # as the run itself compared (no keys to unpack)
            entry.previous_run = row.recorded_previous
            entry.new_failing, entry.fixed = int(row.new_failing), int(row.fixed)
            entry.change_complete = bool(row.change_complete)
        checks[(row.run_id, row.name)] = entry
        runs[row.run_id].checks.append(entry)
    counts = (
        sa.select(e.c.run_id, e.c.check_name, e.c.expectation_id, e.c.unexpected_count, e.c.verdict)
        .where(e.c.run_id.in_(ids))
        .order_by(e.c.run_id, e.c.check_name, e.c.position)
    )
    for row in conn.execute(counts):
        evaluated = row.verdict != "error"
        count = int(row.unexpected_count) if evaluated else None
        checks[(row.run_id, row.check_name)].expectations[row.expectation_id] = count
    return [runs[i] for i in ids]


@dataclass(frozen=True)
class _Previous:
    failing_records: int
    keys_complete: bool


def _previous_checks(conn: sa.Connection, runs: list[RunEntry]) -> dict[tuple[str, str], _Previous]:
    """The counts of every previous check the shown checks are compared with."""
    wanted = {(c.previous_run, c.name) for run in runs for c in run.checks if c.previous_run}
    found = {
        (run.run_id, c.name): _Previous(c.failing_records, c.keys_complete)
        for run in runs
        for c in run.checks
        if (run.run_id, c.name) in wanted
    }
    missing = {run_id for run_id, name in wanted if (run_id, name) not in found}
    if missing:
        c = schema.checks
        query = sa.select(c.c.run_id, c.c.name, c.c.failing_records, c.c.keys_complete).where(
            c.c.run_id.in_(sorted(missing))
        )
        for row in conn.execute(query):
            if (row.run_id, row.name) in wanted:
                found[(row.run_id, row.name)] = _Previous(
                    int(row.failing_records), bool(row.keys_complete)
                )
    return found


def _add_changes(
    conn: sa.Connection, runs: list[RunEntry], previous: dict[tuple[str, str], _Previous]
) -> None:
    """New failing and fixed records per check: from the counts where one side has none,
    from the failing keys otherwise, a batch of runs at a time (a batch's oldest keys are kept
    for the next batch, where they are the newest: each key set is unpacked once)."""
    keys: dict[tuple[str, str], set[str]] = {}
    for start in range(0, len(runs), KEY_BATCH):
        pairs: list[tuple[CheckEntry, tuple[str, str], tuple[str, str]]] = []
        for run in runs[start : start + KEY_BATCH]:
            for check in run.checks:
                if check.previous_run is None or check.new_failing is not None:
                    continue  # nothing to compare, or the run recorded its change
                earlier = (check.previous_run, check.name)
                check.change_complete = previous[earlier].keys_complete
                if previous[earlier].failing_records == 0 or check.failing_records == 0:
                    check.new_failing = check.failing_records
                    check.fixed = previous[earlier].failing_records
                else:
                    pairs.append((check, (run.run_id, check.name), earlier))
        needed = {pair for _, now, before in pairs for pair in (now, before)}
        keys = {pair: found for pair, found in keys.items() if pair in needed}
        keys |= failing_keys(conn, needed - keys.keys())
        for check, now, before in pairs:
            check.new_failing, check.fixed = change_counts(keys[before], keys[now])


def _sum(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None
