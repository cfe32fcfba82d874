"""The checked file read once more as records in its own format, to be copied into parts.

* delimited text: each record's raw bytes (:mod:`.raw_records`), the header line copied;
* DATEV EXTF/DTVF: the same, with both header lines (the metadata line ``EXTF;700;16;…`` and
  the column titles) copied unchanged; the DATEV header has no record-count field, so nothing
  in it depends on how many records follow;
* XLSX: the sheet's header and record rows with their cell values, types and number formats,
  into a workbook with a sheet of the same name.

:attr:`SourceRecords.table_records` says which record each row of the checked table came from,
so the rows the routing holds are found in the file.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kmu_dataguard.errors import SourceError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from kmu_dataguard.sources.limits import Limits
    from kmu_dataguard.split.raw_records import RawFile

__all__ = ["SourceRecords", "delimited_raw", "source_records"]


@dataclass
class SourceRecords:
    """The file's records; ``write(path, indices)`` writes a part holding those records.

    For a workbook, ``header`` and ``rows`` are its cells as ``(value, number_format)``; a
    row changed in place is written changed (``dataguard fix``)."""

    count: int
    table_records: np.ndarray
    ext: str
    write: Callable[[Path, Any], None]
    header: list[tuple[Any, str | None]] | None = None
    rows: list[list[tuple[Any, str | None]]] | None = None


def source_records(
    path: Path,
    data: bytes,
    fmt: str,
    frame: pd.DataFrame,
    *,
    encoding: str | None,
    delimiter: str | None,
    sheet: str | int | None,
    limits: Limits,
) -> SourceRecords:
    """The records of ``data`` (the file's bytes, read once) as the reader of ``fmt`` saw them."""
    import numpy as np

    source = str(path)
    if fmt == "excel":
        # written by openpyxl: a workbook without macros, whatever the source's suffix
        return _excel_records(path, data, frame, sheet, source, ".xlsx")
    ext = path.suffix or ".csv"
    if fmt == "datev":
        raw = _raw(data, encoding, ";", 2, source, datev=True)
        if "source_line" not in frame.columns:
            raise SourceError(f"{source}: the DATEV table has no source_line; cannot split it")
        start = {line: i for i, line in enumerate(raw.lines)}
        try:
            table = np.array([start[int(v)] for v in frame["source_line"]], dtype=np.intp)
        except (KeyError, TypeError, ValueError) as exc:
            raise _changed(source) from exc
    else:
        raw = _raw(data, encoding, delimiter, 1, source, datev=False, limits=limits)
        if len(raw.records) != len(frame):
            raise _changed(source, f"{len(raw.records)} records now, {len(frame)} when checked")
        table = np.arange(len(frame), dtype=np.intp)

    def write(target: Path, indices: Any) -> None:
        records = raw.records
        with target.open("wb") as out:
            out.write(raw.head)
            out.write(b"".join([records[i] for i in indices]))

    return SourceRecords(len(raw.records), table, ext, write)


def delimited_raw(
    data: bytes, encoding: str | None, delimiter: str | None, source: str, limits: Limits
) -> RawFile:
    """A delimited file's header and raw records, as :func:`source_records` cuts them."""
    return _raw(data, encoding, delimiter, 1, source, datev=False, limits=limits)


def _changed(source: str, detail: str = "") -> SourceError:
    more = f" ({detail})" if detail else ""
    return SourceError(
        f"{source}: its records no longer match what was checked{more}; the file changed "
        "while it was read? Export it again and run the check again"
    )


def _raw(
    data: bytes,
    encoding: str | None,
    delimiter: str | None,
    header: int,
    source: str,
    *,
    datev: bool,
    limits: Limits | None = None,
) -> Any:
    from kmu_dataguard.sources.delimited import detect_encoding
    from kmu_dataguard.split.raw_records import raw_records

    if encoding is None or delimiter is None:
        found_encoding, ascii_sample = detect_encoding(data[: 256 * 1024], source)
        if not datev:
            from kmu_dataguard.sources.delimited import detect_format

            assert limits is not None
            fmt = detect_format(source, encoding=encoding, delimiter=delimiter, limits=limits)
            found_encoding, delimiter, ascii_sample = fmt.encoding, fmt.delimiter, fmt.ascii_sample
        if encoding is None:
            encoding = found_encoding
            # as the readers do: an ASCII sample with a Windows-1252 byte further down
            if (ascii_sample or datev) and not _decodes(data, encoding):
                encoding = "cp1252"
    assert delimiter is not None
    return raw_records(data, encoding, delimiter=delimiter, header=header, source=source)


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        codecs.decode(data, encoding)
    except UnicodeError:
        return False
    return True


def _excel_records(
    path: Path, data: bytes, frame: pd.DataFrame, sheet: str | int | None, source: str, ext: str
) -> SourceRecords:
    import io

    import numpy as np
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        names = list(book.sheetnames)
        name = names[sheet] if isinstance(sheet, int) else (sheet or names[0])
        ws = book[name]
        ws.reset_dimensions()
        rows = [
            [(c.value, getattr(c, "number_format", None)) for c in row]
            for row in ws.iter_rows()
            if any(getattr(c, "value", None) not in (None, "") for c in row)
        ]
    finally:
        book.close()
    if not rows:
        raise _changed(source, "the sheet is empty now")
    header, records = rows[0], rows[1:]
    if len(records) != len(frame):
        raise _changed(source, f"{len(records)} rows now, {len(frame)} when checked")

    def write(target: Path, indices: Any) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        out = Workbook(write_only=True)
        part = out.create_sheet(title=name)

        def cells(row: list[tuple[Any, str | None]]) -> list[Any]:
            made = []
            for value, number_format in row:
                cell = WriteOnlyCell(part, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text, "=…" never becomes a formula
                if number_format and number_format != "General":
                    cell.number_format = number_format
                made.append(cell)
            return made

        part.append(cells(header))
        for i in indices:
            part.append(cells(records[i]))
        out.save(target)

    table = np.arange(len(records), dtype=np.intp)
    return SourceRecords(len(records), table, ext, write, header, records)
