"""Phone numbers in E.164 and text without stray whitespace."""

from __future__ import annotations

import re

import phonenumbers

from kmu_dataguard.suggestions._text import safely

__all__ = ["phone_form", "trimmed"]

_INTERNATIONAL = re.compile(r"^\s*(\+|00)")
_SPACES = re.compile(r"\s+")


@safely
def phone_form(text: str, country: str | None) -> str | None:
    """``0351 4567 890`` with country ``DE`` → ``+493514567890``, if libphonenumber finds the
    number valid. A number in national form needs the record's country: without one (or with
    a country libphonenumber does not know) reading it would be a guess."""
    region = (country or "").strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        if not _INTERNATIONAL.match(text):
            return None
        region = "ZZ"  # "+49 ..." or "0049 ...": the number names its own country
    if text.lstrip().startswith("00"):
        text = "+" + text.lstrip()[2:]
    number = phonenumbers.parse(text, region)
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def trimmed(text: str) -> str | None:
    """The text without surrounding whitespace, inner runs of whitespace (tabs, no-break spaces,
    line breaks) one space; None when nothing changes or nothing is left."""
    clean = _SPACES.sub(" ", text).strip()
    return clean if clean and clean != text else None
