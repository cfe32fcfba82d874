"""Change detection: ``expect_column_values_to_be_unchanged``, judged against the run history.

A supplier's IBAN that changed since the last accepted run is the classic payment fraud (a
forged "our bank details have changed" letter). The expectation compares each record's value
of ``column`` with its *baseline*, the value accepted for that record (see
:mod:`kmu_dataguard.history.baselines`):

* values are compared normalised (whitespace removed, case folded), so ``DE89 3704 …`` and
  ``de893704…`` are the same IBAN; an empty value is a value too (a removed IBAN is a change);
* the first recorded run notes every value and fails nothing; a record seen for the first time
  is accepted with its value (new suppliers are the onboarding's business, and the suite's
  "same IBAN on two suppliers" rule);
* a changed value fails its record, with ``old → new`` in masked form, run after run, until a
  person accepts it with ``dataguard approve``; a blocked run never moves a baseline;
* a record that disappears keeps its baseline: a supplier deleted and created again under the
  same number is compared with what it had.

The history stores a keyed hash (salted per store) and the masked form of each value, never the
value itself. The runner calls :func:`judge_history` with the run's :class:`RunHistory`; the
values are read once more, streamed (key and column only) for a table left in its database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from kmu_dataguard.errors import HistoryError
from kmu_dataguard.history.baselines import (
    Baseline,
    BaselineUpdate,
    Scope,
    load,
)
from kmu_dataguard.report.masking import mask_value, pii_kind
from kmu_dataguard.results import ExpectationOutcome
from kmu_dataguard.sources.table import SqlTable, Table
from kmu_dataguard.suites import ExpectationSpec, SuiteSpec
from kmu_dataguard.validators.catalog import HISTORY_TYPES

if TYPE_CHECKING:
    from kmu_dataguard.history.recording import RunHistory

__all__ = [
    "FIRST_RUN",
    "UNCHANGED",
    "judge_history",
    "normalise",
    "split_history",
    "value_hash",
]

UNCHANGED = "expect_column_values_to_be_unchanged"
#: The observed value of the first recorded run of an expectation.
FIRST_RUN = "first recorded run: values noted"
#: How an empty value shows in "old → new" (language-neutral: the JSON carries it too).
EMPTY = "–"
_ARROW = " → "
_KWARGS = frozenset({"column"})
_CHUNK_ROWS = 100_000
_SHOWN_MAX = 200
_KEY_MAX = 255  # schema.baselines.record_key


def split_history(spec: SuiteSpec) -> tuple[SuiteSpec, list[ExpectationSpec]]:
    """The suite for the engine (GX) and the expectations judged against the history."""
    judged = [e for e in spec.expectations if e.type in HISTORY_TYPES]
    if not judged:
        return spec, []
    rest = tuple(e for e in spec.expectations if e.type not in HISTORY_TYPES)
    return replace(spec, expectations=rest), judged


def normalise(value: Any) -> str:
    """The value as compared: no whitespace at all, case folded (``None`` is empty)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return "".join(str(value).split()).casefold()


def value_hash(normalised: str, salt: bytes) -> str:
    """A keyed hash of a normalised value: equal values hash alike in one store only."""
    data = normalised.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, key=salt, digest_size=16).hexdigest()


def judge_history(
    specs: Sequence[ExpectationSpec],
    table: Table | SqlTable,
    *,
    check: str,
    key: str | None,
    history: RunHistory | None,
    max_keys: int | None = None,
) -> list[ExpectationOutcome]:
    """One outcome per expectation of ``specs``; what the run would move is kept on
    ``history`` (written when the run is recorded)."""
    outcomes = []
    for exp in specs:
        problem = _cannot_judge(exp, table, key, history)
        if problem is not None:
            outcomes.append(_error(exp, problem))
            continue
        assert history is not None and history.store is not None and key is not None
        scope = Scope(history.subject, check, str(exp.kwargs["column"]))
        try:
            outcome, update = _judge(exp, table, key, scope, history, max_keys)
        except HistoryError as exc:
            outcomes.append(_error(exp, f"could not be evaluated: {exc}"))
            continue
        if update is not None:
            history.baseline_updates.append(update)
        outcomes.append(outcome)
    return outcomes


def _cannot_judge(
    exp: ExpectationSpec, table: Table | SqlTable, key: str | None, history: RunHistory | None
) -> str | None:
    unknown = sorted(set(exp.kwargs) - _KWARGS)
    column = exp.kwargs.get("column")
    if unknown or not isinstance(column, str) or not column:
        return f"{exp.type} takes one kwarg, 'column' (a column name)" + (
            f"; not {', '.join(unknown)}" if unknown else ""
        )
    if column not in table.columns:
        return (
            f"column {column!r} not in {table.origin} "
            f"(columns present: {', '.join(table.columns) or 'none'})"
        )
    if key is None:
        return (
            "needs a key column to tell the records apart; give the check a 'key' "
            "(dataguard check: --key)"
        )
    if history is None or history.store is None:
        if history is not None and history.error is not None:
            return "needs the run history, which cannot be used (see the run's errors)"
        return (
            "needs the run history (history: off): it compares each value with the one "
            "accepted before; turn the history on, or disable this expectation"
        )
    return None


def _judge(
    exp: ExpectationSpec,
    table: Table | SqlTable,
    key: str,
    scope: Scope,
    history: RunHistory,
    max_keys: int | None,
) -> tuple[ExpectationOutcome, BaselineUpdate | None]:
    assert history.store is not None
    salt = history.salt()
    baselines = load(history.store, scope)
    kind = pii_kind(scope.column, exp.type)
    seen: dict[str, tuple[str, str]] = {}  # key -> (hash, shown)
    doubled: dict[str, dict[str, str]] = {}  # a key on several rows: hash -> shown
    too_long: list[str] = []
    for keys, values in _pairs(table, key, scope.column):
        for record, value in zip(keys, values, strict=True):
            if record is None:
                continue  # no key, nothing to compare with (the suite's id_present reports it)
            record = str(record)
            if len(record) > _KEY_MAX:
                too_long.append(record)
                continue
            found = (value_hash(normalise(value), salt), _shown(value, kind))
            before = seen.setdefault(record, found)
            if before[0] != found[0]:
                doubled.setdefault(record, dict([before]))[found[0]] = found[1]
    if too_long:
        message = (
            f"{len(too_long)} key(s) longer than {_KEY_MAX} characters cannot be tracked "
            f"(first: {too_long[0][:40]!r}…); use a shorter key column"
        )
        return _error(exp, message), None
    for record, values in doubled.items():
        # A key on several rows with different values: the set of them is its value.
        digests = sorted(values)
        shown = " | ".join(values[d] for d in digests)[:_SHOWN_MAX]
        seen[record] = (value_hash("\0".join(digests), salt), shown)
    update = BaselineUpdate(scope)
    changes: list[tuple[str, str, str]] = []  # (key, old shown, new shown)
    for record in sorted(seen):
        digest, shown = seen[record]
        baseline: Baseline | None = baselines.get(record)
        if baseline is None:
            update.first.append((record, digest, shown))
        elif baseline.value_hash == digest:
            if baseline.pending_hash is not None:
                update.settled.append((record, digest))
        else:
            update.changed.append((record, baseline.value_hash, digest, shown))
            changes.append((record, baseline.shown, shown))
    outcome = _outcome(
        exp, changes, len(seen), first=not baselines, new=len(update.first), max_keys=max_keys
    )
    return outcome, update


def _pairs(table: Table | SqlTable, key: str, column: str) -> Iterator[tuple[list, list]]:
    """(keys, values) of ``table``, chunk by chunk for a table left in its database."""
    if isinstance(table, Table):
        yield table.frame[key].tolist(), table.frame[column].tolist()
        return
    from kmu_dataguard.sources.sql import iter_chunks

    for chunk in iter_chunks(
        table.reader,
        query=table.query,
        columns=list(dict.fromkeys([key, column])),
        source_name=table.source_name,
        chunksize=_CHUNK_ROWS,
    ):
        yield chunk[key].tolist(), chunk[column].tolist()


def _shown(value: Any, kind: Any) -> str:
    """The masked form kept in the history and shown in the outputs."""
    if normalise(value) == "":
        return EMPTY
    text = " ".join(str(value).split())
    return str(mask_value(text, kind))[:_SHOWN_MAX]


def _outcome(
    exp: ExpectationSpec,
    changes: list[tuple[str, str, str]],
    records: int,
    *,
    first: bool,
    new: int,
    max_keys: int | None,
) -> ExpectationOutcome:
    shown = changes if max_keys is None else changes[:max_keys]
    observed: Any
    if first:
        observed = FIRST_RUN
    elif not changes:
        observed = f"no change since the accepted values ({records} records, {new} new)"
    else:
        observed = {
            "records": records,
            "new_records": new,
            "changed": [{"key": k, "old": old, "new": now} for k, old, now in shown],
        }
    return ExpectationOutcome(
        id=exp.id,
        type=exp.type,
        column=exp.column,
        severity=exp.severity,
        success=not changes,
        unexpected_count=len(changes),
        unexpected_percent=100.0 * len(changes) / records if records else 0.0,
        failing_keys=[k for k, _, _ in shown],
        failing_keys_truncated=len(shown) < len(changes),
        failing_values=[f"{old}{_ARROW}{now}" for _, old, now in shown],
        observed_value=observed,
        kwargs=exp.kwargs,
        meta=exp.meta,
    )


def _error(exp: ExpectationSpec, message: str) -> ExpectationOutcome:
    from kmu_dataguard.engine.outcomes import error_outcome

    return error_outcome(exp, message)
