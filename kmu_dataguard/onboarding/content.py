"""Content detection: which canonical column a sample of values looks like.

Each detector is one row of :data:`DETECTORS` and reuses the project's vectorised validators.
*Strong* detectors rest on a check digit or a strict syntax (IBAN, VAT ID, GTIN, Leitweg-ID,
e-mail, BIC): when most values pass, the column is that, whatever its header says. *Weak*
detectors (postal code, phone, country and currency codes) only name a column whose header
says nothing, or whose header names a column its values clearly are not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "DETECTORS",
    "POSTAL_CITY_PATTERN",
    "SAMPLE_SIZE",
    "ContentHit",
    "Detector",
    "detect",
    "postal_city_share",
    "sample",
    "verify",
]

#: At most this many non-empty values of a column are looked at.
SAMPLE_SIZE = 2000
#: Share of the sample that must pass a detector.
STRONG_SHARE = 0.8
WEAK_SHARE = 0.9

_PHONE_SHAPE = re.compile(r"^\+?[\d\s()/.\-]{6,25}$")
_DATE_SHAPE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}")
_POSTAL_SHAPE = re.compile(r"^(?:[A-Z]{1,2}-)?\d{4,5}$")
_UPPER_CODE = re.compile(r"^[A-Z0-9]+$")


def _iban(v: pd.Series) -> pd.Series:
    from kmu_dataguard.validators.identifiers import valid_iban

    return valid_iban(v)


def _vat(v: pd.Series) -> pd.Series:
    from kmu_dataguard.validators.identifiers import valid_vat_id

    return valid_vat_id(v)


def _gtin(v: pd.Series) -> pd.Series:
    from kmu_dataguard.validators.identifiers import valid_gtin

    # Only 8-14 digit values: a check digit alone (1 in 10) must not make ids into GTINs.
    return valid_gtin(v) & v.str.fullmatch(r"\d{8,14}").fillna(False).astype(bool)


def _leitweg(v: pd.Series) -> pd.Series:
    from kmu_dataguard.validators.identifiers import valid_leitweg_id

    return valid_leitweg_id(v) & v.str.contains("-", regex=False)


def _email(v: pd.Series) -> pd.Series:
    from kmu_dataguard.validators.contact import valid_email

    return valid_email(v) & v.str.contains("@", regex=False)


def _bic(v: pd.Series) -> pd.Series:
    from kmu_dataguard.validators.identifiers import valid_bic

    return valid_bic(v) & v.str.fullmatch(_UPPER_CODE).fillna(False).astype(bool)


def _phone(v: pd.Series) -> pd.Series:
    from kmu_dataguard.validators.contact import valid_phone_number

    shaped = v.str.fullmatch(_PHONE_SHAPE).fillna(False).astype(bool)
    # 2024-01-02 and 02.01.2024 have a phone's shape (and can even pass as one): dates are not.
    dated = v.str.fullmatch(_DATE_SHAPE).fillna(False).astype(bool)
    return shaped & ~dated & valid_phone_number(v)


def _postal(v: pd.Series) -> pd.Series:
    return v.str.fullmatch(_POSTAL_SHAPE).fillna(False).astype(bool)


def _country(v: pd.Series) -> pd.Series:
    from kmu_dataguard.validators.codes import valid_country_code

    return valid_country_code(v) & (v.str.len() == 2)


def _currency(v: pd.Series) -> pd.Series:
    from kmu_dataguard.validators.codes import valid_currency_code

    return valid_currency_code(v) & (v.str.len() == 3)


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@dataclass(frozen=True)
class Detector:
    canonical: str
    shape: re.Pattern[str]  # a cheap pre-check: only values of this shape reach ``judge``
    judge: Callable[[pd.Series], pd.Series]
    strong: bool
    why: str  # shown as evidence detail


#: Tried in this order; the first that most values pass names the column.
DETECTORS: tuple[Detector, ...] = (
    Detector("iban", _re(r"[A-Za-z]{2}\d{2}[A-Za-z0-9 ]{10,40}"), _iban, True, "valid IBANs"),
    Detector("vat_id", _re(r"[A-Za-z]{2}[A-Za-z0-9 .\-]{2,16}"), _vat, True, "valid VAT IDs"),
    Detector(
        "leitweg_id", _re(r"\d{2,12}(-[0-9A-Za-z]{0,30})?-\d{2}"), _leitweg, True, "Leitweg-IDs"
    ),
    Detector("email", _re(r"[^@\s]+@[^@\s]+\.[^@\s]+"), _email, True, "valid e-mail addresses"),
    Detector("gtin", _re(r"\d{8,14}"), _gtin, True, "valid GTIN/EAN (check digit)"),
    Detector("bic", _re(r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?"), _bic, True, "valid BICs"),
    Detector("currency", _re(r"[A-Z]{3}"), _currency, False, "ISO 4217 currency codes"),
    Detector("country", _re(r"[A-Z]{2}"), _country, False, "ISO 3166 country codes"),
    Detector("phone", _PHONE_SHAPE, _phone, False, "valid phone numbers"),
    Detector("postal_code", _POSTAL_SHAPE, _postal, False, "postal codes (4-5 digits)"),
)
_BY_NAME = {d.canonical: d for d in DETECTORS}


@dataclass(frozen=True)
class ContentHit:
    canonical: str
    share: float  # of the sample that passed
    strong: bool
    why: str


def sample(column: pd.Series, size: int = SAMPLE_SIZE) -> pd.Series:
    """Up to ``size`` non-empty values as stripped text, spread evenly over the column.

    Positions are chosen before any text work, so a column of any length costs the same.
    """
    values = column[column.notna()]
    if len(values) > 2 * size:
        values = values.iloc[np.linspace(0, len(values) - 1, 2 * size).astype(int)]
    text = values.astype(str).str.strip()
    text = text[text != ""]
    if len(text) > size:
        text = text.iloc[np.linspace(0, len(text) - 1, size).astype(int)]
    return text.reset_index(drop=True)


def _share(detector: Detector, values: pd.Series, needed: float = 0.0) -> float:
    """Share of ``values`` the detector accepts (only an upper bound when below ``needed``)."""
    if values.empty:
        return 0.0
    shaped = values.str.fullmatch(detector.shape).fillna(False).astype(bool)
    upper = float(shaped.mean())
    if upper < needed or upper == 0.0:
        return upper  # cannot reach the threshold: spare the validator
    try:
        passed = detector.judge(values[shaped])
    except Exception:  # a detector must never stop the proposal
        return 0.0
    return float(passed.sum()) / len(values)


def detect(values: pd.Series) -> ContentHit | None:
    """The first detector most of the sampled ``values`` pass, or None."""
    if values.empty:
        return None
    for detector in DETECTORS:
        needed = STRONG_SHARE if detector.strong else WEAK_SHARE
        share = _share(detector, values, needed)
        if share >= needed:
            return ContentHit(detector.canonical, round(share, 2), detector.strong, detector.why)
    return None


def verify(canonical: str, values: pd.Series) -> float | None:
    """Share of ``values`` that fit ``canonical``; None when no detector judges that column."""
    detector = _BY_NAME.get(canonical)
    if detector is None or values.empty:
        return None
    return _share(detector, values)


#: "01067 Dresden", "D-01067 Dresden", "1010 Wien": a postal code and a city in one field, as
#: many address lists keep them. The pattern is written into the profile's ``split`` rule.
POSTAL_CITY_PATTERN = r"^\s*(?:[A-Z]{1,2}-)?(?P<postal_code>\d{4,5})\s+(?P<city>\S.*?)\s*$"
_POSTAL_CITY = re.compile(POSTAL_CITY_PATTERN)


def postal_city_share(values: pd.Series) -> float:
    """Share of ``values`` that are a postal code followed by a city (with a letter in it)."""
    if values.empty:
        return 0.0
    found = values.str.extract(_POSTAL_CITY)["city"]
    return float(found.str.contains(r"[^\W\d_]", regex=True).fillna(False).mean())


def looks_like_key(values: pd.Series, rows: int) -> bool:
    """Unique, dense, id-shaped values (no spaces, at most 20 characters) in every sampled row."""
    if values.empty or len(values) < min(rows, SAMPLE_SIZE):
        return False
    if not values.is_unique:
        return False
    return bool(values.str.fullmatch(r"[A-Za-z0-9_./\-]{1,20}").all())
