"""Validators for contact data: e-mail address syntax and phone numbers (libphonenumber rules)."""

from __future__ import annotations

import pandas as pd
import phonenumbers
from email_validator import EmailNotValidError, validate_email

from kmu_dataguard.validators._common import map_distinct, map_distinct_pairs

__all__ = ["normalise_phone", "valid_email", "valid_phone_for_country", "valid_phone_number"]


def _email_is_valid(text: str) -> bool:
    try:
        # Syntax only: a quality gate must not depend on DNS answers.
        validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def valid_email(values: pd.Series) -> pd.Series:
    """E-mail address with valid syntax (email-validator; no DNS lookup, one address per cell)."""
    return map_distinct(values, _email_is_valid)


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
    return map_distinct(values, lambda text: normalise_phone(text, region) is not None)


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
    return map_distinct_pairs(phone, country, _phone_valid_for)
