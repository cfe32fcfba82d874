"""The verdict policy and the exit-code table, row by row."""

from __future__ import annotations

import pytest

from kmu_dataguard.exit_codes import ExitCode
from kmu_dataguard.gate import check_verdict, exit_code_for, expectation_verdict, gate_verdict
from kmu_dataguard.results import CheckResult, ExpectationOutcome, Severity, Verdict

C, W = Severity.CRITICAL, Severity.WARNING


def outcome(success: bool, severity: Severity = C, error: str | None = None) -> ExpectationOutcome:
    return ExpectationOutcome(
        id="x", type="t", column="c", severity=severity, success=success, error=error
    )


@pytest.mark.parametrize(
    ("success", "severity", "error", "fail_on", "expected"),
    [
        (True, C, None, C, Verdict.PASS),
        (True, W, None, W, Verdict.PASS),
        (False, C, None, C, Verdict.BLOCKED),
        (False, C, None, W, Verdict.BLOCKED),
        (False, W, None, C, Verdict.WARN),
        (False, W, None, W, Verdict.BLOCKED),
        (False, C, "boom", C, Verdict.ERROR),
        (False, W, "boom", C, Verdict.ERROR),
    ],
)
def test_expectation_verdict(success, severity, error, fail_on, expected):
    assert expectation_verdict(outcome(success, severity, error), fail_on) is expected


def check(*outcomes: ExpectationOutcome, errors: list[str] | None = None) -> CheckResult:
    return CheckResult(
        name="c", source="s", suite="s", key=None, expectations=list(outcomes), errors=errors or []
    )


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (check(outcome(True)), Verdict.PASS),
        (check(outcome(True), outcome(False, W)), Verdict.WARN),
        (check(outcome(False, W), outcome(False, C)), Verdict.BLOCKED),
        (check(outcome(False, C), outcome(False, C, "boom")), Verdict.ERROR),
        (check(outcome(True), errors=["source unreachable"]), Verdict.ERROR),
        (check(), Verdict.ERROR),  # nothing evaluated is never a pass
    ],
)
def test_check_verdict(result, expected):
    assert check_verdict(result, C) is expected


def test_gate_verdict_fails_closed():
    passing = check(outcome(True))
    passing.verdict = Verdict.PASS
    assert gate_verdict([passing], 0, C) is Verdict.PASS
    assert gate_verdict([], 0, C) is Verdict.ERROR
    assert gate_verdict([passing], 1, C) is Verdict.ERROR
    blocked = check(outcome(False))
    broken = check(errors=["x"])
    assert gate_verdict([passing, blocked], 0, C) is Verdict.BLOCKED
    assert gate_verdict([blocked, broken], 1, C) is Verdict.ERROR


@pytest.mark.parametrize(
    ("verdict", "code"),
    [
        (Verdict.PASS, ExitCode.PASS),
        (Verdict.WARN, ExitCode.PASS),
        (Verdict.BLOCKED, ExitCode.BLOCKED),
        (Verdict.ERROR, ExitCode.UNAVAILABLE),
    ],
)
def test_exit_code_for(verdict, code):
    assert exit_code_for(verdict) is code


def test_exit_code_values_are_the_contract():
    assert [(c.name, int(c)) for c in ExitCode] == [
        ("PASS", 0),
        ("BLOCKED", 1),
        ("USAGE", 2),
        ("UNAVAILABLE", 3),
    ]
