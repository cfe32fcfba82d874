"""Read one sheet of an .xlsx workbook as a table of text columns (openpyxl, read-only mode).

Cells become text without float artefacts: 123 → "123", 12.5 → "12.5", a date → "2024-03-31",
a date-time → "2024-03-31T14:05:00", TRUE → "true". Text cells are kept as typed ("01067").

A number cell has lost its leading zeros in Excel already: a PLZ typed as 01067 into a General
cell is stored as 1067 and comes back as "1067" (the postal-code check will flag it). Only when
the cell carries a zero-padding number format such as "00000" (Excel's "Special → Postal code")
is the display form restored ("01067").
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from kmu_dataguard.errors import SourceError
from kmu_dataguard.sources._common import (
    XLS_MAGIC,
    check_header,
    check_requested_columns,
    open_binary_head,
)

__all__ = ["cell_to_text", "read_excel"]

_ZERO_PAD = re.compile(r"^0+$")


def cell_to_text(value: Any, number_format: str | None = None) -> str | None:
    """Convert one cell value to text (``None`` for an empty cell), without float artefacts."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value != "" else None
    if isinstance(value, bool):  # before int: bool is an int
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        if number_format and _ZERO_PAD.match(number_format) and value >= 0:
            text = text.zfill(len(number_format))
        return text
    if isinstance(value, float):
        # repr gives the shortest round-tripping form (0.1 → "0.1"); Decimal avoids "1e-05".
        return format(Decimal(repr(value)), "f")
    return str(value)


def _open(path: Path, source: str) -> Any:
    head = open_binary_head(path, 8)
    if head.startswith(XLS_MAGIC):
        raise SourceError(
            f"{source}: is an old Excel 97-2003 .xls workbook, which cannot be read; "
            "open it in Excel and save it as .xlsx (or as CSV UTF-8)"
        )
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError) as exc:
        raise SourceError(
            f"{source}: is not an .xlsx workbook ({type(exc).__name__}); "
            "if it is a CSV file, read it as delimited text"
        ) from exc
    except OSError as exc:
        raise SourceError(f"{source}: cannot be read ({exc}); check the file") from exc


def read_excel(
    path: str | os.PathLike[str],
    *,
    sheet: str | int = 0,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Read sheet ``sheet`` (name or 0-based index) of an .xlsx file; row 1 is the header.

    Every value is ``str`` or ``None``. Fully empty rows are skipped. Raises :class:`SourceError`
    naming the file, sheet and cell when the workbook cannot be read as a table.
    """
    p = Path(path)
    source = str(path)
    wb = _open(p, source)
    try:
        names = list(wb.sheetnames)
        if isinstance(sheet, int) and not isinstance(sheet, bool):
            if not 0 <= sheet < len(names):
                raise SourceError(
                    f"{source}: has no sheet number {sheet} (0-based); "
                    f"sheets: {', '.join(repr(n) for n in names)}"
                )
            sheet_name = names[sheet]
        else:
            if sheet not in names:
                raise SourceError(
                    f"{source}: has no sheet {sheet!r}; sheets: {', '.join(repr(n) for n in names)}"
                )
            sheet_name = str(sheet)
        ws = wb[sheet_name]
        where = f"{source} [sheet {sheet_name!r}]"

        header: list[str] | None = None
        rows: list[list[str | None]] = []
        for excel_row in ws.iter_rows():
            values = [
                cell_to_text(getattr(c, "value", None), getattr(c, "number_format", None))
                for c in excel_row
            ]
            if all(v is None for v in values):
                continue
            if header is None:
                while values and values[-1] is None:
                    values.pop()
                header = check_header(values, where)
                continue
            width = len(header)
            if len(values) > width and any(v is not None for v in values[width:]):
                extra = next(
                    c
                    for c, v in zip(excel_row[width:], values[width:], strict=True)
                    if v is not None
                )
                raise SourceError(
                    f"{where}: cell {extra.coordinate} has a value but its column has no header; "
                    "add a header or delete the stray value"
                )
            values = (values + [None] * width)[:width]
            rows.append(values)
    finally:
        wb.close()

    if header is None:
        raise SourceError(f"{where}: sheet is empty; put the header in row 1 and the data below")
    usecols = check_requested_columns(columns, header, where)
    df = pd.DataFrame(rows, columns=header, dtype=object)
    if usecols is not None:
        df = df[usecols]
    df = df.where(df.notna(), None)
    df.attrs["sheet"] = sheet_name
    df.attrs["source"] = source
    return df
