"""Validator for postal codes by country, driven by ``expectations/codelists/postal_codes.csv``."""

from __future__ import annotations

import pandas as pd

from kmu_dataguard.validators._common import map_distinct_pairs
from kmu_dataguard.validators.codelists import postal_code_patterns

__all__ = ["valid_postal_code_for_country"]


def _postal_valid_for(postal: str, country: str | None) -> bool:
    if country is None:
        return True  # the country's not-null check reports the missing country
    pattern = postal_code_patterns().get(country.strip().upper())
    if pattern is None:
        return True  # no known format (or no postal codes) for that country: nothing to judge
    # Letters may come in lower case from hand-typed exports; the structure must be exact.
    return pattern.fullmatch(postal.strip().upper()) is not None


def valid_postal_code_for_country(postal: pd.Series, country: pd.Series) -> pd.Series:
    """Postal code in the format of the row's country (DE five digits, NL ``1234 AB``, ...).

    Leading zeros matter: ``01067`` (Dresden) is valid, ``1067`` is not. Rows with a missing
    country, or a country without a listed format, are ``True``.
    """
    return map_distinct_pairs(postal, country, _postal_valid_for)
