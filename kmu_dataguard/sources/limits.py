"""How much a file source may hold before the readers refuse it (``limits:`` in dataguard.yml).

The defaults are generous for a real master-data export (a million rows × 30 columns of CSV, an
.xlsx at Excel's own maximum of 1 048 576 rows) and small enough that a hostile or broken file
(a zip bomb, a 50 MB line, an endless stream) is refused with a clear message instead of
exhausting memory or time. docs/input-limits.md explains each one.

This module imports nothing heavy so that every reader can use it; the pydantic model in
:mod:`kmu_dataguard.config` converts the ``limits:`` mapping into :class:`Limits`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from kmu_dataguard.errors import SourceError

__all__ = ["DEFAULT_LIMITS", "MB", "Limits", "limit_exceeded", "number"]

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Upper bounds for file sources; sizes in MiB, counts as plain numbers."""

    max_file_mb: int = 2048  # size on disk of any file source
    max_columns: int = 2000  # columns of a table (CSV header, Excel header row)
    max_field_mb: int = 10  # one field of delimited text or a DATEV line
    # cells of one sheet, and shared strings of a workbook: openpyxl needs ~10-20 µs a cell,
    # so 15 M cells are minutes already; more is a bomb or needs raising on purpose
    max_xlsx_cells: int = 15_000_000
    max_xlsx_uncompressed_mb: int = 2048  # all parts of an .xlsx once unzipped
    max_xlsx_sheets: int = 1000  # worksheets in one workbook

    @property
    def max_file_bytes(self) -> int:
        return self.max_file_mb * MB

    @property
    def max_field_bytes(self) -> int:
        return self.max_field_mb * MB

    @property
    def max_xlsx_uncompressed_bytes(self) -> int:
        return self.max_xlsx_uncompressed_mb * MB

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]


DEFAULT_LIMITS = Limits()


def number(value: int) -> str:
    """12345678 → "12 345 678" (a thin space would not survive every terminal)."""
    return f"{value:,}".replace(",", " ")


def limit_exceeded(source: str, what: str, limit: str, advice: str) -> SourceError:
    """The one message shape for a refused input: what, which limit, and what to do next."""
    return SourceError(
        f"{source}: {what} (limit limits.{limit} in dataguard.yml); {advice} or raise the limit"
    )
