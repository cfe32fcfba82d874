"""The gate policy: pure functions from results to a verdict and an exit code.

Nothing here reads data or talks to Great Expectations, so every rule is testable in a table.
"""

from __future__ import annotations

from collections.abc import Iterable

from kmu_dataguard.exit_codes import ExitCode
from kmu_dataguard.results import CheckResult, ExpectationOutcome, Severity, Verdict

__all__ = [
    "check_verdict",
    "exit_code_for",
    "expectation_verdict",
    "gate_verdict",
    "judge_check",
]

# Worst first: the first verdict found in this order wins a roll-up.
_SEVERITY_ORDER = (Verdict.ERROR, Verdict.BLOCKED, Verdict.WARN, Verdict.PASS)


def expectation_verdict(outcome: ExpectationOutcome, fail_on: Severity) -> Verdict:
    """``error`` when it could not be evaluated; a failure blocks by severity and ``fail_on``."""
    if outcome.error is not None:
        return Verdict.ERROR
    if outcome.success:
        return Verdict.PASS
    if outcome.severity == Severity.CRITICAL or fail_on == Severity.WARNING:
        return Verdict.BLOCKED
    return Verdict.WARN


def _worst(verdicts: Iterable[Verdict]) -> Verdict:
    found = set(verdicts)
    return next((v for v in _SEVERITY_ORDER if v in found), Verdict.PASS)


def check_verdict(check: CheckResult, fail_on: Severity) -> Verdict:
    """A check with an error, or without a single evaluated expectation, is ``error``."""
    if check.errors or not check.expectations:
        return Verdict.ERROR
    return _worst(expectation_verdict(e, fail_on) for e in check.expectations)


def judge_check(check: CheckResult, fail_on: Severity) -> None:
    """Set the verdict of every outcome and of the check under ``fail_on``, once, so that
    every output shows what the gate did with each (a warning blocks under ``warning``)."""
    for outcome in check.expectations:
        outcome.verdict = expectation_verdict(outcome, fail_on)
    check.verdict = check_verdict(check, fail_on)


def gate_verdict(checks: list[CheckResult], run_errors: int, fail_on: Severity) -> Verdict:
    """Fail closed: no checks at all, or any error anywhere, is ``error``."""
    if run_errors or not checks:
        return Verdict.ERROR
    return _worst(check_verdict(c, fail_on) for c in checks)


def exit_code_for(verdict: Verdict) -> ExitCode:
    return {
        Verdict.PASS: ExitCode.PASS,
        Verdict.WARN: ExitCode.PASS,
        Verdict.BLOCKED: ExitCode.BLOCKED,
        Verdict.ERROR: ExitCode.UNAVAILABLE,
    }[verdict]
