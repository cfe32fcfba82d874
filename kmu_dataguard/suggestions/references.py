"""A mistyped reference key → the one existing key one edit away whose record has the same name.

An order's ``customer_id`` ``K1O23`` with name ``Müller GmbH`` becomes ``K1023`` only if
``K1023`` is the single existing key within edit distance 1 and its customer is named
``Müller GmbH`` too (compared folded: case, umlauts, punctuation). No candidate, or two, or a
different name: no suggestion.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz.distance import Levenshtein

from kmu_dataguard.suggestions._text import fold, plain_text

__all__ = ["KeyIndex"]

_MAX_KEY = 64  # longer keys are not indexed: a deletion index grows with key length


class KeyIndex:
    """The existing keys with their names, indexed by single-character deletions so that the
    keys one edit away from a value are found without comparing it with every key."""

    def __init__(self, keys: Iterable[object], names: Iterable[object]) -> None:
        # Names are folded only when a key is a candidate: most never are.
        self._names: dict[str, list[object]] = {}
        self._by_deletion: dict[str, list[str]] = defaultdict(list)
        self._folded: dict[str, frozenset[str]] = {}
        for raw_key, raw_name in zip(keys, names, strict=True):
            key = raw_key.strip() if isinstance(raw_key, str) else plain_text(raw_key)
            if not key or len(key) > _MAX_KEY:
                continue
            known = self._names.get(key)
            if known is not None:
                known.append(raw_name)
                continue
            self._names[key] = [raw_name]
            for variant in _deletions(key):
                self._by_deletion[variant].append(key)

    def __contains__(self, key: str) -> bool:
        return key in self._names

    def candidates(self, value: str) -> set[str]:
        """Existing keys within edit distance 1 of ``value`` (``value`` itself excluded)."""
        found: set[str] = set()
        for variant in _deletions(value):
            found.update(self._by_deletion.get(variant, ()))
        found.discard(value)
        return {key for key in found if Levenshtein.distance(key, value, score_cutoff=1) <= 1}

    def _folded_names(self, key: str) -> frozenset[str]:
        folded = self._folded.get(key)
        if folded is None:
            names = self._names[key]
            folded = frozenset(fold(t) if (t := plain_text(n)) else "" for n in names)
            self._folded[key] = folded
        return folded

    def suggest(self, value: str, name: str | None) -> str | None:
        """The single key one edit from ``value`` whose record is named ``name``, else None."""
        value = value.strip()
        if not value or len(value) > _MAX_KEY or value in self._names or name is None:
            return None
        wanted = fold(name)
        if not wanted:
            return None
        matches = [k for k in self.candidates(value) if self._folded_names(k) == {wanted}]
        return matches[0] if len(matches) == 1 else None


def _deletions(key: str) -> set[str]:
    """``key`` and every string one deletion shorter: two strings within edit distance 1
    always share one of these (symmetric-deletion lookup)."""
    return {key, *(key[:i] + key[i + 1 :] for i in range(len(key)))}
