"""Helpers shared by the file readers: opening files with clear errors, header checks, NULLs."""

from __future__ import annotations

import os
import stat
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from kmu_dataguard.errors import SourceError
from kmu_dataguard.sources.limits import DEFAULT_LIMITS, MB, Limits, limit_exceeded, number

__all__ = [
    "XLS_MAGIC",
    "ZIP_MAGIC",
    "check_header",
    "check_regular_file",
    "check_requested_columns",
    "empty_to_none",
    "open_binary_head",
    "out_of_memory_as_error",
    "printable",
]

ZIP_MAGIC = b"PK\x03\x04"
# Compound File Binary (OLE2): old .xls workbooks (and .doc/.msg, which are no tables either).
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


_NOT_REGULAR = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def check_regular_file(path: str | os.PathLike[str], limits: Limits = DEFAULT_LIMITS) -> int:
    """Refuse what is no regular file, or too big, BEFORE it is opened; return its size.

    Opening a FIFO blocks until a writer appears and a device never ends, so only ``stat`` may
    look at them. Symbolic links are followed (a link to an export is fine).
    """
    p = Path(path)
    try:
        info = p.stat()
    except FileNotFoundError as exc:
        if p.is_symlink():
            raise SourceError(
                f"{p}: is a symbolic link to {os.readlink(p)!r}, which does not exist; "
                "name the exported file itself or fix the link"
            ) from exc
        raise SourceError(
            f"{p}: file not found; check the path (working directory is {Path.cwd()})"
        ) from exc
    except PermissionError as exc:
        raise SourceError(
            f"{p}: permission denied; give the user running dataguard access to the folder"
        ) from exc
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        raise SourceError(f"{p}: cannot be read ({_reason(exc)}); check the path") from exc
    if stat.S_ISDIR(info.st_mode):
        raise SourceError(f"{p}: is a folder, not a file; name the exported file itself")
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _NOT_REGULAR if test(info.st_mode)), "no file")
        raise SourceError(
            f"{p}: is {kind}, not a regular file; export the data to a file and name that file"
        )
    if info.st_size > limits.max_file_bytes:
        size = f"{info.st_size / MB:,.1f} MB".replace(",", " ")
        what = f"the file holds {size}, more than {number(limits.max_file_mb)} MB"
        raise limit_exceeded(str(p), what, "max_file_mb", "split the export")
    return info.st_size


def open_binary_head(
    path: str | os.PathLike[str], size: int, limits: Limits = DEFAULT_LIMITS
) -> bytes:
    """Return the first ``size`` bytes of ``path``; OS errors become one-line SourceErrors."""
    p = Path(path)
    check_regular_file(p, limits)
    try:
        with p.open("rb") as fh:
            return fh.read(size)
    except FileNotFoundError as exc:
        raise SourceError(
            f"{p}: file not found; check the path (working directory is {Path.cwd()})"
        ) from exc
    except PermissionError as exc:
        raise SourceError(
            f"{p}: permission denied; give the user running dataguard read access to the file"
        ) from exc
    except OSError as exc:
        raise SourceError(f"{p}: cannot be read ({_reason(exc)}); check the file") from exc


def _reason(exc: Exception) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)


@contextmanager
def out_of_memory_as_error(source: str) -> Iterator[None]:
    """A MemoryError while reading becomes "could not validate", naming the file."""
    try:
        yield
    except MemoryError as exc:
        raise SourceError(
            f"{source}: ran out of memory while reading the file; split the export, free memory "
            "or lower the limits in dataguard.yml (see docs/input-limits.md)"
        ) from exc


def printable(value: object) -> str:
    """``value`` as text for a one-line message: quoted and escaped when it holds a line break."""
    text = str(value)
    return text if text.isprintable() else repr(text)


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
        listed = ", ".join(repr(d) for d in dupes)
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
