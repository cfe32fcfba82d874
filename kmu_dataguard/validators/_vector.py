"""Vectorised fast paths in front of the validator libraries (the libraries stay the reference).

A fast path sees the printable-ASCII values of a column as a ``uint8`` matrix (one row per value,
zero padded on the right) and answers per row ``VALID``, ``INVALID`` or ``UNDECIDED``. Only what it
can decide exactly as the library would is decided; every other value (non-ASCII text, control
characters, the grave accent that stdnum rewrites, overlong text, shapes the fast path does not
model) goes to the library through :func:`map_distinct`, once per distinct value.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from kmu_dataguard.validators._common import map_distinct

__all__ = [
    "INVALID",
    "UNDECIDED",
    "VALID",
    "FastPath",
    "digit_values",
    "drop_chars",
    "is_alpha",
    "is_digit",
    "lstrip_spaces",
    "map_fast",
    "squeeze",
    "strip_spaces",
    "upper",
]

VALID, INVALID, UNDECIDED = np.int8(1), np.int8(0), np.int8(-1)

# (matrix, lengths) -> int8 verdict per row. Rows are printable ASCII without "`" and not blank.
FastPath = Callable[[np.ndarray, np.ndarray], np.ndarray]

# Rows per matrix: bounds memory (width x rows bytes) while keeping numpy calls large.
CHUNK = 1 << 16

_GRAVE = 0x60  # stdnum's clean() maps "`" to "'": not modelled, so such values go to the library


def is_digit(m: np.ndarray) -> np.ndarray:
    return (m >= 0x30) & (m <= 0x39)


def is_alpha(m: np.ndarray) -> np.ndarray:
    """ASCII letters of either case."""
    return ((m >= 0x41) & (m <= 0x5A)) | ((m >= 0x61) & (m <= 0x7A))


def upper(m: np.ndarray) -> np.ndarray:
    """ASCII upper case (what ``str.upper`` does to ASCII text)."""
    lower = (m >= 0x61) & (m <= 0x7A)
    return np.where(lower, m - 0x20, m).astype(np.uint8)


def digit_values(m: np.ndarray) -> np.ndarray:
    """Digits as small ints (other characters give garbage; mask them yourself)."""
    return m.astype(np.int16) - 0x30


def squeeze(m: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep the ``keep`` cells of each row, moved left in order; returns (matrix, lengths)."""
    keep = keep & (m != 0)
    lengths = keep.sum(axis=1)
    touched = np.flatnonzero((keep != (m != 0)).any(axis=1))
    if touched.size < m.shape[0] // 4:  # most rows unchanged: move only the others
        out = m.copy()
        if touched.size:
            moved, _ = squeeze(m[touched], keep[touched])
            out[touched] = 0
            out[touched, : moved.shape[1]] = moved
        return out, lengths
    width = max(int(lengths.max(initial=0)), 1)
    out = np.zeros((m.shape[0], width), dtype=np.uint8)
    rows, cols = np.nonzero(keep)
    out[rows, (np.cumsum(keep, axis=1) - 1)[rows, cols]] = m[rows, cols]
    return out, lengths


def drop_chars(m: np.ndarray, chars: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Remove every occurrence of ``chars`` (like stdnum's ``clean(number, chars)`` on ASCII)."""
    return squeeze(m, ~np.isin(m, np.frombuffer(chars, dtype=np.uint8)))


def lstrip_spaces(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Remove leading spaces (``str.lstrip`` on printable ASCII)."""
    leading = np.cumprod(m == 0x20, axis=1).astype(bool)
    return squeeze(m, ~leading)


def strip_spaces(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Remove leading and trailing spaces (``str.strip`` on printable ASCII)."""
    blank = (m == 0x20) | (m == 0)
    leading = np.cumprod(blank, axis=1).astype(bool)
    trailing = np.cumprod(blank[:, ::-1], axis=1)[:, ::-1].astype(bool)
    return squeeze(m, ~(leading | trailing))


def map_fast(
    values: pd.Series, fast: FastPath, judge: Callable[[str], bool], *, width: int
) -> pd.Series:
    """Like :func:`map_distinct` with ``judge``, but rows the fast path decides skip ``judge``.

    ``width`` is the longest text the fast path looks at; longer text goes to ``judge``. Missing
    values (None, NaN, blank text) are ``True`` as everywhere in the validators.
    """
    n = len(values)
    kind = pd.api.types.infer_dtype(values, skipna=True) if n else "empty"
    if kind not in ("string", "empty"):
        return map_distinct(values, judge)  # mixed cells (numbers, bytes): the general path
    objects = values.to_numpy(dtype=object)
    missing = np.asarray(pd.isna(objects), dtype=bool)
    texts = objects.copy()
    texts[missing] = ""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    ascii_text = np.fromiter(map(str.isascii, texts), dtype=bool, count=n)
    verdict = np.full(n, UNDECIDED, dtype=np.int8)
    verdict[missing] = VALID
    candidates = np.flatnonzero(ascii_text & (lengths <= width) & ~missing)
    for start in range(0, candidates.size, CHUNK):
        rows = candidates[start : start + CHUNK]
        lens = lengths[rows]
        wide = max(int(lens.max()), 1)  # as wide as this chunk's longest text, not ``width``
        m = texts[rows].astype(f"S{wide}").view(np.uint8).reshape(rows.size, wide)
        inside = np.arange(wide) < lens[:, None]
        printable = ((m >= 0x20) & (m <= 0x7E) & (m != _GRAVE)) | ~inside
        plain = printable.all(axis=1)
        blank = ((m == 0x20) | ~inside).all(axis=1)
        chunk = np.full(rows.size, UNDECIDED, dtype=np.int8)
        chunk[plain & blank] = VALID  # only spaces: missing
        judged = plain & ~blank
        if judged.any():
            chunk[judged] = fast(m[judged], lens[judged])
        verdict[rows] = chunk
    rest = np.flatnonzero(verdict == UNDECIDED)
    if rest.size:
        verdict[rest] = map_distinct(pd.Series(objects[rest], dtype=object), judge).to_numpy()
    return pd.Series(verdict.astype(bool), index=values.index)
