from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from kmu_dataguard.errors import SourceError
from kmu_dataguard.sources.excel import cell_to_text, read_excel


@pytest.fixture
def workbook(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Debitoren"
    ws.append(["Kundennummer", "Name", "PLZ", "PLZ formatiert", "Preis", "Angelegt", "Gesperrt"])
    ws.append(["000123", "Müller & Söhne GmbH", 1067, 1067, 12.5, dt.datetime(2024, 3, 31), False])
    ws["D2"].number_format = "00000"  # Excel "Special → Postal code"
    ws.append([124, "Weiß", "01067", None, 0.1, dt.datetime(2024, 3, 31, 14, 5), True])
    ws.append([None] * 7)  # blank row in between
    ws.append([125.0, None, 22769, 22769, 1234.5, dt.date(2023, 12, 1), None])
    other = wb.create_sheet("Kreditoren")
    other.append(["Lieferantennummer", "Name"])
    other.append([70001, "Schmidts Tivoli Gastspiel GmbH"])
    wb.create_sheet("Leer")
    path = tmp_path / "stammdaten.xlsx"
    wb.save(path)
    return path


def test_cells_become_text_without_float_artefacts(workbook):
    df = read_excel(workbook)
    assert df.attrs["sheet"] == "Debitoren"
    assert df.to_dict("records") == [
        {
            "Kundennummer": "000123",
            "Name": "Müller & Söhne GmbH",
            "PLZ": "1067",  # a number cell has lost its zero in Excel already
            "PLZ formatiert": "01067",  # ...unless the zero-padding format says so
            "Preis": "12.5",
            "Angelegt": "2024-03-31",
            "Gesperrt": "false",
        },
        {
            "Kundennummer": "124",
            "Name": "Weiß",
            "PLZ": "01067",
            "PLZ formatiert": None,
            "Preis": "0.1",
            "Angelegt": "2024-03-31T14:05:00",
            "Gesperrt": "true",
        },
        {
            "Kundennummer": "125",
            "Name": None,
            "PLZ": "22769",
            "PLZ formatiert": "22769",
            "Preis": "1234.5",
            "Angelegt": "2023-12-01",
            "Gesperrt": None,
        },
    ]
    assert all(str(t) == "object" for t in df.dtypes)


def test_sheet_by_name_and_index_and_columns(workbook):
    by_name = read_excel(workbook, sheet="Kreditoren")
    by_index = read_excel(workbook, sheet=1)
    assert by_name.equals(by_index)
    assert by_name.to_dict("records") == [
        {"Lieferantennummer": "70001", "Name": "Schmidts Tivoli Gastspiel GmbH"}
    ]
    only = read_excel(workbook, columns=["PLZ"])
    assert list(only.columns) == ["PLZ"]


def test_unknown_sheet_lists_sheets(workbook):
    with pytest.raises(
        SourceError,
        match=r"stammdaten\.xlsx: has no sheet 'Kunden'; sheets: 'Debitoren', 'Kreditoren', 'Leer'",
    ):
        read_excel(workbook, sheet="Kunden")
    with pytest.raises(
        SourceError, match=r"has no sheet number 7 \(0-based\); sheets: 'Debitoren'"
    ):
        read_excel(workbook, sheet=7)


def test_empty_sheet(workbook):
    with pytest.raises(SourceError, match=r"stammdaten\.xlsx \[sheet 'Leer'\]: sheet is empty"):
        read_excel(workbook, sheet="Leer")


def test_header_only_sheet(tmp_path):
    wb = Workbook()
    wb.active.append(["Kundennummer", "Name"])
    wb.save(tmp_path / "h.xlsx")
    df = read_excel(tmp_path / "h.xlsx")
    assert list(df.columns) == ["Kundennummer", "Name"] and len(df) == 0


def test_duplicate_header_and_stray_cell(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Nr", "Name", "Nr"])
    wb.save(tmp_path / "dup.xlsx")
    with pytest.raises(
        SourceError, match=r"dup\.xlsx \[sheet 'Sheet'\]: duplicate column name\(s\) 'Nr'"
    ):
        read_excel(tmp_path / "dup.xlsx")
    wb = Workbook()
    ws = wb.active
    ws.append(["Nr", "Name"])
    ws.append([1, "a", "verirrt"])
    wb.save(tmp_path / "stray.xlsx")
    with pytest.raises(
        SourceError, match=r"stray\.xlsx \[sheet 'Sheet'\]: cell C2 has a value but"
    ):
        read_excel(tmp_path / "stray.xlsx")


def test_not_a_workbook_and_old_xls_and_missing(tmp_path):
    (tmp_path / "k.xlsx").write_text("Kundennummer;Name\n1;a\n", encoding="utf-8")
    with pytest.raises(
        SourceError, match=r"k\.xlsx: is not an \.xlsx workbook .*read it as delimited"
    ):
        read_excel(tmp_path / "k.xlsx")
    (tmp_path / "alt.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(SourceError, match=r"alt\.xls: is an old Excel 97-2003 \.xls workbook"):
        read_excel(tmp_path / "alt.xls")
    with pytest.raises(SourceError, match=r"nope\.xlsx: file not found"):
        read_excel(tmp_path / "nope.xlsx")


@pytest.mark.parametrize(
    ("value", "fmt", "text"),
    [
        (123, None, "123"),
        (123.0, None, "123"),
        (0.1 + 0.2, None, "0.30000000000000004"),
        (1e-05, None, "0.00001"),
        (1e20, None, "100000000000000000000"),
        (-7, "00000", "-7"),
        (42, "00000", "00042"),
        ("", None, None),
        (dt.time(8, 30), None, "08:30:00"),
    ],
)
def test_cell_to_text(value, fmt, text):
    assert cell_to_text(value, fmt) == text
