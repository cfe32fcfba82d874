"""Which columns an expectation reads, so only those are copied or fetched."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["columns_read"]


def columns_read(
    expectations: Iterable[Any], present: Sequence[str], key: str | None
) -> list[str] | None:
    """The key and every present column the expectations read, in a stable order; None when
    one of them names no column (a table expectation, e.g. on the column set, sees them all)."""
    needed: list[str] = [key] if key and key in present else []
    for exp in expectations:
        named = _expectation_columns(exp)
        if not named:
            return None
        for column in named:
            # Absent optional columns stay absent, exactly as in an in-memory table.
            if column not in needed and column in present:
                needed.append(column)
    return needed


def _expectation_columns(exp: Any) -> list[str]:
    """Every column an expectation reads, defaults included.

    GX names them ``column``, ``column_A``/``column_B``, ``column_list``; our table-level
    expectations follow the same convention (``*_column``, ``*_columns``), so a field name
    says what must be fetched. A row condition's columns are read too.
    """
    names: list[Any] = []
    for field_name, value in exp.dict().items():
        if field_name in ("column", "column_A", "column_B") or field_name.endswith("_column"):
            names.append(value)
        elif field_name == "column_list" or field_name.endswith("_columns"):
            names.extend(value or [])
    names += _condition_columns(getattr(exp, "row_condition", None))
    return [str(n) for n in names if isinstance(n, str) and n]


def _condition_columns(condition: Any) -> list[str]:
    """Columns a structured row condition reads (they must be fetched too)."""
    if condition is None or isinstance(condition, str):
        return []
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            column = node.get("column")
            if isinstance(column, dict) and "name" in column:
                found.append(str(column["name"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple):
            for value in node:
                walk(value)
        else:
            dump = getattr(node, "model_dump", None) or getattr(node, "dict", None)
            if callable(dump):
                walk(dump())

    walk(condition)
    return found
