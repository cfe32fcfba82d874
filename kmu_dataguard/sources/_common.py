"""Helpers shared by the file readers: opening files with clear errors, header checks, NULLs."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from kmu_dataguard.errors import SourceError

__all__ = [
    "XLS_MAGIC",
    "ZIP_MAGIC",
    "check_header",
    "check_requested_columns",
    "empty_to_none",
    "open_binary_head",
]

ZIP_MAGIC = b"PK\x03\x04"
# Compound File Binary (OLE2): old .xls workbooks (and .doc/.msg, which are no tables either).
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def open_binary_head(path: str | os.PathLike[str], size: int) -> bytes:
    """Return the first ``size`` bytes of ``path``; OS errors become one-line SourceErrors."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            return fh.read(size)
    except FileNotFoundError as exc:
        raise SourceError(
            f"{p}: file not found; check the path (working directory is {Path.cwd()})"
        ) from exc
    except IsADirectoryError as exc:
        raise SourceError(f"{p}: is a folder, not a file; name the exported file itself") from exc
    except PermissionError as exc:
        raise SourceError(
            f"{p}: permission denied; give the user running dataguard read access to the file"
        ) from exc
    except OSError as exc:
        raise SourceError(f"{p}: cannot be read ({exc.strerror or exc}); check the file") from exc


def check_header(names: Sequence[object], source: str) -> list[str]:
    """Normalise header cells to text and reject duplicate names (they would be silently renamed).

    Surrounding whitespace is stripped; an empty header cell becomes ``column_<n>`` (1-based) so a
    trailing delimiter at the end of every line does not break the read.
    """
    header: list[str] = []
    for i, raw in enumerate(names, start=1):
        text = "" if raw is None else str(raw).strip()
        header.append(text or f"column_{i}")
    dupes = [name for name, count in Counter(header).items() if count > 1]
    if dupes:
        listed = ", ".join(f"'{d}'" for d in dupes)
        raise SourceError(
            f"{source}: duplicate column name(s) {listed} in the header; "
            "rename them in the export so every column is unique"
        )
    return header


def check_requested_columns(
    requested: Iterable[str] | None, header: Sequence[str], source: str
) -> list[str] | None:
    """Return ``requested`` as a list after checking every name exists in ``header``."""
    if requested is None:
        return None
    wanted = list(requested)
    missing = [c for c in wanted if c not in header]
    if missing:
        raise SourceError(
            f"{source}: column(s) {', '.join(repr(m) for m in missing)} not in the file; "
            f"columns present: {', '.join(header)}"
        )
    return wanted


def empty_to_none(df: pd.DataFrame) -> pd.DataFrame:
    """Turn every column into object dtype whose values are ``str`` or ``None`` (empty → None)."""
    obj = df.astype(object)
    # `where` keeps the str values and puts None where the cell is empty or missing (NaN/None).
    return obj.where(obj.notna() & (obj != ""), None)
