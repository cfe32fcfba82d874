"""Read delimited text exports (CSV, semicolon, tab, pipe) as a table of text columns.

Real ERP/CRM exports arrive as UTF-8 (with or without BOM), Windows-1252 (German Excel and most
German accounting software), or UTF-16 with BOM (Excel "Unicode text"). Encoding, delimiter and the
header are detected on a sample; the file is then parsed twice:

1. a structural pass with the ``csv`` module that finds ragged rows and unterminated quotes and
   names the physical line (pandas' C parser counts records, not lines, and silently pads short
   rows), and
2. the fast pandas C parser with ``dtype=object`` and no NA inference, so "01067" and "000123"
   keep their leading zeros and nothing is turned into a float.

Every value comes back as ``str`` or ``None`` (empty cell).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
import pandas as pd

from kmu_dataguard.errors import SourceError
from kmu_dataguard.sources._common import (
    XLS_MAGIC,
    ZIP_MAGIC,
    check_header,
    check_requested_columns,
    open_binary_head,
    out_of_memory_as_error,
)
from kmu_dataguard.sources._text import (
    bounded_lines,
    csv_field_limit,
    field_too_long,
    undecodable,
)
from kmu_dataguard.sources.limits import DEFAULT_LIMITS, Limits, limit_exceeded, number

__all__ = [
    "DELIMITERS",
    "DetectedFormat",
    "detect_encoding",
    "detect_format",
    "read_delimited",
]

DELIMITERS = (";", ",", "\t", "|")
_SAMPLE_BYTES = 256 * 1024
_SNIFF_LINES = 50

# Code pages a German/Western export can plausibly be in. charset-normalizer is restricted to
# these first, so German text with umlauts is never reported as cp1250 or mac_iceland.
_WESTERN = ["utf_8", "cp1252", "iso8859_15", "latin_1", "cp850", "mac_roman"]
_LATIN_FAMILY = {"cp1252", "iso8859_15", "latin_1", "iso8859_1", "windows_1252"}

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_delimiter_names = {";": "semicolon", ",": "comma", "\t": "tab", "|": "pipe"}


@dataclass(frozen=True)
class DetectedFormat:
    """What :func:`detect_format` found out about a delimited file."""

    encoding: str
    delimiter: str
    header: list[str]
    ascii_sample: bool  # sample was pure ASCII: a later non-UTF-8 byte may still appear


def _excel_kind(head: bytes) -> str | None:
    if head.startswith(XLS_MAGIC):
        return "an old Excel .xls workbook (OLE2 format)"
    if head.startswith(ZIP_MAGIC):
        return "a zip archive (probably an .xlsx workbook)"
    return None


def _is_xlsx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return any(n.startswith("xl/") for n in zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


def detect_encoding(head: bytes, source: str) -> tuple[str, bool]:
    """Return (python codec name, sample_is_ascii)."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, False

    # Incremental decoding: the sample may end in the middle of a multi-byte character.
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        pass
    else:
        if b"\x00" not in head:
            return "utf-8", head.isascii()

    matches = charset_normalizer.from_bytes(head, cp_isolation=_WESTERN)
    best = matches.best()
    if best is None or b"\x00" in head:
        # NUL bytes: BOM-less UTF-16/32 or binary content; let the unrestricted detector decide.
        best = charset_normalizer.from_bytes(head).best()
        if best is None or (b"\x00" in head and not best.encoding.startswith("utf_")):
            raise SourceError(
                f"{source}: cannot detect a text encoding (binary content?); "
                "export the data as CSV text (UTF-8 or Windows-1252) or pass encoding=..."
            )
        return best.encoding, False
    encoding = best.encoding
    # Prefer cp1252 over its ISO siblings: they agree on letters, cp1252 also knows "€" and quotes.
    if encoding in _LATIN_FAMILY or any(m.encoding == "cp1252" for m in matches):
        try:
            head.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            encoding = "cp1252"
    return encoding, False


def _sample_text(head: bytes, encoding: str, complete: bool) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text = decoder.decode(head, final=complete)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not complete:
        # Drop the last, possibly cut line.
        cut = max(text.rfind("\n"), text.rfind("\r"))
        if cut > 0:
            text = text[:cut]
    return text


def _sniff_delimiter(text: str) -> str:
    """Pick the delimiter whose quote-aware field count is consistent (and widest) in the sample."""
    best: tuple[tuple[int, int, int], str] | None = None
    for delim in DELIMITERS:
        reader = csv.reader(io.StringIO(text), delimiter=delim, quotechar='"', doublequote=True)
        counts: list[int] = []
        try:
            for row in reader:
                if row:
                    counts.append(len(row))
                if len(counts) >= _SNIFF_LINES:
                    break
        except csv.Error:
            continue
        if not counts or counts[0] < 2:
            continue
        consistent = sum(1 for c in counts if c == counts[0])
        # Rank: share of rows agreeing with the header width, then the width itself.
        score = (consistent * 1000 // len(counts), counts[0], -DELIMITERS.index(delim))
        if best is None or score > best[0]:
            best = (score, delim)
    if best is None:
        # One column only (or no delimiter at all): any delimiter reads it the same way.
        return ","
    return best[1]


def detect_format(
    path: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> DetectedFormat:
    """Detect encoding, delimiter and header of a delimited text file (reads only a sample)."""
    p = Path(path)
    source = str(path)
    head = open_binary_head(p, _SAMPLE_BYTES, limits)
    if not head.strip(b" \t\r\n\x00" + codecs.BOM_UTF8 + codecs.BOM_UTF16_LE + codecs.BOM_UTF16_BE):
        raise SourceError(f"{source}: file is empty; export the data again (with a header line)")
    kind = _excel_kind(head)
    if kind is not None:
        if head.startswith(XLS_MAGIC) or _is_xlsx(p):
            kind = kind if head.startswith(XLS_MAGIC) else "an Excel .xlsx workbook"
            raise SourceError(
                f"{source}: is {kind}, not a CSV text file; read it as Excel "
                "(format: excel, sheet=...) or open it in Excel and save it as CSV (UTF-8)"
            )
        raise SourceError(
            f"{source}: is {kind}, not a CSV text file; unpack it and name the CSV file inside"
        )

    ascii_sample = False
    if encoding is None:
        encoding, ascii_sample = detect_encoding(head, source)
    else:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise SourceError(
                f"{source}: unknown encoding {encoding!r}; use e.g. utf-8, cp1252 or utf-16"
            ) from exc

    complete = len(head) < _SAMPLE_BYTES
    try:
        text = _sample_text(head, encoding, complete)
    except UnicodeError as exc:  # e.g. "UTF-16 stream does not start with BOM"
        raise undecodable(source, encoding, exc) from exc
    if not text.strip():
        raise SourceError(f"{source}: file is empty; export the data again (with a header line)")
    if "\x00" in text or sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\r\n\f") > 8:
        raise SourceError(
            f"{source}: contains binary control characters, not delimited text "
            f"(read as {encoding}); export the data as CSV"
        )

    if delimiter is None:
        with csv_field_limit(limits.max_field_bytes):
            delimiter = _sniff_delimiter(text)
    elif len(delimiter) != 1:
        raise SourceError(f"{source}: delimiter must be one character, got {delimiter!r}")
    elif delimiter in '"\r\n':
        raise SourceError(f"{source}: delimiter {delimiter!r} cannot be a quote or a line break")

    # A sample without any line break was cut inside the header: its width is a lower bound.
    cut = not complete and "\n" not in text and "\r" not in text
    header = check_header(_first_row(text, delimiter, source, limits, cut), source)
    return DetectedFormat(encoding, delimiter, header, ascii_sample)


def _first_row(text: str, delimiter: str, source: str, limits: Limits, cut: bool) -> list[str]:
    """The header row of the sample, refused when it is wider than limits.max_columns."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        with csv_field_limit(limits.max_field_bytes):
            first = next((row for row in reader if row), None)
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise field_too_long(source, reader.line_num, limits) from exc
        raise SourceError(f"{source}: line {reader.line_num}: {exc}; fix the header") from exc
    if first is None:
        raise SourceError(f"{source}: file is empty; export the data again (with a header line)")
    if len(first) > limits.max_columns:
        raise limit_exceeded(
            source,
            f"the header has {'at least ' if cut else ''}"
            f"{number(len(first))} columns, more than {number(limits.max_columns)}",
            "max_columns",
            "check the delimiter, export fewer columns",
        )
    return first


def _raise_decode_error(source: str, encoding: str, exc: UnicodeDecodeError) -> None:
    raise SourceError(
        f"{source}: byte 0x{exc.object[exc.start]:02x} is not valid {encoding} "
        "(the file mixes encodings?); re-export it as UTF-8 or pass encoding=..."
    ) from exc


def _structure_check(
    path: Path, fmt: DetectedFormat, source: str, limits: Limits, max_rows: int | None = None
) -> None:
    """Walk the file once with the csv module: ragged rows and unterminated quotes, by line.

    A field longer than limits.max_field_mb stops the walk, so one endless line (or a quote that
    is never closed) cannot fill the memory. ``max_rows``: stop after the header and that many
    records.
    """
    width = len(fmt.header)
    with (
        csv_field_limit(limits.max_field_bytes),
        path.open("r", encoding=fmt.encoding, newline="") as fh,
    ):
        lines = bounded_lines(fh, source, limits)
        reader = csv.reader(lines, delimiter=fmt.delimiter, quotechar='"', strict=True)
        record_start = 1
        try:
            for number, row in enumerate(reader):
                if max_rows is not None and number > max_rows:
                    break
                if row and len(row) != width and not (len(row) == 1 and row[0] == ""):
                    delim = _delimiter_names.get(fmt.delimiter, repr(fmt.delimiter))
                    raise SourceError(
                        f"{source}: line {record_start} has {len(row)} field(s) but the header "
                        f"has {width} (delimiter: {delim}); "
                        "quote values that contain the delimiter or fix the row"
                    )
                record_start = reader.line_num + 1
        except csv.Error as exc:
            if "field limit" in str(exc):
                raise field_too_long(source, record_start, limits) from exc
            if "end of data" in str(exc) or "EOF" in str(exc):
                raise SourceError(
                    f'{source}: line {record_start}: a quote (") opens a value that is never '
                    "closed before the end of the file; close or double the quote in that row"
                ) from exc
            raise SourceError(
                f"{source}: line {reader.line_num}: {exc}; fix the quoting in that row"
            ) from exc


def read_delimited(
    path: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    columns: Sequence[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    max_rows: int | None = None,
) -> pd.DataFrame:
    """Read a delimited export as text columns (``str`` or ``None``), keeping leading zeros.

    ``encoding`` / ``delimiter`` override detection; ``columns`` reads only these columns (saves
    memory on wide files); ``max_rows`` reads only the first records (a sample). The detected
    encoding and delimiter are left in ``df.attrs``.
    Raises :class:`SourceError` with one line naming the file (and line) on unreadable input,
    or when the file exceeds one of ``limits``.
    """
    source = str(path)
    with out_of_memory_as_error(source):
        return _read(Path(path), source, encoding, delimiter, columns, limits, max_rows)


def _read(
    p: Path,
    source: str,
    encoding: str | None,
    delimiter: str | None,
    columns: Sequence[str] | None,
    limits: Limits,
    max_rows: int | None = None,
) -> pd.DataFrame:
    fmt = detect_format(p, encoding=encoding, delimiter=delimiter, limits=limits)
    usecols = check_requested_columns(columns, fmt.header, source)

    try:
        _structure_check(p, fmt, source, limits, max_rows)
    except UnicodeDecodeError as exc:
        if not fmt.ascii_sample:
            _raise_decode_error(source, fmt.encoding, exc)
        # The sample was plain ASCII and a Windows-1252 byte came later: the file is cp1252.
        fmt = DetectedFormat("cp1252", fmt.delimiter, fmt.header, False)
        try:
            _structure_check(p, fmt, source, limits, max_rows)
        except UnicodeDecodeError as exc2:
            _raise_decode_error(source, fmt.encoding, exc2)
    except UnicodeError as exc:
        raise undecodable(source, fmt.encoding, exc) from exc

    try:
        df = pd.read_csv(
            p,
            sep=fmt.delimiter,
            encoding=fmt.encoding,
            header=0,
            names=fmt.header,
            usecols=usecols,
            dtype=object,
            # Only a truly empty field is missing; "NA", "null", "-" stay text.
            keep_default_na=False,
            na_values=[""],
            quotechar='"',
            doublequote=True,
            skip_blank_lines=True,
            nrows=max_rows,
            engine="c",
        )
    except UnicodeDecodeError as exc:
        _raise_decode_error(source, fmt.encoding, exc)
    except (pd.errors.ParserError, ValueError) as exc:
        message = re.sub(r"\s+", " ", str(exc)).strip()
        raise SourceError(f"{source}: cannot be parsed ({message}); check the row named") from exc

    if usecols is not None:
        df = df[usecols]
    # na_values=[""] already made every empty field NaN; hand it out as None.
    df = df.where(df.notna(), None)
    df.attrs["encoding"] = fmt.encoding
    df.attrs["delimiter"] = fmt.delimiter
    df.attrs["source"] = source
    return df
