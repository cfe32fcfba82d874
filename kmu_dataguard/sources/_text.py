"""Reading delimited text within limits: shared by the CSV and the DATEV reader.

Lines are read with a cap (``fh.readline(cap + 1)``) so that one endless line, a file with no
line break at all or a quote that is never closed stops at limits.max_field_mb instead of
filling the memory; the csv module gets the same cap for a quoted value that spans lines.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from kmu_dataguard.errors import SourceError, one_line
from kmu_dataguard.sources.limits import Limits, limit_exceeded, number

__all__ = ["bounded_lines", "csv_field_limit", "field_too_long", "undecodable"]


@contextmanager
def csv_field_limit(limit: int) -> Iterator[None]:
    """Let the csv module read fields up to ``limit`` characters (its default is 128 KiB)."""
    old = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def field_too_long(source: str, line: int, limits: Limits) -> SourceError:
    return limit_exceeded(
        source,
        f"line {line} (or a quoted value starting there) is longer than "
        f"{number(limits.max_field_mb)} MB",
        "max_field_mb",
        "check the line breaks and the quoting there",
    )


def undecodable(source: str, encoding: str, exc: UnicodeError) -> SourceError:
    """A decoding failure that names no single byte (a missing BOM, a cut UTF-16 pair)."""
    reason = one_line(exc, 120)
    return SourceError(
        f"{source}: cannot be decoded as {encoding} ({reason}); pass the file's real encoding "
        "(e.g. utf-8, cp1252, utf-16) or export it again as UTF-8"
    )


def bounded_lines(fh: IO[str], source: str, limits: Limits) -> Iterator[str]:
    """The file's lines, refusing one longer than limits.max_field_mb before it is all read."""
    cap = limits.max_field_bytes
    for line_no in itertools.count(1):
        line = fh.readline(cap + 1)
        if not line:
            return
        if len(line) > cap:
            raise field_too_long(source, line_no, limits)
        yield line
