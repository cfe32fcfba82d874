"""``--split DIR``: accepted and held records in the source's own format, and why each is held.

Round trips on real files: the parts re-read with the same reader give exactly the source's
records, and a delimited part holds the source's own bytes.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from kmu_dataguard.sources.datev import read_datev
from kmu_dataguard.sources.delimited import read_delimited
from kmu_dataguard.sources.excel import read_excel
from kmu_dataguard.split.raw_records import raw_records
from tests.support.datev_files import datev_header, datev_line
from tests.support.datev_titles import TITLES

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _rule(kind: str, ident: str, severity: str = "critical", **kwargs: object) -> dict:
    return {
        "type": kind,
        "kwargs": kwargs,
        "severity": severity,
        "meta": {"id": ident, "protects": {"de": f"Regel {ident}", "en": f"Rule {ident}"}},
    }


SUITE = {
    "name": "split_customers",
    "expectations": [
        _rule("expect_column_values_to_not_be_null", "c.id_present", column="customer_id"),
        _rule("expect_column_values_to_be_unique", "c.id_unique", column="customer_id"),
        _rule(
            "expect_column_values_to_be_in_set",
            "c.country",
            column="country",
            value_set=["DE", "AT", "CH"],
        ),
        _rule(
            "expect_column_values_to_match_regex",
            "c.plz",
            "warning",
            column="postal_code",
            regex=r"^\d{5}$",
        ),
    ],
}


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    path = tmp_path / "suite.json"
    path.write_text(json.dumps(SUITE), encoding="utf-8")
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


HEADER = ["customer_id", "name", "postal_code", "city", "country"]
# (key, raw record text without line ending, held?) — held: a blocking rule fails, or its key
# is shared with a held record
RECORDS_SEMICOLON = [
    ("K1", 'K1;"Müller; Söhne GmbH";01067;Dresden;DE', False),
    ("K2", 'K2;"Bäckerei ""Zur Post""";1067;Dresden;DE', False),  # PLZ only warns
    ("K3", "K3;Weiß & Co;80331;München;XX", True),  # country not allowed
    ("K4", "K4;=cmd|' /C calc'!A0;10115;Berlin;DE", False),
    ("K5", "K5;Erste;20095;Hamburg;DE", True),  # duplicated key
    ("K5", "K5;Zweite;20095;Hamburg;DE", True),
    ("", ";Ohne Nummer;20095;Hamburg;DE", True),  # no key: still routed, by its row
    ("K6", 'K6;"Zeile\r\nmit Umbruch";50667;Köln;AT', False),
]


def _delimited(path: Path, records, *, encoding: str, sep: str, eol: str, bom: bool) -> bytes:
    head = (sep.join(HEADER) + eol).encode(encoding)
    body = [(text.replace(";", sep) if sep != ";" else text) + eol for _, text, _ in records]
    data = (codecs.BOM_UTF8 if bom else b"") + head + b"".join(b.encode(encoding) for b in body)
    path.write_bytes(data)
    return data


def _check(dataguard, source: Path, suite: Path, out: Path, *extra: str):
    return dataguard(
        "check", str(source), "--suite", str(suite), "--key", "customer_id",
        "--split", str(out), "--history", "off", *extra,
    )  # fmt: skip


def _expected(records, held: bool, encoding: str, eol: str, sep: str = ";") -> bytes:
    out = [(t.replace(";", sep) if sep != ";" else t) + eol for _, t, h in records if h == held]
    return "".join(out).encode(encoding)


def _assert_round_trip(source: Path, out: Path, ext: str, read) -> None:
    """accepted + held, re-read with the same reader: the source's records, order kept."""
    whole = read(source)
    accepted, held = read(out / f"accepted{ext}"), read(out / f"held{ext}")
    assert len(accepted) + len(held) == len(whole)
    rows = [tuple(r) for r in whole.itertuples(index=False)]
    parts = [[tuple(r) for r in f.itertuples(index=False)] for f in (accepted, held)]
    assert list(accepted.columns) == list(held.columns) == list(whole.columns)
    for part in parts:  # each part is a subsequence of the source, in its order
        it = iter(rows)
        assert all(any(r == s for s in it) for r in part)
    assert sorted(parts[0] + parts[1], key=repr) == sorted(rows, key=repr)


def test_cp1252_semicolon_crlf_split_keeps_every_byte(dataguard, tmp_path, suite):
    source = tmp_path / "export" / "kunden.csv"
    source.parent.mkdir()
    data = _delimited(source, RECORDS_SEMICOLON, encoding="cp1252", sep=";", eol="\r\n", bom=False)
    before = _sha(source)
    out = tmp_path / "import"
    run = _check(dataguard, source, suite, out, "--lang", "en")
    assert run.code == 1  # the exit code stays the verdict
    assert "Split: 4 accepted, 4 held → " in run.out and str(out) in run.out
    assert _sha(source) == before
    header = data[: data.index(b"\r\n") + 2]
    accepted = (out / "accepted.csv").read_bytes()
    held = (out / "held.csv").read_bytes()
    assert accepted == header + _expected(RECORDS_SEMICOLON, False, "cp1252", "\r\n")
    assert held == header + _expected(RECORDS_SEMICOLON, True, "cp1252", "\r\n")
    _assert_round_trip(source, out, ".csv", read_delimited)
    names = sorted(p.name for p in out.iterdir())
    assert names == ["accepted.csv", "held.csv", "held_reasons.xlsx"]


def test_utf8_bom_comma_lf_with_quoted_newlines_and_delimiters(dataguard, tmp_path, suite):
    records = [
        ("K1", 'K1,"Müller, Söhne\nGmbH",01067,Dresden,DE', False),
        ("K2", 'K2,"Say ""hi"", then\n\nleave",1067,Dresden,CH', False),
        ("K3", "K3,Weiß,80331,München,FR", True),
        ("K4", 'K4,"a,b",10115,Berlin,DE', False),
    ]
    source = tmp_path / "export.csv"
    data = _delimited(source, records, encoding="utf-8", sep=",", eol="\n", bom=True)
    out = tmp_path / "parts"
    run = _check(dataguard, source, suite, out, "--format", "json")
    assert run.code == 1
    split = run.json()["checks"][0]["split"]
    assert (split["accepted"], split["held"]) == (3, 1)
    assert split["accepted_file"] == str(out / "accepted.csv")
    assert split["reasons_file"] == str(out / "held_reasons.xlsx")
    header = data[: data.index(b"\n") + 1]
    assert header.startswith(codecs.BOM_UTF8)
    accepted, held = (out / "accepted.csv").read_bytes(), (out / "held.csv").read_bytes()
    assert accepted == header + _expected(records, False, "utf-8", "\n", ",")
    assert held == header + _expected(records, True, "utf-8", "\n", ",")
    _assert_round_trip(source, out, ".csv", read_delimited)


def test_xlsx_keeps_sheet_name_cell_values_and_types(dataguard, tmp_path, suite):
    book = Workbook()
    sheet = book.active
    sheet.title = "Kunden 2026"
    sheet.append([*HEADER, "since", "limit"])
    rows = [
        ["K1", "Müller GmbH", "01067", "Dresden", "DE", dt.datetime(2024, 3, 31), 1500],
        ["K2", "=cmd|' /C calc'!A0", "80331", "München", "XX", dt.datetime(2023, 1, 2), 2.5],
        [None, None, None, None, None, None, None],  # an empty row: skipped by the reader
        ["K3", "Weber KG", "10115", "Berlin", "AT", dt.datetime(2022, 5, 6), 0],
    ]
    for row in rows:
        sheet.append(row)
    sheet["B3"].data_type = "s"  # the hostile name is text, not a formula
    sheet["G2"].number_format = "#,##0.00"
    source = tmp_path / "kunden.xlsx"
    book.save(source)
    before = _sha(source)
    out = tmp_path / "parts"
    run = _check(dataguard, source, suite, out)
    assert run.code == 1
    assert _sha(source) == before
    _assert_round_trip(source, out, ".xlsx", read_excel)
    accepted = load_workbook(out / "accepted.xlsx")
    held = load_workbook(out / "held.xlsx")
    assert accepted.sheetnames == held.sheetnames == ["Kunden 2026"]
    ws = accepted["Kunden 2026"]
    assert [c.value for c in ws[2]] == rows[0]
    assert isinstance(ws["F2"].value, dt.datetime) and ws["G2"].data_type == "n"
    assert ws["G2"].number_format == "#,##0.00"
    assert ws["C2"].data_type == "s" and ws["C2"].value == "01067"
    hws = held["Kunden 2026"]
    assert hws["B2"].value == "=cmd|' /C calc'!A0" and hws["B2"].data_type == "s"


def _datev_file(path: Path, records: list[dict[int, object]]) -> bytes:
    lines = [datev_line(datev_header()), ";".join(TITLES)]
    for rec in records:
        row: list[object] = [None] * len(TITLES)
        for pos, value in rec.items():
            row[pos - 1] = value
        lines.append(datev_line(row))
    data = ("\r\n".join(lines) + "\r\n").encode("cp1252")
    path.write_bytes(data)
    return data


def test_datev_extf_keeps_both_header_lines(dataguard, tmp_path, suite):
    records = [
        {1: 10001, 2: "Nordcapital GmbH", 18: "20457", 19: "Hamburg", 20: "DE"},
        {1: 10002, 2: 'Weiß; "Söhne"', 18: "01067", 19: "Dresden", 20: "XX"},
        {1: 70001, 2: "Lieferant AG", 18: "80331", 19: "München", 20: "DE"},  # a creditor
        {1: 10003, 2: "Müller KG", 18: "10115", 19: "Berlin", 20: "AT"},
    ]
    source = tmp_path / "EXTF_Debitoren.csv"
    data = _datev_file(source, records)
    before = _sha(source)
    out = tmp_path / "parts"
    run = dataguard(
        "check", str(source), "--profile", "datev", "--entity", "customers",
        "--suite", str(suite), "--split", str(out), "--history", "off", "--lang", "de",
    )  # fmt: skip
    assert run.code == 1, run.out + run.err
    assert "Aufgeteilt: 2 angenommen, 2 zurückgehalten" in run.out
    lines = data.split(b"\r\n")
    head = lines[0] + b"\r\n" + lines[1] + b"\r\n"
    accepted, held = (out / "accepted.csv").read_bytes(), (out / "held.csv").read_bytes()
    assert accepted == head + lines[2] + b"\r\n" + lines[5] + b"\r\n"
    assert held == head + lines[3] + b"\r\n" + lines[4] + b"\r\n"  # the creditor: not checked
    assert _sha(source) == before
    # re-read with the DATEV reader: the source's records, each part in source order
    whole = [values for _, values in read_datev(source).records]
    parts = [[v for _, v in read_datev(out / f"{p}.csv").records] for p in ("accepted", "held")]
    assert parts == [[whole[0], whole[3]], [whole[1], whole[2]]]
    assert read_datev(out / "accepted.csv").meta == read_datev(source).meta
    reasons = load_workbook(out / "held_reasons.xlsx").active
    ids = [row[2] for row in reasons.iter_rows(min_row=2, values_only=True)]
    assert ids == ["c.country", "split.not_checked"]


def test_hostile_values_stay_neutralised_in_held_reasons(dataguard, tmp_path, suite):
    hostile = ["=1+1", "+49 40 1", "-2+3", "@SUM(1+1)", "=cmd|' /C calc'!A0"]
    records = [(f"K{i}", f"K{i};Name {i};10115;Berlin;{v}", True) for i, v in enumerate(hostile)]
    records.append(("K9", "K9;=HYPERLINK(1);10115;Berlin;XX", True))
    source = tmp_path / "hostile.csv"
    _delimited(source, records, encoding="utf-8", sep=";", eol="\n", bom=False)
    out = tmp_path / "parts"
    assert _check(dataguard, source, suite, out, "--lang", "de").code == 1
    sheet = load_workbook(out / "held_reasons.xlsx").active
    values = []
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type == "s" or cell.value is None
            assert not str(cell.value or "").startswith(FORMULA_START)
        values.append(row[5].value)
    assert sorted(v for v in values if v) == sorted(["'" + v for v in hostile] + ["XX"])
    names = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert "'=HYPERLINK(1)" in names
    headings = [c.value for c in sheet[1]]
    assert headings[1:] == ["Name", "Regel-ID", "Beschreibung", "Spalte", "Wert", "Vorschlag"]
    assert all(row[6].value is None for row in sheet.iter_rows(min_row=2))  # no suggestion yet


def test_dir_that_cannot_be_written_is_exit_3_and_leaves_nothing(dataguard, tmp_path, suite):
    source = tmp_path / "kunden.csv"
    _delimited(source, RECORDS_SEMICOLON, encoding="cp1252", sep=";", eol="\r\n", bom=False)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    run = _check(dataguard, source, suite, blocker / "sub" / "out")
    assert run.code == 3
    message = [line for line in run.out.splitlines() if "split could not be written" in line]
    assert len(message) == 1 and "choose another --split folder" in message[0]
    # a part in the way of the last rename: the parts already placed are taken back too
    out = tmp_path / "out"
    (out / "accepted.csv").mkdir(parents=True)
    run = _check(dataguard, source, suite, out)
    assert run.code == 3
    assert sorted(p.name for p in out.iterdir()) == ["accepted.csv"]
    assert not list((out / "accepted.csv").iterdir())


def test_max_keys_shortens_the_lists_not_the_split(dataguard, tmp_path, suite):
    source = tmp_path / "kunden.csv"
    _delimited(source, RECORDS_SEMICOLON, encoding="cp1252", sep=";", eol="\r\n", bom=False)
    out = tmp_path / "parts"
    run = _check(dataguard, source, suite, out, "--max-keys", "1", "--format", "json")
    assert run.code == 1
    assert run.json()["checks"][0]["split"]["held"] == 4


def test_two_checks_may_not_share_a_split_folder(dataguard, tmp_path, suite):
    source = tmp_path / "kunden.csv"
    _delimited(source, RECORDS_SEMICOLON, encoding="cp1252", sep=";", eol="\r\n", bom=False)
    config = tmp_path / "dataguard.yml"
    config.write_text(
        f"sources:\n  a: {{path: kunden.csv}}\n"
        f"checks:\n"
        f"  one: {{source: a, suite: {suite}, key: customer_id, split: out}}\n"
        f"  two: {{source: a, suite: {suite}, key: customer_id, split: ./out}}\n"
        f"gates:\n  g: {{checks: [one, two]}}\n",
        encoding="utf-8",
    )
    run = dataguard("gate", "g", "--config", str(config))
    assert run.code == 2 and "both split into" in run.err
    assert not (tmp_path / "out").exists()


def test_empty_source_is_no_pass_and_writes_no_split(dataguard, tmp_path, suite):
    source = tmp_path / "kunden.csv"
    source.write_text(";".join(HEADER) + "\r\n", encoding="cp1252")
    out = tmp_path / "parts"
    run = _check(dataguard, source, suite, out)
    assert run.code == 3
    assert not out.exists()


def test_dir_next_to_the_source_needs_force_and_never_overwrites_it(dataguard, tmp_path, suite):
    source = tmp_path / "kunden.csv"
    _delimited(source, RECORDS_SEMICOLON[:2], encoding="utf-8", sep=";", eol="\n", bom=False)
    run = _check(dataguard, source, suite, tmp_path)
    assert run.code == 2 and "--split-force" in run.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kunden.csv", "suite.json"]
    run = _check(dataguard, source, suite, tmp_path, "--split-force")
    assert run.code == 0 and (tmp_path / "accepted.csv").exists()
    own = tmp_path / "accepted.csv"
    before = _sha(own)
    run = _check(dataguard, own, suite, tmp_path, "--split-force")
    assert run.code == 2 and "over the source" in run.err
    assert _sha(own) == before
    assert dataguard("check", str(source), "--suite", str(suite), "--split-force").code == 2


def test_gate_split_holds_groups_and_contacts_whose_customer_is_missing(dataguard, tmp_path):
    partners = {
        "name": "partners",
        "expectations": [
            _rule("expect_column_values_to_not_be_null", "p.id", column="customer_id"),
            {
                **_rule("expect_table_rows_to_have_no_duplicate_partners", "p.dup"),
                "kwargs": {"key_column": "customer_id", "threshold": 0.88},
            },
        ],
    }
    contacts = {
        "name": "people",
        "expectations": [_rule("expect_column_values_to_not_be_null", "k.id", column="contact_id")],
    }
    (tmp_path / "suites").mkdir()
    (tmp_path / "suites" / "partners.json").write_text(json.dumps(partners))
    (tmp_path / "suites" / "people.json").write_text(json.dumps(contacts))
    data = tmp_path / "data"
    data.mkdir()
    (data / "customers.csv").write_text(
        "customer_id;name;street;postal_code;city;iban\n"
        "K1;Müller Bau GmbH;Hauptstr. 12;01067;Dresden;\n"
        "K2;Mueller Bau Gesellschaft mbH;Hauptstr. 12;01067;Dresden;\n"
        "K3;Weber Logistik KG;Zeil 1;60311;Frankfurt am Main;\n",
        encoding="utf-8",
    )
    (data / "contacts.csv").write_text(
        "contact_id;customer_id;last_name\nP1;K3;Weber\nP2;K9;Fehlt\nP3;K1;Müller\n",
        encoding="utf-8",
    )
    config = tmp_path / "conf" / "dataguard.yml"
    config.parent.mkdir()
    config.write_text(
        "suites_dir: ../suites\n"
        "sources:\n"
        "  crm: {path: ../data/customers.csv}\n"
        "  people: {path: ../data/contacts.csv}\n"
        "checks:\n"
        "  customers: {source: crm, suite: partners, key: customer_id, split: ../out/customers}\n"
        "  contacts: {source: people, suite: people, key: contact_id, split: ../out/contacts}\n"
        "references:\n"
        "  contact_customer:\n"
        "    from: {check: contacts, column: customer_id}\n"
        "    to: {check: customers}\n"
        "gates:\n"
        "  import: {checks: [customers, contacts], references: [contact_customer]}\n",
        encoding="utf-8",
    )
    run = dataguard("gate", "import", "--config", str(config), "--format", "json")
    assert run.code == 1, run.out
    doc = run.json()
    splits = {c["name"]: c.get("split") for c in doc["checks"]}
    assert splits["customers"]["dir"] == str(config.parent / "../out/customers")
    out = tmp_path / "out"
    assert (out / "customers" / "held.csv").read_text().splitlines()[1:] == [
        "K1;Müller Bau GmbH;Hauptstr. 12;01067;Dresden;",
        "K2;Mueller Bau Gesellschaft mbH;Hauptstr. 12;01067;Dresden;",
    ]
    assert (out / "contacts" / "held.csv").read_text().splitlines()[1:] == ["P2;K9;Fehlt"]
    assert (out / "contacts" / "accepted.csv").read_text().splitlines()[1:] == [
        "P1;K3;Weber",
        "P3;K1;Müller",
    ]
    reasons = load_workbook(out / "contacts" / "held_reasons.xlsx").active
    rows = list(reasons.iter_rows(values_only=True))
    rule = next(i for i, h in enumerate(rows[0]) if h in ("Regel-ID", "Rule id"))
    assert [(r[0], r[rule]) for r in rows[1:]] == [("P2", "contact_customer.exists")]


@pytest.mark.parametrize(
    ("encoding", "eol"),
    [("utf-16", "\r\n"), ("utf-8", "\r"), ("cp1252", "\n"), ("utf-8-sig", "\r\n")],
)
def test_raw_records_cut_any_encoding_and_line_ending(encoding, eol):
    rows = ["id;name", '1;"a\r\nb; ""c"""', "2;Größe", "3;x"]
    text = eol.join(rows)  # the last record has no line ending
    data = text.encode(encoding)
    raw = raw_records(data, encoding, delimiter=";", header=1, source="s")
    assert raw.head + b"".join(raw.records) == data
    assert len(raw.records) == 3 and raw.lines == [2, 4, 5]
    assert raw.records[-1] == "3;x".encode(encoding.replace("-sig", "").replace("16", "16-le"))


TRICKY = [
    'id;name\n1;x"y;"z\nw"\n2;a\n',  # a quote inside an unquoted value, then a quoted one
    'id;name\n1;"a\n\nb"\n\n2;"c""\nd"\n3;e',  # empty lines inside and between records
    'id;name\r1;"a\rb"\r2;c\r',  # CR only
    'id;name\n1;"unterminated\n2;x\n',  # the csv module reads to the end: one record
    '"id";"name"\r\n"1";"Weiß ""A"";B"\r\n"2";""\r\n',  # everything quoted (DATEV style)
]


@pytest.mark.parametrize("text", TRICKY)
def test_raw_records_cut_where_the_csv_module_does(text):
    """Records are cut exactly where a plain csv reader over the whole file cuts them."""
    import csv
    import io

    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(iter(lines), delimiter=";")
    expected, start = [], 0
    for row in reader:
        if row:
            expected.append("".join(lines[start : reader.line_num]))
        start = reader.line_num
    raw = raw_records(text.encode("cp1252"), "cp1252", delimiter=";", header=1, source="s")
    assert [r.decode("cp1252") for r in raw.records] == expected[1:]
    assert raw.head.decode("cp1252") == expected[0]


def test_a_source_changed_since_it_was_checked_is_not_split(tmp_path):
    from kmu_dataguard.errors import SourceError
    from kmu_dataguard.results import CheckResult, Severity
    from kmu_dataguard.sources.limits import DEFAULT_LIMITS
    from kmu_dataguard.split import SplitInput, SplitTarget, write_split

    source = tmp_path / "kunden.csv"
    _delimited(source, RECORDS_SEMICOLON, encoding="cp1252", sep=";", eol="\r\n", bom=False)
    info = source.stat()
    split = SplitInput(
        target=SplitTarget(tmp_path / "out"),
        path=source,
        fmt="csv",
        frame=read_delimited(source),
        stat=(info.st_size, info.st_mtime_ns),
        limits=DEFAULT_LIMITS,
    )
    check = CheckResult(name="kunden", source="", suite="", key="customer_id")
    source.write_bytes(source.read_bytes() + b"K7;Neu;10115;Berlin;DE\r\n")  # export goes on
    with pytest.raises(SourceError, match="changed while it was checked"):
        write_split(check, [], split, Severity.CRITICAL, "en")
    assert not (tmp_path / "out").exists()


def test_text_xlsx_holds_any_text_as_text(tmp_path):
    from kmu_dataguard.outputs.text_xlsx import write_text_xlsx

    path = tmp_path / "t.xlsx"
    rows = [["<b>&amp;", "a\x01b", "=1+1", "0049 30", "x\ud800y"], ["", "2024-01-02", "1e5"]]
    write_text_xlsx(path, "Blatt <1>", ["K", "Ä", "C", "D", "E"], rows, [10] * 5)
    book = load_workbook(path)
    sheet = book.active
    assert sheet.title == "Blatt <1>" and sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E3"
    got = [[c.value for c in row] for row in sheet.iter_rows()]
    assert got[0] == ["K", "Ä", "C", "D", "E"] and sheet["A1"].font.b
    assert got[1] == ["<b>&amp;", "a\ufffdb", "=1+1", "0049 30", "x?y"]
    assert got[2] == [None, "2024-01-02", "1e5", None, None]
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row if c.value)


def test_utf16_tab_export_is_split_byte_for_byte(dataguard, tmp_path, suite):
    """Excel's "Unicode text": UTF-16 with byte-order mark, tab-separated, CRLF."""
    records = [
        ("K1", 'K1\t"Müller\tSöhne"\t01067\tDresden\tDE', False),
        ("K2", "K2\tWeiß\t80331\tMünchen\tXX", True),
    ]
    text = "\r\n".join(["\t".join(HEADER)] + [r for _, r, _ in records]) + "\r\n"
    source = tmp_path / "unicode.txt"
    source.write_bytes(text.encode("utf-16"))
    out = tmp_path / "parts"
    assert _check(dataguard, source, suite, out).code == 1
    accepted = (out / "accepted.txt").read_bytes()
    assert accepted.startswith(codecs.BOM_UTF16_LE)
    head = ("\t".join(HEADER) + "\r\n").encode("utf-16-le")
    assert accepted == codecs.BOM_UTF16_LE + head + (records[0][1] + "\r\n").encode("utf-16-le")
    _assert_round_trip(source, out, ".txt", read_delimited)
