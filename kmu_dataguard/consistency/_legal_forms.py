"""Legal forms of partner names: GmbH, UG (haftungsbeschränkt), GmbH & Co. KG, e.K., S.A.R.L.

Found on folded text (:mod:`._folding`) by one regular expression built as a trie, and
grouped into families: two records whose families differ are two companies.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from kmu_dataguard.consistency._folding import cell_text, fold_text

__all__ = ["LEGAL_RE", "legal_form", "legal_form_of_folded"]

# Legal forms as they look after fold() (dots of one-letter abbreviations removed, punctuation
# to spaces, umlauts folded). Longest first, so "gmbh und co kg" goes before "gmbh".
_LEGAL_FORMS = sorted(
    [
        "gesellschaft mit beschrankter haftung",
        "gemeinnutzige gmbh",
        "gesellschaft mbh",
        "ges mbh",
        "gesmbh",
        "ggmbh",
        "gmbh",
        "mbh",
        "unternehmergesellschaft haftungsbeschrankt",
        "unternehmergesellschaft",
        "ug haftungsbeschrankt",
        "haftungsbeschrankt",
        "ug",
        "und co kgaa",
        "und co kg",
        "und co ohg",
        "und co",
        "und cie",
        "co kg",
        "kgaa",
        "kg",
        "kommanditgesellschaft auf aktien",
        "kommanditgesellschaft",
        "offene handelsgesellschaft",
        "ohg",
        "aktiengesellschaft",
        "ag",
        "se",
        "eingetragener kaufmann",
        "eingetragene kauffrau",
        "e kfm",
        "ekfm",
        "e kfr",
        "ekfr",
        "e k",
        "ek",
        "eingetragener verein",
        "ev",
        "e v",
        "eingetragene genossenschaft",
        "e g",
        "eg",
        "gbr",
        "gesellschaft burgerlichen rechts",
        "partgmbb",
        "partg",
        "partnerschaftsgesellschaft",
        "ltd",
        "limited",
        "inc",
        "llc",
        "llp",
        "plc",
        "corp",
        "sarl",
        "sas",
        "sa",
        "srl",
        "spa",
        "bv",
        "nv",
        "ab",
        "oy",
        "as",
        "aps",
        "kft",
        "sro",
        "sp z o o",
        "spzoo",
    ],
    key=len,
    reverse=True,
)


def _word_alternation(words: list[str]) -> str:
    """A regex matching any of ``words``, as a trie: ``gmbh(?: und co kg|)`` for two of them.

    Python's ``re`` tries a plain alternation's branches one after another at every position,
    so this is twice as fast on names. Where two words match at one place one is a prefix of
    the other, and the trie tries the longer first, like a longest-first alternation.
    """
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def branches(node: dict[str, dict]) -> str:
        longer = [re.escape(c) + branches(child) for c, child in sorted(node.items()) if c]
        if not longer:
            return ""
        if len(longer) == 1 and "" not in node:
            return longer[0]
        return "(?:" + "|".join(longer) + ("|" if "" in node else "") + ")"

    return branches(trie)


LEGAL_RE = re.compile(r"\b(?:" + _word_alternation(_LEGAL_FORMS) + r")\b")
# The legal-form family of each phrase; a GmbH & Co. KG is a KG, a UG a kind of GmbH.
_FORM_FAMILY = {
    "gesellschaft mit beschrankter haftung": "gmbh",
    "gemeinnutzige gmbh": "gmbh",
    "gesellschaft mbh": "gmbh",
    "ges mbh": "gmbh",
    "gesmbh": "gmbh",
    "ggmbh": "gmbh",
    "gmbh": "gmbh",
    "mbh": "gmbh",
    "unternehmergesellschaft haftungsbeschrankt": "gmbh",
    "unternehmergesellschaft": "gmbh",
    "ug haftungsbeschrankt": "gmbh",
    "haftungsbeschrankt": "gmbh",
    "ug": "gmbh",
    "und co kgaa": "kgaa",
    "kgaa": "kgaa",
    "kommanditgesellschaft auf aktien": "kgaa",
    "und co kg": "kg",
    "co kg": "kg",
    "kg": "kg",
    "kommanditgesellschaft": "kg",
    "und co ohg": "ohg",
    "ohg": "ohg",
    "offene handelsgesellschaft": "ohg",
    "aktiengesellschaft": "ag",
    "ag": "ag",
    "se": "ag",
    "eingetragener kaufmann": "ek",
    "eingetragene kauffrau": "ek",
    "e kfm": "ek",
    "ekfm": "ek",
    "e kfr": "ek",
    "ekfr": "ek",
    "ek": "ek",
    "e k": "ek",
    "e v": "ev",
    "e g": "eg",
    "eingetragener verein": "ev",
    "ev": "ev",
    "eingetragene genossenschaft": "eg",
    "eg": "eg",
    "gbr": "gbr",
    "gesellschaft burgerlichen rechts": "gbr",
}


@lru_cache(maxsize=262144)
def _legal_form_text(text: str) -> str:
    return legal_form_of_folded(fold_text(text))


def legal_form_of_folded(folded: str) -> str:
    """:func:`legal_form` of text already passed through :func:`fold`."""
    families = {_FORM_FAMILY.get(m, m) for m in LEGAL_RE.findall(folded)}
    families.discard("und co")
    families.discard("und cie")
    for strongest in ("kgaa", "kg", "ohg"):  # "GmbH & Co. KG": the company is the KG
        if strongest in families:
            return strongest
    return min(families) if families else ""


def legal_form(value: Any) -> str:
    """The legal-form family of a partner name (``gmbh``, ``kg``, ``ag``, ``ek``...), or ``""``.

    ``Müller GmbH & Co. KG`` → ``kg``; ``Müller Gesellschaft mbH`` and ``Müller UG
    (haftungsbeschränkt)`` → ``gmbh``: two records whose families differ are two companies
    (the Verwaltungs-GmbH and its GmbH & Co. KG), a record without a legal form conflicts with none.
    """
    return _legal_form_text(cell_text(value))
