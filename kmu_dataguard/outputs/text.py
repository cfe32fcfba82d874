"""The human summary printed by ``dataguard gate`` and ``dataguard check``, in German or English.

It speaks the steward's words: columns by the source's own header or a German label ("PLZ",
not ``postal_code``), each line labelled by what the gate does with it (a warning blocks under
``--fail-on warning``), and counts that say whether they count records or problems. With a run
history, each check adds how many records are new and how many were fixed since the last run.
"""

from __future__ import annotations

from kmu_dataguard.consistency.reasons import localize
from kmu_dataguard.gate import expectation_verdict
from kmu_dataguard.report.i18n import (
    LANGS,
    Lang,
    Texts,
    format_number,
    format_percent,
    problem_text,
)
from kmu_dataguard.report.since import compared, failing_records
from kmu_dataguard.results import CheckResult, ExpectationOutcome, GateResult
from kmu_dataguard.validators.catalog import HISTORY_TYPES

__all__ = ["render_text"]

#: Failing keys shown per expectation in the terminal (the JSON output has all of them).
SHOWN_KEYS = 10
#: Groups (e.g. duplicate partners) shown per expectation in the terminal.
SHOWN_GROUPS = 5
_WIDTH = 10  # of the per-line label column


def render_text(result: GateResult, *, verbose: bool = False) -> str:
    lang: Lang = result.lang if result.lang in LANGS else "en"  # type: ignore[assignment]
    t = Texts(lang)
    what = t("text.gate", gate=result.gate) if result.gate else t("text.check")
    seconds = format_number(result.duration_s, lang, 1)
    lines = [
        f"{t(f'verdict.{result.verdict}')}  {what}: {t(f'text.meaning.{result.verdict}')} "
        f"(exit {int(result.exit_code)}, {seconds} s)"
    ]
    for check in result.checks:
        lines.append("")
        verdict = t(f"verdict.{check.verdict}")
        since = _since(check, t)
        counts = f"{_counts(check, t)}; {since}" if since else _counts(check, t)
        lines.append(f"  {check.name}: {verdict}  ({check.source}; {counts})")
        passed = [e for e in check.expectations if e.success and e.error is None]
        for outcome in check.expectations:
            if verbose or not outcome.success or outcome.error:
                lines.append(_line(outcome, check, result, t))
                lines.extend(_group_lines(outcome, t))
                lines.extend(_change_lines(outcome, t))
        if passed and not verbose:
            lines.append(f"    {t('text.ok'):<{_WIDTH}}{t('text.passed', n=len(passed))}")
        if check.split is not None:
            lines.append(f"    {_split_line(check.split, t)}")
    # Errors of single expectations are shown in their check above; list the rest once.
    shown = {(c.name, f"{e.id}: {e.error}") for c in result.checks for e in c.expectations}
    others = [e for e in result.errors if (e.check, e.message) not in shown]
    if others:
        lines.append("")
        lines.append(f"  {t('text.not_validated')}:")
        lines.extend(f"    - {e.check + ': ' if e.check else ''}{e.message}" for e in others)
    if result.report_path:
        lines.append("")
        lines.append(f"  {t('text.report')}: {result.report_path}")
    return "\n".join(lines)


def _split_line(split: dict[str, object], t: Texts) -> str:
    """ "Split: 9,988 accepted, 12 held → import/" (``--split``)."""
    return t(
        "split.line",
        accepted=format_number(int(str(split["accepted"])), t.lang),
        held=format_number(int(str(split["held"])), t.lang),
        folder=split["dir"],
    )


def _counts(check: CheckResult, t: Texts) -> str:
    """ "60 records; 8 of them with problems, 9 problems": records and problems kept apart."""
    read = _records(check.rows, t)
    failed = [e for e in check.expectations if not e.success and e.error is None]
    keys = {k for e in failed for k in e.failing_keys if k is not None}
    problems = sum(e.unexpected_count for e in failed)
    if not keys:
        return read
    # With --max-keys the key lists are cut short: then the record count is a lower bound.
    some = "text.at_least" if any(e.failing_keys_truncated for e in failed) else "text.exactly"
    affected = t(some, n=format_number(len(keys), t.lang))
    return t("text.counts", records=read, affected=affected, problems=_problems(problems, t))


def _since(check: CheckResult, t: Texts) -> str:
    """ "2 new, 1 fixed since the last run"; nothing on the first run or without history."""
    history = compared(check)
    if history is None:
        return ""
    if history.complete and not history.new_keys and not history.fixed:
        # "0 new, 0 fixed" on every clean check would only be noise
        return t("text.since_same") if failing_records(check) else ""
    return t(
        "text.since" if history.complete else "text.since_approx",
        new=format_number(len(history.new_keys), t.lang),
        fixed=format_number(history.fixed, t.lang),
    )


def _records(n: int, t: Texts) -> str:
    return t("text.record" if n == 1 else "text.records", n=format_number(n, t.lang))


def _problems(n: int, t: Texts) -> str:
    return t("text.problem" if n == 1 else "text.problems", n=format_number(n, t.lang))


def _line(outcome: ExpectationOutcome, check: CheckResult, result: GateResult, t: Texts) -> str:
    what = problem_text(outcome, t, check.source_headers)
    ident = f"[{outcome.id}]"
    verdict = outcome.verdict or expectation_verdict(outcome, result.fail_on)
    label = f"    {t(f'text.label.{verdict}'):<{_WIDTH}}"
    if outcome.error:
        return f"{label}{outcome.id}: {outcome.error}"
    if outcome.success:
        return f"{label}{what}  {ident}"
    if not outcome.failing_keys:
        observed = outcome.observed_value
        seen = f" – {t('observed')}: {observed}" if observed is not None else ""
        return f"{label}{what}{seen}  {ident}"
    keys = ", ".join(
        t("text.no_key") if k is None else k for k in outcome.failing_keys[:SHOWN_KEYS]
    )
    more = outcome.unexpected_count - min(len(outcome.failing_keys), SHOWN_KEYS)
    tail = t("text.more", n=format_number(more, t.lang)) if more > 0 else ""
    share = format_percent(outcome.unexpected_percent, t.lang).replace("\u00a0", " ")
    count = _records(outcome.unexpected_count, t)
    return f"{label}{what} – {count} ({share}): {keys}{tail}  {ident}"


def _change_lines(outcome: ExpectationOutcome, t: Texts) -> list[str]:
    """A changed value, old → new (masked when judged), so the steward sees what to confirm."""
    if outcome.success or outcome.type not in HISTORY_TYPES:
        return []
    pad = " " * (4 + _WIDTH)
    pairs = list(zip(outcome.failing_keys, outcome.failing_values, strict=False))
    return [f"{pad}{t('text.no_key') if k is None else k}: {v}" for k, v in pairs[:SHOWN_KEYS]]


def _group_lines(outcome: ExpectationOutcome, t: Texts) -> list[str]:
    """Records that fail together, e.g. one supplier entered twice: merge them."""
    groups = [] if outcome.success else outcome.groups
    pad = " " * (4 + _WIDTH)
    lines = []
    for group in groups[:SHOWN_GROUPS]:
        reason = localize(group.reason, t.lang)
        keys = ", ".join(t("text.no_key") if k is None else k for k in group.keys)
        lines.append(f"{pad}{t('text.together')}: {keys}{f' ({reason})' if reason else ''}")
    if len(groups) > SHOWN_GROUPS:
        lines.append(f"{pad}{t('text.more_groups', n=len(groups) - SHOWN_GROUPS)}")
    return lines
