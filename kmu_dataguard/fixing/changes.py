"""Which values of a checked table a fix changes: each failing value's one safe suggestion.

Only outcomes whose validator names a suggestion kind (``Validator.suggests``) and whose
failing records are known by position (``failing_rows``) are fixed. Values and record fields
come from the table the check read (unmasked: the copy is local, like the failing-records
lists). A kind's context field is taken, in this order, from the pair's second column, from the
expectation's options (``country``, ``default_region``), or from the record's column of that
name; a context field that is itself fixed is read fixed (a phone judged with ``DE``, not
with ``Deutschland``). Two rules proposing different values for one field: neither is applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kmu_dataguard.results import CheckResult, ExpectationOutcome

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Change", "planned_changes"]

# Options of an expectation that give a record field a kind reads: field → option names.
_FROM_OPTIONS: dict[str, tuple[str, ...]] = {"country": ("country", "default_region")}


@dataclass(frozen=True)
class Change:
    """Row ``row`` (0-based, of the checked table): ``column`` from ``old`` to ``new``."""

    row: int
    column: str
    old: str
    new: str
    reason: str  # English; localised for the log
    rule: str


def planned_changes(check: CheckResult, frame: pd.DataFrame) -> tuple[list[Change], int]:
    """The changes for ``check``'s failing values, and how many failing values have none."""
    changes, _ = _agreed(check, frame, {})
    # Second pass: the suggestions that read other fields, with those fields fixed.
    fixed = {(c.row, c.column): c.new for c in changes}
    return _agreed(check, frame, fixed)


def _agreed(
    check: CheckResult, frame: pd.DataFrame, fixed: dict[tuple[int, str], str]
) -> tuple[list[Change], int]:
    proposed: dict[tuple[int, str], list[Change]] = {}
    without = 0
    for outcome in check.expectations:
        found, rest = _outcome_changes(outcome, frame, fixed)
        without += rest
        for change in found:
            proposed.setdefault((change.row, change.column), []).append(change)
    changes = []
    for options in proposed.values():
        if len({c.new for c in options}) == 1:
            changes.append(options[0])
        else:
            without += len(options)  # two answers: a guess, so none
    changes.sort(key=lambda c: (c.row, c.column))
    return changes, without


def _outcome_changes(
    outcome: ExpectationOutcome, frame: pd.DataFrame, fixed: dict[tuple[int, str], str]
) -> tuple[list[Change], int]:
    import pandas as pd

    from kmu_dataguard.suggestions import KINDS, suggest
    from kmu_dataguard.validators.catalog import validator

    if outcome.success or outcome.error is not None or not outcome.failing_rows:
        return [], 0
    rows = [r for r in outcome.failing_rows if 0 <= r < len(frame)]
    entry = validator(outcome.type)
    kwargs = dict(outcome.kwargs)
    column = kwargs.get("column") or kwargs.get("column_A")
    if entry is None or entry.suggests is None or column not in frame.columns:
        return [], len(rows)
    kind = KINDS[entry.suggests]
    values = frame[column].iloc[rows].reset_index(drop=True)
    second = kwargs.get("column_B") if entry.kind == "pair" else None
    options = {p.name: p.default for p in entry.params} | kwargs
    context: dict[str, pd.Series] = {}

    def field(name: str) -> pd.Series:
        cells = frame[name].iloc[rows].tolist()
        return pd.Series([fixed.get((r, name), v) for r, v in zip(rows, cells, strict=True)])

    for name in kind.context:
        given = [options[o] for o in _FROM_OPTIONS.get(name, ()) if options.get(o)]
        if name == second and second in frame.columns:
            context[name] = field(second)
        elif given:
            context[name] = pd.Series([given[0]] * len(rows), dtype=object)
        elif name in frame.columns:
            context[name] = field(name)
    found = suggest(entry.suggests, values, context)
    changes = [
        Change(row, column, s.value, s.suggestion, s.reason, outcome.id)
        for row, s in zip(rows, found.tolist(), strict=True)
        if s is not None
    ]
    return changes, len(rows) - len(changes)
