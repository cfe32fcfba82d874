"""Comparison keys for business partners: names, streets, postal codes, cities, identifiers.

Keys are for matching only, never for display. They fold everything a clerk may type
differently for the same partner: case, umlauts in all three spellings (Müller, Mueller,
Muller → ``muller``), accents, punctuation, legal forms (GmbH, Gesellschaft mit beschränkter
Haftung, UG (haftungsbeschränkt), GmbH & Co. KG, e.K., S.A.R.L., ...), street suffixes
(Straße, Str., strasse → ``str``) and identifier formatting (spaces, case, doubled country
prefixes, ``mailto:``). Every function takes any cell value and returns ``""`` / ``None`` for
missing or unusable input rather than raising.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from kmu_dataguard.consistency.reasons import reason_text

__all__ = [
    "FREEMAIL_DOMAINS",
    "city_key",
    "email_key",
    "fold",
    "identifier_key",
    "legal_form",
    "name_conflict",
    "name_key",
    "postal_key",
    "street_key",
]

# Master-data fields are short; anything longer is cut before any work is done on it.
MAX_FIELD = 200

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss", "&": " und "})
# After ä→ae, the three spellings of Müller differ only in ae/oe/ue vs a/o/u: fold them all.
# On folded text ([a-z0-9] words, single spaces): after a letter or at a word's start.
_DIGRAPHS = re.compile(r"(?<![0-9])([aou])e")
_SINGLE_LETTER_DOT = re.compile(r"\b([a-z])\.")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

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


_LEGAL_RE = re.compile(r"\b(?:" + _word_alternation(_LEGAL_FORMS) + r")\b")
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

_STREET_SUFFIX = re.compile(r"(?:strasse|strase|strabe|str)\b")
_HOUSE_NUMBER = re.compile(r"(\d+)\s*([a-z])?\b")
_PLATZ = re.compile(r"\bpl\b|platz\b")

_PLACEHOLDERS = frozenset(
    {"na", "nv", "none", "null", "nan", "keine", "kein", "unbekannt", "fehlt", "tbd", "xxx"}
)
_DOUBLED_PREFIX = re.compile(r"^([A-Z]{2})\1(?=[0-9A-Z]{5,})")
_IBAN_PREFIX = re.compile(r"^IBAN")
_MAILTO = re.compile(r"^\s*mailto:", re.IGNORECASE)
_ANGLE = re.compile(r"<([^<>@\s]+@[^<>\s]+)>")

# Mailbox providers: a shared domain there says nothing about the partner.
FREEMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "gmx.de",
        "gmx.net",
        "gmx.at",
        "gmx.ch",
        "web.de",
        "t-online.de",
        "freenet.de",
        "arcor.de",
        "posteo.de",
        "mailbox.org",
        "online.de",
        "vodafone.de",
        "email.de",
        "aol.com",
        "aol.de",
        "icloud.com",
        "me.com",
        "yahoo.com",
        "yahoo.de",
        "hotmail.com",
        "hotmail.de",
        "outlook.com",
        "outlook.de",
        "live.com",
        "live.de",
        "msn.com",
        "proton.me",
        "protonmail.com",
        "bluewin.ch",
        "a1.net",
        "example.com",
        "example.de",
    }
)


def _text(value: Any) -> str:
    """A cell as stripped text, ``""`` for None/NaN/NA and anything that is not text-like."""
    if value is None:
        return ""
    if isinstance(value, bytes | bytearray):
        value = bytes(value).decode("utf-8", errors="replace")
    elif not isinstance(value, str):
        if isinstance(value, float) and value != value:  # NaN
            return ""
        try:
            import pandas as pd

            if pd.isna(value):
                return ""
        except (TypeError, ValueError):
            pass
        value = str(value)
    return value[:MAX_FIELD].strip()


@lru_cache(maxsize=262144)
def _fold_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().translate(_UMLAUTS)
    if not text.isascii():  # accents (é, ç; ł is left as is) go, the base letter stays
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    text = _SINGLE_LETTER_DOT.sub(r"\1", text)  # e.K. → ek, G.m.b.H. → gmbh, S.A.R.L. → sarl
    return _DIGRAPHS.sub(_first_group, _NON_ALNUM.sub(" ", text).strip())


def _first_group(match: re.Match[str]) -> str:
    return match.group(1)


def fold(value: Any) -> str:
    """Lower case, umlauts in every spelling and accents folded, punctuation to single spaces."""
    return _fold_text(_text(value))


@lru_cache(maxsize=262144)
def _name_key_text(text: str) -> str:
    return name_key_of_folded(_fold_text(text))


def name_key_of_folded(folded: str) -> str:
    """:func:`name_key` of text already passed through :func:`fold`."""
    folded = _U_AND.sub("und", folded)  # "GmbH u. Co. KG"
    stripped = _LEGAL_RE.sub(" ", folded)
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
    return _name_key_text(_text(value))


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


@lru_cache(maxsize=262144)
def _legal_form_text(text: str) -> str:
    return legal_form_of_folded(_fold_text(text))


def legal_form_of_folded(folded: str) -> str:
    """:func:`legal_form` of text already passed through :func:`fold`."""
    families = {_FORM_FAMILY.get(m, m) for m in _LEGAL_RE.findall(folded)}
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
    return _legal_form_text(_text(value))


@lru_cache(maxsize=262144)
def _street_key_text(text: str) -> tuple[str, str]:
    folded = _fold_text(text)
    number = _HOUSE_NUMBER.search(folded)
    house = (number.group(1) + (number.group(2) or "")) if number else ""
    name = folded[: number.start()] if number else folded
    name = _PLATZ.sub("pl", _STREET_SUFFIX.sub("str", name))
    return name.replace(" ", ""), house


def street_key(value: Any) -> tuple[str, str]:
    """(street, house number): ``Hauptstraße 12 a``, ``Haupt-Str. 12a`` → ``hauptstr``, ``12a``."""
    return _street_key_text(_text(value))


def postal_key(value: Any, country: Any = None) -> str:
    """Postal code without spaces and ``D-`` prefix; a German code that lost its leading zero
    in a spreadsheet (``1067``) gets it back."""
    text = _text(value).upper().replace(" ", "")
    if text[:2] in ("D-", "A-") or text[:3] == "CH-":
        text = text.split("-", 1)[1]
    text = "".join(c for c in text if c.isalnum())
    land = _text(country).upper()
    if text.isdigit() and len(text) == 4 and land in ("", "DE", "DEU", "DEUTSCHLAND", "GERMANY"):
        text = "0" + text
    return text


@lru_cache(maxsize=65536)
def _city_key_text(text: str) -> str:
    words = _fold_text(text).split()
    if not words:
        return ""
    # "Frankfurt am Main" / "Frankfurt/M." / "Frankfurt": the first word decides, except
    # where it is a prefix shared by many towns (Bad Homburg, Sankt Augustin, Neu-Ulm).
    if len(words) > 1 and words[0] in {"bad", "sankt", "st", "neu", "alt", "gross", "klein"}:
        return words[0] + " " + words[1]
    return words[0]


def city_key(value: Any) -> str:
    """City for comparison: ``Frankfurt am Main``, ``Frankfurt/M.`` → ``frankfurt``."""
    return _city_key_text(_text(value))


def identifier_key(value: Any) -> str | None:
    """A strong identifier (VAT ID, IBAN, tax number, GLN) as upper-case letters and digits.

    Doubled country prefixes (``DEDE123456789``) and an ``IBAN`` label are removed; placeholders
    (``n/a``, ``0000000``, ``unbekannt``) and values shorter than 5 characters are None.
    """
    text = "".join(c for c in _text(value).upper() if c.isalnum())
    text = _IBAN_PREFIX.sub("", text)
    text = _DOUBLED_PREFIX.sub(r"\1", text)
    if (
        len(text) < 5
        or text.lower() in _PLACEHOLDERS
        or len(set(text.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))) <= 1
    ):
        return None
    return text


def email_key(value: Any) -> str | None:
    """E-mail address for comparison: ``mailto:`` and ``Name <...>`` removed, lower case."""
    text = _MAILTO.sub("", _text(value))
    inner = _ANGLE.search(text)
    if inner:
        text = inner.group(1)
    text = text.strip().strip("<>").replace(" ", "").lower()
    local, at, domain = text.rpartition("@")
    if not at or not local or "." not in domain:
        return None
    return f"{local}@{domain}"
