"""``held_reasons.xlsx``: one row per held record and rule, in the steward's words.

Columns: the key (by the source's own header), the record's name where the table has one, the
rule's id, what the rule protects (in the run's language), the column as the source names it,
the value, and a suggested correction (:mod:`.suggestions`; empty until one is known). Every
cell is written as text and neutralised like the failing-records lists, so a hostile value
(``=cmd|…``, ``+``, ``-``, ``@``) cannot run as a formula in Excel.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kmu_dataguard.entities import column_label
from kmu_dataguard.report.export import neutralise
from kmu_dataguard.report.i18n import Texts, problem_text
from kmu_dataguard.results import CheckResult
from kmu_dataguard.split.suggestions import suggestions_for

if TYPE_CHECKING:
    import pandas as pd

    from kmu_dataguard.split.routing import Reason

__all__ = ["MAX_ROWS", "reason_rows", "write_reasons"]

#: Rows listed at most (Excel holds 1 048 576 per sheet); the rest is counted in a last row.
MAX_ROWS = 1_000_000


def headers(check: CheckResult, t: Texts, with_name: bool) -> list[str]:
    key = column_label(check.key, t.lang, check.source_headers) if check.key else t("no_key")
    names = [t("split.name")] if with_name else []
    return [key, *names, *(t(f"split.{c}") for c in _COLUMNS)]


_COLUMNS = ("rule", "description", "column", "value", "suggestion")


def reason_rows(
    check: CheckResult, reasons: list[Reason], frame: pd.DataFrame, t: Texts
) -> tuple[bool, list[tuple[int, list[str]]]]:
    """(whether a name column is shown, [(table row or -1, cells)]) in table order."""
    name_column = check.context.name_column if check.context is not None else None
    with_name = name_column is not None and name_column in frame.columns
    arrays: dict[str, Any] = {}

    def column_values(name: str) -> Any:
        # one array per column: a pandas lookup per cell costs more than the whole list
        if name not in arrays:
            arrays[name] = frame[name].to_numpy(dtype=object)
        return arrays[name]

    key_values = column_values(check.key) if check.key and check.key in frame.columns else None
    names = column_values(name_column) if with_name and name_column else None
    # what is the same for every record of one rule, worked out once per rule
    rules: dict[tuple[str, str, str], tuple[str, str, dict[str, str]]] = {}
    rows: list[tuple[int, list[str]]] = []
    for reason in reasons:
        outcome, row = reason.outcome, reason.row
        if row is None:
            key = t("split.whole_file")
        elif key_values is not None:
            key = _cell(key_values[row])
        else:
            key = str(row + 1)
        ident = (reason.check.name, outcome.id, reason.because)
        if ident not in rules:
            rules[ident] = _rule_texts(check, reason, t)
        description, column_text, suggested = rules[ident]
        column = outcome.column or ""
        value = reason.value
        if value is None and row is not None and column in frame.columns:
            value = _cell(column_values(column)[row])
        cells = [
            key,
            *([_cell(names[row]) if row is not None else ""] if names is not None else []),
            outcome.id,
            description,
            column_text,
            value or "",
            suggested.get(key, ""),
        ]
        rows.append((-1 if row is None else row, cells))
    rows.sort(key=lambda item: item[0])
    return with_name, rows


def _rule_texts(check: CheckResult, reason: Reason, t: Texts) -> tuple[str, str, dict[str, str]]:
    """(description, column as the source names it, suggestions by key) of a reason's rule."""
    outcome = reason.outcome
    description = t.pick(outcome.meta.get("protects")) or problem_text(
        outcome, t, check.source_headers
    )
    if reason.because == "group":
        description = f"{description} ({t('split.because.group')})"
    column = column_label(outcome.column, t.lang, check.source_headers) if outcome.column else ""
    return description, column, suggestions_for(reason.check, outcome)


def write_reasons(
    path: Path, check: CheckResult, with_name: bool, rows: list[list[str]], t: Texts
) -> None:
    """Write the rows (cells as text, neutralised) to ``path`` as one sheet."""
    from kmu_dataguard.outputs.text_xlsx import write_text_xlsx

    shown = [[neutralise(c) for c in cells] for cells in rows[:MAX_ROWS]]
    if len(rows) > MAX_ROWS:
        shown.append([t("split.more", n=len(rows) - MAX_ROWS)])
    names = [neutralise(h) for h in headers(check, t, with_name)]
    widths = [16, *([30] if with_name else []), 30, 60, 20, 30, 20]
    write_text_xlsx(path, "held_reasons", names, shown, widths)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)
