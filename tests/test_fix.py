"""``dataguard fix``: a corrected copy in the source's own format, and a change log.

Real files, the real CLI: the copy re-checked has the fixed failures gone, unchanged records
keep their bytes, an unfixable value (wrong check digit) stays, the source is never touched.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from kmu_dataguard.fixing.fields import cut_fields, replace_fields
from tests.support.datev_files import datev_header, datev_line
from tests.support.datev_titles import TITLES

HEADER = (
    "customer_id;name;street;postal_code;city;country;vat_id;tax_number;iban;bic;email;phone;"
    "currency;payment_terms_days;leitweg_id"
)
GOOD = (
    'K1;"Müller; Söhne GmbH";Hauptstr. 1;01067;Dresden;DE;DE118619592;;'
    "DE89370400440532013000;COBADEFFXXX;a@example.de;+49 351 1234567;EUR;30;"
)
FIXABLE = (
    'K2;Bäckerei Weiß;Marktplatz 2;1067;Dresden;"Deutschland";DE118619592;;'
    "DE89370400440532013000;COBADEFFXXX;b@example.de;+49 351 7654321;EURO;30;"
)
FIXED = (
    'K2;Bäckerei Weiß;Marktplatz 2;01067;Dresden;"DE";DE118619592;;'
    "DE89370400440532013000;COBADEFFXXX;b@example.de;+49 351 7654321;EUR;30;"
)
UNFIXABLE = (  # wrong check digits: no suggestion, never a guess
    'K3;"Kaputt ""AG""";Weg 3;80331;München;DE;DE118619593;;'
    "DE89370400440532013001;COBADEFFXXX;c@example.de;+49 89 1234567;EUR;30;"
)
HOSTILE = (
    "=1+1;=cmd|' /C calc'!A0;Allee 4;10115;Berlin;DE;DE118619592;;"
    "DE89370400440532013000;COBADEFFXXX;d@example.de;+49 30 1234567;€;30;"
)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _source(tmp_path: Path, records: list[str], eol: str = "\r\n") -> Path:
    path = tmp_path / "kunden.csv"
    path.write_bytes("".join(r + eol for r in [HEADER, *records]).encode("cp1252"))
    return path


def _fix(dataguard, source: Path, out: Path, *extra: str):
    return dataguard(
        "fix", str(source), "--suite", "customers", "--key", "customer_id",
        "--out", str(out), "--format", "json", "--lang", "en", *extra,
    )  # fmt: skip


def _failing(dataguard, path: Path) -> dict[str, int]:
    run = dataguard(
        "check", str(path), "--suite", "customers", "--key", "customer_id",
        "--format", "json", "--history", "off", "--no-mask",
    )  # fmt: skip
    doc = json.loads(run.out)
    return {
        e["id"]: e["unexpected_count"]
        for c in doc["checks"]
        for e in c["expectations"]
        if not e["success"]
    }


def _log(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))


def test_cp1252_semicolon_crlf_fixes_the_safe_values_and_nothing_else(dataguard, tmp_path):
    source = _source(tmp_path, [GOOD, FIXABLE, UNFIXABLE, HOSTILE])
    before = _sha(source)
    out = tmp_path / "out" / "kunden_korrigiert.csv"
    out.parent.mkdir()
    run = _fix(dataguard, source, out)
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert _sha(source) == before  # the source is never touched
    assert doc["changed_values"] == 4 and doc["changed_records"] == 2
    # every record but the two fixed keeps its bytes; the fixed one its quoting and CRLF
    lines = out.read_bytes().split(b"\r\n")
    hostile_fixed = HOSTILE.replace(";€;", ";EUR;")
    expected = [HEADER, GOOD, FIXED, UNFIXABLE, hostile_fixed]
    assert lines == [x.encode("cp1252") for x in expected] + [b""]
    # the copy re-checked: the fixed failures are gone, the wrong check digits remain
    was, now = _failing(dataguard, source), _failing(dataguard, out)
    for rule in ("customers.country_valid", "customers.currency_valid"):
        assert rule in was and rule not in now
    assert now["customers.iban_valid"] == 1 and now["customers.vat_id_valid"] == 1
    assert "customers.postal_code_matches_country" not in now
    assert doc["copy_verdict"] == "blocked"
    assert {r["id"] for r in doc["remaining"]} >= {"customers.iban_valid"}
    # the change log: key, the source's column name, old, new, reason; formulas neutralised
    log = _log(Path(doc["log"]))
    assert log[0] == ["key", "column", "old", "new", "reason"]
    changes = {(r[0], r[1]): (r[2], r[3]) for r in log[1:]}
    assert changes == {
        ("K2", "country"): ("Deutschland", "DE"),
        ("K2", "currency"): ("EURO", "EUR"),
        ("K2", "postal_code"): ("1067", "01067"),
        ("'=1+1", "currency"): ("€", "EUR"),
    }


def test_mapped_headers_are_named_as_the_source_names_them(dataguard, tmp_path):
    source = tmp_path / "kunden.csv"
    header = HEADER.replace("country", "Land").replace("customer_id", "Kundennummer")
    source.write_bytes((header + "\n" + FIXABLE + "\n").encode("utf-8"))
    out, log = tmp_path / "fixed.csv", tmp_path / "changes.xlsx"
    run = dataguard(
        "fix", str(source), "--suite", "customers", "--key", "customer_id",
        "--map", "Land=country,Kundennummer=customer_id", "--out", str(out),
        "--log", str(log), "--lang", "de",
    )  # fmt: skip
    assert run.code == 0, run.err
    assert "Korrigierte Kopie" in run.out
    assert out.read_bytes() == (header + "\n" + FIXED + "\n").encode("utf-8")
    with zipfile.ZipFile(log) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "Schlüssel" in sheet and ">Land<" in sheet and ">Deutschland<" in sheet


def test_out_equal_to_the_source_is_refused(dataguard, tmp_path, monkeypatch):
    source = _source(tmp_path, [FIXABLE])
    before = _sha(source)
    monkeypatch.chdir(tmp_path)
    for out in (str(source), "./kunden.csv", "../" + tmp_path.name + "/kunden.csv"):
        run = _fix(dataguard, source, Path(out))
        assert run.code == 2 and "source itself" in run.err
    run = _fix(dataguard, source, tmp_path / "x.csv", "--log", str(source))
    assert run.code == 2
    assert _sha(source) == before and sorted(p.name for p in tmp_path.iterdir()) == ["kunden.csv"]


def test_unwritable_target_is_exit_3_and_leaves_nothing(dataguard, tmp_path):
    source = _source(tmp_path, [FIXABLE])
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    run = _fix(dataguard, source, tmp_path / "missing" / "fixed.csv")
    assert run.code == 3 and "could not be written" in run.err
    # the copy's folder is fine, the log's is not: neither file (nor a temporary) is left
    run = _fix(dataguard, source, out_dir / "fixed.csv", "--log", str(tmp_path / "no" / "l.csv"))
    assert run.code == 3
    assert list(out_dir.iterdir()) == []


def test_xlsx_keeps_its_sheet_and_cell_types_with_the_fixed_cells_as_text(dataguard, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Kunden"
    header, fixable, good = (next(csv.reader([r], delimiter=";")) for r in (HEADER, FIXABLE, GOOD))
    sheet.append(header)
    fixable[3] = 1067  # Excel made the PLZ a number and dropped the zero
    sheet.append([int(v) if v == "30" else v for v in fixable])
    sheet.append([int(v) if v == "30" else v for v in good])
    source = tmp_path / "kunden.xlsx"
    book.save(source)
    before = _sha(source)
    run = _fix(dataguard, source, tmp_path / "fixed.csv")
    assert run.code == 2 and ".xlsx" in run.err
    out = tmp_path / "fixed.xlsx"
    run = _fix(dataguard, source, out)
    assert run.code == 0, run.err
    assert _sha(source) == before
    rows = list(load_workbook(out)["Kunden"].iter_rows(values_only=True))
    assert rows[0] == tuple(header)
    assert rows[1][3] == "01067" and rows[1][5] == "DE" and rows[1][12] == "EUR"
    assert rows[1][13] == 30  # an unchanged number stays a number
    assert rows[2] == tuple(int(v) if v == "30" else (v or None) for v in good)
    now = _failing(dataguard, out)
    assert "customers.country_valid" not in now and "customers.currency_valid" not in now


def test_datev_source_is_refused_with_a_clear_message(dataguard, tmp_path):
    lines = [datev_line(datev_header()), ";".join(TITLES)]
    row: list[object] = [None] * len(TITLES)
    row[0], row[1], row[17], row[18], row[19] = 10001, "Nord GmbH", "1067", "Dresden", "DE"
    lines.append(datev_line(row))
    source = tmp_path / "EXTF_Debitoren.csv"
    source.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    run = dataguard(
        "fix", str(source), "--profile", "datev", "--entity", "customers",
        "--out", str(tmp_path / "fixed.csv"),
    )  # fmt: skip
    assert run.code == 2 and "DATEV" in run.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["EXTF_Debitoren.csv"]


def test_demo_customers_exported_to_csv_have_their_fixable_defects_fixed(
    dataguard, tmp_path, world
):
    """The demo ERP's customers as a German tool exports them; the CRM contacts file has
    no fixable defect and comes out byte for byte."""
    with sqlite3.connect(world.database) as conn:
        cursor = conn.execute("SELECT * FROM customers")
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    source = tmp_path / "erp_kunden.csv"
    with source.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(names)
        writer.writerows(["" if v is None else v for v in r] for r in rows)
    out = tmp_path / "fixed.csv"
    run = _fix(dataguard, source, out)
    assert run.code == 0, run.err
    log = _log(Path(json.loads(run.out)["log"]))
    assert {(r[1], r[2], r[3]) for r in log[1:]} == {
        ("country", "Deutschland", "DE"),
        ("currency", "EURO", "EUR"),
    }  # the demo's "1067 Leipzig": 01067 is Dresden, so no suggestion
    now = _failing(dataguard, out)
    assert "customers.country_valid" not in now and "customers.currency_valid" not in now
    assert now["customers.iban_valid"] == 1  # swapped digits: no suggestion
    changed = sum(a != b for a, b in zip(source.read_bytes().split(b"\r\n"),
                                         out.read_bytes().split(b"\r\n"), strict=True))  # fmt: skip
    assert changed == 2
    assert now["customers.postal_code_matches_country"] == 1
    crm = tmp_path / "crm_fixed.csv"
    run = dataguard(
        "fix", str(world.contacts_csv), "--suite", "contacts", "--key", "contact_id",
        "--out", str(crm), "--format", "json",
    )  # fmt: skip
    assert run.code == 0, run.err
    assert json.loads(run.out)["changed_values"] == 0
    assert crm.read_bytes() == world.contacts_csv.read_bytes()


@pytest.mark.parametrize(
    "text",
    ['a;"b;c";d', 'a;"";', ";;", '"x ""y""";z', 'a;b"c;d', '"a\r\nb";c', "only"],
)
def test_cut_fields_agrees_with_the_csv_module(text):
    fields = cut_fields(text, ";")
    assert fields is not None
    expected = next(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert [f[1:-1].replace('""', '"') if f.startswith('"') else f for f in fields] == expected


def test_replace_fields_quotes_only_where_needed_and_refuses_a_mismatch():
    assert replace_fields("a;b;c\r\n", ";", {1: ("b", "x;y")}) == 'a;"x;y";c\r\n'
    assert replace_fields('a;"b";c\n', ";", {1: ("b", "B")}) == 'a;"B";c\n'
    assert replace_fields("a;b;c", ";", {2: ("c", "C")}) == "a;b;C"
    assert replace_fields("a;b;c\n", ";", {1: ("not b", "x")}) is None
    assert replace_fields('a;"b"x;c\n', ";", {0: ("a", "A")}) is None


def test_utf8_bom_comma_lf_with_a_quoted_line_break_keeps_every_other_byte(dataguard, tmp_path):
    header = HEADER.replace(";", ",")
    multi = (
        'K5,"Zeile\nmit Umbruch, und Komma",Weg 5,20095,Hamburg,DE,DE118619592,,'
        "DE89370400440532013000,COBADEFFXXX,e@example.de,+49 40 1234567,EUR,30,"
    )
    fixable = next(csv.reader([FIXABLE], delimiter=";"))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(fixable)
    source = tmp_path / "kunden.csv"
    data = b"\xef\xbb\xbf" + (header + "\n" + multi + "\n" + buffer.getvalue()).encode("utf-8")
    source.write_bytes(data)
    out = tmp_path / "fixed.csv"
    run = _fix(dataguard, source, out)
    assert run.code == 0, run.err
    fixed = buffer.getvalue().replace("1067", "01067").replace("Deutschland", "DE")
    fixed = fixed.replace("EURO", "EUR")
    assert out.read_bytes() == data[: -len(buffer.getvalue().encode())] + fixed.encode()
    assert out.read_bytes().startswith(b"\xef\xbb\xbf" + header.encode() + b"\n" + multi.encode())


def test_a_source_that_cannot_be_checked_writes_nothing_and_says_so_in_json(dataguard, tmp_path):
    source = tmp_path / "kunden.csv"
    source.write_text("customer_id;name\nK1;A\n", encoding="utf-8")
    run = _fix(dataguard, source, tmp_path / "fixed.csv")
    assert run.code == 3 and "could not be checked, no copy written" in run.err
    assert json.loads(run.out)["exit_code"] == 3
    assert not (tmp_path / "fixed.csv").exists()
    assert not (tmp_path / "fixed.changes.csv").exists()


def test_a_source_changed_since_it_was_checked_is_not_fixed(tmp_path):
    from kmu_dataguard.errors import SourceError
    from kmu_dataguard.fixing import fix_target, write_fix
    from kmu_dataguard.runner import run_check

    source = _source(tmp_path, [FIXABLE])
    out, log = fix_target(str(tmp_path / "fixed.csv"), None, str(source))
    kept: list = []
    result = run_check(str(source), "customers", key="customer_id", history="off", keep_source=kept)
    with source.open("ab") as handle:  # the export goes on while the check ran
        handle.write((GOOD.replace("K1;", "K9;") + "\r\n").encode("cp1252"))
    with pytest.raises(SourceError, match="changed while it was checked"):
        write_fix(result.checks[0], kept[0], out, log, "en")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kunden.csv"]
