"""Suggested corrections: the one safe answer, never a guess, never an exception."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kmu_dataguard.suggestions import (
    KINDS,
    KeyIndex,
    Suggestion,
    localize,
    reason_text,
    suggest,
    suggest_one,
    suggest_references,
)
from kmu_dataguard.suggestions.reasons import REASONS
from kmu_dataguard.validators.catalog import CATALOG
from kmu_dataguard.validators.values import (
    valid_bic,
    valid_country_code,
    valid_currency_code,
    valid_iban,
    valid_vat_id,
)


def fixed(kind: str, value: object, *context: object) -> str | None:
    found = suggest_one(kind, value, *context)
    return None if found is None else found.suggestion


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Deutschland", "DE"),
        ("Germany", "DE"),
        ("DEUTSCHLAND", "DE"),
        (" deutschland ", "DE"),
        ("BRD", "DE"),
        ("Bundesrepublik Deutschland", "DE"),
        ("Österreich", "AT"),
        ("Oesterreich", "AT"),
        ("Austria", "AT"),
        ("Schweiz", "CH"),
        ("Switzerland", "CH"),
        ("Niederlande", "NL"),
        ("Holland", "NL"),
        ("Frankreich", "FR"),
        ("Vereinigtes Königreich", "GB"),
        ("U.S.A.", "US"),
        ("Südkorea", "KR"),
        ("de", "DE"),
        ("DEU", "DE"),
    ],
)
def test_country_names_become_iso_codes(value: str, code: str) -> None:
    assert fixed("country", value) == code


@pytest.mark.parametrize(
    "value",
    ["Kongo", "Congo", "Korea", "Guinea", "Atlantis", "Deutschlandd", "EU", "DE", "D", ""],
)
def test_country_no_guess(value: str) -> None:
    # Two countries, none, or already the code: no suggestion.
    assert fixed("country", value) is None


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("EURO", "EUR"),
        ("Euro", "EUR"),
        ("€", "EUR"),
        (" € ", "EUR"),
        ("eur", "EUR"),
        ("sFr", "CHF"),
        ("SFr.", "CHF"),
        ("chf", "CHF"),
        ("Schweizer Franken", "CHF"),
        ("Swiss Franc", "CHF"),
        ("US-Dollar", "USD"),
        ("US$", "USD"),
        ("£", "GBP"),
        ("Pfund Sterling", "GBP"),
        ("Dänische Krone", "DKK"),
        ("zł", "PLN"),
    ],
)
def test_currency_names_and_symbols_become_iso_codes(value: str, code: str) -> None:
    assert fixed("currency", value) == code


@pytest.mark.parametrize(
    "value", ["$", "Dollar", "¥", "Yen", "Krone", "Fr.", "Pfund", "EUR", "XYZ"]
)
def test_currency_no_guess(value: str) -> None:
    assert fixed("currency", value) is None


def test_every_suggested_code_passes_its_validator() -> None:
    countries = ["Deutschland", "Germany", "Österreich", "Schweiz", "Polen", "Italien", "Spain"]
    currencies = ["Euro", "€", "sFr", "Zloty", "Forint", "US-Dollar"]
    got_countries = pd.Series([fixed("country", v) for v in countries])
    got_currencies = pd.Series([fixed("currency", v) for v in currencies])
    assert got_countries.notna().all() and valid_country_code(got_countries).all()
    assert got_currencies.notna().all() and valid_currency_code(got_currencies).all()


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("iban", "de89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("iban", "IBAN: DE89-3704-0044-0532-0130-00", "DE89370400440532013000"),
        ("iban", "DE89\u00a03704.0044.0532.0130.00", "DE89370400440532013000"),
        ("iban", "at61 1904 3002 3457 3201", "AT611904300234573201"),
        ("bic", "cobadeff xxx", "COBADEFFXXX"),
        ("bic", "BIC: BKAU ATWW", "BKAUATWW"),
        ("vat_id", "de 118 619 592", "DE118619592"),
        ("vat_id", "DE-118.619.592", "DE118619592"),
        ("vat_id", "USt-IdNr.: DE 136 695 976", "DE136695976"),
        ("vat_id", "atu 13585627", "ATU13585627"),
        ("vat_id", "CHE-116.281.710 MWST", "CHE116281710MWST"),
    ],
)
def test_identifiers_in_compact_valid_form(kind: str, value: str, expected: str) -> None:
    assert fixed(kind, value) == expected
    judge = {"iban": valid_iban, "bic": valid_bic, "vat_id": valid_vat_id}[kind]
    assert judge(pd.Series([expected])).all()


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("iban", "DE89 3704 0044 0532 0130 01"),  # wrong check digits
        ("iban", "DE89 3704 0044 0532 0130"),  # too short
        ("iban", "DE89370400440532013000"),  # already canonical
        ("bic", "COBAXXFF"),  # no such country
        ("vat_id", "DE 118 619 593"),  # wrong check digit
        ("vat_id", "118 619 592"),  # no prefix: adding one would be a guess
        ("vat_id", "DE118619592"),  # already canonical
        ("vat_id", "XX 118 619 592"),
    ],
)
def test_identifiers_never_fix_content(kind: str, value: str) -> None:
    assert fixed(kind, value) is None


@pytest.mark.parametrize(
    ("value", "country", "expected"),
    [
        ("0351 4567890", "DE", "+493514567890"),
        ("(0351) 456 78 90", "de", "+493514567890"),
        ("+49 351 4567890", None, "+493514567890"),
        ("0049 351 4567890", None, "+493514567890"),
        ("01 5123456", "AT", "+4315123456"),
        ("044 668 18 00", "CH", "+41446681800"),
        ("+1 (650) 253-0000", "DE", "+16502530000"),
    ],
)
def test_phone_numbers_in_e164(value: str, country: str | None, expected: str) -> None:
    assert fixed("phone", value, country) == expected


@pytest.mark.parametrize(
    ("value", "country"),
    [
        ("0351 4567890", None),  # national form without a country: which one?
        ("0351 4567890", "XX"),
        ("12", "DE"),
        ("0351 45", "DE"),
        ("+493514567890", "DE"),  # already E.164
    ],
)
def test_phone_no_guess(value: str, country: str | None) -> None:
    assert fixed("phone", value, country) is None


def test_whitespace_trimmed() -> None:
    assert fixed("whitespace", "  Muster  GmbH ") == "Muster GmbH"
    assert fixed("whitespace", "Muster\u00a0GmbH") == "Muster GmbH"
    assert fixed("whitespace", "Muster\tGmbH\n") == "Muster GmbH"
    assert fixed("whitespace", "Muster GmbH") is None
    assert fixed("whitespace", "   ") is None


@pytest.mark.parametrize(
    ("value", "city", "country", "expected"),
    [
        ("1067", "Dresden", "DE", "01067"),
        ("1067.0", "Dresden", "DE", "01067"),  # a spreadsheet's number
        ("4109", "Leipzig", "DE", "04109"),
        ("99084", "Erfurt", "DE", None),  # five digits: nothing missing
        ("2045", "Hamburg", "DE", None),  # 02045 is not Hamburg
        ("1067", "Leipzig", "DE", None),  # 01067 is Dresden
        ("1067", "Dresden", "AT", None),  # only German codes lose a zero
        ("1067", "Dresden", None, None),
        ("1067", None, "DE", None),
        ("1067", "Dresdn", "DE", None),  # a typo is tolerated by the check, not here
    ],
)
def test_padded_postal_code(
    value: str, city: str | None, country: str | None, expected: str | None
) -> None:
    assert fixed("postal_code", value, city, country) == expected


HOSTILE = [
    None,
    float("nan"),
    pd.NA,
    "",
    "   ",
    '=HYPERLINK("http://x","Deutschland")',
    "=1+2",
    "@SUM(A1)",
    "+49=cmd|' /C calc'!A0",
    "Deutschland" * 200,
    "€" * 5000,
    "\x00\x01DE",
    b"Deutschland",
    12345,
    3.5,
    ["Deutschland"],
]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_hostile_values_never_raise(kind: str) -> None:
    context = ["DE"] * len(KINDS[kind].context)
    for value in HOSTILE:
        found = suggest_one(kind, value, *context)
        if found is not None:
            # Only a real, short code or form; never a formula.
            assert not found.suggestion.startswith(("=", "@", "-")) or kind == "whitespace"
            assert len(found.suggestion) <= 1000
    series = pd.Series(HOSTILE, dtype=object)
    frame = {name: pd.Series(["DE"] * len(HOSTILE)) for name in KINDS[kind].context}
    out = suggest(kind, series, frame)
    assert list(out.index) == list(series.index)


def test_formula_like_values_get_the_plain_code_and_overlong_ones_nothing() -> None:
    # The formula characters are not part of any name: the suggestion is the plain code.
    assert fixed("country", "=Deutschland") == "DE"
    assert fixed("currency", "@EURO") == "EUR"
    assert fixed("country", "Deutschland" * 200) is None  # too long to be a value
    assert fixed("currency", "=1+2") is None


def test_batch_matches_one_by_one_and_keeps_the_index() -> None:
    values = pd.Series(
        ["Deutschland", "$", None, "Deutschland", "Österreich", float("nan"), "DE"],
        index=[10, 11, 12, 13, 14, 15, 16],
    )
    out = suggest("country", values)
    assert list(out.index) == list(values.index)
    assert [s.suggestion if s else None for s in out] == ["DE", None, None, "DE", "AT", None, None]
    assert out[10] == Suggestion("Deutschland", "DE", reason_text("country"))


def test_batch_reads_context_per_row() -> None:
    phones = pd.Series(["0351 4567890"] * 3 + ["1067"])
    countries = pd.Series(["DE", "AT", None, "DE"])
    out = suggest("phone", phones, {"country": countries})
    assert out[0].suggestion == "+493514567890"
    assert out[1] is None or out[1].suggestion.startswith("+43")
    assert out[2] is None
    postal = suggest(
        "postal_code",
        pd.Series(["1067", "1067", "2045"]),
        pd.DataFrame({"city": ["Dresden", "Leipzig", "Hamburg"], "country": ["DE"] * 3}),
    )
    assert [s.suggestion if s else None for s in postal] == ["01067", None, None]


def test_batch_of_many_values_is_per_distinct_value() -> None:
    rng = np.random.default_rng(1)
    names = np.array(["Deutschland", "Österreich", "Schweiz", "$", "Kongo", "xx"], dtype=object)
    values = pd.Series(names[rng.integers(0, len(names), 20_000)])
    out = suggest("country", values)
    expected = {"Deutschland": "DE", "Österreich": "AT", "Schweiz": "CH"}
    got = [s.suggestion if s else None for s in out]
    assert got == [expected.get(v) for v in values]


# --- reference keys -----------------------------------------------------------------------


@pytest.fixture
def customers() -> KeyIndex:
    return KeyIndex(
        ["K1023", "K1024", "K2000", "K3000", "K3000", "K4001", "K4002"],
        ["Müller GmbH", "Meier AG", "Schulz KG", "Alpha", "Beta", "Gamma", "Gamma"],
    )


@pytest.mark.parametrize(
    ("value", "name", "expected"),
    [
        ("K1O23", "Müller GmbH", "K1023"),  # O for 0
        ("K102", "MÜLLER GMBH", "K1023"),  # one lost character; K1024 is Meier
        ("K10233", "Mueller GmbH", "K1023"),
        ("K2001", "Schulz KG", "K2000"),
        ("K2001", "Schulze KG", None),  # another name
        ("K1023", "Müller GmbH", None),  # exists: nothing to fix
        ("K9999", "Müller GmbH", None),  # nothing near
        ("K3001", "Alpha", None),  # K3000 has two names
        ("K4003", "Gamma", None),  # two candidates with that name
        ("K1O23", None, None),  # no name to compare
        ("K1O2", "Müller GmbH", None),  # two edits away
    ],
)
def test_reference_key_suggestion(
    customers: KeyIndex, value: str, name: str | None, expected: str | None
) -> None:
    assert customers.suggest(value, name) == expected


def test_reference_batch(customers: KeyIndex) -> None:
    out = suggest_references(
        pd.Series(["K1O23", "K1O23", "=1+2", None, "K2001"]),
        pd.Series(["Müller GmbH", "Meier AG", "Müller GmbH", "x", "Schulz KG"]),
        customers,
    )
    assert [s.suggestion if s else None for s in out] == ["K1023", None, None, None, "K2000"]
    assert out[0].reason == reason_text("reference")


# --- reasons and the catalog ----------------------------------------------------------------


def test_every_kind_has_a_reason_in_both_languages() -> None:
    assert set(KINDS) | {"reference"} == set(REASONS)
    for key, (english, german) in REASONS.items():
        assert reason_text(key) == english
        assert localize(english, "de") == german != english
        assert localize(english, "en") == english
    assert localize("something else", "de") == "something else"
    found = suggest_one("country", "Deutschland")
    assert found is not None and found.reason_in("de") == "Ländername als ISO-3166-Code"


def test_catalog_names_only_known_kinds() -> None:
    kinds = {entry.suggests for entry in CATALOG if entry.suggests}
    assert kinds <= set(KINDS)
    assert {"iban", "bic", "vat_id", "country", "currency", "phone", "postal_code"} <= kinds


def test_nan_is_not_a_country() -> None:
    assert fixed("country", math.nan) is None


@pytest.mark.parametrize(("kind", "file"), [("iban", "iban.csv"), ("vat_id", "vat.csv")])
def test_real_vectors_invalid_values_are_never_suggested(kind: str, file: str) -> None:
    """python-stdnum's own test numbers (tests/data): an invalid one (check digit, doubled
    prefix) gets no suggestion; a suggestion is always the valid compact form."""
    judge = {"iban": valid_iban, "vat_id": valid_vat_id}[kind]
    path = Path(__file__).parent / "data" / file
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    found = suggest(kind, pd.Series([r["value"] for r in rows], dtype=object))
    suggested = 0
    for row, fix in zip(rows, found, strict=True):
        if fix is None:
            continue
        suggested += 1
        assert row["expected_valid"] == "true", row
        assert judge(pd.Series([fix.suggestion])).all()
        assert fix.suggestion == "".join(ch for ch in fix.suggestion if ch.isalnum())
    assert suggested > 100  # the vectors are full of spaced, lower-case valid numbers
