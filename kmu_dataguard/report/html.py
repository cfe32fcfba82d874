"""The steward's HTML report: one self-contained page (inline CSS and script, no network).

The page is rendered from Jinja2 templates shipped in the package, with auto-escaping: every
value from the data is text, never markup. A Content-Security-Policy allows only the page's own
inline script (by hash), so even an escaping mistake could not run injected code or load
anything from the network. Personal values are masked unless ``mask=False``.

With a run history each check shows its trend (:mod:`kmu_dataguard.report.trend`), what was
fixed and what is new since the last run, and each record whether it is new or still failing.

:func:`render_report` returns the page; :mod:`kmu_dataguard.report.store` writes it (with the
failing-records lists) atomically into a report folder.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from kmu_dataguard.consistency.reasons import localize
from kmu_dataguard.entities import column_label
from kmu_dataguard.report.export import (
    context_fields,
    context_labels,
    failing_outcomes,
    first_rows,
    key_label,
    sheets_needed,
)
from kmu_dataguard.report.i18n import (
    Lang,
    Texts,
    format_datetime,
    format_number,
    format_percent,
    problem_text,
)
from kmu_dataguard.report.masking import mask_result
from kmu_dataguard.report.since import since_marks
from kmu_dataguard.report.trend import trend_points, trend_svg
from kmu_dataguard.results import CheckResult, ExpectationOutcome, GateResult

__all__ = ["PAGE_ROWS", "HistoryEntry", "render_report"]

#: Failing-record rows per check listed in the page; the export has all of them. Grouped
#: findings (duplicate clusters) are bounded alike: at most this many keys per expectation.
PAGE_ROWS = 1000
#: Rows per page of the in-page pager (the script pages; without script all rows show).
PAGER_ROWS = 50
_CREDENTIALS = re.compile(r"(?<=://)[^/@\s]+@")


@dataclass(frozen=True)
class HistoryEntry:
    """An earlier run listed on the top-level page."""

    label: str
    href: str
    verdict: str


@dataclass
class _Links:
    csv: str | None = None
    xlsx: str | None = None


@dataclass
class _Page:
    """What the template shows, prepared in Python so the template stays simple."""

    lang: Lang
    t: Texts
    result: GateResult
    verdict: str
    checks: list[dict[str, Any]] = field(default_factory=list)


def render_report(
    result: GateResult,
    *,
    lang: Lang = "en",
    mask: bool = True,
    exports: dict[str, tuple[str, str]] | None = None,
    history: list[HistoryEntry] | None = None,
    run: str | None = None,
) -> str:
    """The page for ``result``; ``exports`` maps a check name to its (csv, xlsx) hrefs.

    ``run`` names the run folder a top-level page shows (a ``<meta>`` the report store reads).
    """
    t = Texts(lang)
    shown = mask_result(result) if mask else result
    template, script, digest = _page_template()
    exports = exports or {}
    checks = [_check_view(c, t, exports.get(c.name), shown) for c in shown.checks]
    return template.render(
        t=t,
        lang=lang,
        result=shown,
        verdict=str(result.verdict),
        checked_at=format_datetime(result.started_at, lang),
        duration=format_number(result.duration_s, lang, 1),
        sources=sorted({_strip_credentials(c.source) for c in result.checks}),
        checks=checks,
        masked=mask,
        # the overview's "fixed since last run" column, when any check has a previous run
        compared=any(c["since"] is not None and c["since"]["fixed"] is not None for c in checks),
        history=history or [],
        script=script,
        script_hash=f"sha256-{digest}",
        pager_rows=PAGER_ROWS,
        version=_version(),
        run=run,
        started=result.started_at.isoformat(),
        n=lambda v: format_number(v, lang),
    )


@cache
def _page_template() -> tuple[Any, str, str]:
    """The compiled page template, its inline script and the script's hash, once per process.

    Compiling the templates costs more than rendering a demo-sized report (~0.2 s a run on a
    warm server); a compiled Jinja2 template renders safely from several threads.
    """
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("kmu_dataguard.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # the templates are package data: they do not change under us
    )
    script = (
        resources.files("kmu_dataguard.report")
        .joinpath("templates/report.js")
        .read_text(encoding="utf-8")
    )
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return env.get_template("report.html.j2"), script, digest


def _check_view(
    check: CheckResult, t: Texts, links: tuple[str, str] | None, result: GateResult
) -> dict[str, Any]:
    failed = failing_outcomes(check)
    errored = [e for e in check.expectations if e.error is not None]
    passed = [e for e in check.expectations if e.success and e.error is None]
    rows, total, affected = first_rows(check, t, PAGE_ROWS)
    fields = context_fields(check)
    by_id = {e.id: e for e in check.expectations}
    marks = since_marks(check)
    records = [
        {
            "key": r.key,
            "who": [getattr(r, f) for f in fields],
            "problem": problem_text(by_id[r.expectation], t, check.source_headers),
            "why": r.problem,
            "column": r.column,
            "value": r.value,
            "empty": r.value == "",
            "severity": by_id[r.expectation].severity,
            "severity_label": r.severity,
            "group": r.group,
            "since": (marks or {}).get(r.key),
        }
        for r in rows
    ]
    return {
        "name": check.name,
        "anchor": "check-" + re.sub(r"[^A-Za-z0-9_-]+", "-", check.name),
        "source": _strip_credentials(check.source),
        "suite": check.suite,
        "key": key_label(check, t),
        # headings of the name and city columns, when the table has them
        "context": context_labels(check, t),
        "rows": check.rows,
        "verdict": str(check.verdict),
        "errors": list(check.errors),
        "failed": [_outcome_view(e, t, check) for e in failed],
        "errored": [_outcome_view(e, t, check) for e in errored],
        "passed": [_outcome_view(e, t, check) for e in passed],
        "records": records,
        "records_total": total,
        "affected": affected,
        "links": links if rows and links else None,
        # an XLSX longer than Excel's sheet continues on further sheets: the page says so
        "sheets": sheets_needed(total),
        "marked": marks is not None,
        "since": _since_view(check, result, t),
    }


def _since_view(check: CheckResult, result: GateResult, t: Texts) -> dict[str, Any] | None:
    """The trend chart and the line "since the last run: 1 fixed, 2 new"; None: history off."""
    history = check.history
    if history is None:
        return None
    chart = trend_svg(trend_points(check, result), t.lang)
    if history.previous_run is None:
        return {"chart": chart, "line": t("since.first_run"), "fixed": None}
    line = t(
        "since.line" if history.complete else "since.line_approx",
        fixed=format_number(history.fixed, t.lang),
        new=format_number(len(history.new_keys), t.lang),
    )
    return {"chart": chart, "line": line, "fixed": history.fixed}


def _outcome_view(outcome: ExpectationOutcome, t: Texts, check: CheckResult) -> dict[str, Any]:
    known = check.context.values if check.context is not None else {}
    return {
        "id": outcome.id,
        "problem": problem_text(outcome, t, check.source_headers),
        "severity": str(outcome.severity),
        "severity_label": t(f"severity.{outcome.severity}"),
        "why": t.pick(outcome.meta.get("protects")),
        "rule": outcome.meta.get("rule"),
        # checks.<name>.overrides: what the configuration changed, e.g. "severity: warning"
        "overridden": ", ".join(
            f"{k}: {v}" for k, v in (outcome.meta.get("overridden") or {}).items()
        ),
        "column": column_label(outcome.column, t.lang, check.source_headers)
        if outcome.column
        else "",
        "count": format_number(outcome.unexpected_count, t.lang),
        "percent": format_percent(outcome.unexpected_percent, t.lang),
        "observed": None if outcome.failing_keys else outcome.observed_value,
        "error": outcome.error,
        "truncated": outcome.failing_keys_truncated,
        "groups": [
            {
                "keys": keys,
                # "Müller GmbH, Dresden" beside each key: which records to merge or correct
                "who": [_who(known.get(k)) for k in keys],
                "more": more,
                "score": (
                    format_number(float(g.score), t.lang, 2)
                    if isinstance(g.score, int | float)
                    else ""
                ),
                "reason": localize(g.reason, t.lang),
            }
            for g, keys, more in _page_groups(outcome)
        ],
        "groups_total": len(outcome.groups),
    }


def _page_groups(outcome: ExpectationOutcome) -> list[tuple[Any, list[str], int]]:
    """The groups the page shows, with their keys as text and how many keys it leaves out.

    At most ``PAGE_ROWS`` keys in all, as for the records table: 50 000 duplicate clusters
    must not make a page nobody can open. The lists hold every group.
    """
    shown = []
    budget = PAGE_ROWS
    for group in outcome.groups:
        if budget <= 0:
            break
        keys = ["" if k is None else str(k) for k in group.keys[:budget]]
        shown.append((group, keys, len(group.keys) - len(keys)))
        budget -= len(keys)
    return shown


def _who(context: tuple[str | None, str | None] | None) -> str:
    return ", ".join(v for v in context or () if v)


def _strip_credentials(text: str) -> str:
    """``postgresql://guard:***@db/erp`` → ``postgresql://db/erp``: no user, no password."""
    return _CREDENTIALS.sub("", text)


@cache  # a metadata lookup scans the installed distributions
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kmu-dataguard")
    except PackageNotFoundError:
        return ""
