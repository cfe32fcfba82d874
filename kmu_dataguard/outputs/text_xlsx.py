"""Workbooks of text cells, written straight as XML: the steward's lists at any size.

The failing-records lists and held_reasons.xlsx are tables of text. openpyxl builds an object
per cell (13 s for 66 000 cells on the loaded test machine) and XlsxWriter, streamed, still
costs ~75 % of what a report adds to a 1 M-row check (bench/report_bench.py); this writes each
row as one string of inline-string cells (~6x faster than XlsxWriter's constant-memory mode,
measured on 560 000 cells). Every cell is text (``t="inlineStr"``): nothing is ever read as a
number, a date, a formula or a link. Each sheet's header row is bold and frozen, with a filter
over its rows; a text longer than a cell may hold is cut to Excel's 32 767 characters.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence, Sized
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape, quoteattr

__all__ = ["TextSheet", "write_text_workbook", "write_text_xlsx"]

#: Excel's most characters in one cell
CELL_CHARS = 32_767

# Characters XML 1.0 (and so XLSX) cannot hold.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_BOLD = ' s="1"'  # the header's cell style (cellXfs 1 in styles.xml)

_STATIC = {
    "xl/styles.xml": (
        f'<styleSheet xmlns="{_MAIN}">'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        "</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}


@dataclass
class TextSheet:
    """One sheet: its name (at most 31 characters), header, rows, column widths, and an
    optional note shown bold one column right of the header."""

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[str]]
    widths: Sequence[float]
    note: str | None = None
    #: how many rows ``rows`` holds when it is an iterator (known: the sheet's size is written
    #: up front, as Excel does, so readers need not scan the sheet to learn it)
    count: int | None = None


def write_text_xlsx(
    path: Path,
    sheet: str,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    widths: Sequence[float],
) -> None:
    """Write ``header`` (bold, frozen) and ``rows`` as text cells to ``path``, one sheet."""
    write_text_workbook(path, [TextSheet(sheet, header, rows, widths)])


def write_text_workbook(path: Path, sheets: Sequence[TextSheet]) -> None:
    """Write ``sheets`` to the workbook ``path``; rows are consumed as they are written."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", _HEAD + _content_types(len(sheets)))
        book.writestr("_rels/.rels", _HEAD + _ROOT_RELS)
        book.writestr("xl/_rels/workbook.xml.rels", _HEAD + _workbook_rels(len(sheets)))
        for name, xml in _STATIC.items():
            book.writestr(name, _HEAD + xml)
        entries = "".join(
            f'<sheet name={quoteattr(sheet.name[:31])} sheetId="{n}" r:id="rId{n}"/>'
            for n, sheet in enumerate(sheets, 1)
        )
        book.writestr(
            "xl/workbook.xml",
            f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{entries}</sheets>'
            "</workbook>",
        )
        for n, sheet in enumerate(sheets, 1):
            with book.open(f"xl/worksheets/sheet{n}.xml", "w") as out:
                _write_sheet(out, sheet)


def _write_sheet(out: IO[bytes], sheet: TextSheet) -> None:
    header = list(sheet.header)
    letters = [_letter(i) for i in range(len(header) + (2 if sheet.note else 0))]
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
        for i, w in enumerate(sheet.widths, 1)
    )
    count = sheet.count if sheet.count is not None else _length(sheet.rows)
    dimension = (
        f'<dimension ref="A1:{letters[-1]}{count + 1}"/>' if letters and count is not None else ""
    )
    out.write(
        (
            f'{_HEAD}<worksheet xmlns="{_MAIN}">{dimension}<sheetViews>'
            '<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
            f"<cols>{cols}</cols><sheetData>"
        ).encode()
    )
    first = [*header, "", sheet.note] if sheet.note else header
    out.write(_xml_bytes([_row(1, first, letters, _BOLD)]))
    number = 1
    chunk: list[str] = []
    for number, cells in enumerate(sheet.rows, 2):
        chunk.append(_row(number, cells, letters, ""))
        if len(chunk) >= 2_000:
            out.write(_xml_bytes(chunk))
            chunk.clear()
    out.write(_xml_bytes(chunk))
    last = _letter(max(len(header), 1) - 1)
    out.write(f'</sheetData><autoFilter ref="A1:{last}{number}"/></worksheet>'.encode())


def _length(rows: Iterable[Sequence[str]]) -> int | None:
    return len(rows) if isinstance(rows, Sized) else None


def _content_types(sheets: int) -> str:
    parts = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_CT}.worksheet+xml"/>'
        for n in range(1, sheets + 1)
    )
    return (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f"{parts}"
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
        "</Types>"
    )


_ROOT_RELS = (
    f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
    f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)


def _workbook_rels(sheets: int) -> str:
    # Sheets are rId1..rIdN; the styles come after them.
    parts = "".join(
        f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, sheets + 1)
    )
    styles = f'<Relationship Id="rId{sheets + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
    return f'<Relationships xmlns="{_PKG}">{parts}{styles}</Relationships>'


def _xml_bytes(rows: list[str]) -> bytes:
    # The characters XML cannot hold can only be in cell texts: replaced once per chunk.
    return _ILLEGAL_XML.sub("\ufffd", "".join(rows)).encode("utf-8", "replace")


def _row(number: int, cells: Sequence[str], letters: list[str], style: str) -> str:
    parts = [f'<row r="{number}">']
    for letter, text in zip(letters, cells, strict=False):
        if text:
            clean = escape(text if len(text) <= CELL_CHARS // 2 else _fit(text))
            parts.append(
                f'<c r="{letter}{number}"{style} t="inlineStr">'
                f'<is><t xml:space="preserve">{clean}</t></is></c>'
            )
    parts.append("</row>")
    return "".join(parts)


def _fit(text: str) -> str:
    """``text`` cut to what one cell holds (Excel counts UTF-16 units)."""
    text = text[:CELL_CHARS]
    while len(text.encode("utf-16-le")) > 2 * CELL_CHARS:
        text = text[:-1]
    return text


def _letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name
