"""Code, contact, postal and number validators: valid and invalid values, hostile input."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kmu_dataguard.validators import values as v
from kmu_dataguard.validators.codelists import postal_code_patterns, unit_codes, vat_rates


def check(validator, values: list, expected: list[bool], **kwargs) -> None:
    series = pd.Series(values, index=range(50, 50 + len(values)), dtype=object)
    result = validator(series, **kwargs)
    assert result.dtype == bool
    assert list(result.index) == list(series.index)
    assert result.tolist() == expected, dict(zip(values, result.tolist(), strict=True))


def check_pair(validator, pairs: list[tuple], expected: list[bool]) -> None:
    first = pd.Series([a for a, _ in pairs], index=range(7, 7 + len(pairs)), dtype=object)
    second = pd.Series([b for _, b in pairs], index=first.index, dtype=object)
    result = validator(first, second)
    assert list(result.index) == list(first.index)
    assert result.tolist() == expected, dict(zip(pairs, result.tolist(), strict=True))


# --- codes ---------------------------------------------------------------------------------


def test_country_codes() -> None:
    check(
        v.valid_country_code,
        ["DE", " AT ", "GR", "EL", "de", "DEU", "XX", "UK", None],
        [True, True, True, False, False, False, False, False, True],
    )


def test_currency_codes() -> None:
    check(
        v.valid_currency_code,
        ["EUR", "CHF", "USD", "eur", "DEM", "EURO", "€"],
        [True, True, True, False, False, False, False],
    )


def test_unit_codes_from_the_shipped_rec20_list() -> None:
    codes = unit_codes()
    assert len(codes) == 2162  # the EN 16931 BR-CL-23 list
    assert {"H87", "C62", "KGM", "LTR", "MTR", "HUR", "DAY", "XPP", "MTK"} <= codes
    check(
        v.valid_unit_code,
        ["H87", "KGM", "C62", "Stk", "PCE", "kgm", "XPX"],
        [True, True, True, False, False, False, True],
    )


def test_postal_and_vat_rate_tables_are_complete_for_the_eu() -> None:
    eu = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"
    assert set(eu.split()) <= set(postal_code_patterns())
    assert set(eu.split()) <= set(vat_rates())
    assert {"CH", "GB", "NO", "LI"} <= set(postal_code_patterns())
    assert vat_rates()["DE"] == frozenset({0.0, 7.0, 19.0})
    assert vat_rates()["AT"] == frozenset({0.0, 10.0, 13.0, 20.0})


# --- contact -------------------------------------------------------------------------------


def test_email_syntax_without_dns() -> None:
    check(
        v.valid_email,
        [
            "max.mustermann@beispiel-gmbh.de",
            "info@müller-bau.de",
            "a@b",
            "no-at-sign.de",
            "two@@at.de",
            "space in@name.de",
            "a@b.de; c@d.de",
            "rechnung@firma.invalid",
        ],
        [True, True, False, False, False, False, False, False],
    )


def test_phone_numbers_with_default_region() -> None:
    check(
        v.valid_phone_number,
        [
            "030 1234567",
            "+49 30 1234567",
            "0049 30 1234567",
            "01511 2345678",
            "12",
            "abc",
            "+1 650 253 0000",
        ],
        [True, True, True, True, False, False, True],
    )
    check(v.valid_phone_number, ["01 5123456", "030 1234567"], [True, False], default_region="AT")
    assert v.normalise_phone("030 1234567") == "+49301234567"


def test_phone_for_country() -> None:
    check_pair(
        v.valid_phone_for_country,
        [
            ("030 1234567", "DE"),
            ("01 5123456", "AT"),
            ("030 1234567", "AT"),  # not a Vienna-style number in Austria
            ("+49 30 1234567", "AT"),  # international form is judged on its own
            ("044 668 18 00", "CH"),
            ("12345", "DE"),
            ("030 1234567", None),  # country missing: the country check reports it
            ("030 1234567", "ZZ"),  # unknown country: the country check reports it
            (None, "DE"),
        ],
        [True, True, False, True, True, False, True, True, True],
    )


# --- postal codes --------------------------------------------------------------------------


def test_postal_code_for_country() -> None:
    check_pair(
        v.valid_postal_code_for_country,
        [
            ("01067", "DE"),  # Dresden, leading zero kept
            ("1067", "DE"),  # leading zero lost in a spreadsheet
            ("D-01067", "DE"),
            ("00123", "DE"),
            ("1010", "AT"),
            ("01010", "AT"),
            ("8001", "CH"),
            ("1012 AB", "NL"),
            ("1012ab", "NL"),
            ("1012 SA", "NL"),  # letter pairs PostNL never issues
            ("00-950", "PL"),
            ("SW1A 1AA", "GB"),
            ("75001", "FR"),
            ("0150", "NO"),
            ("D02 X285", "IE"),
            ("12345", None),
            ("12345", "HK"),  # no postal codes: nothing to judge
            ("ABCDE", "de"),
        ],
        [
            True,
            False,
            False,
            False,
            True,
            False,
            True,
            True,
            True,
            False,
            True,
            True,
            True,
            True,
            True,
            True,
            True,
            False,
        ],
    )


# --- numbers -------------------------------------------------------------------------------


def test_decimal_comma_parsing() -> None:
    series = pd.Series(["12,50", "1.234,50", "1234,5", "-3", "12.50", "1.23,4", "abc", None, ""])
    parsed = v.parse_decimal(series)
    assert parsed.iloc[:4].tolist() == [12.5, 1234.5, 1234.5, -3.0]
    assert parsed.iloc[4:].isna().all()
    check(
        v.valid_decimal,
        ["12,50", "1.234,50", "0", "-0,01", "12.50", "1e3", "1.234.567,89", " 7,5 "],
        [True, True, True, False, False, False, True, True],
        min_value=0,
    )
    check(
        v.valid_decimal,
        ["12.50", "1,234.50", "12,50"],
        [True, True, False],
        decimal_separator=".",
        thousands_separator=",",
    )
    check(v.valid_decimal, ["5", "10,01"], [True, False], max_value=10)


def test_decimal_rejects_identical_separators() -> None:
    with pytest.raises(ValueError, match="must differ"):
        v.valid_decimal(pd.Series(["1"]), decimal_separator=",", thousands_separator=",")


def test_vat_rates() -> None:
    check(
        v.valid_vat_rate,
        ["19", "7,0", "7.00", "19 %", "0", "16", "0.19", "neunzehn"],
        [True, True, True, True, True, False, False, False],
    )
    check(v.valid_vat_rate, ["20", "19"], [True, False], country="AT")
    check_pair(
        v.allowed_vat_rate_for_country,
        [
            ("19", "DE"),
            ("20", "DE"),
            ("20", "AT"),
            ("8,1", "CH"),
            ("25,5", "FI"),
            ("19", "US"),
            ("x", "US"),
            ("19", None),
        ],
        [True, False, True, True, True, True, False, True],
    )


# --- hostile input -------------------------------------------------------------------------

HOSTILE = [
    "\x00\x01\x02\xff",
    "x" * 10_000,
    "DE" + "9" * 10_000,
    "🙂💥🇩🇪",
    "DE89 3704 0044 0532 0130 00" * 400,
    "\u202e\u200b\ufeff",
    "%s%n{0}${x}",
    "1" * 400 + ",5",
    b"\x89PNG\r\n\x1a\n",
    12345,
    3.5,
    ["list", "cell"],
    {"a": 1},
]
SINGLE = [
    v.valid_iban,
    v.valid_bic,
    v.valid_vat_id,
    v.valid_de_tax_number,
    v.valid_leitweg_id,
    v.valid_gtin,
    v.valid_gln,
    v.valid_country_code,
    v.valid_currency_code,
    v.valid_unit_code,
    v.valid_email,
    v.valid_phone_number,
    v.valid_decimal,
    v.valid_vat_rate,
]
PAIRS = [
    v.valid_postal_code_for_country,
    v.vat_prefix_matches_country,
    v.iban_bic_agree,
    v.valid_phone_for_country,
    v.allowed_vat_rate_for_country,
]


@pytest.mark.parametrize("validator", SINGLE, ids=lambda f: f.__name__)
def test_single_validators_never_raise_on_hostile_cells(validator) -> None:
    series = pd.Series(HOSTILE, dtype=object)
    result = validator(series)
    assert result.dtype == bool and len(result) == len(HOSTILE)
    assert not result.iloc[:9].any()  # none of the hostile texts is a valid anything


@pytest.mark.parametrize("validator", PAIRS, ids=lambda f: f.__name__)
def test_pair_validators_never_raise_on_hostile_cells(validator) -> None:
    series = pd.Series(HOSTILE, dtype=object)
    result = validator(series, series[::-1].reset_index(drop=True))
    assert result.dtype == bool and len(result) == len(HOSTILE)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.none(), st.text(max_size=60)), min_size=1, max_size=8))
def test_all_validators_total_on_arbitrary_text(cells: list[str | None]) -> None:
    series = pd.Series(cells, dtype=object, index=range(3, 3 + len(cells)))
    for validator in SINGLE:
        result = validator(series)
        assert list(result.index) == list(series.index)
        assert result[series.isna()].all()
    for validator in PAIRS:
        assert len(validator(series, series)) == len(series)
