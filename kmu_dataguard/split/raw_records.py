"""A delimited file cut into its raw records, byte for byte: what ``--split`` copies.

Nothing is parsed into values and written again: each record keeps its encoding, quoting,
delimiter and line ending exactly as exported. A record is one or more physical lines (a quoted
value may hold a line break); the ``csv`` module tells where a record ends, so a quoted ``;``
or line break never cuts one. Lines that hold nothing (the readers skip them too) belong to no
record and are not copied.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass

from kmu_dataguard.errors import SourceError

__all__ = ["RawFile", "raw_records"]

# Encodings in which the bytes of '"', CR and LF never occur inside another character: the file
# is cut into lines on its bytes directly, no encoding back.
_BYTE_SAFE = {
    "utf-8",
    "utf-8-sig",
    "ascii",
    "cp1252",
    "latin-1",
    "iso8859-1",
    "iso8859-15",
    "cp850",
    "mac-roman",
}
# Byte-order marks and the codec that encodes what follows them without writing one again.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class RawFile:
    """``head``: the byte-order mark and the header record(s), copied into every part.
    ``records``: each data record's bytes (with its line ending); ``lines``: the physical line
    (1-based, the header's first line is 1) where each record starts."""

    head: bytes
    records: list[bytes]
    lines: list[int]


def raw_records(data: bytes, encoding: str, *, delimiter: str, header: int, source: str) -> RawFile:
    """Cut ``data`` (the whole file) into ``header`` header records and its data records."""
    bom, codec = _bom_and_codec(data, encoding)
    body = data[len(bom) :]
    try:
        text = body.decode(codec)
    except UnicodeError as exc:
        raise SourceError(
            f"{source}: cannot be decoded as {encoding} any more (changed since it was "
            "checked?); export it again and run the check again"
        ) from exc
    text_lines = io.StringIO(text, newline="").readlines()
    byte_safe = codecs.lookup(codec).name in _BYTE_SAFE
    byte_lines = body.splitlines(keepends=True) if byte_safe else []
    if not byte_safe or len(byte_lines) != len(text_lines):
        byte_lines = [line.encode(codec) for line in text_lines]
    if b"".join(byte_lines) != body:
        raise SourceError(
            f"{source}: its lines cannot be copied byte for byte in {encoding}; "
            "export it as UTF-8 or Windows-1252 to split it"
        )
    quoted = b'"' in body or not byte_safe
    spans = _record_spans(text_lines, delimiter, byte_lines, quoted=quoted, source=source)
    if len(spans) < header:
        raise SourceError(f"{source}: has no header line; export the data again")
    head = bom + b"".join(byte_lines[: spans[header - 1][1]]) if header else bom
    records = [b"".join(byte_lines[start:stop]) for start, stop in spans[header:]]
    return RawFile(head=head, records=records, lines=[start + 1 for start, _ in spans[header:]])


def _bom_and_codec(data: bytes, encoding: str) -> tuple[bytes, str]:
    name = codecs.lookup(encoding).name
    for bom, codec in _BOMS:
        if data.startswith(bom) and (name.startswith(codec[:6]) or name == "utf-8-sig"):
            return bom, codec
    return b"", "utf-8" if name == "utf-8-sig" else encoding


def _record_spans(
    text_lines: list[str], delimiter: str, byte_lines: list[bytes], *, quoted: bool, source: str
) -> list[tuple[int, int]]:
    """(first line, line after the last) of every record that is not an empty line."""
    if not quoted:
        # No quote anywhere: every line is one record (the common, fast case).
        return [(i, i + 1) for i, line in enumerate(byte_lines) if line.strip(b"\r\n")]
    spans: list[tuple[int, int]] = []
    reader = csv.reader(iter(text_lines), delimiter=delimiter, quotechar='"', doublequote=True)
    start = 0
    old = csv.field_size_limit(2**31 - 1)  # the readers enforced the limits already
    try:
        for row in reader:
            stop = reader.line_num
            if row:
                spans.append((start, stop))
            start = stop
    except csv.Error as exc:
        raise SourceError(
            f"{source}: line {start + 1}: {exc}; the file changed since it was checked? "
            "Export it again and run the check again"
        ) from exc
    finally:
        csv.field_size_limit(old)
    return spans
