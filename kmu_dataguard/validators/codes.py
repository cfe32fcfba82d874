"""Validators for coded values: country (ISO 3166-1), currency (ISO 4217), unit (UN/ECE Rec 20).

Codes are compared exactly after trimming surrounding spaces: ``de`` or ``eur`` is not a code,
and e-invoicing validators (BR-CL-14, BR-CL-04, BR-CL-23) reject them too.
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import pycountry

from kmu_dataguard.validators._common import map_distinct
from kmu_dataguard.validators.codelists import unit_codes

__all__ = ["valid_country_code", "valid_currency_code", "valid_unit_code"]


@cache
def _countries() -> frozenset[str]:
    return frozenset(country.alpha_2 for country in pycountry.countries)


@cache
def _currencies() -> frozenset[str]:
    return frozenset(currency.alpha_3 for currency in pycountry.currencies)


def valid_country_code(values: pd.Series) -> pd.Series:
    """ISO 3166-1 alpha-2 country code in upper case (pycountry); ``EL`` is not one (use GR)."""
    countries = _countries()
    return map_distinct(values, lambda text: text.strip() in countries)


def valid_currency_code(values: pd.Series) -> pd.Series:
    """ISO 4217 alphabetic currency code in upper case (pycountry)."""
    currencies = _currencies()
    return map_distinct(values, lambda text: text.strip() in currencies)


def valid_unit_code(values: pd.Series) -> pd.Series:
    """UN/ECE Recommendation 20 unit code (``H87`` piece, ``KGM`` kilogram), as EN 16931 allows."""
    codes = unit_codes()
    return map_distinct(values, lambda text: text.strip() in codes)
