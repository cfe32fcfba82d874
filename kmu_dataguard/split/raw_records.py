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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

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
    (1-based, the header's first line is 1) where each record starts. ``codec`` decodes a
    record's bytes (the BOM is in ``head``), ``delimiter`` separates its fields."""

    head: bytes
    records: list[bytes]
    lines: list[int]
    codec: str = "utf-8"
    delimiter: str = ","


def raw_records(data: bytes, encoding: str, *, delimiter: str, header: int, source: str) -> RawFile:
    """Cut ``data`` (the whole file) into ``header`` header records and its data records."""
    bom, codec = _bom_and_codec(data, encoding)
    body = data[len(bom) :]
    if codecs.lookup(codec).name in _BYTE_SAFE:
        # Cut on the bytes; only a line with a quote is decoded, for the csv module.
        byte_lines = body.splitlines(keepends=True)
        spans = _record_spans(
            byte_lines,
            b'"',
            lambda i: byte_lines[i].decode(codec, "surrogateescape"),
            delimiter,
            source,
        )
    else:
        try:
            text = body.decode(codec)
        except UnicodeError as exc:
            raise SourceError(
                f"{source}: cannot be decoded as {encoding} any more (changed since it was "
                "checked?); export it again and run the check again"
            ) from exc
        text_lines = io.StringIO(text, newline="").readlines()
        byte_lines = [line.encode(codec) for line in text_lines]
        if b"".join(byte_lines) != body:
            raise SourceError(
                f"{source}: its lines cannot be copied byte for byte in {encoding}; "
                "export it as UTF-8 or Windows-1252 to split it"
            )
        spans = _record_spans(text_lines, '"', text_lines.__getitem__, delimiter, source)
    if len(spans) < header:
        raise SourceError(f"{source}: has no header line; export the data again")
    head = bom + b"".join(byte_lines[: spans[header - 1][1]]) if header else bom
    records = [
        byte_lines[first] if stop == first + 1 else b"".join(byte_lines[first:stop])
        for first, stop in spans[header:]
    ]
    return RawFile(
        head=head,
        records=records,
        lines=[first + 1 for first, _ in spans[header:]],
        codec=codec,
        delimiter=delimiter,
    )


def _bom_and_codec(data: bytes, encoding: str) -> tuple[bytes, str]:
    name = codecs.lookup(encoding).name
    for bom, codec in _BOMS:
        if data.startswith(bom) and (name.startswith(codec[:6]) or name == "utf-8-sig"):
            return bom, codec
    return b"", "utf-8" if name == "utf-8-sig" else encoding


class _Feed:
    """The lines handed to the csv module, from a position the caller sets."""

    def __init__(self, text_of: Callable[[int], str], count: int) -> None:
        self.text_of, self.count, self.pos = text_of, count, 0

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        if self.pos >= self.count:
            raise StopIteration
        self.pos += 1
        return self.text_of(self.pos - 1)


def _record_spans(
    lines: Sequence[Any],
    quote: Any,
    text_of: Callable[[int], str],
    delimiter: str,
    source: str,
) -> list[tuple[int, int]]:
    """(first line, line after the last) of every record that is not an empty line.

    A line without a quote that starts a record is that whole record; only from a line with a
    quote does the csv module read on, to where its record really ends.
    """
    ends = "\r\n" if isinstance(quote, str) else b"\r\n"
    feed = _Feed(text_of, len(lines))
    reader = csv.reader(feed, delimiter=delimiter, quotechar='"', doublequote=True)
    spans: list[tuple[int, int]] = []
    i, count = 0, len(lines)
    old = csv.field_size_limit(2**31 - 1)  # the readers enforced the limits already
    try:
        while i < count:
            line = lines[i]
            if quote not in line:
                if line.strip(ends):
                    spans.append((i, i + 1))
                i += 1
                continue
            feed.pos = i
            row = next(reader, None)
            if row is None:
                break
            if row:
                spans.append((i, feed.pos))
            i = feed.pos
    except csv.Error as exc:
        raise SourceError(
            f"{source}: line {i + 1}: {exc}; the file changed since it was checked? "
            "Export it again and run the check again"
        ) from exc
    finally:
        csv.field_size_limit(old)
    return spans
