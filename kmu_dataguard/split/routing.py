"""Which records of a checked table are held, and why: the rules of ``--split``.

A record is held when it failed an expectation that blocks under the run's ``fail_on`` (the
same notion of blocking as the verdict: ``critical`` always, ``warning`` under
``--fail-on warning``). Across records:

* every member of a blocking group (duplicate partners, a record and its reference) is held;
* every record sharing its key with a held record is held (a duplicated key: all of them);
* a record named by a failing blocking reference of the gate (a contact whose customer is
  missing) is held;
* a blocking expectation that names no record at all (too few rows, a stale file) holds every
  record.

Records are found by their position in the checked table where the engine knows it, else by
their key (references, history rules): a key names every record that carries it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kmu_dataguard.errors import SourceError
from kmu_dataguard.gate import expectation_verdict
from kmu_dataguard.results import CheckResult, ExpectationOutcome, Severity, Verdict

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["SAME_KEY", "Held", "Reason", "held_records"]


@dataclass(frozen=True)
class Reason:
    """One failed rule of one held record (``row`` None: the rule names no single record)."""

    row: int | None
    check: CheckResult
    outcome: ExpectationOutcome
    value: str | None = None
    #: why a record passed every rule itself is held anyway (same key, group), else ""
    because: str = ""


@dataclass
class Held:
    """The held rows (a boolean per row of the checked table) and the reasons to list."""

    rows: np.ndarray
    reasons: list[Reason] = field(default_factory=list)


def held_records(
    check: CheckResult,
    related: list[CheckResult],
    frame: pd.DataFrame,
    fail_on: Severity,
) -> Held:
    """Route every row of ``frame`` (the table ``check`` validated); ``related`` are the
    gate's reference results whose referring side is this check."""
    import numpy as np

    n = len(frame)
    held = Held(np.zeros(n, dtype=bool))
    keys = _KeyIndex(frame, check.key)
    for result, own in [(check, True), *((r, False) for r in related)]:
        for outcome in result.expectations:
            verdict = outcome.verdict or expectation_verdict(outcome, fail_on)
            if verdict != Verdict.BLOCKED:
                continue
            _hold_outcome(held, result, outcome, keys, own=own)
    _hold_same_keys(held, keys, check)
    return held


def _hold_outcome(
    held: Held, result: CheckResult, outcome: ExpectationOutcome, keys: _KeyIndex, *, own: bool
) -> None:
    values = outcome.failing_values
    if outcome.failing_rows is not None and own:
        rows = list(outcome.failing_rows)
    else:
        if outcome.failing_keys_truncated:
            raise SourceError(
                f"{result.name}: {outcome.id} lists only some failing records (--max-keys); "
                "run the split without --max-keys"
            )
        rows, values = keys.rows_of(outcome.failing_keys, values)
    named = set(rows)
    for i, row in enumerate(rows):
        held.reasons.append(Reason(row, result, outcome, _text(values, i)))
    if own:
        for group in outcome.groups:
            members = list(group.rows) or keys.rows_of(group.keys, [])[0]
            for row in members:
                if row not in named:
                    named.add(row)
                    held.reasons.append(Reason(row, result, outcome, None, "group"))
    if named:
        held.rows[list(named)] = True
    elif not outcome.failing_keys and not outcome.groups:
        # A rule about the whole table (row count, freshness): no record may pass it by.
        held.rows[:] = True
        held.reasons.append(Reason(None, result, outcome, _plain(outcome.observed_value)))


def _hold_same_keys(held: Held, keys: _KeyIndex, check: CheckResult) -> None:
    """A record whose key another held record carries is held too (one key, one decision)."""
    if keys.column is None or not held.rows.any():
        return
    held_keys = set(keys.column[held.rows].dropna().tolist())
    extra = keys.column.isin(held_keys).to_numpy() & ~held.rows
    for row in extra.nonzero()[0].tolist():
        held.reasons.append(Reason(int(row), check, SAME_KEY, None, "same_key"))
    held.rows |= extra


class _KeyIndex:
    """Rows by key value: the key column's text, or 1-based row numbers without a key."""

    def __init__(self, frame: pd.DataFrame, key: str | None) -> None:
        self.size = len(frame)
        self.column = frame[key].astype(object) if key and key in frame.columns else None
        self.named = key is not None

    def rows_of(self, wanted: Any, values: list[Any]) -> tuple[list[int], list[Any]]:
        """The rows carrying each of ``wanted`` keys, with the value given for that key."""
        rows: list[int] = []
        out: list[Any] = []
        if self.column is None:
            for i, key in enumerate(wanted):
                if key is not None and str(key).isdigit() and 0 < int(key) <= self.size:
                    rows.append(int(key) - 1)
                    out.append(_text(values, i))
            return rows, out
        texts = self.column.map(lambda v: None if v is None else str(v).strip())
        by_key = {str(k).strip(): _text(values, i) for i, k in enumerate(wanted) if k is not None}
        for row in texts.isin(set(by_key)).to_numpy().nonzero()[0].tolist():
            rows.append(int(row))
            out.append(by_key[texts.iat[row]])
        return rows, out


def _text(values: list[Any], i: int) -> str | None:
    return None if i >= len(values) or values[i] is None else str(values[i])


def _plain(value: Any) -> str | None:
    return None if value is None else str(value)


# The pseudo rule listed for a record held only because a held record carries its key.
SAME_KEY = ExpectationOutcome(
    id="split.same_key",
    type="split_same_key",
    column=None,
    severity=Severity.CRITICAL,
    success=False,
    meta={
        "protects": {
            "de": "Derselbe Schlüssel steht in einem zurückgehaltenen Datensatz",
            "en": "The same key is in a held record",
        }
    },
)
