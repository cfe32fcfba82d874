"""Shared plumbing of the value validators: each distinct value is judged once, never per row.

Master data at a million rows repeats values (countries, currencies, units) and even where values
are unique the per-value library call is the cost, so validators judge ``pd.unique`` of the input
and map the verdicts back onto the original index. A missing value (None, NaN, pd.NA, or text that
is empty after stripping) is always ``True``: absence is the business of not-null expectations.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import pandas as pd

__all__ = ["as_text", "is_missing", "map_distinct", "map_distinct_pairs"]

# A value longer than this is not a plausible master-data field; judging it would only let a
# hostile cell cost time in third-party parsers.
MAX_TEXT_LENGTH = 1000


def is_missing(value: Any) -> bool:
    """True for None, NaN, pd.NA/NaT and text that is empty after stripping whitespace."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # list-like cells: not missing, judged (and failed) later
        return False


def as_text(value: Any) -> str:
    """The cell as text: str unchanged, bytes decoded leniently, anything else via str()."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def _safe(judge: Callable[..., bool], *args: Any) -> bool:
    # A validator must never raise on hostile text: whatever a library throws means "not valid".
    try:
        return bool(judge(*args))
    except Exception:
        return False


def _key(value: Any) -> Hashable:
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def map_distinct(values: pd.Series, judge: Callable[[str], bool]) -> pd.Series:
    """Apply ``judge`` to each distinct non-missing value once; return a bool Series on the index.

    ``judge`` receives the value as text and returns whether it is valid; exceptions count as
    invalid. Text longer than ``MAX_TEXT_LENGTH`` is invalid without calling ``judge``.
    """
    keys = values.map(_key)
    verdicts: dict[Hashable, bool] = {}
    for raw in pd.unique(keys.to_numpy(dtype=object)):
        if is_missing(raw):
            verdicts[raw] = True
            continue
        text = as_text(raw)
        verdicts[raw] = len(text) <= MAX_TEXT_LENGTH and _safe(judge, text)
    # NaN keys do not compare equal in a dict lookup, so missing values are filled explicitly.
    result = keys.map(verdicts.get)
    return result.where(result.notna(), True).astype(bool)


def map_distinct_pairs(
    first: pd.Series, second: pd.Series, judge: Callable[[str, str | None], bool]
) -> pd.Series:
    """Judge each distinct (first, second) pair once; aligned to ``first``'s index.

    A missing ``first`` value is ``True``. A missing ``second`` value is passed as ``None`` so the
    judge decides whether the first value can be checked without it.
    """
    second = second.reindex(first.index)
    if _all_text(first) and _all_text(second):
        return _pairs_by_codes(first, second, judge)
    pairs = pd.DataFrame({"a": first.map(_key), "b": second.map(_key)}, index=first.index)
    verdicts: dict[tuple[Hashable, Hashable], bool] = {}
    out: list[bool] = []
    for a, b in zip(pairs["a"].tolist(), pairs["b"].tolist(), strict=True):
        key = (("__missing__",) if is_missing(a) else a, ("__missing__",) if is_missing(b) else b)
        verdict = verdicts.get(key)
        if verdict is None:
            verdict = _pair_verdict(a, b, judge)
            verdicts[key] = verdict
        out.append(verdict)
    return pd.Series(out, index=first.index, dtype=bool)


def _all_text(values: pd.Series) -> bool:
    return pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")


def _pair_verdict(a: Any, b: Any, judge: Callable[[str, str | None], bool]) -> bool:
    if is_missing(a):
        return True
    text_a = as_text(a)
    text_b = None if is_missing(b) else as_text(b)
    too_long = len(text_a) > MAX_TEXT_LENGTH or (
        text_b is not None and len(text_b) > MAX_TEXT_LENGTH
    )
    return not too_long and _safe(judge, text_a, text_b)


def _pairs_by_codes(
    first: pd.Series, second: pd.Series, judge: Callable[[str, str | None], bool]
) -> pd.Series:
    """Text columns: pairs found with hash codes in C, judged once per distinct pair."""
    import numpy as np

    codes_a, uniques_a = pd.factorize(first.to_numpy(dtype=object))
    codes_b, uniques_b = pd.factorize(second.to_numpy(dtype=object))
    base = len(uniques_b) + 1
    # Missing values (NaN/None) have code -1; shifted by one they become 0.
    combined = (codes_a.astype(np.int64) + 1) * base + (codes_b.astype(np.int64) + 1)
    pair_codes, pairs = pd.factorize(combined)
    verdicts = np.empty(len(pairs), dtype=bool)
    for k, code in enumerate(pairs.tolist()):
        ia, ib = divmod(code, base)
        a = None if ia == 0 else uniques_a[ia - 1]
        b = None if ib == 0 else uniques_b[ib - 1]
        verdicts[k] = _pair_verdict(a, b, judge)
    return pd.Series(verdicts[pair_codes], index=first.index, dtype=bool)
