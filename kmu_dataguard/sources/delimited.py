"""Delimited text files (CSV as German tools write it) read as text columns.

Minimal reader of the walking skeleton; the connectors work replaces it with full detection.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from kmu_dataguard.errors import SourceError

__all__ = ["read_delimited"]


def read_delimited(
    path: Path, *, encoding: str | None = None, delimiter: str | None = None
) -> pd.DataFrame:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read file ({exc.strerror or exc})") from exc
    if not raw.strip():
        raise SourceError(f"{path}: the file is empty")
    text = _decode(raw, encoding, path)
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text[:20000], delimiters=";,\t|").delimiter
        except csv.Error:
            delimiter = ","
    import io

    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, engine="c"
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise SourceError(f"{path}: cannot parse as delimited text ({exc})") from exc
    return frame.astype(object).where(frame != "", None)


def _decode(raw: bytes, encoding: str | None, path: Path) -> str:
    candidates = [encoding] if encoding else ["utf-8-sig", "cp1252"]
    for enc in candidates:
        try:
            return raw.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    raise SourceError(f"{path}: cannot decode the file as {' or '.join(candidates)}")
