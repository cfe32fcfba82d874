from __future__ import annotations

import codecs
import os
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from kmu_dataguard.errors import SourceError
from kmu_dataguard.sources.delimited import read_delimited

# A German ERP customer export as Excel/"Lexware"-style tools write it: cp1252, ";", CRLF,
# quoted text, decimal comma, leading zeros.
GERMAN = (
    "Kundennummer;Firmenname;Straße;PLZ;Ort;Land;USt-IdNr.;Umsatz\r\n"
    '000123;"Müller & Söhne GmbH";"Hauptstraße 5";01067;Dresden;DE;DE113866163;"1.234,50"\r\n'
    '000124;"Bäckerei Weiß; Filiale Nord";"Fußweg 1";20457;Hamburg;DE;;"12,00 €"\r\n'
    '000125;"Café ""Zur Post""";"Am Markt 1\r\nHinterhaus";22769;Hamburg;DE;;\r\n'
)


def _write(path: Path, text: str, encoding: str, bom: bytes = b"") -> Path:
    path.write_bytes(bom + text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("encoding", "bom", "detected"),
    [
        ("cp1252", b"", "cp1252"),
        ("utf-8", b"", "utf-8"),
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16"),
    ],
)
def test_reads_german_export_in_every_encoding(tmp_path, encoding, bom, detected):
    path = _write(tmp_path / "kunden.csv", GERMAN, encoding, bom)
    df = read_delimited(path)
    assert df.attrs["encoding"] == detected
    assert df.attrs["delimiter"] == ";"
    assert list(df.columns) == [
        "Kundennummer",
        "Firmenname",
        "Straße",
        "PLZ",
        "Ort",
        "Land",
        "USt-IdNr.",
        "Umsatz",
    ]
    assert df["Kundennummer"].tolist() == ["000123", "000124", "000125"]
    assert df["PLZ"].tolist() == ["01067", "20457", "22769"]
    assert df.loc[0, "Firmenname"] == "Müller & Söhne GmbH"
    assert df.loc[1, "Firmenname"] == "Bäckerei Weiß; Filiale Nord"  # embedded delimiter
    assert df.loc[2, "Firmenname"] == 'Café "Zur Post"'  # doubled quotes
    assert df.loc[2, "Straße"] == "Am Markt 1\r\nHinterhaus"  # newline inside quotes
    assert df.loc[1, "Umsatz"] == "12,00 €"
    assert df.loc[1, "USt-IdNr."] is None and df.loc[2, "Umsatz"] is None  # empty → None
    assert all(dtype is object or str(dtype) == "object" for dtype in df.dtypes)
    assert all(v is None or isinstance(v, str) for v in df.to_numpy().ravel())


def test_cp1252_euro_sign_is_not_mistaken_for_another_code_page(tmp_path):
    text = "Artikel;Preis\r\nKaffee;4,50 €\r\nTee „Grün“;3,– €\r\n"
    df = read_delimited(_write(tmp_path / "a.csv", text, "cp1252"))
    assert df.attrs["encoding"] == "cp1252"
    assert df["Artikel"].tolist() == ["Kaffee", "Tee „Grün“"]
    assert df["Preis"].tolist() == ["4,50 €", "3,– €"]


def test_ascii_start_and_cp1252_byte_late_in_a_big_file(tmp_path):
    rows = [f"{i:06d};Firma {i};Hamburg" for i in range(30_000)]
    rows.append("030000;Müller GmbH;München")
    path = _write(tmp_path / "late.csv", "Nr;Name;Ort\n" + "\n".join(rows) + "\n", "cp1252")
    assert os.path.getsize(path) > 256 * 1024  # beyond the detection sample
    df = read_delimited(path)
    assert df.attrs["encoding"] == "cp1252"
    assert df.iloc[-1].tolist() == ["030000", "Müller GmbH", "München"]


@pytest.mark.parametrize(("delimiter", "name"), [(",", "comma"), ("\t", "tab"), ("|", "pipe")])
def test_detects_delimiter(tmp_path, delimiter, name):
    text = delimiter.join(["Id", "Name", "BillingCity"]) + "\n"
    text += delimiter.join(["001", '"Kühne, Nagel & Co"', "Bremen"]) + "\n"
    df = read_delimited(_write(tmp_path / f"{name}.csv", text, "utf-8"))
    assert df.attrs["delimiter"] == delimiter
    assert df.loc[0, "Id"] == "001"
    assert df.loc[0, "Name"] == "Kühne, Nagel & Co"


def test_semicolon_wins_over_decimal_commas(tmp_path):
    text = "Artikel;Preis;MwSt\n4711;1,50;19\n4712;2,75;7\n4713;10,00;19\n"
    df = read_delimited(_write(tmp_path / "p.csv", text, "utf-8"))
    assert df.attrs["delimiter"] == ";"
    assert df["Preis"].tolist() == ["1,50", "2,75", "10,00"]


def test_explicit_encoding_and_delimiter_override_detection(tmp_path):
    path = _write(tmp_path / "x.txt", "a|b\nÄ|1\n", "latin-1")
    df = read_delimited(path, encoding="latin-1", delimiter="|")
    assert df.to_dict("records") == [{"a": "Ä", "b": "1"}]


def test_columns_reads_only_those(tmp_path):
    df = read_delimited(
        _write(tmp_path / "k.csv", GERMAN, "cp1252"), columns=["PLZ", "Kundennummer"]
    )
    assert list(df.columns) == ["PLZ", "Kundennummer"]
    assert df["PLZ"].tolist() == ["01067", "20457", "22769"]


def test_columns_names_missing_column(tmp_path):
    path = _write(tmp_path / "k.csv", GERMAN, "cp1252")
    with pytest.raises(
        SourceError,
        match=r"k\.csv: column\(s\) 'Kundennr' not in the file; columns present: Kundennummer, ",
    ):
        read_delimited(path, columns=["Kundennr"])


def test_header_only_file_has_zero_rows_and_known_columns(tmp_path):
    df = read_delimited(_write(tmp_path / "h.csv", "Kundennummer;Name;PLZ\r\n", "utf-8"))
    assert list(df.columns) == ["Kundennummer", "Name", "PLZ"]
    assert len(df) == 0


def test_values_that_look_like_na_stay_text(tmp_path):
    df = read_delimited(_write(tmp_path / "n.csv", "a;b;c\nNA;null;-\n  ;0001;1e5\n", "utf-8"))
    assert df.iloc[0].tolist() == ["NA", "null", "-"]
    assert df.iloc[1].tolist() == ["  ", "0001", "1e5"]


def test_blank_lines_are_skipped(tmp_path):
    df = read_delimited(_write(tmp_path / "b.csv", "a;b\r\n1;2\r\n\r\n3;4\r\n\r\n", "utf-8"))
    assert df.to_dict("records") == [{"a": "1", "b": "2"}, {"a": "3", "b": "4"}]


def test_trailing_delimiter_on_every_line(tmp_path):
    df = read_delimited(_write(tmp_path / "t.csv", "a;b;\n1;2;\n", "utf-8"))
    assert list(df.columns) == ["a", "b", "column_3"]
    assert df.iloc[0].tolist() == ["1", "2", None]


# ------------------------------------------------------------------ bad input


def test_error_file_not_found(tmp_path):
    with pytest.raises(SourceError, match=r"fehlt\.csv: file not found; check the path"):
        read_delimited(tmp_path / "fehlt.csv")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_error_permission_denied(tmp_path):
    path = _write(tmp_path / "geheim.csv", "a;b\n1;2\n", "utf-8")
    path.chmod(0)
    try:
        with pytest.raises(SourceError, match=r"geheim\.csv: permission denied; give the user"):
            read_delimited(path)
    finally:
        path.chmod(0o644)


def test_error_directory(tmp_path):
    with pytest.raises(SourceError, match=r"is a folder, not a file"):
        read_delimited(tmp_path)


@pytest.mark.parametrize("content", [b"", b"\r\n\r\n", codecs.BOM_UTF8, b"   \n"])
def test_error_empty_file(tmp_path, content):
    path = tmp_path / "leer.csv"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=r"leer\.csv: file is empty; export the data again"):
        read_delimited(path)


def test_error_binary_content(tmp_path):
    path = tmp_path / "bild.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40)
    with pytest.raises(SourceError, match=r"bild\.csv: .*(binary|cannot detect a text encoding)"):
        read_delimited(path)


def test_error_ragged_row_too_many_fields_names_physical_line(tmp_path):
    text = 'Nr;Name;Ort\n1;"Am Markt 1\nHinterhaus";Hamburg\n2;Weiß;Dresden;extra\n'
    path = _write(tmp_path / "ragged.csv", text, "utf-8")
    with pytest.raises(SourceError) as info:
        read_delimited(path)
    message = str(info.value)
    assert (
        "ragged.csv: line 4 has 4 field(s) but the header has 3 (delimiter: semicolon)" in message
    )
    assert "\n" not in message


def test_error_ragged_row_too_few_fields(tmp_path):
    # An unquoted line break splits one record into two short ones.
    text = (
        "Nr;Name;Straße;Ort\n1;Müller;Hauptstraße 5;Köln\n2;Weiß;Am Markt 1\nHinterhaus;Dresden\n"
    )
    path = _write(tmp_path / "short.csv", text, "utf-8")
    with pytest.raises(
        SourceError, match=r"short\.csv: line 3 has 3 field\(s\) but the header has 4"
    ):
        read_delimited(path)


def test_error_unterminated_quote_names_line(tmp_path):
    text = 'Nr;Name;Ort\n1;Müller;Köln\n2;"Weiß GmbH;Dresden\n3;Schulz;Berlin\n'
    path = _write(tmp_path / "quote.csv", text, "utf-8")
    with pytest.raises(
        SourceError, match=r"quote\.csv: line 3: a quote \(\"\) opens a value that is never closed"
    ):
        read_delimited(path)


def test_error_duplicate_column_names(tmp_path):
    path = _write(tmp_path / "dup.csv", "Nr;Name;Ort;Name;Nr\n1;a;b;c;d\n", "utf-8")
    with pytest.raises(
        SourceError, match=r"dup\.csv: duplicate column name\(s\) 'Nr', 'Name' in the header"
    ):
        read_delimited(path)


def test_error_xlsx_with_csv_name(tmp_path):
    wb = Workbook()
    wb.active.append(["Kundennummer", "Name"])
    path = tmp_path / "kunden.csv"
    wb.save(path)
    with pytest.raises(
        SourceError,
        match=r"kunden\.csv: is an Excel \.xlsx workbook, not a CSV text "
        r"file; read it as Excel \(format: excel, sheet=\.\.\.\) or .* save it as CSV",
    ):
        read_delimited(path)


def test_error_old_xls_with_csv_name(tmp_path):
    path = tmp_path / "alt.csv"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(
        SourceError, match=r"alt\.csv: is an old Excel \.xls workbook .*save it as CSV"
    ):
        read_delimited(path)


def test_error_other_zip(tmp_path):
    path = tmp_path / "export.csv"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("kunden.csv", "a;b\n1;2\n")
    with pytest.raises(SourceError, match=r"export\.csv: is a zip archive .*unpack it"):
        read_delimited(path)


def test_error_invalid_utf8_after_utf8_start(tmp_path):
    body = "Nr;Name\n" + "".join(f"{i};Müller\n" for i in range(20_000))
    path = tmp_path / "mixed.csv"
    path.write_bytes(body.encode("utf-8") + "9;Weiß\n".encode("cp1252"))
    with pytest.raises(
        SourceError, match=r"mixed\.csv: byte 0xdf is not valid utf-8 .*re-export it as UTF-8"
    ):
        read_delimited(path)


def test_error_unknown_encoding_argument(tmp_path):
    path = _write(tmp_path / "e.csv", "a;b\n1;2\n", "utf-8")
    with pytest.raises(SourceError, match=r"e\.csv: unknown encoding 'klingon'"):
        read_delimited(path, encoding="klingon")


def test_max_rows_reads_a_sample_and_ignores_what_follows(tmp_path):
    rows = "".join(f"{i};x\n" for i in range(1000))
    path = tmp_path / "big.csv"
    path.write_text("a;b\n" + rows + "broken;row;with;too;many\n", encoding="utf-8")
    sample = read_delimited(path, max_rows=10)
    assert list(sample["a"]) == [str(i) for i in range(10)]
    with pytest.raises(SourceError, match="line 1002"):
        read_delimited(path)
