"""Address keys for comparison: street and house number, postal code, city."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from kmu_dataguard.consistency._folding import cell_text, fold_text

__all__ = ["city_key", "postal_key", "street_key"]

_STREET_SUFFIX = re.compile(r"(?:strasse|strase|strabe|str)\b")
_HOUSE_NUMBER = re.compile(r"(\d+)\s*([a-z])?\b")
_PLATZ = re.compile(r"\bpl\b|platz\b")


@lru_cache(maxsize=262144)
def _street_key_text(text: str) -> tuple[str, str]:
    folded = fold_text(text)
    number = _HOUSE_NUMBER.search(folded)
    house = (number.group(1) + (number.group(2) or "")) if number else ""
    name = folded[: number.start()] if number else folded
    name = _PLATZ.sub("pl", _STREET_SUFFIX.sub("str", name))
    return name.replace(" ", ""), house


def street_key(value: Any) -> tuple[str, str]:
    """(street, house number): ``Hauptstraße 12 a``, ``Haupt-Str. 12a`` → ``hauptstr``, ``12a``."""
    return _street_key_text(cell_text(value))


def postal_key(value: Any, country: Any = None) -> str:
    """Postal code without spaces and ``D-`` prefix; a German code that lost its leading zero
    in a spreadsheet (``1067``) gets it back."""
    text = cell_text(value).upper().replace(" ", "")
    if text[:2] in ("D-", "A-") or text[:3] == "CH-":
        text = text.split("-", 1)[1]
    text = "".join(c for c in text if c.isalnum())
    land = cell_text(country).upper()
    if text.isdigit() and len(text) == 4 and land in ("", "DE", "DEU", "DEUTSCHLAND", "GERMANY"):
        text = "0" + text
    return text


@lru_cache(maxsize=65536)
def _city_key_text(text: str) -> str:
    words = fold_text(text).split()
    if not words:
        return ""
    # "Frankfurt am Main" / "Frankfurt/M." / "Frankfurt": the first word decides, except
    # where it is a prefix shared by many towns (Bad Homburg, Sankt Augustin, Neu-Ulm).
    if len(words) > 1 and words[0] in {"bad", "sankt", "st", "neu", "alt", "gross", "klein"}:
        return words[0] + " " + words[1]
    return words[0]


def city_key(value: Any) -> str:
    """City for comparison: ``Frankfurt am Main``, ``Frankfurt/M.`` → ``frankfurt``."""
    return _city_key_text(cell_text(value))
