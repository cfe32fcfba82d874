"""Currency names and symbols in German and English → ISO 4217.

Names are pycountry's and their German translations (``pycountry.LOCALES_DIR``); the symbols
and short forms below are what price lists and exports write. ``$``, ``Dollar``, ``¥``,
``Krone`` or ``Franc`` mean several currencies and get no suggestion.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from functools import cache

import pycountry

from kmu_dataguard.suggestions._text import fold, unambiguous

__all__ = ["currency_code"]

# Folding drops symbols, so they are looked up as written (after trimming), before folding.
_SYMBOLS: dict[str, str] = {
    "€": "EUR",
    "£": "GBP",
    "zł": "PLN",
    "Kč": "CZK",
    "₺": "TRY",
    "₽": "RUB",
    "₹": "INR",
    "US$": "USD",
    "CA$": "CAD",
    "A$": "AUD",
}
_VARIANTS: dict[str, str] = {
    "Euro": "EUR",
    "Euros": "EUR",
    "EUR.": "EUR",
    "sFr": "CHF",
    "SFr.": "CHF",
    "Franken": "CHF",
    "Schweizer Franken": "CHF",
    "US-Dollar": "USD",
    "US Dollar": "USD",
    "britisches Pfund": "GBP",
    "Zloty": "PLN",
    "Forint": "HUF",
}
_AMBIGUOUS = (
    *("Dollar", "Krone", "Kronen", "Franc", "Fr", "Pfund"),
    *("Yen", "Yuan", "Peso", "Dinar", "Rupie"),
)


def _names() -> Iterator[tuple[str, str]]:
    german = gettext.translation("iso4217", pycountry.LOCALES_DIR, languages=["de"])
    for currency in pycountry.currencies:
        code = currency.alpha_3
        yield code, code
        yield currency.name, code
        yield german.gettext(currency.name), code
    yield from _VARIANTS.items()


@cache
def _table() -> dict[str, str]:
    return unambiguous(_names(), _AMBIGUOUS)


def currency_code(text: str) -> str | None:
    """The ISO 4217 code ``text`` names (``Euro``, ``€``, ``sFr``), or None when it names none
    or several (``$``)."""
    stripped = text.strip()
    return _SYMBOLS.get(stripped) or _table().get(fold(stripped))
