"""Identifier validators against the python-stdnum vectors and the export quirks we meet."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from stdnum import bic as std_bic
from stdnum import ean as std_ean
from stdnum import iban as std_iban
from stdnum.ch import vat as std_ch_vat
from stdnum.de import leitweg as std_leitweg
from stdnum.eu import vat as std_eu_vat

from kmu_dataguard.validators.values import (
    iban_bic_agree,
    valid_bic,
    valid_de_tax_number,
    valid_gln,
    valid_gtin,
    valid_iban,
    valid_leitweg_id,
    valid_vat_id,
    vat_prefix_matches_country,
)

DATA = Path(__file__).parent / "data"


def vectors(name: str) -> pd.DataFrame:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        frame = pd.DataFrame(list(csv.DictReader(handle)))
    frame["expected"] = frame["expected_valid"] == "true"
    return frame


def check(validator, values: list, expected: list[bool]) -> None:
    series = pd.Series(values, index=range(100, 100 + len(values)), dtype=object)
    result = validator(series)
    assert result.dtype == bool
    assert list(result.index) == list(series.index)
    assert result.tolist() == expected, dict(zip(values, result.tolist(), strict=True))


# --- official vectors: our verdict is the library's verdict --------------------------------


def test_iban_vectors_agree_with_stdnum() -> None:
    frame = vectors("iban.csv")
    assert frame["expected"].sum() > 150 and (~frame["expected"]).sum() > 10
    ours = valid_iban(frame["value"])
    assert ours.tolist() == frame["expected"].tolist()
    assert ours.tolist() == [std_iban.is_valid(v) for v in frame["value"]]


def test_vat_vectors_agree_with_stdnum() -> None:
    frame = vectors("vat.csv")
    ours = valid_vat_id(frame["value"])
    for value, expected, note, got in zip(
        frame["value"], frame["expected"], frame["source_note"], ours, strict=True
    ):
        assert got == expected, (value, note)
    eu_rows = frame[frame["source_note"].str.endswith("stdnum.eu.vat")]
    assert valid_vat_id(eu_rows["value"]).tolist() == [
        std_eu_vat.is_valid(v) for v in eu_rows["value"]
    ]
    ch_rows = frame[frame["source_note"].str.endswith("stdnum.ch.vat")]
    assert len(ch_rows) > 10
    assert valid_vat_id(ch_rows["value"]).tolist() == [
        std_ch_vat.is_valid(v) for v in ch_rows["value"]
    ]


def test_leitweg_vectors_agree_with_stdnum() -> None:
    frame = vectors("leitweg.csv")
    assert valid_leitweg_id(frame["value"]).tolist() == frame["expected"].tolist()
    assert frame["expected"].tolist() == [std_leitweg.is_valid(v) for v in frame["value"]]


def test_ean_vectors_agree_with_stdnum() -> None:
    frame = vectors("ean.csv")
    assert valid_gtin(frame["value"]).tolist() == frame["expected"].tolist()
    assert frame["expected"].tolist() == [std_ean.is_valid(v) for v in frame["value"]]


def test_bic_vectors_agree_with_stdnum() -> None:
    frame = vectors("bic.csv")
    assert valid_bic(frame["value"]).tolist() == frame["expected"].tolist()
    assert frame["expected"].tolist() == [std_bic.is_valid(v) for v in frame["value"]]


# --- IBAN ----------------------------------------------------------------------------------


def test_iban_accepts_spaces_and_lower_case_and_rejects_bad_checksums() -> None:
    check(
        valid_iban,
        [
            "DE89370400440532013000",
            "DE89 3704 0044 0532 0130 00",
            "de89 3704 0044 0532 0130 00",
            " AT61 1904 3002 3457 3201 ",
            "DE89370400440532013001",  # check digits wrong
            "DE8937040044053201300",  # one digit short
            "XX89370400440532013000",  # no such country
            "DE89-3704-0044-0532-0130-00",
        ],
        [True, True, True, True, False, False, False, True],
    )


def test_missing_values_are_true_and_index_is_kept() -> None:
    check(valid_iban, [None, np.nan, pd.NA, "", "   "], [True] * 5)


def test_library_judges_each_distinct_undecided_value_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kmu_dataguard.validators import identifiers

    calls: list[str] = []
    real = identifiers._iban.is_valid

    def counting(value: str) -> bool:
        calls.append(value)
        return real(value)

    monkeypatch.setattr(identifiers._iban, "is_valid", counting)
    # The fast path decides plain German IBANs; a Belgian one (stdnum runs a national check)
    # and one with a no-break space (non-ASCII) go to stdnum, once per distinct value.
    nbsp = "DE89\u00a03704 0044 0532 0130 00"
    series = pd.Series(["DE89370400440532013000", "DE00", "BE31435411161155", nbsp, None] * 1000)
    result = valid_iban(series)
    assert sorted(calls) == ["BE31435411161155", nbsp]
    assert result.sum() == 4000


# --- BIC and IBAN/BIC agreement ------------------------------------------------------------


def test_bic_lengths_and_case() -> None:
    check(
        valid_bic,
        ["COBADEFFXXX", "cobadeff", "DEUTDEFF500", "DEUTDEF", "DEUTXXFF", "1EUTDEFF"],
        [True, True, True, False, False, False],
    )


def test_iban_bic_agreement_including_territories() -> None:
    ibans = pd.Series(
        [
            "DE89370400440532013000",  # DE / DE
            "DE89370400440532013000",  # DE / FR: mixed up
            "FR7630006000011234567890189",  # FR IBAN, Réunion BIC
            "GB29NWBK60161331926819",  # GB IBAN, Jersey BIC
            "GB29NWBK60161331926819",  # GB IBAN, Spanish BIC
            "FI2112345600000785",  # FI IBAN, Åland BIC
            "DE00",  # malformed IBAN: left to valid_iban
            None,
            "AT611904300234573201",
        ]
    )
    bics = pd.Series(
        [
            "COBADEFFXXX",
            "BNPAFRPP",
            "BNPARERX",
            "BARCJESH",
            "CAIXESBB",
            "AABAAX22",
            "COBADEFF",
            "COBADEFF",
            None,
        ]
    )
    assert iban_bic_agree(ibans, bics).tolist() == [
        True,
        False,
        True,
        True,
        False,
        True,
        True,  # a malformed IBAN still names its country; valid_iban reports it
        True,
        True,
    ]


def test_iban_bic_agreement_exact() -> None:
    result = iban_bic_agree(
        pd.Series(["DE00", "DE89370400440532013000", "NL91ABNA0417164300"]),
        pd.Series(["COBADEFF", "XYZ", "ABNANL2A"]),
    )
    # A malformed IBAN still names its country; a BIC without a country cannot disagree.
    assert result.tolist() == [True, True, True]


# --- VAT ID --------------------------------------------------------------------------------


def test_vat_id_prefix_forms_greek_el_and_placeholder() -> None:
    check(
        valid_vat_id,
        [
            "DE136695976",
            "DE 136 695 976",
            "de136695976",
            "136695976",  # no prefix: not a VAT ID for EN 16931 / VIES
            "DE123456789",  # the classic placeholder: check digit wrong
            "EL094259216",
            "GR094259216",
            "ATU13585627",
            "AT ATU 13585627",  # doubled prefix from a bad export
            "CHE-116.281.710 MWST",
            "XI980780684",
            "US123456789",
        ],
        [True, True, True, False, False, True, True, True, False, True, True, False],
    )


def test_vat_prefix_matches_country() -> None:
    vat = pd.Series(
        ["EL094259216", "GR094259216", "DE136695976", "136695976", "DE136695976", None, "ATU1"]
    )
    country = pd.Series(["GR", "GR", "AT", "DE", None, "DE", "at"])
    assert vat_prefix_matches_country(vat, country).tolist() == [
        True,
        True,
        False,
        False,
        True,
        True,
        True,
    ]


# --- German tax number, Leitweg-ID ---------------------------------------------------------


def test_de_tax_number_forms() -> None:
    check(
        valid_de_tax_number,
        ["181/815/08155", "9181081508155", "18181508155", "12345", "181/815/0815X"],
        [True, True, True, False, False],
    )


def test_leitweg_id() -> None:
    check(
        valid_leitweg_id,
        ["991-03730-19", "04011000-1234512345-06", "991-03730-18", "991 03730 19x"],
        [True, True, False, False],
    )


# --- GTIN / GLN ----------------------------------------------------------------------------


def test_gtin_lengths() -> None:
    check(
        valid_gtin,
        [
            "96385074",  # GTIN-8
            "036000291452",  # GTIN-12 (UPC-A)
            "4006381333931",  # GTIN-13
            "14006381333938",  # GTIN-14
            "4006381333932",  # wrong check digit
            "400638133393",  # 12 digits, wrong check digit
            "12345",
            "40063813339310",  # 14 digits, wrong check digit
            "4006381333931.0",  # float artefact from a spreadsheet
        ],
        [True, True, True, True, False, False, False, False, False],
    )


def test_gln_is_exactly_13_digits() -> None:
    check(
        valid_gln,
        ["4006381333931", "96385074", "14006381333938", "4006381333932"],
        [True, False, False, False],
    )
