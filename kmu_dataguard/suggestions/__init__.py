"""Suggested corrections: the one safe answer for a failing value, or none (issue #18).

Each kind is a pure function from a value (and, for some, other fields of its record) to the
corrected text or None; :data:`~kmu_dataguard.suggestions.kinds.KINDS` lists them. Never a
guess: a value with two possible answers, or one that is invalid in content (a wrong check
digit), gets no suggestion. :func:`suggest` runs a kind over a column, once per distinct
(value, context) combination; :class:`~kmu_dataguard.suggestions.references.KeyIndex` suggests
reference keys. Reasons are English (:func:`reason_text`), German via :func:`localize`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kmu_dataguard.suggestions._text import plain_text
from kmu_dataguard.suggestions.kinds import KINDS, Kind
from kmu_dataguard.suggestions.reasons import localize, reason_text
from kmu_dataguard.suggestions.references import KeyIndex

__all__ = [
    "KINDS",
    "KeyIndex",
    "Kind",
    "Suggestion",
    "localize",
    "reason_text",
    "suggest",
    "suggest_one",
    "suggest_references",
]


@dataclass(frozen=True)
class Suggestion:
    """``value`` (as written) could be ``suggestion``; ``reason`` says why, in English."""

    value: str
    suggestion: str
    reason: str

    def reason_in(self, lang: str) -> str:
        return localize(self.reason, lang)


def suggest_one(kind: str, value: object, *context: object) -> Suggestion | None:
    """The suggestion of ``kind`` for one value with its context fields (in ``Kind.context``
    order), or None."""
    entry = KINDS[kind]
    text = plain_text(value)
    if text is None:
        return None
    try:
        fixed = entry.function(text, *(plain_text(c) for c in context))
    except Exception:  # a library's surprise on hostile text: no suggestion, no failed run
        return None
    if fixed is None or fixed == text:
        return None
    return Suggestion(text, fixed, reason_text(kind))


def suggest(
    kind: str, values: pd.Series, context: Mapping[str, pd.Series] | pd.DataFrame | None = None
) -> pd.Series:
    """A Suggestion or None for each of ``values`` (on its index); ``context`` holds the record
    fields the kind reads (e.g. ``country`` for phones), aligned to ``values``' index.

    Each distinct combination of value and context is judged once, so a column of repeated
    country names costs as many lookups as it has distinct names.
    """
    entry = KINDS[kind]
    columns = [values.to_numpy(dtype=object)]
    for name in entry.context:
        if context is None or name not in context:
            columns.append(np.full(len(values), None, dtype=object))
        else:
            columns.append(pd.Series(context[name]).reindex(values.index).to_numpy(dtype=object))
    codes, uniques = zip(*map(_factorize, columns), strict=True)
    if not entry.context:  # one column: its factorized uniques are the distinct cases
        found = np.empty(len(uniques[0]) + 1, dtype=object)  # the last slot: missing values
        distinct_values = list(uniques[0])
        found[:-1] = _batched(kind, entry, distinct_values)
        return pd.Series(found[codes[0]], index=values.index, dtype=object)
    combined = np.zeros(len(values), dtype=np.int64)
    for column_codes, column_uniques in zip(codes, uniques, strict=True):
        combined = combined * (len(column_uniques) + 1) + (column_codes + 1)
    distinct, first = np.unique(combined, return_index=True)
    found = np.empty(len(distinct), dtype=object)
    for k, row in enumerate(first.tolist()):
        cells = [None if c[row] < 0 else u[c[row]] for c, u in zip(codes, uniques, strict=True)]
        found[k] = suggest_one(kind, *cells)
    return pd.Series(found[np.searchsorted(distinct, combined)], index=values.index, dtype=object)


def suggest_references(values: pd.Series, names: pd.Series, index: KeyIndex) -> pd.Series:
    """For failing reference keys with the name their record gives: the existing key one
    edit away with that name (:class:`KeyIndex`), as Suggestions on ``values``' index."""
    reason = reason_text("reference")
    out: dict[tuple[object, object], Suggestion | None] = {}
    result = []
    for value, name in zip(values.tolist(), names.reindex(values.index).tolist(), strict=True):
        key = (value, name) if _hashable(value) and _hashable(name) else None
        if key is not None and key in out:
            result.append(out[key])
            continue
        text, name_text = plain_text(value), plain_text(name)
        found = None
        if text is not None and (fixed := index.suggest(text, name_text)) is not None:
            found = Suggestion(text, fixed, reason)
        if key is not None:
            out[key] = found
        result.append(found)
    return pd.Series(result, index=values.index, dtype=object)


def _batched(kind: str, entry: Kind, values: list[object]) -> list[Suggestion | None]:
    texts = [plain_text(v) for v in values]
    todo = [t for t in texts if t is not None]
    if entry.batch is None:
        return [suggest_one(kind, value) for value in values]
    try:
        fixed = iter(entry.batch(todo))
    except Exception:  # as suggest_one: a library's surprise means no suggestion
        return [None] * len(values)
    reason = reason_text(kind)
    out: list[Suggestion | None] = []
    for text in texts:
        if text is None:
            out.append(None)
            continue
        new = next(fixed)
        out.append(None if new is None or new == text else Suggestion(text, new, reason))
    return out


def _factorize(column: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    try:
        return pd.factorize(column)
    except TypeError:  # list-like cells: never a value with a suggestion
        cells = np.array([c if _hashable(c) else None for c in column], dtype=object)
        return pd.factorize(cells)


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
