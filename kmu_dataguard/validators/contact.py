"""Validators for contact data: e-mail address syntax and phone numbers (libphonenumber rules)."""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import phonenumbers
from email_validator import EmailNotValidError, validate_email

from kmu_dataguard.validators._common import (
    MAX_TEXT_LENGTH,
    as_text,
    is_missing,
    map_distinct_pairs,
)
from kmu_dataguard.validators._vector import map_fast
from kmu_dataguard.validators.fast_contact import fast_email, fast_phone

__all__ = ["normalise_phone", "valid_email", "valid_phone_for_country", "valid_phone_number"]


def _email_is_valid(text: str) -> bool:
    try:
        # Syntax only: a quality gate must not depend on DNS answers.
        validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def valid_email(values: pd.Series) -> pd.Series:
    """E-mail address with valid syntax (email-validator; no DNS lookup, one address per cell).

    Plain ASCII addresses are decided by a vectorised fast path equivalent to email-validator's
    rules; quoted, bracketed, Punycode and non-ASCII addresses by email-validator itself.
    """
    return map_fast(values, fast_email, _email_is_valid, width=320)


def normalise_phone(text: str, region: str | None = "DE") -> str | None:
    """The number in E.164 form (``+4930123456``) or None if it is not a valid number.

    ``region`` is the country assumed for numbers written without ``+``/``00`` prefix.
    """
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def valid_phone_number(values: pd.Series, default_region: str = "DE") -> pd.Series:
    """Phone number that libphonenumber parses, deems valid and can write in E.164.

    Numbers in national form (``030 1234567``) are read as numbers of ``default_region``.
    """
    region = default_region.upper()
    return _phones_of_region(values, region)


def _phones_of_region(values: pd.Series, region: str) -> pd.Series:
    return map_fast(
        values,
        partial(fast_phone, region=region),
        lambda text: normalise_phone(text, region) is not None,
        width=40,
    )


def _phone_valid_for(text: str, country: str | None) -> bool:
    if country is None:
        return True  # the country's not-null check reports the missing country
    region = country.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        return True  # an unknown country is reported by the country-code check
    return normalise_phone(text, region) is not None


def valid_phone_for_country(phone: pd.Series, country: pd.Series) -> pd.Series:
    """Phone number valid when read with the row's country as home region.

    National numbers (``01511 2345678``) are judged by the rules of the row's country; numbers
    written internationally (``+43 1 ...``) are judged by their own country's rules, since a
    customer may well be reached abroad. Rows with a missing or unknown country are ``True``:
    the country checks report those.
    """
    country = country.reindex(phone.index)
    if pd.api.types.infer_dtype(country, skipna=True) not in ("string", "empty"):
        return map_distinct_pairs(phone, country, _phone_valid_for)
    codes, uniques = pd.factorize(country.to_numpy(dtype=object), use_na_sentinel=True)
    result = np.ones(len(phone), dtype=bool)  # missing or unknown country: True
    for code, rows in pd.Series(codes).groupby(codes).indices.items():
        if code < 0 or is_missing(uniques[code]):
            continue
        text = as_text(uniques[code])
        group = phone.iloc[rows]
        if len(text) > MAX_TEXT_LENGTH:  # as map_distinct_pairs: overlong text is invalid
            result[rows] = map_distinct_pairs(group, country.iloc[rows], _phone_valid_for)
            continue
        region = text.strip().upper()
        if region in phonenumbers.SUPPORTED_REGIONS:
            result[rows] = _phones_of_region(group, region).to_numpy()
    return pd.Series(result, index=phone.index, dtype=bool)
