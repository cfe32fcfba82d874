"""Partner names for comparison: name keys without legal form, and the conflicts (numbers,
distinctive words) that make two similar names two companies."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from kmu_dataguard.consistency._folding import cell_text, fold_text
from kmu_dataguard.consistency._legal_forms import LEGAL_RE
from kmu_dataguard.consistency.reasons import reason_text

__all__ = ["name_conflict", "name_key", "name_key_of_folded"]

_U_AND = re.compile(r"\bu\b")
# Abbreviations that stand for a longer word in company names.
_ABBREVIATIONS = {
    "gebr": "gebruder",
    "gebrueder": "gebruder",
    "u": "und",
    "intl": "international",
    "int": "international",
    "techn": "technik",
    "hdl": "handel",
    "vertr": "vertrieb",
    "verw": "verwaltung",
    "verwaltungs": "verwaltung",
    "dtl": "deutschland",
    "dt": "deutsche",
    "st": "sankt",
}


@lru_cache(maxsize=262144)
def _name_key_text(text: str) -> str:
    return name_key_of_folded(fold_text(text))


def name_key_of_folded(folded: str) -> str:
    """:func:`name_key` of text already passed through :func:`fold`."""
    folded = _U_AND.sub("und", folded)  # "GmbH u. Co. KG"
    stripped = LEGAL_RE.sub(" ", folded)
    words = [
        _ABBREVIATIONS.get(w, w)
        for w in stripped.split()
        # "haftungsbeschränkd", "haftungsbeschrankt": a legal form with a typo is still one.
        if not (w[:4] == "haft" and Levenshtein.distance(w, "haftungsbeschrankt") <= 3)
    ]
    # A name that is nothing but a legal form ("GmbH") keeps it rather than becoming empty.
    return " ".join(words) if words else folded


def name_key(value: Any) -> str:
    """Partner name for comparison: folded, legal forms removed, common abbreviations spelled out.

    ``Müller Bau GmbH & Co. KG``, ``Mueller Bau GmbH u. Co KG`` and ``MULLER BAU`` → ``muller bau``.
    """
    return _name_key_text(cell_text(value))


# Words that make a different company of the same family: the Verwaltungs-GmbH of a GmbH &
# Co. KG, the holding, the branch of a region. One name having it and the other not is a conflict.
_DISTINCTIVE = frozenset(
    {
        "verwaltung",
        "verwaltungsgesellschaft",
        "holding",
        "beteiligung",
        "beteiligungs",
        "beteiligungsgesellschaft",
        "komplementar",
        "grundbesitz",
        "immobilien",
        "vermogensverwaltung",
        "service",
        "services",
        "vertrieb",
        "international",
        "deutschland",
        "europe",
        "nord",
        "sud",
        "ost",
        "west",
        "mitte",
        "niederlassung",
        "zweigniederlassung",
        "filiale",
        "stiftung",
        "management",
        "invest",
        "capital",
    }
)
_ORDINALS = {
    w: str(i)
    for i, w in enumerate(
        [
            "erste",
            "zweite",
            "dritte",
            "vierte",
            "funfte",
            "sechste",
            "siebte",
            "achte",
            "neunte",
            "zehnte",
            "elfte",
            "zwolfte",
        ],
        start=1,
    )
}
_ROMAN = {
    w: str(i)
    for i, w in enumerate(
        [
            "i",
            "ii",
            "iii",
            "iv",
            "v",
            "vi",
            "vii",
            "viii",
            "ix",
            "x",
            "xi",
            "xii",
            "xiii",
            "xiv",
            "xv",
            "xvi",
            "xvii",
            "xviii",
            "xix",
            "xx",
        ],
        start=1,
    )
}


def _numbers(words: list[str]) -> set[str]:
    found = set()
    for w in words:
        if w.isdigit():
            found.add(w.lstrip("0") or "0")
        elif w in _ORDINALS:
            found.add(_ORDINALS[w])
        elif w in _ROMAN:
            found.add(_ROMAN[w])
        elif w[:-1] in _ORDINALS and w[-1] in "rns":  # zweiter, zweiten, zweites
            found.add(_ORDINALS[w[:-1]])
    return found


@lru_cache(maxsize=262144)
def name_conflict(a: str, b: str) -> str | None:
    """Why two name keys are different partners however similar they look, or None.

    Numbered companies (``Schiffsfonds II`` / ``III``, ``Erste`` / ``Zweite``) and a
    distinctive word on one side only (``Verwaltung``, ``Holding``, ``Nord``) are conflicts;
    a typo of the word on the other side is not.
    """
    wa, wb = a.split(), b.split()
    na, nb = _numbers(wa), _numbers(wb)
    if na != nb:
        return reason_text("different_numbers")
    for mine, other in ((wa, wb), (wb, wa)):
        for word in mine:
            if word in _DISTINCTIVE and not any(fuzz.ratio(word, o) >= 80 for o in other):
                return reason_text("only_one", word=repr(word))
    return None
