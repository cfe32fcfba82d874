"""Country names in German and English (and common variants) → ISO 3166-1 alpha-2.

The names are pycountry's (name, official and common name, alpha-3 code) and their German
translations from the iso-codes catalogues pycountry ships (``pycountry.LOCALES_DIR``); the
variants below are what German master data writes besides them. A name that leads to two
countries (``Kongo``, ``Korea``) gets no suggestion.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from functools import cache

import pycountry

from kmu_dataguard.suggestions._text import fold, unambiguous

__all__ = ["country_code"]

# Spellings seen in exports that neither pycountry nor its German catalogue has.
_VARIANTS: dict[str, str] = {
    "BRD": "DE",
    "Bundesrepublik Deutschland": "DE",
    "Deutschland (BRD)": "DE",
    "Oesterreich": "AT",
    "Republik Österreich": "AT",
    "Schweizerische Eidgenossenschaft": "CH",
    "Suisse": "CH",
    "Svizzera": "CH",
    "Holland": "NL",
    "Tschechische Republik": "CZ",
    "Czech Republic": "CZ",
    "Großbritannien": "GB",
    "Great Britain": "GB",
    "UK": "GB",
    "U.K.": "GB",
    "England": "GB",
    "USA": "US",
    "U.S.A.": "US",
    "Vereinigte Staaten": "US",
    "Vereinigte Staaten von Amerika": "US",
    "Russland": "RU",
    "Türkei": "TR",
    "Turkey": "TR",
}
# Names that mean more than one country however they are written.
_AMBIGUOUS = ("Kongo", "Congo", "Korea", "Jungferninseln", "Virgin Islands", "Guinea")


def _names() -> Iterator[tuple[str, str]]:
    german = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"])
    for country in pycountry.countries:
        code = country.alpha_2
        yield code, code
        yield country.alpha_3, code
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if name:
                yield name, code
                yield german.gettext(name), code
    yield from _VARIANTS.items()


@cache
def _table() -> dict[str, str]:
    return unambiguous(_names(), _AMBIGUOUS)


def country_code(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code ``text`` names, or None when it names none or several."""
    return _table().get(fold(text))
