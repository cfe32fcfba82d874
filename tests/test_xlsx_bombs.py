"""Workbooks built to exhaust memory or time are refused quickly, by what their zip declares or by
counting cells while streaming; an honest workbook still reads. The files are written part by
part (tests/support/xlsx_files.py), so each stays small on disk and quick to build."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook

from kmu_dataguard.errors import SourceError
from kmu_dataguard.sources.excel import read_excel
from kmu_dataguard.sources.limits import Limits
from tests.support.xlsx_files import column_letter, header_then, write_xlsx


def _identical_rows(rows: int, columns: int, *, numbered: bool = True) -> Iterator[bytes]:
    """Rows 2… of shared string 0 in every cell; without r= attributes they compress ~1000×."""
    if not numbered:
        row = b"<row>" + b'<c t="s"><v>0</v></c>' * columns + b"</row>"
        for _ in range(rows):
            yield row
        return
    letters = [column_letter(c) for c in range(1, columns + 1)]
    for r in range(2, rows + 2):
        cells = "".join(f'<c r="{col}{r}" t="s"><v>0</v></c>' for col in letters)
        yield f'<row r="{r}">{cells}</row>'.encode()


def _refused(path: Path, match: str, limits: Limits | None = None) -> SourceError:
    started = time.monotonic()
    with pytest.raises(SourceError, match=match) as caught:
        read_excel(path, **({"limits": limits} if limits else {}))
    assert time.monotonic() - started < 5
    assert caught.value.exit_code == 3
    assert str(path) in str(caught.value)
    return caught.value


def test_millions_of_identical_cells_are_refused_as_a_zip_bomb(tmp_path):
    # 2 million cells, 44 MB of XML, under 100 KB on disk.
    body = _identical_rows(100_000, 20, numbered=False)
    path = write_xlsx(
        tmp_path / "bomb.xlsx",
        [("S", header_then(body, 20))],
        shared_strings=[b"<si><t>x</t></si>"],
    )
    assert path.stat().st_size < 200_000
    _refused(path, r"part xl/worksheets/sheet1\.xml unzips to .* times its stored size")


def test_a_declared_dimension_beyond_the_cell_limit_is_refused_before_parsing(tmp_path):
    path = write_xlsx(
        tmp_path / "claims.xlsx",
        [("S", header_then(_identical_rows(10, 20), 20))],
        dimension="A1:T2000000",
        shared_strings=[b"<si><t>x</t></si>"],
    )
    _refused(
        path,
        r"sheet1\.xml declares 40 000 000 cells, more than 15 000 000 "
        r"\(limit limits\.max_xlsx_cells in dataguard\.yml\); split the export or raise the limit",
    )


def test_cells_are_counted_when_the_dimension_is_missing(tmp_path):
    """No <dimension>: the guard counts the <c> tags in the unzipped part itself."""
    path = write_xlsx(
        tmp_path / "undeclared.xlsx",
        [("S", header_then(_identical_rows(6_000, 10), 10))],
        shared_strings=[b"<si><t>x</t></si>"],
    )
    limits = Limits(max_xlsx_cells=50_000)
    _refused(
        path, r"sheet1\.xml holds more than 50 000 cells \(limit limits\.max_xlsx_cells", limits
    )
    assert len(read_excel(path, limits=Limits(max_xlsx_cells=60_010))) == 6_000


def test_rows_openpyxl_invents_are_counted_while_streaming(tmp_path):
    """One cell in row 900 000 000: openpyxl would hand out 900 million empty rows before it."""
    far = b'<row r="900000000"><c r="A900000000"><v>1</v></c></row>'
    path = write_xlsx(tmp_path / "far.xlsx", [("S", header_then(iter([far]), 2))])
    _refused(
        path,
        r"\[sheet 'S'\]: the sheet holds more than 100 000 cells \(limit limits\.max_xlsx_cells",
        Limits(max_xlsx_cells=100_000),
    )


def test_rows_beyond_excels_maximum_are_refused(tmp_path):
    """With the default limits, the invented rows stop at Excel's 1 048 576 rows, in seconds."""
    far = b'<row r="900000000"><c r="A900000000"><v>1</v></c></row>'
    path = write_xlsx(tmp_path / "far.xlsx", [("S", header_then(iter([far]), 2))])
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"more than 1 048 576 rows, Excel's maximum; export"):
        read_excel(path)
    assert time.monotonic() - started < 10


def test_thousands_of_sheets_are_refused(tmp_path):
    sheets = [(f"S{i}", header_then(iter(()), 1)) for i in range(1_500)]
    path = write_xlsx(tmp_path / "sheets.xlsx", sheets)
    _refused(
        path,
        r"the workbook lists more than 1 000 sheets "
        r"\(limit limits\.max_xlsx_sheets in dataguard\.yml\); delete the sheets you do not check",
    )


def test_a_sheet_list_pointing_at_one_part_many_times_is_refused(tmp_path):
    """A small zip whose workbook.xml lists the same worksheet 50 000 times."""
    path = write_xlsx(tmp_path / "same.xlsx", [("S", header_then(iter(()), 1))])
    _rewrite_workbook(path, 50_000)
    _refused(path, r"lists more than 1 000 sheets \(limit limits\.max_xlsx_sheets")


def test_a_zip_of_many_small_parts_is_refused_before_it_is_listed(tmp_path):
    sheets = [(f"S{i}", header_then(iter(()), 1)) for i in range(1_100)]
    path = write_xlsx(tmp_path / "parts.xlsx", sheets)
    _refused(
        path,
        r"the zip holds 1 104 parts, more than a workbook of 1 sheets needs "
        r"\(limit limits\.max_xlsx_sheets",
        Limits(max_xlsx_sheets=1),
    )


def _rewrite_workbook(path: Path, copies: int) -> None:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    entries = "".join(f'<sheet name="S{i}" sheetId="{i}" r:id="rId1"/>' for i in range(copies))
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b'<sheet name="S" sheetId="1" r:id="rId1"/>', entries.encode()
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def test_a_huge_shared_strings_table_is_refused(tmp_path):
    strings = (f"<si><t>Kunde {i:07d}</t></si>".encode() for i in range(120_000))
    path = write_xlsx(
        tmp_path / "strings.xlsx",
        [("S", header_then(_identical_rows(2, 2), 2))],
        shared_strings=strings,
    )
    _refused(
        path,
        r"xl/sharedStrings\.xml holds more than 100 000 shared strings "
        r"\(limit limits\.max_xlsx_cells",
        Limits(max_xlsx_cells=100_000),
    )


def test_identical_shared_strings_are_refused_as_a_zip_bomb(tmp_path):
    path = write_xlsx(
        tmp_path / "strings.xlsx",
        [("S", header_then(_identical_rows(2, 2), 2))],
        shared_strings=(b"<si><t>ab</t></si>" * 1000 for _ in range(3_000)),
    )
    _refused(path, r"part xl/sharedStrings\.xml unzips to .* times its stored size")


def test_the_unzipped_size_is_limited(tmp_path):
    rows = (
        f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>{r * 7}</v></c></row>'.encode()
        for r in range(2, 30_002)
    )
    path = write_xlsx(tmp_path / "big.xlsx", [("S", header_then(rows, 2))])
    _refused(
        path,
        r"the workbook unzips to \d+ MB, more than 1 MB "
        r"\(limit limits\.max_xlsx_uncompressed_mb in dataguard\.yml\)",
        Limits(max_xlsx_uncompressed_mb=1),
    )
    assert len(read_excel(path)) == 30_000


def test_an_honest_workbook_reads_under_the_default_limits(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append([f"Spalte {c}" for c in range(1, 31)])
    for r in range(1_000):
        ws.append([f"{r}-{c}" if c % 3 else r * c for c in range(1, 31)])
    for i in range(5):
        wb.create_sheet(f"Blatt {i}").append(["a", "b"])
    path = tmp_path / "honest.xlsx"
    wb.save(path)
    df = read_excel(path)
    assert df.shape == (1_000, 30)
    assert df.iloc[999, 0] == "999-1"
    assert df.iloc[10, 2] == "30"
