"""Numbers written as text in German exports (decimal comma, dot as thousands separator)
and the VAT rates a country allows."""

from __future__ import annotations

import math
import re
from functools import cache

import pandas as pd

from kmu_dataguard.validators._common import as_text, is_missing, map_distinct, map_distinct_pairs
from kmu_dataguard.validators.codelists import vat_rates

__all__ = [
    "allowed_vat_rate_for_country",
    "parse_decimal",
    "parse_rate",
    "valid_decimal",
    "valid_vat_rate",
]


@cache
def _decimal_pattern(decimal_separator: str, thousands_separator: str) -> re.Pattern[str]:
    dec, tho = re.escape(decimal_separator), re.escape(thousands_separator)
    integer = rf"\d{{1,3}}(?:{tho}\d{{3}})+|\d+" if thousands_separator else r"\d+"
    return re.compile(rf"[+-]?(?:{integer})(?:{dec}\d+)?")


def parse_decimal_text(
    text: str, decimal_separator: str = ",", thousands_separator: str = "."
) -> float | None:
    """``"1.234,50"`` → 1234.5; None where the text is not a number in that notation.

    Thousands separators must group exactly three digits, so with the German defaults
    ``"12.50"`` is not a number (it is a mixed-up English notation) while ``"12.500"`` is 12500.
    ``decimal_separator="auto"`` accepts German and English notation (German first): canonical
    tables hold ``"12.50"`` from databases and ``"12,50"`` from German exports side by side.
    """
    if decimal_separator == "auto":
        for dec, tho in ((",", "."), (".", ",")):
            number = parse_decimal_text(text, dec, tho)
            if number is not None:
                return number
        return None
    if decimal_separator == thousands_separator:
        raise ValueError("decimal and thousands separator must differ")
    stripped = text.strip()
    if not _decimal_pattern(decimal_separator, thousands_separator).fullmatch(stripped):
        return None
    if thousands_separator:
        stripped = stripped.replace(thousands_separator, "")
    return float(stripped.replace(decimal_separator, "."))


def parse_decimal(
    values: pd.Series, decimal_separator: str = ",", thousands_separator: str = "."
) -> pd.Series:
    """Parse text numbers to float64 on the same index; missing or unparseable → NaN."""
    cache_: dict[str, float] = {}

    def one(value: object) -> float:
        if is_missing(value):
            return math.nan
        text = as_text(value)
        if text not in cache_:
            parsed = (
                parse_decimal_text(text, decimal_separator, thousands_separator)
                if len(text) <= 100
                else None
            )
            cache_[text] = math.nan if parsed is None else parsed
        return cache_[text]

    return values.map(one).astype("float64")


def valid_decimal(
    values: pd.Series,
    decimal_separator: str = ",",
    thousands_separator: str = ".",
    min_value: float | None = None,
    max_value: float | None = None,
) -> pd.Series:
    """Number in the given notation (German by default) and, if given, within the bounds."""
    if decimal_separator == thousands_separator:
        raise ValueError("decimal and thousands separator must differ")

    def judge(text: str) -> bool:
        number = parse_decimal_text(text, decimal_separator, thousands_separator)
        if number is None or not math.isfinite(number):
            return False
        if min_value is not None and number < min_value:
            return False
        return max_value is None or number <= max_value

    return map_distinct(values, judge)


def parse_rate(text: str) -> float | None:
    """A VAT rate in percent as written: ``"19"``, ``"19,00"``, ``"7.0"``, ``"19 %"``; else None.

    Fractions (``0.19``) are not accepted: they are read as 0.19 percent, which no country has.
    """
    stripped = text.strip().removesuffix("%").strip().replace(",", ".")
    if not re.fullmatch(r"\d{1,3}(?:\.\d{1,4})?", stripped):
        return None
    return round(float(stripped), 4)


def _rate_allowed(rate_text: str, country: str | None) -> bool:
    rate = parse_rate(rate_text)
    if rate is None:
        return False
    if country is None:
        return True  # the country's not-null check reports the missing country
    allowed = vat_rates().get(country.strip().upper())
    return True if allowed is None else rate in allowed


def valid_vat_rate(values: pd.Series, country: str = "DE") -> pd.Series:
    """VAT rate in percent that ``country`` applies (DE: 0, 7, 19), e.g. for an article table.

    A country without a listed rate table accepts any well-formed rate.
    """
    return map_distinct(values, lambda text: _rate_allowed(text, country))


def allowed_vat_rate_for_country(rate: pd.Series, country: pd.Series) -> pd.Series:
    """VAT rate in percent that the row's country applies; unparseable rates are invalid.

    Rows with a missing country, or a country without a listed rate table, are only checked
    for being a well-formed rate.
    """
    return map_distinct_pairs(rate, country, _rate_allowed)
