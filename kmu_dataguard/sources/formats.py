"""Which reader a file source needs: csv, excel or datev (no heavy imports, so init stays fast)."""

from __future__ import annotations

from pathlib import Path

from kmu_dataguard.sources._common import check_regular_file
from kmu_dataguard.sources.limits import DEFAULT_LIMITS, Limits

__all__ = ["file_format"]


def file_format(path: Path, given: str | None, limits: Limits = DEFAULT_LIMITS) -> str:
    """csv, excel or datev: as configured, else by the file's suffix and first bytes.

    Every file source passes here first, so a FIFO, a device or a folder is refused before
    anything opens it (opening a FIFO would wait forever for a writer).
    """
    check_regular_file(path, limits)
    if given:
        return given
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return "excel"
    try:
        with path.open("rb") as f:
            head = f.read(16).lstrip(b"\xef\xbb\xbf")
    except OSError:
        return "csv"  # the reader reports the problem with the file
    if head.startswith((b'"EXTF"', b'"DTVF"', b"EXTF;", b"DTVF;")):
        return "datev"
    return "csv"
