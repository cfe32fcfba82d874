"""Each failing record against the last run of its check: new, or still failing.

A record is *new* when it fails a rule of the check now and failed none of them in the previous
run, *still* failing when it failed one then too (not necessarily the same rule: the steward
fixes records, not rules). The comparison itself is the history's
(:func:`kmu_dataguard.history.compare`); this module only reads it for the steward outputs.
There is nothing to mark when the history is off or when this is the first recorded run.
"""

from __future__ import annotations

from typing import Literal

from kmu_dataguard.results import CheckHistory, CheckResult

__all__ = ["Since", "compared", "failing_keys", "failing_records", "since_marks"]

Since = Literal["new", "still"]


def compared(check: CheckResult) -> CheckHistory | None:
    """The check's comparison with its previous run; None without history or previous run."""
    history = check.history
    return history if history is not None and history.previous_run is not None else None


def failing_keys(check: CheckResult) -> set[str]:
    """The keys of the records failing now, as the history counts them."""
    return check.failing_record_keys()[0]


def failing_records(check: CheckResult) -> int:
    """How many records fail now: the number the history records for this run's trend point."""
    return len(failing_keys(check))


def since_marks(check: CheckResult) -> dict[str, Since] | None:
    """Every failing key marked new or still failing; None when there is nothing to compare."""
    history = compared(check)
    if history is None:
        return None
    return {k: "new" if k in history.new_keys else "still" for k in failing_keys(check)}
