"""JUnit XML (``--format junit``) so CI systems show a gate's result in their test views.

One ``<testsuite>`` per check, one ``<testcase>`` per expectation. A failed expectation is a
``<failure>`` whose ``type`` is its severity (the message says whether it blocks; the exit code
decides the job); the count, the share and the first failing keys are in the failure. Anything
that could not be validated is an ``<error>``: an expectation GX could not evaluate, a check
whose source could not be read (testcase ``<check>.read``), or a run-level problem (testsuite
``dataguard``). Follows the widely used Jenkins xUnit ``junit-10.xsd``.
"""

from __future__ import annotations

import socket
import xml.etree.ElementTree as ET
from typing import Any

from kmu_dataguard.results import CheckResult, ExpectationOutcome, GateResult, Severity

__all__ = ["render_junit", "render_junit_error"]

#: Failing keys named in a failure's text (the JSON output and the lists have all of them).
FIRST_KEYS = 20


def render_junit(result: GateResult) -> str:
    """The JUnit XML document of ``result`` (mask it first: values appear in failures)."""
    label = f"dataguard gate {result.gate}" if result.gate else "dataguard check"
    root = ET.Element("testsuites", name=label, time=_seconds(result.duration_s))
    stamp = result.started_at.isoformat(timespec="seconds")
    for check in result.checks:
        root.append(_suite(check, result, stamp))
    run_errors = [e for e in result.errors if e.check is None]
    if run_errors:
        suite = ET.SubElement(
            root,
            "testsuite",
            name="dataguard",
            tests=str(len(run_errors)),
            failures="0",
            errors=str(len(run_errors)),
            skipped="0",
            timestamp=stamp,
        )
        for i, error in enumerate(run_errors, 1):
            case = ET.SubElement(suite, "testcase", name=f"run.{i}", classname="dataguard")
            ET.SubElement(case, "error", type="could-not-validate", message=error.message)
    _totals(root)
    return _serialise(root)


def render_junit_error(message: str, gate: str | None) -> str:
    """A JUnit document for an error that prevented any result (configuration, usage)."""
    label = f"dataguard gate {gate}" if gate else "dataguard check"
    root = ET.Element("testsuites", name=label)
    suite = ET.SubElement(
        root, "testsuite", name="dataguard", tests="1", failures="0", errors="1", skipped="0"
    )
    case = ET.SubElement(suite, "testcase", name="configuration", classname="dataguard")
    ET.SubElement(case, "error", type="configuration", message=message)
    _totals(root)
    return _serialise(root)


def _suite(check: CheckResult, result: GateResult, stamp: str) -> ET.Element:
    classname = f"{result.gate}.{check.name}" if result.gate else check.name
    suite = ET.Element("testsuite", name=check.name, timestamp=stamp, hostname=_host())
    props = ET.SubElement(suite, "properties")
    for name, value in (
        ("source", check.source),
        ("suite", check.suite),
        ("key", check.key or "(row number)"),
        ("rows", str(check.rows)),
        ("verdict", str(check.verdict)),
        ("fail_on", str(result.fail_on)),
    ):
        ET.SubElement(props, "property", name=name, value=value)
    for message in check.errors:
        case = ET.SubElement(suite, "testcase", name=f"{check.name}.read", classname=classname)
        ET.SubElement(case, "error", type="could-not-validate", message=message)
    for outcome in check.expectations:
        case = ET.SubElement(suite, "testcase", name=outcome.id, classname=classname)
        if outcome.error is not None:
            ET.SubElement(case, "error", type="could-not-validate", message=outcome.error)
        elif not outcome.success:
            blocks = _blocks(outcome.severity, result.fail_on)
            failure = ET.SubElement(
                case, "failure", type=str(outcome.severity), message=_message(outcome, blocks)
            )
            failure.text = _details(outcome, check)
    return suite


def _blocks(severity: Severity, fail_on: Severity) -> bool:
    return severity == Severity.CRITICAL or fail_on == Severity.WARNING


def _message(outcome: ExpectationOutcome, blocks: bool) -> str:
    what = "blocks" if blocks else "warning, does not block"
    if not outcome.failing_keys and outcome.observed_value is not None:
        return f"{outcome.id} failed ({what}): observed {outcome.observed_value}"
    keys = ", ".join("" if k is None else k for k in outcome.failing_keys[:5])
    more = " ..." if outcome.unexpected_count > 5 else ""
    return (
        f"{outcome.unexpected_count} record(s) ({outcome.unexpected_percent:.1f} %) failed "
        f"{outcome.id} ({what}): {keys}{more}"
    )


def _details(outcome: ExpectationOutcome, check: CheckResult) -> str:
    lines = [
        f"expectation: {outcome.type}",
        f"column: {outcome.column or '-'}",
        f"severity: {outcome.severity}",
        f"failing records: {outcome.unexpected_count} of {check.rows} "
        f"({outcome.unexpected_percent:.2f} %)",
    ]
    rule = outcome.meta.get("rule")
    if rule:
        lines.append(f"rule: {rule}")
    protects = outcome.meta.get("protects")
    if isinstance(protects, dict) and protects.get("en"):
        lines.append(f"protects: {protects['en']}")
    if outcome.failing_keys:
        lines.append(f"first failing {check.key or 'rows'}:")
        values: list[Any] = list(outcome.failing_values)
        for i, key in enumerate(outcome.failing_keys[:FIRST_KEYS]):
            value = values[i] if i < len(values) else None
            lines.append(f"  {key}" + ("" if value is None else f": {value}"))
        rest = outcome.unexpected_count - min(FIRST_KEYS, len(outcome.failing_keys))
        if rest > 0:
            lines.append(f"  ... and {rest} more")
    return "\n".join(lines)


def _totals(root: ET.Element) -> None:
    """Counts on every testsuite and on the root, as CI systems expect them."""
    total = {"tests": 0, "failures": 0, "errors": 0}
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        counts = {
            "tests": len(cases),
            "failures": sum(1 for c in cases if c.find("failure") is not None),
            "errors": sum(1 for c in cases if c.find("error") is not None),
        }
        for name, value in counts.items():
            suite.set(name, str(value))
            total[name] += value
        suite.set("skipped", "0")
    for name, value in total.items():
        root.set(name, str(value))


def _serialise(root: ET.Element) -> str:
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + _xml_safe(body)


def _xml_safe(text: str) -> str:
    """Control characters from the data are not allowed in XML 1.0: replace them."""
    return "".join(c if c in "\t\n\r" or ord(c) >= 0x20 else "\ufffd" for c in text)


def _seconds(value: float) -> str:
    return f"{value:.3f}"


def _host() -> str:
    try:
        return socket.gethostname()
    except OSError:
        return "localhost"
