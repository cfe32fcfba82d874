"""The message about a gate's change of state, in German or English, without personal data.

It says the gate, the verdict, what to do next, the counts, the top problems with the keys of
their records, the errors and where the report is. Failing *values* never appear (an IBAN, an
e-mail address); business keys do (a customer number is not personal), and a record's name
only as :func:`~kmu_dataguard.report.masking.mask_record_name` leaves it. The wording is the
console's and the report's (``report/i18n.py``); the few phrases only a message needs are in
the table below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kmu_dataguard.errors import one_line
from kmu_dataguard.gate import expectation_verdict
from kmu_dataguard.notify.decide import Event
from kmu_dataguard.report.i18n import (
    LANGS,
    Lang,
    Texts,
    format_datetime,
    format_number,
    problem_text,
)
from kmu_dataguard.report.masking import mask_record_name
from kmu_dataguard.results import (
    SCHEMA_VERSION,
    CheckResult,
    ExpectationOutcome,
    GateResult,
    Verdict,
)

__all__ = ["SHOWN_KEYS", "SHOWN_PROBLEMS", "Message", "Problem", "build_message", "test_message"]

#: Problems listed in a message (the report has all of them).
SHOWN_PROBLEMS = 5
#: Failing keys listed per problem.
SHOWN_KEYS = 5
_SHOWN_ERRORS = 5

# key: (German, English)
_TEXTS: dict[str, tuple[str, str]] = {
    "subject.recovered": ("WIEDER FREIGEGEBEN", "PASSES AGAIN"),
    "subject.reminder.blocked": ("WEITERHIN BLOCKIERT", "STILL BLOCKED"),
    "subject.reminder.error": ("WEITERHIN FEHLER", "STILL ERROR"),
    # the sentences before the meaning, by event
    "recovered": ("Der Prüfpunkt ist wieder freigegeben.", "The gate passes again."),
    "reminder": (
        "Erinnerung: seit der letzten Nachricht nicht behoben.",
        "Reminder: not resolved since the last message.",
    ),
    "test.subject": ("TEST: Kanal {channel}", "TEST: channel {channel}"),
    "test.meaning": (
        "Eine Testnachricht von dataguard auf {host}: der Kanal funktioniert, es ist nichts "
        "zu tun. Nachrichten kommen, wenn ein Prüfpunkt blockiert, nicht prüfen kann oder "
        "wieder freigegeben ist.",
        "A test message from dataguard on {host}: the channel works, nothing needs to be "
        "done. Messages come when a gate starts to block, cannot validate, or passes again.",
    ),
    "test.report": ("Gesendet mit: dataguard notify test", "Sent by: dataguard notify test"),
    "checks": ("Prüfungen", "Checks"),
    "run": ("Lauf", "Run"),
    "more_problems": (
        "… und {n} weitere Fehlerarten, siehe Bericht",
        "… and {n} more kinds of problem, see the report",
    ),
    "more_errors": ("… und {n} weitere", "… and {n} more"),
    "no_report": (
        "Es wurde kein Bericht geschrieben; mit --report ORDNER (oder report_dir in "
        "dataguard.yml) entsteht einer.",
        "No report was written; run with --report DIR (or set report_dir in dataguard.yml) "
        "to get one.",
    ),
}


@dataclass(frozen=True)
class Problem:
    """One failed expectation as a message lists it."""

    check: str
    expectation: str
    text: str
    failing_records: int
    #: at most SHOWN_KEYS business keys (None: a record without a key)
    keys: tuple[str | None, ...]
    #: the same records as people read them: ``K10024 (S*** F***)``, the name masked
    labels: tuple[str, ...]

    @property
    def more(self) -> int:
        """Failing records not listed by key."""
        return max(self.failing_records - len(self.keys), 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "expectation": self.expectation,
            "text": self.text,
            "failing_records": self.failing_records,
            "keys": list(self.keys),
        }


@dataclass(frozen=True)
class Message:
    """A message ready for any channel: subject, plain-text parts and the structured form.

    ``facts`` are (label, value) pairs; ``problems`` and ``errors`` are lines without bullets,
    so each transport lays them out in its own way; ``body`` is the plain text of them all.
    """

    event: Event
    verdict: Verdict
    lang: Lang
    subject: str
    headline: str
    meaning: str
    facts: tuple[tuple[str, str], ...]
    problems: tuple[str, ...]
    problems_title: str
    errors: tuple[str, ...]
    errors_title: str
    report: str
    data: dict[str, Any] = field(repr=False, compare=False)

    @property
    def body(self) -> str:
        lines = [self.headline, self.meaning, ""]
        lines += [f"{label}: {value}" for label, value in self.facts]
        for title, items in (
            (self.problems_title, self.problems),
            (self.errors_title, self.errors),
        ):
            if items:
                lines += ["", f"{title}:", *(f"- {item}" for item in items)]
        lines += ["", self.report]
        return "\n".join(lines)


class _Words(Texts):
    """The shared texts of ``report/i18n.py`` and, for the keys only a message needs, ours."""

    def __call__(self, key: str, **values: Any) -> str:
        if key not in _TEXTS:
            return super().__call__(key, **values)
        text = _TEXTS[key][0 if self.lang == "de" else 1]
        return text.format(**values) if values else text


def build_message(
    result: GateResult,
    event: Event,
    *,
    lang: str | None = None,
    run_id: str | None = None,
) -> Message:
    """The message for ``event`` (from :func:`~kmu_dataguard.notify.decide.decide`).

    ``lang`` is the channel's language (default: the run's); ``run_id`` names the run in the
    history, when there is one.
    """
    chosen = lang or result.lang
    t = _Words(chosen if chosen in LANGS else "en")  # type: ignore[arg-type]
    verdict = result.verdict
    what = t("text.gate", gate=result.gate) if result.gate else t("text.check")
    subject = f"[dataguard] {_state(event, verdict, t)}: {what}"
    meaning = t(f"meaning.{verdict}")
    if event in (Event.RECOVERED, Event.REMINDER):
        meaning = f"{t(str(event))} {meaning}"
    counts = _counts(result)
    problems = _top_problems(result, t)
    short = event == Event.RECOVERED  # "passes again" needs no list
    report = result.report_path
    data = {
        "schema_version": SCHEMA_VERSION,
        "event": str(event),
        "gate": result.gate,
        "verdict": str(verdict),
        "exit_code": int(result.exit_code),
        "run_id": run_id,
        "started_at": result.started_at.isoformat(timespec="seconds"),
        "lang": t.lang,
        "subject": subject,
        "counts": counts,
        "top_problems": [p.to_dict() for p in problems],
        "errors": [e.to_dict() for e in result.errors],
        "report": report,
    }
    return Message(
        event=event,
        verdict=verdict,
        lang=t.lang,
        subject=subject,
        headline=f"{t(f'verdict.{verdict}')}  {what} (exit {int(result.exit_code)})",
        meaning=meaning,
        facts=_facts(result, counts, t, run_id),
        problems=() if short else _problem_lines(result, problems, t),
        problems_title=t("what_failed"),
        errors=() if short else _error_lines(result, t),
        errors_title=t("text.not_validated"),
        report=f"{t('text.report')}: {report}" if report else t("no_report"),
        data=data,
    )


def test_message(channel: str, lang: str | None = None) -> Message:
    """What ``dataguard notify test`` sends: proof that a channel works, and what to expect."""
    import socket

    t = _Words(lang if lang in LANGS else "en")  # type: ignore[arg-type]
    subject = f"[dataguard] {t('test.subject', channel=channel)}"
    meaning = t("test.meaning", host=socket.gethostname())
    data = {
        "schema_version": SCHEMA_VERSION,
        "event": str(Event.TEST),
        "gate": None,
        "verdict": None,
        "lang": t.lang,
        "subject": subject,
        "text": meaning,
    }
    return Message(
        event=Event.TEST,
        verdict=Verdict.PASS,
        lang=t.lang,
        subject=subject,
        headline=subject,
        meaning=meaning,
        facts=(),
        problems=(),
        problems_title="",
        errors=(),
        errors_title="",
        report=t("test.report"),
        data=data,
    )


def _state(event: Event, verdict: Verdict, t: Texts) -> str:
    """``BLOCKED``, ``PASSES AGAIN``, ``STILL BLOCKED`` …: the subject's first word(s)."""
    if event == Event.RECOVERED:
        return t("subject.recovered")
    if event == Event.REMINDER:
        return t(f"subject.reminder.{'error' if verdict == Verdict.ERROR else 'blocked'}")
    return t(f"verdict.{verdict}")


def _facts(
    result: GateResult, counts: dict[str, Any], t: Texts, run_id: str | None
) -> tuple[tuple[str, str], ...]:
    """When, and the counts the report uses: checks, records, records with problems, problems."""
    affected = format_number(counts["records_failing"], t.lang)
    if counts["records_failing_truncated"]:
        affected = t("text.at_least", n=affected)
    facts = [
        (t("checked_at"), format_datetime(result.started_at, t.lang)),
        (t("checks"), format_number(counts["checks"], t.lang)),
        (t("rows"), format_number(counts["records"], t.lang)),
        (t("affected"), affected),
        (t("entries"), format_number(counts["problems"], t.lang)),
    ]
    if run_id is not None:
        facts.append((t("run"), run_id))
    return tuple(facts)


def _problem_lines(result: GateResult, problems: list[Problem], t: Texts) -> tuple[str, ...]:
    lines = [_problem_line(p, t) for p in problems]
    hidden = len(_failed(result)) - len(problems)
    if hidden > 0:
        lines.append(t("more_problems", n=format_number(hidden, t.lang)))
    return tuple(lines)


def _error_lines(result: GateResult, t: Texts) -> tuple[str, ...]:
    """What could not be validated (tool messages: no data values, no passwords)."""
    errors = [one_line(f"{e.check + ': ' if e.check else ''}{e.message}") for e in result.errors]
    shown = errors[:_SHOWN_ERRORS]
    if len(errors) > len(shown):
        shown.append(t("more_errors", n=len(errors) - len(shown)))
    return tuple(shown)


def _failed(result: GateResult) -> list[tuple[CheckResult, ExpectationOutcome]]:
    """Every failed expectation that was evaluated, as the console counts them."""
    return [
        (check, outcome)
        for check in result.checks
        for outcome in check.expectations
        if not outcome.success and outcome.error is None
    ]


def _counts(result: GateResult) -> dict[str, Any]:
    """Checks, records read, records with a problem (per check) and problems."""
    failed = _failed(result)
    affected = 0
    for check in result.checks:
        keys = {k for c, e in failed if c is check for k in e.failing_keys if k is not None}
        affected += len(keys)
    return {
        "checks": len(result.checks),
        "records": sum(check.rows for check in result.checks),
        "records_failing": affected,
        # with --max-keys the key lists are cut short: the count is then a lower bound
        "records_failing_truncated": any(e.failing_keys_truncated for _c, e in failed),
        "problems": sum(e.unexpected_count for _c, e in failed),
    }


_RANK = {Verdict.BLOCKED: 0, Verdict.WARN: 1}


def _top_problems(result: GateResult, t: Texts) -> list[Problem]:
    """The blocking problems first, then warnings; the most records first within each."""

    def rank(item: tuple[CheckResult, ExpectationOutcome]) -> tuple[int, int]:
        outcome = item[1]
        verdict = outcome.verdict or expectation_verdict(outcome, result.fail_on)
        return _RANK.get(verdict, 2), -outcome.unexpected_count

    chosen = sorted(_failed(result), key=rank)[:SHOWN_PROBLEMS]
    return [_problem(check, outcome, t) for check, outcome in chosen]


def _problem(check: CheckResult, outcome: ExpectationOutcome, t: Texts) -> Problem:
    names = check.context.values if check.context else {}
    personal = check.context.personal if check.context else True
    keys = tuple(outcome.failing_keys[:SHOWN_KEYS])
    labels = []
    for key in keys:
        name = None if key is None else names.get(key, (None, None))[0]
        if personal:
            name = mask_record_name(name)
        shown = t("text.no_key") if key is None else key
        labels.append(one_line(f"{shown} ({name})" if name else shown))
    return Problem(
        check=check.name,
        expectation=outcome.id,
        text=one_line(problem_text(outcome, t, check.source_headers)),
        failing_records=outcome.unexpected_count,
        keys=keys,
        labels=tuple(labels),
    )


def _problem_line(problem: Problem, t: Texts) -> str:
    """``IBAN: invalid [customers] – 2 records: K10024 (S*** F***), K10031 and 3 more``."""
    n = problem.failing_records
    count = t("text.record" if n == 1 else "text.records", n=format_number(n, t.lang))
    line = f"{problem.text} [{problem.check}] – {count}"
    if problem.labels:
        more = t("text.more", n=format_number(problem.more, t.lang)) if problem.more else ""
        line += f": {', '.join(problem.labels)}{more}"
    return line
