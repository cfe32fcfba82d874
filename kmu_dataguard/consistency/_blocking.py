"""Candidate pairs of duplicate detection: records that share a block, never all pairs.

A block is a place (postal code, city and street, company, e-mail domain) combined with the
Kölner Phonetik code of one name word, so "Müller Bau" and "Bau Mueller" meet while "Müller"
in Köln never meets "Müller" in Dresden. Pairs are integer codes ``i * n + j`` (i < j) and
every step is numpy over integer ids, not Python over strings.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from kmu_dataguard.consistency._distinct import per_distinct
from kmu_dataguard.consistency.phonetics import cologne_phonetic

__all__ = [
    "block_ids",
    "city_street",
    "group_pairs",
    "groups",
    "hash_ids",
    "pairs_from_blocks",
    "sorted_isin",
    "union_sorted",
    "unique",
]

log = logging.getLogger("kmu_dataguard.consistency.duplicates")


def groups(
    hashes: np.ndarray, cap: int, label: str, key_of: Callable[[int], str]
) -> list[np.ndarray]:
    """Rows (ascending) of each value shared by 2..cap records, from the (n, 2) hashes of
    the values ((0, 0): none)."""
    ids = hash_ids(hashes)
    given = np.flatnonzero(ids >= 0)
    if len(given) < 2:
        return []
    rows = given[np.argsort(ids[given], kind="stable")]  # stable: ascending per value
    group = ids[rows]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    lengths = np.diff(np.r_[starts, len(rows)])
    too_big = lengths > cap
    if too_big.any():
        log.warning(
            "%d %s value(s) shared by more than %d records ignored as placeholders, e.g. the"
            " one of record %s",
            int(too_big.sum()),
            label,
            cap,
            key_of(int(rows[starts[np.argmax(too_big)]])),
        )
    keep = (lengths >= 2) & ~too_big
    return [rows[s : s + k] for s, k in zip(starts[keep], lengths[keep], strict=True)]


def group_pairs(
    hashes: np.ndarray, cap: int, label: str, key_of: Callable[[int], str]
) -> np.ndarray:
    """Pair codes ``i * n + j`` (i < j) of all records sharing a value."""
    n = len(hashes)
    out = []
    for rows in groups(hashes, cap, label, key_of):
        a, b = np.triu_indices(len(rows), 1)
        out.append(rows[a].astype(np.int64) * n + rows[b])
    return np.concatenate(out) if out else np.empty(0, dtype=np.int64)


def _ids(values: np.ndarray) -> np.ndarray:
    """Integer id of each value's distinct value, -1 where it is empty."""
    ids, distinct = pd.factorize(values)
    given = np.append(np.asarray(distinct != "", dtype=bool), False)  # [-1]: missing
    return np.where(given[ids], ids, -1).astype(np.int64)


def block_ids(
    place: np.ndarray, word_rows: np.ndarray, word_ids: np.ndarray, n_words: int
) -> tuple[np.ndarray, np.ndarray]:
    """(rows, block labels): a block is a place id and a phonetic name word."""
    keep = place[word_rows] >= 0
    rows = word_rows[keep]
    return rows, place[rows] * max(n_words, 1) + word_ids[keep]


def hash_ids(hashes: np.ndarray) -> np.ndarray:
    """Integer id of each row's value from its (n, 2) hashes, -1 where it has none (0, 0)."""
    out = np.full(len(hashes), -1, dtype=np.int64)
    given = np.flatnonzero((hashes != 0).any(axis=1))
    if len(given) == 0:
        return out
    hashed = hashes[given]
    # Sorting by the first half alone is 2.5x faster than a lexsort by both; equal values are
    # then adjacent unless two values share a first half (a 64-bit collision, ~1e-7 for 5 M
    # values), which is checked: then both halves are sorted.
    order = np.argsort(hashed[:, 0])
    ordered = hashed[order]
    tied = ordered[1:, 0] == ordered[:-1, 0]
    if (tied & (ordered[1:, 1] != ordered[:-1, 1])).any():
        order = np.lexsort((hashed[:, 1], hashed[:, 0]))
        ordered = hashed[order]
    out[given[order]] = np.cumsum(np.r_[False, (ordered[1:] != ordered[:-1]).any(axis=1)])
    return out


def city_street(city: np.ndarray, street: np.ndarray, streets: np.ndarray) -> np.ndarray:
    """Id of each record's city and street sound (Kölner Phonetik), -1 if either is empty."""
    sound = _ids(per_distinct(pd.Series(streets, dtype=object), cologne_phonetic))[street]
    both = (city >= 0) & (sound >= 0)
    out = np.full(len(city), -1, dtype=np.int64)
    out[both] = pd.factorize(city[both] * (int(sound.max(initial=0)) + 1) + sound[both])[0]
    return out


def pairs_from_blocks(
    blocks: Iterable[tuple[np.ndarray, np.ndarray, bool]],
    n: int,
    max_block_size: int,
    stats: dict[str, int],
    house: np.ndarray,
) -> np.ndarray:
    """Distinct pair codes ``i * n + j`` (i < j) of records sharing at least one block.

    In blocks marked ``by_house``, two records whose house numbers are both given and differ
    are no pair: they cannot share an address, so no rule could link them. This keeps the
    pairs from growing with the square of the records per postal code. One kind of block at a
    time: the block entries, not the pairs, are what takes memory.
    """
    parts = [np.empty(0, dtype=np.int64)]
    skipped = 0
    houses = int(house.max(initial=-1)) + 2
    for rows, labels, by_house in blocks:
        if len(rows) == 0:
            continue
        block, size = _codes(labels)
        big = size > max_block_size
        skipped += int(big.sum())
        keep = (size[block] >= 2) & ~big[block]
        rows, block = rows[keep].astype(np.int64), block[keep].astype(np.int64)
        hid = house[rows] if by_house else np.full(len(rows), -1, dtype=np.int64)
        # A record without a house number may be at any house: it pairs with its whole block.
        wild = (hid < 0) if by_house else np.zeros(len(rows), dtype=bool)
        group = block * houses + hid + 1
        parts.append(_pairs_in_groups(rows[~wild], group[~wild], n))
        parts.append(_pairs_with_block(np.flatnonzero(wild), rows, block, n))
    stats["blocks_skipped"] = skipped
    if skipped:
        log.warning(
            "%d block(s) of more than %d records skipped (a very common name word in one place)",
            skipped,
            max_block_size,
        )
    return unique(np.concatenate(parts))


def _pairs_in_groups(rows: np.ndarray, group: np.ndarray, n: int) -> np.ndarray:
    """Pair codes of all pairs of rows with the same group label."""
    if len(rows) == 0:
        return np.empty(0, dtype=np.int64)
    order = np.lexsort((rows, group))
    rows, group = rows[order], group[order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    lengths = np.diff(np.r_[starts, len(group)])
    out = [np.empty(0, dtype=np.int64)]
    for k in np.unique(lengths):
        if k < 2:
            continue
        a, b = np.triu_indices(int(k), 1)
        firsts = starts[lengths == k]
        left = rows[firsts[:, None] + a[None, :]].ravel()
        right = rows[firsts[:, None] + b[None, :]].ravel()
        out.append(np.minimum(left, right) * n + np.maximum(left, right))
    return np.concatenate(out)


def _pairs_with_block(at: np.ndarray, rows: np.ndarray, block: np.ndarray, n: int) -> np.ndarray:
    """Pair codes of the entries at positions ``at`` with every entry of their block."""
    if len(at) == 0:
        return np.empty(0, dtype=np.int64)
    order = np.argsort(block, kind="stable")
    sorted_block = block[order]
    starts = np.searchsorted(sorted_block, block[at], side="left")
    lengths = np.searchsorted(sorted_block, block[at], side="right") - starts
    within = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    left = np.repeat(rows[at], lengths)
    right = rows[order[np.repeat(starts, lengths) + within]]
    other = left != right
    left, right = left[other], right[other]
    return np.minimum(left, right) * n + np.maximum(left, right)


def union_sorted(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sorted distinct union of two sorted distinct integer arrays (``b`` the small one)."""
    extra = b[~sorted_isin(b, a)]
    return np.sort(np.concatenate([a, extra])) if len(extra) else a


def unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct integers; numpy 2.4's ``np.unique`` hashes and is ~100x slower here."""
    if len(values) == 0:
        return values
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def sorted_isin(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """``np.isin`` for integers against a sorted distinct array, by binary search."""
    if len(sorted_set) == 0:
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[at] == values


def _codes(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(labels)
    return codes, np.bincount(codes, minlength=len(uniques))
