"""Validators for identifiers: IBAN, BIC, VAT ID, German tax number, Leitweg-ID, GTIN, GLN.

All checks are python-stdnum's; this module only decides which stdnum module judges a value and
how master-data quirks (spaces, lower case, Greek ``EL``) are normalised before that.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from stdnum import bic as _bic
from stdnum import ean as _ean
from stdnum import iban as _iban
from stdnum.ch import vat as _ch_vat
from stdnum.de import leitweg as _leitweg
from stdnum.de import stnr as _stnr
from stdnum.eu import vat as _eu_vat
from stdnum.gb import vat as _gb_vat
from stdnum.no import mva as _no_mva

from kmu_dataguard.validators._common import (
    MAX_TEXT_LENGTH,
    is_missing,
    map_distinct,
    map_distinct_pairs,
)
from kmu_dataguard.validators._vector import map_fast
from kmu_dataguard.validators.fast_identifiers import (
    fast_gln,
    fast_gtin,
    fast_iban,
    fast_leitweg,
    fast_vat,
)

__all__ = [
    "iban_bic_agree",
    "iban_country",
    "valid_bic",
    "valid_de_tax_number",
    "valid_gln",
    "valid_gtin",
    "valid_iban",
    "valid_leitweg_id",
    "valid_vat_id",
    "vat_id_is_valid",
    "vat_prefix",
    "vat_prefix_matches_country",
]

# VAT IDs of countries outside the EU scheme that German master data meets; stdnum.vatin would
# cover more, but it also accepts a doubled prefix ("AT ATU..."), which is a real export defect.
_NON_EU_VAT = {"CH": _ch_vat.is_valid, "GB": _gb_vat.is_valid, "NO": _no_mva.is_valid}

# VAT prefixes a country's own businesses use besides its ISO code. BR-CO-9 (EN 16931) allows
# Greece's "EL" next to "GR"; Northern Irish traders use "XI" (country GB); Monaco is in the
# French VAT area and the Isle of Man in the British one.
_EXTRA_VAT_PREFIXES: dict[str, frozenset[str]] = {
    "GR": frozenset({"EL"}),
    "GB": frozenset({"XI"}),
    "MC": frozenset({"FR"}),
    "IM": frozenset({"GB"}),
}

# IBAN countries whose banks' BICs may carry another country code at positions 5-6: French
# overseas departments and collectivities, the Crown Dependencies, Åland, Svalbard.
_BIC_COUNTRIES_FOR_IBAN: dict[str, frozenset[str]] = {
    "FR": frozenset(
        {"FR", "GF", "GP", "MQ", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF", "TF", "MC"}
    ),
    "GB": frozenset({"GB", "GG", "JE", "IM"}),
    "FI": frozenset({"FI", "AX"}),
    "NO": frozenset({"NO", "SJ"}),
}


def _compact(value: str) -> str:
    return "".join(value.split()).replace("-", "").replace(".", "").upper()


def valid_iban(values: pd.Series) -> pd.Series:
    """IBAN with a correct length for its country and a correct mod-97 check (stdnum.iban).

    Spaces and lower case are accepted, as stdnum normalises them. Decided by a vectorised
    fast path where it reproduces stdnum exactly; the rest by stdnum itself.
    """
    return map_fast(values, fast_iban, _iban.is_valid, width=64)


def valid_bic(values: pd.Series) -> pd.Series:
    """BIC / SWIFT code of 8 or 11 characters with a known country code (stdnum.bic)."""
    return map_distinct(values, _bic.is_valid)


def vat_prefix(value: str) -> str:
    """The two-letter country prefix of a VAT ID as written (upper case), or '' if none."""
    compact = _compact(value)
    prefix = compact[:2]
    return prefix if len(prefix) == 2 and prefix.isascii() and prefix.isalpha() else ""


def vat_id_is_valid(value: str) -> bool:
    """One VAT ID as :func:`valid_vat_id` judges it (the country's stdnum module)."""
    judge = _NON_EU_VAT.get(vat_prefix(value))
    if judge is not None:
        return bool(judge(value))
    # Member states, EL, XI and the EU prefix of the non-union OSS scheme.
    return bool(_eu_vat.is_valid(value))


def valid_vat_id(values: pd.Series) -> pd.Series:
    """VAT ID with its country prefix and a correct check digit for that country.

    EU member states (Greece as ``EL`` or ``GR``, Northern Ireland as ``XI``, ``EU`` for the
    non-union OSS scheme) are judged by stdnum.eu.vat, Switzerland, the UK and Norway by their
    stdnum modules. A number without a country prefix is invalid: EN 16931 (BR-CO-9) and the
    VIES check both need the prefix. The format is checked, not whether the number is
    registered (that needs VIES online). DE, AT, BE, PL, IT, NL and FR are decided by a
    vectorised fast path that reproduces stdnum; other countries by stdnum itself.
    """
    return map_fast(values, fast_vat, vat_id_is_valid, width=40)


def _prefix_matches(vat: str, country: str | None) -> bool:
    if country is None:
        return True  # no country to compare with: the not-null check on country reports that
    country = country.strip().upper()
    prefix = vat_prefix(vat)
    return prefix == country or prefix in _EXTRA_VAT_PREFIXES.get(country, frozenset())


def vat_prefix_matches_country(vat: pd.Series, country: pd.Series) -> pd.Series:
    """The VAT ID's country prefix is the row's country (``EL`` or ``GR`` for Greece, BR-CO-9).

    A VAT ID without a prefix does not match. Rows without a VAT ID or a country are ``True``.
    The prefixes are taken vectorised; each distinct (prefix, country) pair is judged once.
    """
    return _by_prefix(vat, country, _prefix_matches, _prefix_matches_country)


def _prefix_matches_country(prefix: str, country: str | None) -> bool:
    if country is None:
        return True
    country = country.strip().upper()
    return prefix == country or prefix in _EXTRA_VAT_PREFIXES.get(country, frozenset())


# Stand-ins while judging by prefix: "no prefix" must not look missing, overlong text must fail.
_NO_PREFIX, _TOO_LONG = "\x00none", "\x00too long"


def _by_prefix(
    first: pd.Series,
    second: pd.Series,
    judge: Callable[[str, str | None], bool],
    judge_prefix: Callable[[str, str | None], bool],
) -> pd.Series:
    """Like ``map_distinct_pairs(first, second, judge)`` where ``judge`` looks at ``first`` only
    through its two-letter prefix (``vat_prefix``): the prefix is taken with numpy where the
    text starts with two ASCII letters (then it is those letters in upper case), else per
    distinct value, and ``judge_prefix`` sees each distinct (prefix, second) pair once."""
    second = second.reindex(first.index)
    kinds = ("string", "empty")
    if (
        pd.api.types.infer_dtype(first, skipna=True) not in kinds
        or pd.api.types.infer_dtype(second, skipna=True) not in kinds
    ):
        return map_distinct_pairs(first, second, judge)
    raw = first.to_numpy(dtype=object)
    n = len(raw)
    missing = np.asarray(pd.isna(raw), dtype=bool)
    texts = np.where(missing, "", raw)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    two = texts.astype("U2")
    letters = two.view(np.uint32).reshape(n, 2) if n else np.zeros((0, 2), dtype=np.uint32)
    is_letter = ((letters >= 0x41) & (letters <= 0x5A)) | ((letters >= 0x61) & (letters <= 0x7A))
    fast = ~missing & is_letter.all(axis=1) & (lengths <= MAX_TEXT_LENGTH)
    prefixes = np.full(n, None, dtype=object)
    prefixes[fast] = np.char.upper(two[fast]).astype(object)
    slow: dict[str, str | None] = {}
    for i in np.flatnonzero(~fast & ~missing).tolist():
        value = texts[i]
        hit = slow.get(value)
        if hit is None:
            if is_missing(value):
                hit = slow[value] = ""
            elif len(value) > MAX_TEXT_LENGTH:
                hit = slow[value] = _TOO_LONG
            else:
                hit = slow[value] = vat_prefix(value) or _NO_PREFIX
        prefixes[i] = hit or None

    def by_prefix(prefix: str, other: str | None) -> bool:
        if prefix == _TOO_LONG:
            return False
        return judge_prefix("" if prefix == _NO_PREFIX else prefix, other)

    return map_distinct_pairs(pd.Series(prefixes, index=first.index), second, by_prefix)


def iban_country(value: str) -> str:
    """The country code of an IBAN as written (first two letters after compacting) or ''."""
    prefix = _compact(value)[:2]
    return prefix if len(prefix) == 2 and prefix.isascii() and prefix.isalpha() else ""


def _bic_country(value: str) -> str:
    compact = _compact(value)
    if len(compact) not in (8, 11):
        return ""
    code = compact[4:6]
    return code if code.isascii() and code.isalpha() else ""


def _iban_bic_agree(iban: str, bic: str | None) -> bool:
    if bic is None:
        return True
    iban_cc, bic_cc = iban_country(iban), _bic_country(bic)
    if not iban_cc or not bic_cc:
        return True  # a malformed IBAN or BIC is reported by its own validity check
    return bic_cc in _BIC_COUNTRIES_FOR_IBAN.get(iban_cc, frozenset({iban_cc}))


def iban_bic_agree(iban: pd.Series, bic: pd.Series) -> pd.Series:
    """The BIC's country code (positions 5-6) belongs to the IBAN's country.

    French overseas territories, the Channel Islands, the Isle of Man, Åland and Svalbard use
    the IBAN of their mother country with a BIC of their own code, which counts as agreeing.
    Rows where either value is missing or too malformed to have a country are ``True``: their
    validity checks report them.
    """
    return _by_prefix(iban, bic, _iban_bic_agree, _iban_country_agrees)


def _iban_country_agrees(iban_cc: str, bic: str | None) -> bool:
    if bic is None:
        return True
    bic_cc = _bic_country(bic)
    if not iban_cc or not bic_cc:
        return True
    return bic_cc in _BIC_COUNTRIES_FOR_IBAN.get(iban_cc, frozenset({iban_cc}))


def valid_de_tax_number(values: pd.Series) -> pd.Series:
    """German Steuernummer in any regional or the 13-digit federal form (stdnum.de.stnr)."""
    return map_distinct(values, _stnr.is_valid)


def valid_leitweg_id(values: pd.Series) -> pd.Series:
    """Leitweg-ID of a German public buyer (XRechnung BT-10) with its check digits."""
    return map_fast(values, fast_leitweg, _leitweg.is_valid, width=64)


def _gtin_is_valid(value: str) -> bool:
    compact = _ean.compact(value)
    return len(compact) in (8, 12, 13, 14) and bool(_ean.is_valid(compact))


def valid_gtin(values: pd.Series) -> pd.Series:
    """GTIN-8, -12 (UPC-A), -13 (EAN) or -14 with a correct GS1 check digit (stdnum.ean)."""
    return map_fast(values, fast_gtin, _gtin_is_valid, width=32)


def _gln_is_valid(value: str) -> bool:
    compact = _ean.compact(value)
    return len(compact) == 13 and bool(_ean.is_valid(compact))


def valid_gln(values: pd.Series) -> pd.Series:
    """GLN (GS1 Global Location Number): 13 digits with a GS1 check digit (stdnum.ean)."""
    return map_fast(values, fast_gln, _gln_is_valid, width=32)
