"""Property tests of the file readers on generated input: no exception escapes that is not a
DataguardError (exit 2 or 3, one line), and every table read holds only ``str`` or ``None``."""

from __future__ import annotations

import codecs
import datetime as dt
import gc
import io
import re
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from kmu_dataguard.errors import DataguardError, SourceError
from kmu_dataguard.sources.datev import read_datev
from kmu_dataguard.sources.delimited import read_delimited
from kmu_dataguard.sources.excel import read_excel
from kmu_dataguard.sources.limits import Limits
from kmu_dataguard.sources.reading import file_format
from tests.support.datev_files import datev_header, datev_line
from tests.support.xlsx_files import header_then, write_xlsx

FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# Small limits reach the limit checks with small inputs, too.
TIGHT = Limits(max_columns=20, max_field_mb=1, max_xlsx_cells=200, max_xlsx_sheets=3)


def _text_frame(frame: pd.DataFrame) -> None:
    assert all(isinstance(c, str) for c in frame.columns)
    for value in frame.to_numpy().ravel():
        assert value is None or isinstance(value, str), repr(value)


def _read(call: Callable[[], object]) -> object | None:
    """The reader's result, or None after a DataguardError that is fit to show a user."""
    try:
        result = call()
    except DataguardError as exc:
        assert exc.exit_code in (2, 3)
        message = str(exc)
        assert message and "\n" not in message and "Traceback" not in message
        return None
    if isinstance(result, pd.DataFrame):
        _text_frame(result)
    return result


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@settings(FUZZ, max_examples=800)
@given(data=st.binary(max_size=3000), tight=st.booleans())
def test_any_bytes(tmp_path, data, tight):
    limits = TIGHT if tight else Limits()
    path = _file(tmp_path, "any.csv", data)
    _read(lambda: read_delimited(path, limits=limits))
    _read(lambda: read_excel(path, limits=limits))
    export = _read(lambda: read_datev(path, limits=limits))
    if export is not None:
        _text_frame(export.table("customers"))  # type: ignore[attr-defined]
    assert _read(lambda: file_format(path, None, limits)) in ("csv", "excel", "datev")


_FIELD = st.text(
    alphabet=st.sampled_from(list('abcäöüß€01 ;,\t|"\r\n\x00\x1a\ufeff\u2028')), max_size=12
)
_ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le", "utf-32"]


@settings(FUZZ, max_examples=600)
@given(
    rows=st.lists(st.lists(_FIELD, min_size=1, max_size=6), min_size=1, max_size=12),
    delimiter=st.sampled_from([";", ",", "\t", "|"]),
    quote_all=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    encoding=st.sampled_from(_ENCODINGS),
    given_encoding=st.sampled_from([None, "utf-8", "cp1252", "utf-16", "no-such-codec"]),
    given_delimiter=st.sampled_from([None, ";", ",", '"', "\n", "ab", "\x00"]),
)
def test_delimited_text(
    tmp_path, rows, delimiter, quote_all, newline, encoding, given_encoding, given_delimiter
):
    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if quote_all else value

    text = newline.join(delimiter.join(cell(v) for v in row) for row in rows) + newline
    path = _file(tmp_path, "t.csv", text.encode(encoding, errors="replace"))
    _read(lambda: read_delimited(path, encoding=given_encoding, delimiter=given_delimiter))
    _read(lambda: read_delimited(path, limits=TIGHT))


_HEADER_VALUE = st.one_of(
    st.none(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.text(alphabet=st.sampled_from(list('EXTFDV16 ;"\r\n0123456789ä')), max_size=8),
)


@settings(FUZZ, max_examples=400)
@given(
    overrides=st.dictionaries(st.integers(min_value=0, max_value=16), _HEADER_VALUE, max_size=6),
    titles=st.lists(st.text(max_size=10), max_size=8),
    records=st.lists(
        st.lists(st.one_of(st.none(), st.integers(0, 10**7), st.text(max_size=8)), max_size=50),
        max_size=8,
    ),
    encoding=st.sampled_from(["cp1252", "utf-8", "utf-8-sig", "utf-16"]),
    entity=st.sampled_from(["customers", "suppliers"]),
)
def test_datev_headers_and_records(tmp_path, overrides, titles, records, encoding, entity):
    header = datev_header()
    for position, value in overrides.items():
        if position < len(header):
            header[position] = value
    lines = [datev_line(header), ";".join(titles), *(datev_line(r) for r in records)]
    data = "\r\n".join(lines).encode(encoding, errors="replace")
    path = _file(tmp_path, "EXTF_Debitoren.csv", data)
    export = _read(lambda: read_datev(path))
    if export is not None:
        _text_frame(export.table(entity))  # type: ignore[attr-defined]
    _read(lambda: read_datev(path, limits=TIGHT))


_CELL = st.one_of(
    st.none(),
    st.text(max_size=10).filter(lambda text: not ILLEGAL_CHARACTERS_RE.search(text)),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=False, width=64),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
)


@settings(FUZZ, max_examples=60)
@given(
    rows=st.lists(st.lists(_CELL, max_size=6), max_size=8),
    formats=st.lists(st.sampled_from(["General", "00000", "0.00", "@", "0"]), max_size=6),
)
def test_workbooks_written_by_openpyxl(tmp_path, rows, formats):
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for column, fmt in enumerate(formats, start=1):
        ws.cell(row=2, column=column).number_format = fmt
    path = tmp_path / "w.xlsx"
    wb.save(path)
    _read(lambda: read_excel(path))
    _read(lambda: read_excel(path, sheet="Sheet", limits=TIGHT))
    _read(lambda: read_excel(path, sheet=3))


def _valid_parts(tmp_path: Path) -> dict[str, bytes]:
    rows = (
        f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c><c r="B{r}"><v>{r}</v></c></row>'.encode()
        for r in range(2, 5)
    )
    path = write_xlsx(
        tmp_path / "base.xlsx",
        [("S", header_then(rows, 2))],
        dimension="A1:B4",
        shared_strings=[b"<si><t>x</t></si>"],
    )
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


_XML_BITS = st.sampled_from(
    [
        b"<",
        b">",
        b"</",
        b"/>",
        b"<row>",
        b'<row r="0">',
        b'<row r="-5">',
        b'<row r="99999999999">',
        b'<c r="A1">',
        b'<c r="ZZZZ9">',
        b'<c t="s"><v>7</v></c>',
        b'<c t="s"><v>-1</v></c>',
        b'<c t="n"><v>1e999</v></c>',
        b'<c t="d"><v>nonsense</v></c>',
        b'<c t="b"><v>2</v></c>',
        b'<c t="e"><v>#N/A</v></c>',
        b'<c s="999"><v>1</v></c>',
        b'<c r="A2" t="inlineStr"><is><t>x</t></is></c>',
        b'<dimension ref="A1:XFD1048576"/>',
        b'<dimension ref="garbage"/>',
        b"<sheetData>",
        b"</sheetData>",
        b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>',
        b"&a;",
        b"&#0;",
        b"\xff\xfe",
        b"\x00",
        b"<si><t>y</t></si>",
        b'<sheet name="T" sheetId="2" r:id="rId9"/>',
    ]
)


@settings(FUZZ, max_examples=250)
@given(
    part=st.sampled_from(
        [
            "xl/worksheets/sheet1.xml",
            "xl/sharedStrings.xml",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "[Content_Types].xml",
        ]
    ),
    action=st.sampled_from(["truncate", "insert", "replace", "drop", "random"]),
    at=st.floats(min_value=0, max_value=1),
    bits=st.lists(_XML_BITS, min_size=1, max_size=5),
    noise=st.binary(max_size=200),
)
def test_workbooks_with_broken_parts(tmp_path, part, action, at, bits, noise):
    parts = _valid_parts(tmp_path)
    original = parts[part]
    cut = int(len(original) * at)
    if action == "truncate":
        parts[part] = original[:cut]
    elif action == "insert":
        parts[part] = original[:cut] + b"".join(bits) + original[cut:]
    elif action == "replace":
        parts[part] = original[:cut] + b"".join(bits) + original[cut + 40 :]
    elif action == "drop":
        del parts[part]
    else:
        parts[part] = noise
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    _read(lambda: read_excel(path))
    _read(lambda: read_excel(path, sheet="S", limits=TIGHT))


@settings(FUZZ, max_examples=300)
@given(flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=4))
def test_workbooks_with_flipped_bytes(tmp_path, flips):
    base = io.BytesIO()
    with zipfile.ZipFile(base, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in _valid_parts(tmp_path).items():
            zf.writestr(name, data)
    data = bytearray(base.getvalue())
    for where, value in flips:
        data[min(int(where * len(data)), len(data) - 1)] = value
    path = _file(tmp_path, "flipped.xlsx", bytes(data))
    _read(lambda: read_excel(path))
    assert _read(lambda: file_format(path, None)) == "excel"


def test_boms_alone_and_bom_mismatches(tmp_path):
    """Deterministic corner cases next to the random ones: a file that is only a BOM, etc."""
    for data in [codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF32_BE, b"\xff\xfe\x00"]:
        path = _file(tmp_path, "bom.csv", data)
        assert _read(lambda p=path: read_delimited(p)) is None
        assert _read(lambda p=path: read_datev(p)) is None


# --- crashes the fuzzing found, pinned ----------------------------------------------------------


def test_utf16_named_for_a_file_without_bom_is_a_source_error(tmp_path):
    path = _file(tmp_path, "k.csv", b"a;b\n1;2\n")
    assert _read(lambda: read_delimited(path, encoding="utf-16")) is None


def test_line_breaks_in_quoted_header_names_stay_out_of_the_message(tmp_path):
    path = _file(tmp_path, "k.csv", b'"0\n0";"0\n0"\n1;2\n')
    with pytest.raises(SourceError, match=r"duplicate column name\(s\) '0\\n0'"):
        read_delimited(path)


def test_line_breaks_in_a_datev_header_field_stay_out_of_the_message(tmp_path):
    header = datev_header()
    header[2] = "0\n0"
    path = _file(tmp_path, "EXTF.csv", (datev_line(header) + "\r\nKonto\r\n").encode("cp1252"))
    with pytest.raises(SourceError, match=r"\(data category '0\\n0'\)"):
        read_datev(path)


def test_a_broken_workbook_leaves_no_file_open(tmp_path):
    parts = _valid_parts(tmp_path)
    parts["xl/workbook.xml"] = b"<workbook"
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        assert _read(lambda: read_excel(path)) is None
        gc.collect()  # an unclosed file would warn here


def test_a_sheet_entry_openpyxl_would_drop_fails_closed(tmp_path):
    """Found by the fuzzer: a <sheet> without its r:id is dropped by openpyxl with a warning;
    its rows would be missing without a word. The read refuses the workbook instead."""
    from openpyxl import Workbook

    from kmu_dataguard.errors import SourceError

    book = Workbook()
    book.active.append(["Kundennummer", "Name"])
    book.active.append(["K1", "Muster GmbH"])
    good = tmp_path / "good.xlsx"
    book.save(good)
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = re.sub(rb' r:id="[^"]*"', b"", data)
            dst.writestr(item, data)
    with pytest.raises(SourceError, match="sheet's entry in the workbook is broken"):
        read_excel(broken)
