"""Build .xlsx files part by part with zipfile: small on disk, however many cells they claim.

openpyxl writes honest workbooks only; bombs (millions of identical cells, thousands of sheets, a
huge shared-strings table, a lying ``<dimension>``) are written here as raw XML, streamed into the
zip so that building one costs little memory.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006"
_SHEET_TYPE = f"{_DOC}/relationships/worksheet"
_STRINGS_TYPE = f"{_DOC}/relationships/sharedStrings"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_rows(rows: int, columns: int, cell: str = "<v>1</v>") -> Iterator[bytes]:
    """``rows`` × ``columns`` cells holding ``cell`` (a number by default), row by row."""
    letters = [column_letter(c) for c in range(1, columns + 1)]
    for r in range(1, rows + 1):
        cells = "".join(f'<c r="{col}{r}">{cell}</c>' for col in letters)
        yield f'<row r="{r}">{cells}</row>'.encode()


def header_then(body: Iterable[bytes], columns: int) -> Iterator[bytes]:
    """Row 1 holds inline-string headers h1…hN; ``body`` follows (its rows must start at 2)."""
    cells = "".join(
        f'<c r="{column_letter(c)}1" t="inlineStr"><is><t>h{c}</t></is></c>'
        for c in range(1, columns + 1)
    )
    yield f'<row r="1">{cells}</row>'.encode()
    yield from body


def write_xlsx(
    path: Path,
    sheets: Iterable[tuple[str, Iterable[bytes]]],
    *,
    dimension: str | None = None,
    shared_strings: Iterable[bytes] | None = None,
) -> Path:
    """Write a workbook whose sheets' ``<sheetData>`` content comes from the given chunks."""
    named = list(sheets)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT}.worksheet+xml"/>'
            for i in range(1, len(named) + 1)
        )
        if shared_strings is not None:
            overrides += (
                '<Override PartName="/xl/sharedStrings.xml" '
                f'ContentType="{_CT}.sharedStrings+xml"/>'
            )
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f"{overrides}</Types>",
        )
        zf.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_DOC}/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        entries = "".join(
            f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
            for i, (name, _) in enumerate(named, start=1)
        )
        zf.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} xmlns:r="{_REL_NS}">'
            f"<sheets>{entries}</sheets></workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_SHEET_TYPE}" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(named) + 1)
        )
        if shared_strings is not None:
            rels += f'<Relationship Id="rIdS" Type="{_STRINGS_TYPE}" Target="sharedStrings.xml"/>'
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>",
        )
        if shared_strings is not None:
            with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
                fh.write(f'<?xml version="1.0" encoding="UTF-8"?><sst {_NS}>'.encode())
                for chunk in shared_strings:
                    fh.write(chunk)
                fh.write(b"</sst>")
        dim = f'<dimension ref="{dimension}"/>' if dimension else ""
        for i, (_, body) in enumerate(named, start=1):
            with zf.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as fh:
                fh.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}>{dim}'.encode())
                fh.write(b"<sheetData>")
                for chunk in body:
                    fh.write(chunk)
                fh.write(b"</sheetData></worksheet>")
    return path
