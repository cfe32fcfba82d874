"""A German postal code that lost its leading zero (``1067`` → ``01067``), when the city agrees.

Spreadsheets read ``01067`` as the number 1067. The zero is put back only where the padded
code is a postal code of the record's city by the shipped list, matched strictly (from the
city's first word, no typos): ``2045 Hamburg`` gets nothing, 02045 is not Hamburg's.
"""

from __future__ import annotations

import re

from kmu_dataguard.suggestions._text import safely
from kmu_dataguard.validators.postal_city import city_matches

__all__ = ["padded_postal_code"]

# "1067", or "1067.0" as a spreadsheet writes the number back out.
_FOUR_DIGITS = re.compile(r"\s*(\d{4})(?:\.0+)?\s*")


@safely
def padded_postal_code(text: str, city: str | None, country: str | None) -> str | None:
    """``0`` + the four digits, if the record is German and the padded code is its city's."""
    if city is None or (country or "").strip().upper() != "DE":
        return None
    found = _FOUR_DIGITS.fullmatch(text)
    if found is None:
        return None
    padded = "0" + found.group(1)
    return padded if city_matches("DE", padded, city, tolerant=False) else None
