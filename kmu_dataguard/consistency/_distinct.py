"""Judging each distinct value once: master data repeats its cities, companies and codes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["per_distinct"]


def per_distinct(
    values: pd.Series,
    judge: Callable[[Any], Any],
    parts: int = 1,
    known: dict[Any, Any] | None = None,
) -> Any:
    """``judge`` of each value, computed once per distinct value (master data repeats).

    With ``parts`` > 1 the judge returns that many results per value, and a tuple of that many
    arrays comes back. ``known`` carries results over from earlier chunks.
    """
    raw = values.to_numpy(dtype=object)
    known = {} if known is None else known
    try:
        ids, distinct = pd.factorize(raw, use_na_sentinel=False)
    except TypeError:  # unhashable cells (lists from JSON): the loop below judges their text
        pass
    else:
        judged = np.empty(len(distinct), dtype=object)
        for i, value in enumerate(distinct.tolist()):  # one by one: a judge may return tuples
            hit = known.get(value, known)
            judged[i] = judge(value) if hit is known else hit
            if hit is known and parts == 1:
                known[value] = judged[i]
        if parts == 1:
            return judged[ids]
        return tuple(_part(judged, k)[ids] for k in range(parts))
    out = np.empty(len(raw), dtype=object)
    for i, value in enumerate(raw):
        try:
            hit = known.get(value, known)
        except TypeError:  # unhashable cell (a list from JSON): judged by its text
            value = str(value)
            hit = known.get(value, known)
        if hit is known:
            hit = known[value] = judge(value)
        out[i] = hit
    return out if parts == 1 else tuple(_part(out, k) for k in range(parts))


def _part(judged: np.ndarray, k: int) -> np.ndarray:
    out = np.empty(len(judged), dtype=object)
    out[:] = [t[k] for t in judged.tolist()]
    return out
