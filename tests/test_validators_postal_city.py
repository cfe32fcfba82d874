"""Postal code and city agree (the shipped GeoNames list): real pairs, tolerance, GX."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import great_expectations as gx
import pandas as pd
import pytest
from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

from kmu_dataguard.validators import register
from kmu_dataguard.validators.codelists import codelist_path, postal_places
from kmu_dataguard.validators.postal_city import city_matches, postal_code_matches_city
from tests.support._gx_support import ephemeral_context, failing_keys, validate

register()


@pytest.mark.parametrize(
    ("code", "city"),
    [
        ("01067", "Dresden"),
        ("20095", "Hamburg"),
        ("60311", "Frankfurt am Main"),
        ("15230", "Frankfurt (Oder)"),
        ("80331", "München"),
        # the same places as stewards write them
        ("01067", "DRESDEN"),
        ("01067", "Dresden-Neustadt"),
        ("01067", "Dresden Innere Altstadt"),
        ("60311", "Frankfurt a.M."),
        ("60311", "Frankfurt a. M."),
        ("60311", "Frankfurt/Main"),
        ("60311", "Frankfurt"),
        ("15230", "Frankfurt/Oder"),
        ("15230", "Frankfurt an der Oder"),
        ("80331", "Muenchen"),
        ("80331", "Munchen"),
        ("80331", "Münchn"),  # one typo in a long name
        ("85716", "Unterschleissheim"),
        ("22765", "Hamburg-Altona"),
        ("22765", "Altona"),  # the district alone
        ("55252", "Wiesbaden"),  # Mainz-Kastel belongs to Wiesbaden
        ("55252", "Mainz-Kastel"),
        ("66386", "St. Ingbert"),
        ("91541", "Rothenburg o.d.T."),
        ("91413", "Neustadt a.d. Aisch"),
    ],
)
def test_real_pairs_agree(code: str, city: str) -> None:
    assert city_matches("DE", code, city) is True


@pytest.mark.parametrize(
    ("code", "city"),
    [
        ("01067", "Leipzig"),
        ("80331", "Berlin"),
        ("60311", "Frankfurt (Oder)"),
        ("15230", "Frankfurt am Main"),
        ("85716", "München"),  # Unterschleißheim is in the district of Munich, not the city
        ("23730", "Neustadt a.d. Aisch"),  # Neustadt in Holstein
    ],
)
def test_wrong_city_is_found(code: str, city: str) -> None:
    assert city_matches("DE", code, city) is False


def test_austria_and_switzerland() -> None:
    assert city_matches("AT", "1010", "Wien") is True
    assert city_matches("AT", "5020", "Salzburg") is True
    assert city_matches("AT", "5020", "Wien") is False
    assert city_matches("CH", "3000", "Bern") is True
    assert city_matches("CH", "8001", "Zürich") is True
    assert city_matches("CH", "8001", "Zuerich") is True
    assert city_matches("CH", "8001", "Bern") is False


def test_unknown_codes_are_not_judged() -> None:
    assert city_matches("DE", "02045", "Hamburg") is None  # no such postal code
    assert city_matches("FR", "75001", "Paris") is None
    assert city_matches("DE", "01067", "12345") is None  # a city without letters


def test_column_judge_skips_what_it_cannot_judge() -> None:
    postal = pd.Series(["01067", "01067", "1067", None, "01067", "02045", "=1+2", "01067" * 300])
    city = pd.Series(["Dresden", "Leipzig", "Leipzig", "Dresden", None, "Hamburg", "x", "y"])
    assert postal_code_matches_city(postal, city).tolist() == [
        True,
        False,
        True,  # four digits: the format check's business
        True,
        True,
        True,  # unknown code
        True,
        False,  # overlong text fails, as in every validator
    ]
    assert postal_code_matches_city(pd.Series(["5020"]), pd.Series(["Wien"]), "AT").tolist() == [
        False
    ]
    assert postal_code_matches_city(pd.Series(["5020"]), pd.Series(["Wien"]), "FR").tolist() == [
        True
    ]


def test_through_gx_for_german_rows_only() -> None:
    frame = pd.DataFrame(
        {
            "customer_id": ["K1", "K2", "K3", "K4", "K5"],
            "postal_code": ["01067", "80331", "1010", "60311", "80331"],
            "city": ["Dresden", "Berlin", "Wien", "Frankfurt a.M.", "München"],
            "country": ["DE", "DE", "AT", "DE", "AT"],
        }
    )
    suite = gx.ExpectationSuite(name="plz")
    suite.add_expectation_configuration(
        ExpectationConfiguration(
            type="expect_column_pair_values_to_be_postal_code_matching_city",
            kwargs={
                "column_A": "postal_code",
                "column_B": "city",
                "row_condition": {
                    "type": "comparison",
                    "column": {"name": "country"},
                    "operator": "==",
                    "parameter": "DE",
                },
            },
            meta={"id": "plz_city"},
        )
    )
    results = validate(ephemeral_context(), frame, suite, "customer_id")
    assert failing_keys(results, "customer_id") == {"plz_city": {"K2"}}


def test_shipped_list_is_sorted_and_complete() -> None:
    path = codelist_path("postal_places.csv.gz")
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    keys = [(r["country"], r["postal_code"]) for r in rows]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    places = postal_places()
    by_country = {c: sum(1 for k in places if k[0] == c) for c in ("DE", "AT", "CH")}
    assert by_country["DE"] > 8000 and by_country["AT"] > 2000 and by_country["CH"] > 3000
    digits = {"DE": 5, "AT": 4, "CH": 4}
    assert all(len(code) == digits[c] and code.isdigit() for c, code in places)
    assert all(name and "|" not in name for names in places.values() for name in names)


def test_real_register_addresses_raise_no_alarm() -> None:
    """The 84 addresses with postal code and city of bench/data/register_companies.csv
    (OffeneRegister.de): real German addresses, so every one must agree."""
    path = Path(__file__).parents[1] / "bench" / "data" / "register_companies.csv"
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    pairs = [(r["postal_code"], r["city"]) for r in rows if r["postal_code"] and r["city"]]
    assert len(pairs) == 84
    verdict = postal_code_matches_city(
        pd.Series([p for p, _ in pairs]), pd.Series([c for _, c in pairs])
    )
    assert verdict.all(), [pair for pair, ok in zip(pairs, verdict, strict=True) if not ok]


def test_refresh_script_reads_both_geonames_formats(tmp_path: Path) -> None:
    """scripts/postal_places.py: GeoNames' own tab-separated dump and the CSV conversion give
    the same list; German districts and company addressees are left out."""
    import importlib.util

    script = Path(__file__).parents[1] / "scripts" / "postal_places.py"
    spec = importlib.util.spec_from_file_location("postal_places_script", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    tsv = tmp_path / "DE.txt"
    tsv.write_text(
        "DE\t01067\tDresden\tSachsen\tSN\t\t00\tKreisfreie Stadt Dresden\t14612\t51.05\t13.73\t4\n"
        "DE\t85716\tUnterschleißheim\tBayern\tBY\tUpper Bavaria\t091\tLandkreis München\t09184"
        "\t48.28\t11.57\t4\n"
        "DE\t10875\tMuster GmbH\tBerlin\tBE\t\t00\tBerlin, Stadt\t11000\t52.5\t13.4\t4\n"
        "AT\t1010\tWien, Innere Stadt\tWien\t09\tWien\t900\tGemeindebezirk Innere Stadt\t901"
        "\t48.2\t16.37\t4\n",
        encoding="utf-8",
    )
    header = (
        "country_code,zipcode,place,state,state_code,province,province_code,community,"
        "community_code,latitude,longitude\n"
    )
    conversion = tmp_path / "zipcodes.csv"
    conversion.write_text(
        header
        + "DE,01067,Dresden,Sachsen,SN,,00,Kreisfreie Stadt Dresden,14612,51.05,13.73\n"
        + 'DE,85716,Unterschleißheim,Bayern,BY,Upper Bavaria,091,"Landkreis München",09184,1,1\n'
        + 'DE,10875,Muster GmbH,Berlin,BE,,00,"Berlin, Stadt",11000,52.5,13.4\n'
        + 'AT,1010,"Wien, Innere Stadt",Wien,09,Wien,900,Gemeindebezirk Innere Stadt,901,1,1\n',
        encoding="utf-8",
    )
    built = module.build([tsv])
    assert built == module.build([conversion])
    text = gzip.decompress(built).decode("utf-8")
    assert text.splitlines() == [
        "country,postal_code,places",
        'AT,1010,"Innere Stadt|Wien, Innere Stadt"',
        "DE,01067,Dresden",
        "DE,10875,Berlin",
        "DE,85716,Unterschleißheim",
    ]
