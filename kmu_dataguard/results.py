"""The result model: what a run found, independent of Great Expectations.

The engine adapter fills these objects; the gate policy, the CLI renderers, the JSON output and
the HTML report only read them. ``GateResult.to_dict()`` is the JSON document of schema v1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from kmu_dataguard.errors import GateBlocked
from kmu_dataguard.exit_codes import ExitCode

__all__ = [
    "SCHEMA_VERSION",
    "CheckHistory",
    "CheckResult",
    "ExpectationOutcome",
    "GateResult",
    "Group",
    "RecordContext",
    "RunError",
    "Severity",
    "SuggestedFix",
    "TrendPoint",
    "Verdict",
]

SCHEMA_VERSION = 1


class Severity(StrEnum):
    """How much a failed expectation matters: ``critical`` blocks, ``warning`` is reported."""

    CRITICAL = "critical"
    WARNING = "warning"


class Verdict(StrEnum):
    PASS = "pass"
    WARN = "warn"
    BLOCKED = "blocked"
    ERROR = "error"


@dataclass(frozen=True)
class Group:
    """Records that fail together: a duplicate cluster, a record and the record it references.

    ``score`` is the similarity that joined them (None when not scored); ``reason`` says why, in
    English (:func:`kmu_dataguard.consistency.reasons.localize` for the steward outputs).
    """

    keys: tuple[str | None, ...]
    score: float | None = None
    reason: str = ""
    #: the members' positions in the checked table, when the engine knows them (for --split)
    rows: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"keys": list(self.keys), "score": self.score, "reason": self.reason}


@dataclass(frozen=True)
class SuggestedFix:
    """The one safe correction of a failing record's value (:mod:`kmu_dataguard.suggestions`).

    ``reason`` is English (:func:`kmu_dataguard.suggestions.localize` for the steward outputs).
    """

    key: str | None
    value: str
    suggestion: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "value": self.value,
            "suggestion": self.suggestion,
            "reason": self.reason,
        }


@dataclass
class ExpectationOutcome:
    """One expectation of a suite, run on one check's table.

    ``failing_keys`` holds the check's key value of every record that failed (all of them unless
    ``failing_keys_truncated``); ``failing_values`` the offending value of the same records, for
    the steward report only (it is never part of the JSON output). ``error`` is set when the
    expectation could not be evaluated; such an outcome is never a pass.
    """

    id: str
    type: str
    column: str | None
    severity: Severity
    success: bool
    unexpected_count: int = 0
    unexpected_percent: float = 0.0
    failing_keys: list[str] = field(default_factory=list)
    failing_keys_truncated: bool = False
    failing_values: list[Any] = field(default_factory=list)
    #: 0-based positions of every failing record in the checked table, never cut by
    #: ``max_keys`` (None when the engine does not know them: SQL, history, references);
    #: what ``--split`` routes by, never part of the JSON output
    failing_rows: list[int] | None = None
    error: str | None = None
    observed_value: Any = None
    kwargs: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    groups: list[Group] = field(default_factory=list)
    #: what the gate does with it under the run's ``fail_on``; set once by the runner
    verdict: Verdict | None = None
    #: safe corrections of failing values, where the validator has a suggestion kind
    suggestions: list[SuggestedFix] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        doc = {
            "id": self.id,
            "type": self.type,
            "column": self.column,
            "severity": str(self.severity),
            "success": self.success,
            # pass, warn (reported), blocked (stops the workflow) or error, under fail_on
            "verdict": None if self.verdict is None else str(self.verdict),
            "unexpected_count": self.unexpected_count,
            "unexpected_percent": round(self.unexpected_percent, 4),
            "failing_keys": list(self.failing_keys),
            "failing_keys_truncated": self.failing_keys_truncated,
            "error": self.error,
            "observed_value": self.observed_value,
            # records that fail together (duplicate partners, reference pairs)
            "groups": [g.to_dict() for g in self.groups],
            # what dataguard.yml changed for this check (checks.<name>.overrides), else null
            "overridden": self.meta.get("overridden"),
        }
        if self.suggestions:  # optional: only where a failing value has a safe correction
            doc["suggestions"] = [s.to_dict() for s in self.suggestions]
        return doc


@dataclass
class RecordContext:
    """Who a failing record is, so nobody has to look each key up: its name and city.

    ``values`` maps a failing key to (name, city); ``name_column`` / ``city_column`` say where
    they were read. For the steward's lists and report only, never part of the JSON output.
    """

    name_column: str | None
    city_column: str | None
    values: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    #: the names may be people's (customers, suppliers, contacts), not only articles'
    personal: bool = True


@dataclass(frozen=True)
class TrendPoint:
    """One earlier run of a check, for the trend chart."""

    run_id: str
    started_at: datetime
    verdict: str
    failing_records: int
    rows: int


@dataclass
class CheckHistory:
    """The check against the last run that validated it, and its recent runs (from the history).

    ``new_keys`` failed now but not then; ``fixed`` failed then but not now. When either list
    was cut by ``--max-keys`` (``complete`` false) both are approximate: a record cut from one
    list looks new or fixed. For the steward outputs; the JSON carries only the counts.
    """

    previous_run: str | None
    previous_rows: int | None = None
    new_keys: set[str] = field(default_factory=set)
    fixed: int = 0
    complete: bool = True
    trend: list[TrendPoint] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any] | None:
        if self.previous_run is None:
            return None
        return {
            "previous_run": self.previous_run,
            "new_failing": len(self.new_keys),
            "fixed": self.fixed,
            "complete": self.complete,
        }


@dataclass
class CheckResult:
    """One check: a table read from a source and validated with one suite.

    ``source_headers`` maps a canonical column to the source's own header (from the profile or
    ``--map``), so the steward outputs can say "PLZ" where the suite says ``postal_code``.
    """

    name: str
    source: str
    suite: str
    key: str | None
    rows: int = 0
    expectations: list[ExpectationOutcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    verdict: Verdict = Verdict.ERROR
    source_headers: dict[str, str] = field(default_factory=dict)
    context: RecordContext | None = None
    history: CheckHistory | None = None
    #: the written ``--split`` (dir, counts, files; docs/split.md), else None
    split: dict[str, Any] | None = None

    def failing_record_keys(self) -> tuple[set[str], bool]:
        """The keys of the records failing now (expectations that could be evaluated; a
        group's extra members are not among them), and whether ``--max-keys`` cut none of the
        lists: what the history records and compares, and what the steward outputs mark."""
        failing = [e for e in self.expectations if not e.success and e.error is None]
        keys = {str(k) for e in failing for k in e.failing_keys if k is not None}
        return keys, not any(e.failing_keys_truncated for e in failing)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "suite": self.suite,
            "key": self.key,
            "rows": self.rows,
            "verdict": str(self.verdict),
            "expectations": [e.to_dict() for e in self.expectations],
            "history": None if self.history is None else self.history.to_dict(),
            **({} if self.split is None else {"split": dict(self.split)}),
        }


@dataclass(frozen=True)
class RunError:
    """Something that could not be validated; ``check`` is None for run-level errors."""

    check: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"check": self.check, "message": self.message}


@dataclass
class GateResult:
    """The outcome of ``run_gate`` / ``run_check``: verdict, exit code and every check."""

    gate: str | None
    verdict: Verdict
    exit_code: ExitCode
    started_at: datetime
    duration_s: float
    fail_on: Severity
    checks: list[CheckResult] = field(default_factory=list)
    errors: list[RunError] = field(default_factory=list)
    report_path: str | None = None
    #: the language of the human outputs (``--lang``, config, locale); JSON is language-neutral
    lang: str = "en"
    #: the id under which the run is recorded in the history (None: history off)
    run_id: str | None = None

    @property
    def passed(self) -> bool:
        """True when the workflow may run (pass, or warnings only)."""
        return self.exit_code == ExitCode.PASS

    def summary(self) -> str:
        """One line for logs and exception messages."""
        what = f"gate {self.gate!r}" if self.gate else "check"
        failing = sum(
            1 for c in self.checks for e in c.expectations if not e.success and e.error is None
        )
        parts = [f"{what}: {self.verdict.upper()} (exit {int(self.exit_code)})"]
        if failing:
            records, complete = self.failing_records()
            more = "" if complete else " or more"
            parts.append(f"{failing} expectation(s) failed, {records}{more} failing record(s)")
        if self.errors:
            parts.append(f"{len(self.errors)} error(s): {self.errors[0].message}")
        return "; ".join(parts)

    def failing_records(self) -> tuple[int, bool]:
        """How many records fail, counted per check as the history counts them (distinct
        failing keys), and whether ``--max-keys`` cut none of the lists."""
        counts = [c.failing_record_keys() for c in self.checks]
        return sum(len(keys) for keys, _ in counts), all(complete for _, complete in counts)

    def raise_for_verdict(self) -> GateResult:
        """Raise :class:`GateBlocked` unless the workflow may run; return self otherwise."""
        if not self.passed:
            raise GateBlocked(self)
        return self

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "run_id": self.run_id,
            "gate": self.gate,
            "verdict": str(self.verdict),
            "exit_code": int(self.exit_code),
            "fail_on": str(self.fail_on),
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "duration_s": round(self.duration_s, 3),
            "checks": [c.to_dict() for c in self.checks],
            "errors": [e.to_dict() for e in self.errors],
        }
