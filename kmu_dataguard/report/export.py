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
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kmu_dataguard.entities import column_label
from kmu_dataguard.outputs.files import bounded_name
from kmu_dataguard.report.i18n import Lang, Texts
from kmu_dataguard.report.since import compared, since_marks
from kmu_dataguard.results import CheckResult, ExpectationOutcome

__all__ = [
    "ExportRow",
    "export_rows",
    "export_stem",
    "neutralise",
    "write_csv",
    "write_xlsx",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 (and so XLSX) cannot hold.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
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
    rows: list[tuple[tuple[Any, ...], ExportRow]] = []
    known = check.context.values if check.context is not None else {}
    marks = since_marks(check) or {}
    for order, outcome in enumerate(failing_outcomes(check)):
        column = (
            column_label(outcome.column, t.lang, check.source_headers) if outcome.column else ""
        )
        groups = _groups(outcome)
        group_of = {k: str(i) for i, g in enumerate(groups, 1) for k in g["keys"]}
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
            name, city = known.get(key_text, (None, None))
            row = ExportRow(
                key=key_text,
                name=name or "",
                city=city or "",
                expectation=outcome.id,
                column=column,
                severity=t(f"severity.{outcome.severity}"),
                value="" if value is None else str(value),
                group=group_of.get(key_text, ""),
                problem=t.pick(outcome.meta.get("protects")),
                rule=str(outcome.meta.get("rule") or ""),
                since=t(f"since.{marks[key_text]}") if key_text in marks else "",
            )
            rows.append(((_natural(key_text), order), row))
    rows.sort(key=lambda item: item[0])
    return [row for _, row in rows]


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
    who = [getattr(row, f) for f in fields]
    return [
        neutralise(v)
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


def render_csv(check: CheckResult, t: Texts) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headers(check, t)])
    fields = context_fields(check)
    since = _with_since(check)
    writer.writerows(_cells(r, fields, since) for r in export_rows(check, t))
    return "\ufeff" + buffer.getvalue()


def write_csv(check: CheckResult, path: Path, lang: Lang) -> Path:
    path.write_text(render_csv(check, Texts(lang)), encoding="utf-8", newline="")
    return path


def write_xlsx(check: CheckResult, path: Path, lang: Lang) -> Path:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    t = Texts(lang)
    rows = export_rows(check, t)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_title(check.name))
    names = headers(check, t)
    fields = context_fields(check)
    since = _with_since(check)
    widths = [14, *([30, 18][: len(fields)]), 34, 16, 10, 30, 8, 60, 10, *([10] if since else [])]
    for i, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(names))
    sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    bold = Font(bold=True)
    header = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=_xlsx_text(neutralise(name)))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in _cells(row, fields, since)])
    book.save(path)
    return path


def _xlsx_cell(sheet: Any, text: str) -> Any:
    from openpyxl.cell import WriteOnlyCell

    # Always a string cell: openpyxl would otherwise turn "=..." into a formula.
    cell = WriteOnlyCell(sheet, value=_xlsx_text(text))
    cell.data_type = "s"
    return cell


def _xlsx_text(text: str) -> str:
    return _ILLEGAL_XML.sub("\ufffd", text)


def _sheet_title(name: str) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'")[:31]
    return title or "check"


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
