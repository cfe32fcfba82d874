"""Postal code and city agree: Germany, Austria, Switzerland, from the shipped GeoNames list.

A false alarm costs a steward more than a missed one, so the comparison is tolerant: case,
``ß``/``ss``, umlauts written out or dropped, abbreviations (``a.M.``, ``St.``, ``b.``),
districts (``Dresden-Neustadt``, ``Hamburg Altona``), a city named by its district alone, or
one typo in a long name all agree. Postal codes the list does not know, malformed postal codes
(the format check reports those) and other countries are not judged.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache

import pandas as pd
from rapidfuzz.distance import Levenshtein

from kmu_dataguard.consistency._folding import fold_text
from kmu_dataguard.validators._common import map_distinct_pairs
from kmu_dataguard.validators.codelists import postal_places

__all__ = ["COUNTRIES", "city_matches", "postal_code_matches_city"]

#: Countries the shipped list covers, with the digits of their postal codes.
COUNTRIES: dict[str, int] = {"DE": 5, "AT": 4, "CH": 4}

# Words that join a name to its river or region ("Frankfurt am Main", "Neustadt a.d. Aisch",
# "Halle (Saale)"): dropped, so every way of writing the joint agrees.
_JOINERS = frozenset(
    {"a", "am", "an", "auf", "b", "bei", "d", "dem", "den", "der", "des", "die", "i", "im"}
    | {"in", "o", "ob", "u", "unter", "v", "vor", "z", "zu", "zum", "zur"}
)
_WORDS = {"st": "sankt", "ste": "sankte"}
_MIN_FUZZY = 6  # one typo is tolerated in names at least this long


@lru_cache(maxsize=65536)
def _tokens(name: str) -> tuple[str, ...]:
    # München, Muenchen and Munchen agree (folding); dots part words, so that "a.d." is two
    # joiners and "o.d.T." ends in an abbreviation of "Tauber", not in one word "odt".
    words = fold_text(name.replace(".", " ")).split()
    return tuple(_WORDS.get(w, w) for w in words if w not in _JOINERS and not w.isdigit())


@cache
def _names(country: str, code: str) -> tuple[tuple[str, ...], ...] | None:
    places = postal_places().get((country, code))
    return None if places is None else tuple(t for t in map(_tokens, places) if t)


def _same_word(a: str, b: str, fuzzy: bool) -> bool:
    if a == b:
        return True
    return fuzzy and min(len(a), len(b)) >= _MIN_FUZZY and Levenshtein.distance(a, b) <= 1


def _agrees(city: tuple[str, ...], name: tuple[str, ...], tolerant: bool) -> bool:
    """``city`` starts like ``name`` (or, tolerant, like a word inside it), word by word; later
    words may be abbreviations of each other (``m`` for ``main``)."""
    starts = range(len(name)) if tolerant else (0,)
    for start in starts:
        if not _same_word(city[0], name[start], tolerant):
            continue
        rest = zip(city[1:], name[start + 1 :], strict=False)
        if all(a.startswith(b) or b.startswith(a) for a, b in rest):
            return True
    return False


def city_matches(country: str, code: str, city: str, *, tolerant: bool = True) -> bool | None:
    """Whether ``city`` is a place of postal code ``code`` in ``country``; None when the list
    does not know the code (or the city has no letters). ``tolerant=False`` (for suggestions)
    wants the name from its first word, without typos."""
    names = _names(country, code)
    tokens = _tokens(city)
    if names is None or not tokens:
        return None
    return any(_agrees(tokens, name, tolerant) for name in names)


def _judge(country: str) -> Callable[[str, str | None], bool]:
    digits = COUNTRIES.get(country)

    def judge(postal: str, city: str | None) -> bool:
        code = postal.strip()
        if city is None or digits is None or len(code) != digits or not code.isdigit():
            return True  # nothing to compare, or the format check's business
        return city_matches(country, code, city) is not False

    return judge


def postal_code_matches_city(postal: pd.Series, city: pd.Series, country: str = "DE") -> pd.Series:
    """The postal code in ``postal`` is one of the city's in ``city`` (rows of ``country``).

    Select the country's rows with a ``row_condition`` (``country == "DE"``). Rows without a
    postal code or a city, codes the list does not know and malformed codes are ``True``.
    """
    return map_distinct_pairs(postal, city, _judge(country.strip().upper()))
