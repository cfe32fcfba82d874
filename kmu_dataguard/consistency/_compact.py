"""Compact per-record storage of duplicate detection, built chunk by chunk.

Distinct strings become integer ids (:class:`Vocab`), texts that must stay are packed one
string per chunk (:class:`Texts`) and keys that only need equality become 128-bit hashes
(:func:`hash_keys`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from kmu_dataguard.validators._common import as_text

__all__ = ["Texts", "Vocab", "hash_keys", "joined_parts"]

# Two independent 64-bit hashes: a false "same IBAN" needs both to collide (~1e-26 per run).
_HASH_KEYS = ("kmu-dataguard-h1", "kmu-dataguard-h2")


class Vocab:
    """Distinct strings as integer ids across chunks; empty and missing values are -1."""

    def __init__(self) -> None:
        self._index: dict[str, int] = {"": -1}

    def ids(self, values: np.ndarray) -> np.ndarray:
        codes, uniques = pd.factorize(np.asarray(values, dtype=object))
        index = self._index
        mapped = np.fromiter(
            (index.setdefault(u, len(index) - 1) for u in uniques.tolist()),
            dtype=np.int32,
            count=len(uniques),
        )
        return np.append(mapped, np.int32(-1))[codes]  # code -1 (missing) → the last, -1

    def values(self) -> np.ndarray:
        """The string of each id; index -1 (the last) is ""."""
        out = np.empty(len(self._index), dtype=object)
        out[: len(self._index) - 1] = list(self._index)[1:]
        out[-1] = ""
        return out

    def __len__(self) -> int:
        return len(self._index) - 1


class Texts:
    """Text values kept as one string per chunk plus offsets, not as a ``str`` per value.

    A ``str`` kept from each row pins the memory of the chunk's other, freed strings (they
    share the allocator's arenas), which made the kept keys and names cost as much as the
    whole chunk. Missing values (None, NaN) read back as None; bytes are decoded, other
    values kept as their text.
    """

    def __init__(self) -> None:
        self._blobs: list[str] = []
        self._offsets: list[np.ndarray] = []
        self._missing: list[np.ndarray] = []
        self._ends: list[int] = []

    def add(self, values: np.ndarray) -> None:
        missing = pd.isna(values)
        texts = [as_text(v) for v in np.where(missing, "", values).tolist()]
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        self._blobs.append("".join(texts))
        self._offsets.append(np.concatenate([[0], np.cumsum(lengths)]))
        self._missing.append(np.asarray(missing, dtype=bool))
        self._ends.append((self._ends[-1] if self._ends else 0) + len(texts))

    def take(self, rows: np.ndarray) -> np.ndarray:
        """The values at ``rows`` (0-based, in order), as an object array."""
        out = np.empty(len(rows), dtype=object)
        chunks = np.searchsorted(self._ends, rows, side="right")
        for i, (row, chunk) in enumerate(zip(rows.tolist(), chunks.tolist(), strict=True)):
            at = row - (self._ends[chunk - 1] if chunk else 0)
            if not self._missing[chunk][at]:
                offsets = self._offsets[chunk]
                out[i] = self._blobs[chunk][offsets[at] : offsets[at + 1]]
        return out


def hash_keys(values: np.ndarray) -> np.ndarray:
    """(n, 2) uint64 hashes of normalised keys; (0, 0) where the key is missing or empty."""
    values = np.asarray(values, dtype=object)
    out = np.empty((len(values), 2), dtype=np.uint64)
    for j, hash_key in enumerate(_HASH_KEYS):
        out[:, j] = pd.util.hash_array(values, hash_key=hash_key, categorize=False)
    missing = pd.isna(values) | (values == "")
    out[missing] = 0
    return out


def joined_parts(parts: Sequence[np.ndarray], dtype: Any) -> np.ndarray:
    if not parts:
        return np.empty(0, dtype=dtype)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)
