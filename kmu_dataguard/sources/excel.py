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
import itertools
import logging
import os
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
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
    out_of_memory_as_error,
)
from kmu_dataguard.sources.limits import DEFAULT_LIMITS, Limits, limit_exceeded, number
from kmu_dataguard.sources.xlsx_guard import inspect_xlsx, not_a_workbook

__all__ = ["EXCEL_MAX_ROWS", "cell_to_text", "read_excel"]

log = logging.getLogger("kmu_dataguard")

_ZERO_PAD = re.compile(r"^0+$")
# No workbook Excel or LibreOffice can open has more rows; openpyxl would invent the rows up to
# a row numbered 900 000 000, one by one.
EXCEL_MAX_ROWS = 1_048_576


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


# What openpyxl (and the zipfile, zlib and XML parsers under it) raise on a broken workbook.
_BROKEN = (
    InvalidFileException,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    SyntaxError,  # xml.etree.ElementTree.ParseError
    KeyError,
    IndexError,
    ValueError,  # includes UnicodeError
    TypeError,
    AttributeError,
    EOFError,
    NotImplementedError,
    OverflowError,
    RuntimeError,
)


def _open(path: Path, source: str, limits: Limits, stack: ExitStack) -> Any:
    """The workbook in read-only mode; ``stack`` closes it and the file when the read is done.

    openpyxl is handed an open file rather than the path: when it fails half-way it leaves the
    zip it opened itself unclosed, while a file opened here is closed whatever happens.
    """
    head = open_binary_head(path, 8, limits)
    if head.startswith(XLS_MAGIC):
        raise SourceError(
            f"{source}: is an old Excel 97-2003 .xls workbook, which cannot be read; "
            "open it in Excel and save it as .xlsx (or as CSV UTF-8)"
        )
    inspect_xlsx(path, source, limits)
    try:
        fh = stack.enter_context(path.open("rb"))
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            wb = load_workbook(fh, read_only=True, data_only=True)
    except _BROKEN as exc:
        raise not_a_workbook(source, exc) from exc
    except OSError as exc:
        raise SourceError(f"{source}: cannot be read ({exc}); check the file") from exc
    stack.callback(wb.close)
    for warning in said:
        text = " ".join(str(warning.message).split())
        if "invalid specification" in text:
            # openpyxl drops a sheet whose entry in the workbook is broken: its rows would be
            # missing without a word. Fail closed rather than check what is left.
            raise SourceError(
                f"{source}: a sheet's entry in the workbook is broken ({text}); open the file "
                "in Excel and save it again, or export the sheet as CSV UTF-8"
            )
        # Other notes (unsupported extensions, no default style) change no cell value.
        log.debug("%s: openpyxl: %s", source, text)
    return wb


def _rows(ws: Any, where: str, limits: Limits) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows as openpyxl streams them, stopped at limits.max_xlsx_cells.

    The sheet's declared dimension is dropped first: openpyxl stops at the last row it declares,
    which would silently leave out the rows below an understated one.
    """
    ws.reset_dimensions()
    rows = ws.iter_rows()
    cells = 0
    try:
        for number_of_rows in itertools.count(1):
            try:
                row = next(rows)
            except StopIteration:
                return
            except _BROKEN as exc:
                raise not_a_workbook(where, exc) from exc
            if number_of_rows > EXCEL_MAX_ROWS:
                raise SourceError(
                    f"{where}: the sheet has more than {number(EXCEL_MAX_ROWS)} rows, Excel's "
                    "maximum; export the data as CSV instead"
                )
            cells += len(row) or 1  # an invented empty row costs time, too
            if cells > limits.max_xlsx_cells:
                raise limit_exceeded(
                    where,
                    f"the sheet holds more than {number(limits.max_xlsx_cells)} cells",
                    "max_xlsx_cells",
                    "split the export",
                )
            yield row
    finally:
        rows.close()  # closes the sheet's stream in the zip now, not when collected


def _text(cell: Any) -> str | None:
    value = getattr(cell, "value", None)
    if value is None or isinstance(value, str):
        return value or None
    # Only a whole number can take a zero-padding format; looking it up costs time per cell.
    fmt = getattr(cell, "number_format", None) if isinstance(value, (int, float)) else None
    return cell_to_text(value, fmt)


def read_excel(
    path: str | os.PathLike[str],
    *,
    sheet: str | int = 0,
    columns: Sequence[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> pd.DataFrame:
    """Read sheet ``sheet`` (name or 0-based index) of an .xlsx file; row 1 is the header.

    Every value is ``str`` or ``None``. Fully empty rows are skipped. Raises :class:`SourceError`
    naming the file, sheet and cell when the workbook cannot be read as a table or exceeds
    ``limits``.
    """
    source = str(path)
    with out_of_memory_as_error(source):
        return _read(Path(path), source, sheet, columns, limits)


def _read(
    p: Path, source: str, sheet: str | int, columns: Sequence[str] | None, limits: Limits
) -> pd.DataFrame:
    with ExitStack() as stack:
        wb = _open(p, source, limits, stack)
        sheet_name = _sheet_name(list(wb.sheetnames), sheet, source)
        try:
            ws = wb[sheet_name]
        except _BROKEN as exc:
            raise not_a_workbook(source, exc) from exc
        where = f"{source} [sheet {sheet_name!r}]"
        header, rows = _table(_rows(ws, where, limits), where, limits)

    usecols = check_requested_columns(columns, header, where)
    # Rows are tuples of str/None already: no NaN to replace, no second copy of the table.
    df = pd.DataFrame(rows, columns=header, dtype=object)
    del rows
    if usecols is not None:
        df = df[usecols]
    df.attrs["sheet"] = sheet_name
    df.attrs["source"] = source
    return df


def _sheet_name(names: list[str], sheet: str | int, source: str) -> str:
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if not 0 <= sheet < len(names):
            raise SourceError(
                f"{source}: has no sheet number {sheet} (0-based); "
                f"sheets: {', '.join(repr(n) for n in names)}"
            )
        return names[sheet]
    if sheet not in names:
        raise SourceError(
            f"{source}: has no sheet {sheet!r}; sheets: {', '.join(repr(n) for n in names)}"
        )
    return str(sheet)


def _table(
    excel_rows: Iterator[tuple[Any, ...]], where: str, limits: Limits
) -> tuple[list[str], list[tuple[str | None, ...]]]:
    header: list[str] | None = None
    rows: list[tuple[str | None, ...]] = []
    for excel_row in excel_rows:
        values = [_text(c) for c in excel_row]
        if all(v is None for v in values):
            continue
        if header is None:
            while values and values[-1] is None:
                values.pop()
            if len(values) > limits.max_columns:
                raise limit_exceeded(
                    where,
                    f"the header row has {number(len(values))} columns, more than "
                    f"{number(limits.max_columns)}",
                    "max_columns",
                    "delete the unused columns",
                )
            header = check_header(values, where)
            continue
        width = len(header)
        if len(values) > width and any(v is not None for v in values[width:]):
            extra = next(
                c for c, v in zip(excel_row[width:], values[width:], strict=True) if v is not None
            )
            raise SourceError(
                f"{where}: cell {extra.coordinate} has a value but its column has no header; "
                "add a header or delete the stray value"
            )
        rows.append(tuple((values + [None] * width)[:width]))
    if header is None:
        raise SourceError(f"{where}: sheet is empty; put the header in row 1 and the data below")
    return header, rows
