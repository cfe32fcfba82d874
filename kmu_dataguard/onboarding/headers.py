"""Header matching: which canonical column a file's header names, and how sure that is.

Headers are compared after :func:`normalise` (case, umlauts, punctuation and spaces dropped, so
``USt-IdNr.``, ``ust idnr`` and ``UStIdNr`` are one header), then without a trailing number
(``E-Mail 1``), then fuzzily (rapidfuzz) above :data:`FUZZY_CUTOFF`. The header variants per
canonical column (and ``KEY``, a generic record number) are in
:mod:`kmu_dataguard.onboarding.header_words`, re-exported here.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import NamedTuple

from kmu_dataguard.onboarding.header_words import HEADERS, KEY

__all__ = [
    "FUZZY_CUTOFF",
    "HEADERS",
    "KEY",
    "HeaderMatch",
    "match_header",
    "normalise",
]

#: Fuzzy matches below this rapidfuzz ratio (0-100) are no match.
FUZZY_CUTOFF = 88.0
_FUZZY_MIN_LENGTH = 5  # shorter headers ("Ort", "ME") match exactly or not at all
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_TRAILING_NUMBER = re.compile(r"(?<=[a-z])\d{1,2}$")


def normalise(header: str) -> str:
    """``"USt-IdNr."`` → ``"ustidnr"``: case folded, umlauts spelt out, only letters and digits."""
    text = str(header).casefold().translate(_UMLAUTS)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_ALNUM.sub("", text)


class HeaderMatch(NamedTuple):
    """The canonical column (or KEY) a header names, and how sure the match is (0..1)."""

    canonical: str
    confidence: float


@cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for canonical, variants in HEADERS.items():
        for variant in (canonical, *variants):
            index.setdefault(normalise(variant), canonical)
    return index


def match_header(header: str) -> HeaderMatch | None:
    """The canonical column ``header`` names, with a confidence, or None."""
    norm = normalise(header)
    if not norm:
        return None
    index = _index()
    if norm in index:
        return HeaderMatch(index[norm], 1.0)
    stripped = _TRAILING_NUMBER.sub("", norm)
    if stripped != norm and stripped in index:
        return HeaderMatch(index[stripped], 0.95)
    if len(norm) < _FUZZY_MIN_LENGTH:
        return None
    from rapidfuzz import fuzz, process

    best = process.extractOne(norm, list(index), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    if best is None:
        return None
    return HeaderMatch(index[best[0]], round(0.9 * best[1] / 100, 2))
