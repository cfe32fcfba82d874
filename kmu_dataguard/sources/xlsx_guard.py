"""Look inside an .xlsx zip before openpyxl parses it, and refuse what would exhaust memory or time.

An .xlsx is a zip of XML parts. A few kilobytes can declare gigabytes (a zip bomb), millions of
identical cells, thousands of sheets or a shared-strings table larger than any export; openpyxl
would read all of it (its read-only mode parses every sheet without a ``<dimension>`` at load
time and the whole shared-strings table into a list). The checks here read only what the zip
declares and count tags in the decompressed bytes, which is fast; zipfile never hands out more
bytes than a part declares (a part that holds more fails its CRC check), so the declared sizes
are an upper bound that can be trusted.

The cell count found here is a second line: ``read_excel`` counts the cells it is handed while
streaming, because openpyxl pads rows it invents (a row numbered 1 000 000 000 creates the rows
before it).
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import IO

from openpyxl.utils.cell import range_boundaries

from kmu_dataguard.errors import SourceError
from kmu_dataguard.sources.limits import MB, Limits, limit_exceeded, number

__all__ = ["inspect_xlsx", "not_a_workbook"]

# A genuine part rarely unzips more than ~20× (an empty styled grid ~15×); bombs reach 1000×.
_MAX_RATIO = 100
_RATIO_FROM = MB  # small parts (styles, a tiny sheet) may compress better without harm
_PARTS_PER_SHEET = 6  # sheet, its rels, drawing, drawing rels, comments, table
_EXTRA_PARTS = 1000
_HEAD = 64 * 1024
_CHUNK = 4 * MB
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?(worksheet|sst|workbook)[\s>]")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\bref=[\"']([^\"']*)[\"']")
_EOCD = b"PK\x05\x06"


def not_a_workbook(source: str, exc: BaseException) -> SourceError:
    return SourceError(
        f"{source}: is not an .xlsx workbook or a broken one ({type(exc).__name__}: "
        f"{' '.join(str(exc).split())[:120]}); if it is a CSV file, read it as delimited text, "
        "else save it again from Excel as .xlsx"
    )


def inspect_xlsx(path: Path, source: str, limits: Limits) -> None:
    """Raise SourceError when the workbook at ``path`` exceeds ``limits`` (reads little)."""
    _check_entry_count(path, source, limits)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_sizes(infos, source, limits)
            for info in infos:
                if info.filename.lower().endswith(".xml") and not info.is_dir():
                    _check_part(zf, info, source, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise not_a_workbook(source, exc) from exc
    except (zlib.error, RuntimeError, ValueError) as exc:  # broken or encrypted parts
        raise not_a_workbook(source, exc) from exc
    except OSError as exc:
        raise SourceError(f"{source}: cannot be read ({exc}); check the file") from exc


def _check_entry_count(path: Path, source: str, limits: Limits) -> None:
    """Count the zip's parts from its end record, before zipfile builds an object for each."""
    allowed = _PARTS_PER_SHEET * limits.max_xlsx_sheets + _EXTRA_PARTS
    try:
        with path.open("rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - 22 - 65535))
            tail = fh.read()
    except OSError as exc:
        raise SourceError(f"{source}: cannot be read ({exc}); check the file") from exc
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        return  # zipfile reports the broken archive
    entries = struct.unpack_from("<H", tail, at + 10)[0]  # 0xFFFF: zip64, counted below
    if entries > allowed:
        raise _too_many_parts(source, entries, limits)


def _too_many_parts(source: str, parts: int, limits: Limits) -> SourceError:
    sheets = number(limits.max_xlsx_sheets)
    what = f"the zip holds {number(parts)} parts, more than a workbook of {sheets} sheets needs"
    return _too_many_sheets(source, what)


def _too_many_sheets(source: str, what: str) -> SourceError:
    return limit_exceeded(source, what, "max_xlsx_sheets", "delete the sheets you do not check")


def _check_sizes(infos: list[zipfile.ZipInfo], source: str, limits: Limits) -> None:
    allowed = _PARTS_PER_SHEET * limits.max_xlsx_sheets + _EXTRA_PARTS
    if len(infos) > allowed:
        raise _too_many_parts(source, len(infos), limits)
    total = sum(info.file_size for info in infos)
    if total > limits.max_xlsx_uncompressed_bytes:
        raise limit_exceeded(
            source,
            f"the workbook unzips to {number(total // MB)} MB, more than "
            f"{number(limits.max_xlsx_uncompressed_mb)} MB",
            "max_xlsx_uncompressed_mb",
            "split the workbook",
        )
    for info in infos:
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size > _RATIO_FROM and ratio > _MAX_RATIO:
            raise SourceError(
                f"{source}: part {info.filename} unzips to {number(ratio)} times its stored size "
                f"(more than {_MAX_RATIO}; a zip bomb?); open the file in Excel and save it as "
                "CSV UTF-8, or export it again"
            )


def _check_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, source: str, limits: Limits) -> None:
    """Classify an XML part by its root element and count what openpyxl would hold of it."""
    with zf.open(info) as fh:
        head = fh.read(_HEAD)
        root = _ROOT.search(head[:4096])
        if root is None:
            return
        prefix, kind = root.group(1) or b"", root.group(2)
        if kind == b"worksheet":
            _check_dimension(head, info.filename, source, limits)
            cap, what = limits.max_xlsx_cells, "cells"
            count = _count_tags(fh, head, prefix + b"c", cap)
        elif kind == b"sst":
            cap, what = limits.max_xlsx_cells, "shared strings"
            count = _count_tags(fh, head, prefix + b"si", cap)
        else:
            cap, what = limits.max_xlsx_sheets, "sheets"
            count = _count_tags(fh, head, prefix + b"sheet", cap)
    if count > cap:
        if kind == b"workbook":
            raise _too_many_sheets(source, f"the workbook lists more than {number(cap)} sheets")
        raise limit_exceeded(
            source,
            f"{info.filename} holds more than {number(cap)} {what}",
            "max_xlsx_cells",
            "split the export",
        )


def _check_dimension(head: bytes, part: str, source: str, limits: Limits) -> None:
    """The used range a sheet declares; an honest one refuses a huge sheet before parsing."""
    found = _DIMENSION.search(head)
    if found is None:
        return
    try:
        min_col, min_row, max_col, max_row = range_boundaries(found.group(1).decode("ascii"))
    except (ValueError, TypeError, UnicodeDecodeError):
        return  # an unusable dimension is ignored: read_excel resets it and counts cells
    columns = (max_col or min_col or 1) - (min_col or 1) + 1
    cells = columns * ((max_row or min_row or 1) - (min_row or 1) + 1)
    if (max_col or 0) > limits.max_columns:
        raise limit_exceeded(
            source,
            f"{part} declares {number(max_col or 0)} columns, more than "
            f"{number(limits.max_columns)}",
            "max_columns",
            "delete the unused columns",
        )
    if cells > limits.max_xlsx_cells:
        raise limit_exceeded(
            source,
            f"{part} declares {number(cells)} cells, more than {number(limits.max_xlsx_cells)}",
            "max_xlsx_cells",
            "split the export",
        )


def _count_tags(fh: IO[bytes], head: bytes, name: bytes, cap: int) -> int:
    """Count start tags ``<name`` in the rest of the part; stops once the count passes ``cap``."""
    pattern = re.compile(b"<" + re.escape(name) + rb"[\s>/]")
    count = 0
    buffer = head
    while True:
        chunk = fh.read(_CHUNK)
        if chunk:
            buffer += chunk
        # Count up to the last "<": a tag cut by the chunk border is counted with the next one.
        cut = buffer.rfind(b"<") if chunk else len(buffer)
        cut = cut if cut > 0 else len(buffer)
        count += len(pattern.findall(buffer, 0, cut))
        if count > cap or not chunk:
            return count
        buffer = buffer[cut:]
