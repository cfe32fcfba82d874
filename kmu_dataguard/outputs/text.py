"""The human summary printed by ``dataguard gate`` and ``dataguard check``."""

from __future__ import annotations

from kmu_dataguard.results import ExpectationOutcome, GateResult, Verdict

__all__ = ["render_text"]

#: Failing keys shown per expectation in the terminal (the JSON output has all of them).
SHOWN_KEYS = 10

_MEANING = {
    Verdict.PASS: "the data may be used",
    Verdict.WARN: "the data may be used; warnings below",
    Verdict.BLOCKED: "do not run the workflow: fix the records below",
    Verdict.ERROR: "could not validate everything: the workflow must not rely on this data",
}


def render_text(result: GateResult, *, verbose: bool = False) -> str:
    what = f"gate {result.gate}" if result.gate else "check"
    lines = [
        f"{result.verdict.upper()}  {what}: {_MEANING[result.verdict]} "
        f"(exit {int(result.exit_code)}, {result.duration_s:.1f} s)"
    ]
    for check in result.checks:
        lines.append("")
        lines.append(
            f"  {check.name}: {check.verdict.upper()}  ({check.source}, {check.rows} rows)"
        )
        passed = [e for e in check.expectations if e.success and e.error is None]
        for outcome in check.expectations:
            if verbose or not outcome.success or outcome.error:
                lines.append(_line(outcome))
                lines.extend(_group_lines(outcome))
        if passed and not verbose:
            lines.append(f"    ok        {len(passed)} expectation(s) passed")
    # Errors of single expectations are shown in their check above; list the rest once.
    shown = {(c.name, f"{e.id}: {e.error}") for c in result.checks for e in c.expectations}
    others = [e for e in result.errors if (e.check, e.message) not in shown]
    if others:
        lines.append("")
        lines.append("  Could not validate:")
        lines.extend(f"    - {e.check + ': ' if e.check else ''}{e.message}" for e in others)
    if result.report_path:
        lines.append("")
        lines.append(f"  Report: {result.report_path}")
    return "\n".join(lines)


#: Groups (e.g. duplicate partners) shown per expectation in the terminal.
SHOWN_GROUPS = 5


def _group_lines(outcome: ExpectationOutcome) -> list[str]:
    """Records that fail together, e.g. one supplier entered twice: merge them."""
    groups = outcome.meta.get("groups") or [] if not outcome.success else []
    lines = [
        f"              together: {', '.join(str(k) for k in g.get('keys', []))}"
        f"{' (' + g['reason'] + ')' if g.get('reason') else ''}"
        for g in groups[:SHOWN_GROUPS]
    ]
    if len(groups) > SHOWN_GROUPS:
        lines.append(f"              and {len(groups) - SHOWN_GROUPS} more group(s)")
    return lines


def _line(outcome: ExpectationOutcome) -> str:
    if outcome.error:
        return f"    ERROR     {outcome.id}: {outcome.error}"
    if outcome.success:
        return f"    ok        {outcome.id}"
    label = "FAIL" if outcome.severity == "critical" else "warn"
    head = f"    {label:<9} {outcome.id} [{outcome.severity}]"
    if not outcome.failing_keys:
        observed = (
            f": observed {outcome.observed_value}" if outcome.observed_value is not None else ""
        )
        return head + observed
    keys = ", ".join("(no key)" if k is None else k for k in outcome.failing_keys[:SHOWN_KEYS])
    more = outcome.unexpected_count - min(len(outcome.failing_keys), SHOWN_KEYS)
    tail = f" and {more} more" if more > 0 else ""
    return (
        f"{head}: {outcome.unexpected_count} record(s) "
        f"({outcome.unexpected_percent:.1f} %): {keys}{tail}"
    )
