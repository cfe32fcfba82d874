"""The failing-records lists a steward hands to colleagues: per check one CSV and one XLSX.

One row per failing record and failed rule (a record that breaks three rules has three rows, so
Excel's filter shows "all records with a wrong IBAN" as well as "everything wrong with K10024").
The lists are never masked: the steward needs the real values to correct them. Every cell that
a spreadsheet could read as a formula (``=``, ``+``, ``-``, ``@``, tab, CR) is prefixed with
``'`` so a hostile value in the data cannot run in Excel.

The CSV is UTF-8 with a byte-order mark and ``;`` as separator: German Excel opens it by
double-click with umlauts and columns intact.

With a run history and a previous run, a last column "Seit"/"Since" says per row whether the
record is new or still failing (:mod:`kmu_dataguard.report.since`). It comes last so every other
column keeps its position whether the history is on or not.
"""

from __future__ import annotations

import csv
import heapq
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any

from kmu_dataguard.entities import column_label
from kmu_dataguard.outputs.files import bounded_name
from kmu_dataguard.report.i18n import Lang, Texts, format_number
from kmu_dataguard.report.since import compared, since_marks
from kmu_dataguard.results import CheckResult, ExpectationOutcome

__all__ = [
    "SHEET_ROWS",
    "ExportRow",
    "export_rows",
    "export_stem",
    "first_rows",
    "neutralise",
    "sheets_needed",
    "write_csv",
    "write_xlsx",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Rows per sheet of the XLSX list, the header row included: Excel's limit. A longer list
#: continues on further sheets; the CSV always holds every row in one file.
SHEET_ROWS = 1_048_576
_QUOTES = {"de": "\u201e{}\u201c", "en": "\u201c{}\u201d"}  # „Blatt“, “sheet”


@dataclass(slots=True)  # slots: 125 000 of them are built per list, fast and small
class ExportRow:
    key: str
    name: str  # the record's name and city, so nobody has to look the key up
    city: str
    expectation: str
    column: str
    severity: str
    value: str
    group: str
    problem: str
    rule: str
    since: str = ""  # "neu"/"weiterhin" against the last run; "" without one


def neutralise(value: Any) -> str:
    """A cell text that no spreadsheet evaluates as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def export_stem(check_name: str) -> str:
    """A file-name-safe stem for a check's lists."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", check_name).strip("._")
    return bounded_name(stem) if stem else "check"


def failing_outcomes(check: CheckResult) -> list[ExpectationOutcome]:
    return [e for e in check.expectations if not e.success and e.error is None]


def export_rows(check: CheckResult, t: Texts) -> list[ExportRow]:
    """Every failing record of ``check`` with the rule it failed, sorted by key."""
    return first_rows(check, t, None)[0]


def first_rows(check: CheckResult, t: Texts, limit: int | None) -> tuple[list[ExportRow], int, int]:
    """The first ``limit`` rows of the list (None: all), its length and how many records it names.

    Only the rows returned are built: the page shows 1 000 of a list of 125 000.
    """
    known = check.context.values if check.context is not None else {}
    marks = since_marks(check) or {}
    since_text = {mark: t(f"since.{mark}") for mark in set(marks.values())}
    # Per outcome, what every one of its rows shows: worked out once, not per row.
    shared: list[tuple[str, str, str, str, str, dict[str, str]]] = []
    entries: list[tuple[tuple[int, int, str], int, str, Any]] = []
    for order, outcome in enumerate(failing_outcomes(check)):
        column = (
            column_label(outcome.column, t.lang, check.source_headers) if outcome.column else ""
        )
        groups = _groups(outcome)
        group_of = {k: str(i) for i, g in enumerate(groups, 1) for k in g["keys"]}
        shared.append(
            (
                outcome.id,
                column,
                t(f"severity.{outcome.severity}"),
                t.pick(outcome.meta.get("protects")),
                str(outcome.meta.get("rule") or ""),
                group_of,
            )
        )
        keys = list(outcome.failing_keys)
        values = list(outcome.failing_values) + [None] * (len(keys) - len(outcome.failing_values))
        # Keys named only in groups (duplicate clusters, broken references) are records too.
        seen = set(keys)
        for group in groups:
            for k in group["keys"]:
                if k not in seen:
                    seen.add(k)
                    keys.append(k)
                    values.append(None)
        for key, value in zip(keys, values, strict=True):
            key_text = "" if key is None else str(key)
            entries.append((_natural(key_text), order, key_text, value))
    total = len(entries)
    affected = len({e[2] for e in entries})
    by_key = itemgetter(0, 1)  # stable: a key's rows in the order of the suite's rules
    if limit is None or limit >= total:
        entries.sort(key=by_key)
    else:
        entries = heapq.nsmallest(limit, entries, key=by_key)
    rows = []
    for _, order, key_text, value in entries:
        expectation, column, severity, problem, rule, group_of = shared[order]
        name, city = known.get(key_text, (None, None))
        rows.append(
            ExportRow(
                key_text,
                name or "",
                city or "",
                expectation,
                column,
                severity,
                "" if value is None else str(value),
                group_of.get(key_text, ""),
                problem,
                rule,
                since_text[marks[key_text]] if key_text in marks else "",
            )
        )
    return rows, total, affected


def key_label(check: CheckResult, t: Texts) -> str:
    """The key column's name as the steward knows it ("Kundennummer"), or "Zeile"."""
    return column_label(check.key, t.lang, check.source_headers) if check.key else t("no_key")


def context_fields(check: CheckResult) -> list[str]:
    """Which of ``name`` and ``city`` the lists show beside the key: those the table has."""
    context = check.context
    if context is None:
        return []
    return [f for f, c in (("name", context.name_column), ("city", context.city_column)) if c]


def context_labels(check: CheckResult, t: Texts) -> list[str]:
    """Headings of the name and city columns beside the key."""
    return [column_label(f, t.lang, check.source_headers) for f in context_fields(check)]


def headers(check: CheckResult, t: Texts) -> list[str]:
    return [
        key_label(check, t),
        *context_labels(check, t),
        t("expectation"),
        t("field"),
        t("severity"),
        t("value"),
        t("group"),
        t("why"),
        t("rule"),
        *([t("since")] if _with_since(check) else []),
    ]


def _with_since(check: CheckResult) -> bool:
    return compared(check) is not None


def _cells(row: ExportRow, fields: list[str], since: bool) -> list[str]:
    """The row's cells, each one neutralised (inline: this runs for every cell of a list)."""
    who = [getattr(row, f) for f in fields]
    return [
        "'" + v if v.startswith(_FORMULA_START) else v
        for v in (
            row.key,
            *who,
            row.expectation,
            row.column,
            row.severity,
            row.value,
            row.group,
            row.problem,
            row.rule,
            *([row.since] if since else []),
        )
    ]


def write_csv(
    check: CheckResult, path: Path, lang: Lang, rows: list[ExportRow] | None = None
) -> Path:
    """The list as CSV; ``rows`` are :func:`export_rows` when the caller already has them.

    Streamed to the file in one ``writerows``: no second copy of the list as one big string.
    """
    t = Texts(lang)
    rows = export_rows(check, t) if rows is None else rows
    fields = context_fields(check)
    since = _with_since(check)
    # "utf-8-sig" writes the byte-order mark German Excel needs to see UTF-8.
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow([neutralise(h) for h in headers(check, t)])
        writer.writerows(_cells(r, fields, since) for r in rows)
    return path


def sheets_needed(rows: int) -> int:
    """How many sheets a list of ``rows`` records fills, a header row on each."""
    return max(1, -(-rows // (SHEET_ROWS - 1)))


def write_xlsx(
    check: CheckResult, path: Path, lang: Lang, rows: list[ExportRow] | None = None
) -> Path:
    """The list as XLSX, streamed row by row (:mod:`kmu_dataguard.outputs.text_xlsx`).

    Every cell is a text cell, so "=..." never becomes a formula, "0049..." keeps its zeros and
    "http://..." stays text. A list longer than a sheet continues on sheets "<check> (2)", …,
    each with the header row; the first sheet says so beside its header.
    """
    from kmu_dataguard.outputs.text_xlsx import TextSheet, write_text_workbook

    t = Texts(lang)
    rows = export_rows(check, t) if rows is None else rows
    names = [neutralise(h) for h in headers(check, t)]
    fields = context_fields(check)
    since = _with_since(check)
    widths = [14, *([30, 18][: len(fields)]), 34, 16, 10, 30, 8, 60, 10, *([10] if since else [])]
    per_sheet = SHEET_ROWS - 1
    titles = _sheet_titles(_sheet_title(check.name), sheets_needed(len(rows)))
    note = None
    if len(titles) > 1:
        note = t(
            "xlsx.continued",
            total=format_number(len(rows), lang),
            sheets=", ".join(_QUOTES[lang].format(s) for s in titles[1:]),
        )

    def part(first: int) -> Iterator[list[str]]:
        for row in islice(rows, first, first + per_sheet):
            yield _cells(row, fields, since)

    sheets = [
        TextSheet(
            title,
            names,
            part(n * per_sheet),
            widths,
            note if n == 0 else None,
            count=min(per_sheet, len(rows) - n * per_sheet),
        )
        for n, title in enumerate(titles)
    ]
    write_text_workbook(path, sheets)
    return path


def _sheet_title(name: str) -> str:
    return _cut(re.sub(r"[\[\]:*?/\\]", "_", name), 31) or "check"


def _sheet_titles(title: str, count: int) -> list[str]:
    """``title``, then ``title (2)``, … each cut so it stays within Excel's 31 characters."""
    return [title] + [f"{_cut(title, 31 - len(f' ({n})'))} ({n})" for n in range(2, count + 1)]


def _cut(text: str, units: int) -> str:
    """``text`` in at most ``units`` UTF-16 units (Excel counts so), no ``'`` at either end."""
    text = text.strip("'")
    while len(text.encode("utf-16-le")) > 2 * units:
        text = text[:-1]
    return text.strip("'")


def _groups(outcome: ExpectationOutcome) -> list[dict[str, Any]]:
    """The outcome's groups with their keys as text (an empty key shows as "")."""
    return [
        {
            "keys": ["" if k is None else str(k) for k in g.keys],
            "score": g.score,
            "reason": g.reason,
        }
        for g in outcome.groups
    ]


def _natural(key: str) -> tuple[int, int, str]:
    """Row numbers sort numerically, keys alphabetically."""
    return (0, int(key), "") if key.isdigit() and len(key) < 18 else (1, 0, key)
