"""Checks of a source as a whole, before its records are judged: rows present, enough rows, fresh.

An empty or truncated export is the most common broken export, and a suite of per-record rules
passes on it: no record, no failure. So every check first asks whether there is data at all
(0 rows is "could not validate" unless the check says ``allow_empty: true``), whether there is
as much as expected (``min_rows``; ``max_row_drop``: not many fewer than the previous recorded
run, whose row count the runner reads from the history), and whether it is today's (``max_age``
of a file source's modification time; ``fresh: {column, max_age}`` for the newest timestamp in a
column).

Each becomes an :class:`ExpectationOutcome` of its own (ids ``source.*``), so JSON, text, JUnit
and the report show them like any rule. A failed precondition is an *error* (exit 3), not a
block (exit 1): it is the export that must be redone, not a record that must be corrected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kmu_dataguard.results import ExpectationOutcome, Severity
from kmu_dataguard.units import age_text, iso_from_german, parse_age, share_text

__all__ = [
    "Freshness",
    "Preconditions",
    "PreviousRows",
    "blocks_validation",
    "newest_timestamp",
    "source_outcomes",
]

# A timestamp later than now by more than this is a typo or a placeholder (2099-12-31), not a
# sign of fresh data: it is ignored, so it cannot hide a stale table.
_FUTURE_TOLERANCE = timedelta(days=1)
_OFFSET = re.compile(r"(?:[zZ]|[+-]\d{2}:?\d{2})\s*$")


@dataclass(frozen=True)
class Freshness:
    """The newest value of ``column`` must be at most ``max_age`` old."""

    column: str
    max_age: timedelta


@dataclass(frozen=True)
class Preconditions:
    """What a check asks of its source as a whole (from ``dataguard.yml`` or the CLI)."""

    allow_empty: bool = False
    min_rows: int | None = None
    file_max_age: timedelta | None = None
    fresh: Freshness | None = None
    #: the share of the previous run's rows that may be missing (0.2 = 20 %)
    max_row_drop: float | None = None

    @classmethod
    def of(cls, check: Any, source: Any) -> Preconditions:
        """From a check's and its source's configuration (``CheckConfig``, ``SourceConfig``)."""
        fresh = check.fresh
        return cls(
            allow_empty=check.allow_empty,
            min_rows=check.min_rows,
            file_max_age=parse_age(source.max_age) if source.max_age else None,
            fresh=Freshness(fresh.column, parse_age(fresh.max_age)) if fresh else None,
            max_row_drop=check.max_row_drop,
        )


@dataclass(frozen=True)
class PreviousRows:
    """What the history says about the check's previous run, for ``max_row_drop``.

    ``rows`` is None when no earlier run was recorded; ``unavailable`` says why the history
    cannot tell (turned off, or a store that cannot be used).
    """

    rows: int | None = None
    run_id: str | None = None
    unavailable: str | None = None


def source_outcomes(
    check: str,
    table: Any,
    wanted: Preconditions,
    *,
    file: Path | None = None,
    now: datetime | None = None,
    previous: PreviousRows | None = None,
) -> list[ExpectationOutcome]:
    """The precondition outcomes of one check's ``table`` (a Table or an SqlTable).

    ``file`` is the source file whose modification time ``file_max_age`` judges; ``previous``
    the previous recorded run, which ``max_row_drop`` compares with. Nothing here raises for
    data problems: each finding is an outcome with ``error`` set.
    """
    now = now or datetime.now(UTC)
    rows = int(table.rows)
    outcomes: list[ExpectationOutcome] = []
    if not wanted.allow_empty:
        outcomes.append(_rows_present(check, table.origin, rows))
    if wanted.min_rows is not None:
        outcomes.append(_min_rows(check, table.origin, rows, wanted.min_rows))
    if wanted.max_row_drop is not None:
        outcomes.append(
            _row_drop(check, table.origin, rows, wanted.max_row_drop, previous or PreviousRows())
        )
    if wanted.file_max_age is not None and file is not None:
        outcomes.append(_file_fresh(check, file, wanted.file_max_age, now))
    if wanted.fresh is not None and rows > 0:
        outcomes.append(_column_fresh(check, table, wanted.fresh, now))
    return outcomes


def blocks_validation(outcomes: Iterable[ExpectationOutcome]) -> bool:
    """True when there is nothing to validate: the rows are missing (and not allowed to be)."""
    return any(o.id == "source.rows_present" and not o.success for o in outcomes)


def _outcome(
    id_: str,
    type_: str,
    *,
    error: str | None,
    observed: Any,
    column: str | None = None,
    **kwargs: Any,
) -> ExpectationOutcome:
    return ExpectationOutcome(
        id=id_,
        type=type_,
        column=column,
        severity=Severity.CRITICAL,
        success=error is None,
        error=error,
        observed_value=observed,
        kwargs=kwargs,
        meta={"protects": _PROTECTS.get(id_)},
    )


def _rows_present(check: str, origin: str, rows: int) -> ExpectationOutcome:
    error = None
    if rows == 0:
        error = (
            f"{origin} holds no records (0 rows); an empty export is never a pass: export the "
            f"data again, or allow it if empty is normal (check {check!r}: allow_empty: true; "
            "dataguard check: --allow-empty)"
        )
    return _outcome("source.rows_present", "expect_source_to_have_rows", error=error, observed=rows)


def _min_rows(check: str, origin: str, rows: int, minimum: int) -> ExpectationOutcome:
    error = None
    if rows < minimum:
        error = (
            f"{origin} holds {rows} records, fewer than min_rows {minimum}: the export looks "
            f"cut off; export it again completely (or lower min_rows of check {check!r})"
        )
    return _outcome(
        "source.min_rows",
        "expect_source_row_count_to_be_at_least",
        error=error,
        observed=rows,
        min_rows=minimum,
    )


def _row_drop(
    check: str, origin: str, rows: int, limit: float, previous: PreviousRows
) -> ExpectationOutcome:
    error = None
    observed: Any = rows
    if previous.unavailable is not None:
        error = f"max_row_drop compares with the previous run, but {previous.unavailable}"
    elif previous.rows is None:
        observed = f"{rows} rows; first recorded run, nothing to compare with"
    elif previous.rows > 0 and rows < previous.rows:
        drop = (previous.rows - rows) / previous.rows
        if drop > limit + 1e-12:
            error = (
                f"{origin} holds {rows} records, {previous.rows} in the previous run "
                f"({previous.run_id}): {share_text(drop)} fewer, more than max_row_drop "
                f"{share_text(limit)}; the export looks cut off: export it again completely "
                f"(if the records were really removed, raise max_row_drop of check {check!r} "
                "for one run)"
            )
    return _outcome(
        "source.max_row_drop",
        "expect_source_row_count_to_not_drop",
        error=error,
        observed=observed,
        max_row_drop=limit,
        previous_rows=previous.rows,
        previous_run=previous.run_id,
    )


def _file_fresh(check: str, file: Path, max_age: timedelta, now: datetime) -> ExpectationOutcome:
    error = None
    observed: str | None = None
    try:
        changed = datetime.fromtimestamp(file.stat().st_mtime, UTC)
    except OSError as exc:
        error = f"{file}: modification time cannot be read ({exc.strerror or exc})"
    else:
        observed = changed.isoformat(timespec="seconds")
        age = now - changed
        if age > max_age:
            error = (
                f"{file} was last changed {_local(changed)}, {age_text(age)} ago, older than "
                f"max_age {age_text(max_age)}: probably an old export; export the data again "
                f"(or raise max_age of the source of check {check!r})"
            )
    return _outcome(
        "source.file_fresh",
        "expect_source_file_to_be_fresh",
        error=error,
        observed=observed,
        max_age_s=int(max_age.total_seconds()),
    )


def _column_fresh(check: str, table: Any, fresh: Freshness, now: datetime) -> ExpectationOutcome:
    error = None
    observed: str | None = None
    newest: datetime | None = None
    if fresh.column not in table.columns:
        error = (
            f"{table.origin} has no column {fresh.column!r} to judge freshness by "
            f"(columns present: {', '.join(table.columns)}); fix fresh.column of check {check!r}"
        )
    else:
        newest = newest_timestamp(_column_values(table, fresh.column), now=now)
        if newest is None:
            error = (
                f"column {fresh.column!r} of {table.origin} holds no date or time that can be "
                "read (expected e.g. 2026-12-07 05:00 or 07.12.2026 05:00); fix the column "
                f"or fresh.column of check {check!r}"
            )
    if newest is not None:
        observed = newest.isoformat(timespec="seconds")
        age = now - newest
        if age > fresh.max_age:
            error = (
                f"the newest {fresh.column!r} in {table.origin} is {_local(newest)}, "
                f"{age_text(age)} ago, older than max_age {age_text(fresh.max_age)}: the data "
                f"was not refreshed; run the export or sync again (or raise fresh.max_age of "
                f"check {check!r})"
            )
    return _outcome(
        "source.column_fresh",
        "expect_column_newest_value_to_be_recent",
        error=error,
        observed=observed,
        column=fresh.column,
        max_age_s=int(fresh.max_age.total_seconds()),
    )


def _column_values(table: Any, column: str) -> Iterable[Any]:
    frame = getattr(table, "frame", None)
    if frame is not None:
        return frame[column]
    from kmu_dataguard.sources.sql import iter_chunks

    return (
        value
        for chunk in iter_chunks(
            table.reader, query=table.query, columns=[column], source_name=table.source_name
        )
        for value in chunk[column]
    )


def newest_timestamp(values: Iterable[Any], *, now: datetime | None = None) -> datetime | None:
    """The latest date/time among ``values`` (text as read), in UTC; None if none can be read.

    ISO 8601 (``2026-12-07``, ``2026-12-07 05:00:00``, with ``T``, an offset or ``Z``) and the
    German ``07.12.2026 05:00`` are read; a value without an offset is local time. Unreadable
    values and values more than a day in the future are ignored.
    """
    import pandas as pd

    limit = (now or datetime.now(UTC)) + _FUTURE_TOLERANCE
    texts = pd.Series(
        list(dict.fromkeys(str(v).strip() for v in values if v is not None and str(v).strip())),
        dtype=object,
    )
    if texts.empty:
        return None
    texts = texts.map(iso_from_german)
    aware = texts[texts.str.contains(_OFFSET)]
    naive = texts[~texts.index.isin(aware.index)]
    stamps: list[Any] = []
    if not aware.empty:
        stamps.append(pd.to_datetime(aware, format="ISO8601", errors="coerce", utc=True))
    if not naive.empty:
        local = pd.to_datetime(naive, format="ISO8601", errors="coerce").dropna()
        if not local.empty:
            zone = datetime.now().astimezone().tzinfo
            stamps.append(local.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT"))
    found = pd.concat([s.dt.tz_convert(UTC) for s in stamps]).dropna() if stamps else None
    if found is None:
        return None
    found = found[found <= pd.Timestamp(limit)]
    return None if found.empty else found.max().to_pydatetime()


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M %Z").strip()


# Why each precondition matters, for the steward report (German, English).
_PROTECTS: dict[str, dict[str, str]] = {
    "source.rows_present": {
        "de": "Eine leere Datei oder Tabelle ist kein Beweis für saubere Daten: meist ist der "
        "Export fehlgeschlagen.",
        "en": "An empty file or table is no proof of clean data: usually the export failed.",
    },
    "source.min_rows": {
        "de": "Ein abgeschnittener Export sieht fehlerfrei aus, enthält aber nicht alle "
        "Datensätze.",
        "en": "A truncated export looks clean but does not hold every record.",
    },
    "source.max_row_drop": {
        "de": "Fehlt ein großer Teil der Datensätze gegenüber dem letzten Lauf, ist meist der "
        "Export abgebrochen – weniger Datensätze heißt dann nicht weniger Fehler.",
        "en": "When many records are missing compared with the last run, the export usually "
        "broke off: fewer records then does not mean fewer errors.",
    },
    "source.file_fresh": {
        "de": "Ein alter Export würde als heutiger Stand geprüft und freigegeben.",
        "en": "An old export would be checked and passed as if it were today's data.",
    },
    "source.column_fresh": {
        "de": "Wurden die Daten nicht aktualisiert, prüft der Wächter einen veralteten Stand.",
        "en": "If the data was not refreshed, the guard would check an outdated state.",
    },
}
