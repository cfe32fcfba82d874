"""``dataguard check FILE --map "PLZ=postal_code"``: rename headers without writing a profile."""

from __future__ import annotations

import json

import pytest

import kmu_dataguard
from kmu_dataguard import ConfigError, Verdict
from kmu_dataguard.cli import main
from kmu_dataguard.cli.check import parse_map

# German headers for four canonical columns; one holds a comma, one an umlaut and a dot.
HEADER = (
    "Kundennummer;Firmenname;Straße, Nr.;PLZ;city;country;USt-IdNr.;tax_number;email;phone;iban;"
    "bic;currency;payment_terms_days;leitweg_id;blocked"
)
ROW = "000123;Müller GmbH;Hauptstr. 1;01067;Dresden;DE;;;;;;;EUR;30;;0"
MAP = '"Straße, Nr.=street",PLZ=postal_code'


@pytest.fixture
def kunden(tmp_path):
    path = tmp_path / "kunden.csv"
    path.write_text(f"{HEADER}\n{ROW}\n", encoding="utf-8")
    return path


def test_map_renames_headers_and_the_check_passes(kunden, capsys):
    code = main(
        [
            "check",
            str(kunden),
            "--suite",
            "customers",
            "--map",
            "kundennummer=customer_id,Firmenname=name",  # headers match case-insensitively
            "--map",
            MAP,
            "--map",
            "USt-IdNr.=vat_id",
            "--key",
            "customer_id",
        ]
    )
    assert code == 0, capsys.readouterr()


def test_python_api_takes_a_mapping(kunden):
    mapping = {
        "Kundennummer": "customer_id",
        "Firmenname": "name",
        "Straße, Nr.": "street",
        "PLZ": "postal_code",
        "USt-IdNr.": "vat_id",
    }
    result = kmu_dataguard.run_check(kunden, "customers", mapping=mapping, key="customer_id")
    assert result.verdict is Verdict.PASS


def test_parse_map_splits_commas_outside_quotes_and_keeps_equal_signs_in_headers():
    assert parse_map(('"Straße, Nr.=street", PLZ=postal_code', "a=b=name")) == {
        "Straße, Nr.": "street",
        "PLZ": "postal_code",
        "a=b": "name",
    }
    assert parse_map(()) is None


@pytest.mark.parametrize("value", ["PLZ", "=postal_code", "PLZ=", "PLZ=postal_code,PLZ=city"])
def test_a_malformed_map_is_a_usage_error(kunden, capsys, value):
    assert main(["check", str(kunden), "--suite", "customers", "--map", value]) == 2
    assert "--map" in capsys.readouterr().err


def test_unknown_source_header_exits_2_listing_the_files_headers(kunden, capsys):
    code = main(["check", str(kunden), "--suite", "customers", "--map", "Kdnr=customer_id"])
    err = capsys.readouterr().err
    assert code == 2
    assert "kunden.csv: --map: column 'Kdnr' is not in the file" in err
    assert "the file has: Kundennummer, Firmenname, Straße, Nr., PLZ, city" in err


def test_unknown_canonical_name_exits_2_listing_the_entitys_columns(kunden, capsys):
    code = main(["check", str(kunden), "--suite", "customers", "--map", "PLZ=plz"])
    err = capsys.readouterr().err
    assert code == 2
    assert "'plz' (for 'PLZ') is not a column of customers; use one of customer_id, name," in err


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mapping": {"A": "name", "B": "name"}}, "'A' and 'B' both map onto 'name'"),
        ({"mapping": {"A": "name"}, "profile": "lexoffice"}, "--map and --profile"),
    ],
)
def test_conflicting_maps_are_config_errors(kunden, kwargs, message):
    with pytest.raises(ConfigError, match=message):
        kmu_dataguard.run_check(kunden, "customers", **kwargs)


def test_map_on_a_database_url_is_refused():
    with pytest.raises(ConfigError, match="--map renames the columns of a file"):
        kmu_dataguard.run_check("sqlite:///x.db", "customers", mapping={"A": "name"})


def test_json_output_with_map(kunden, capsys):
    code = main(
        ["check", str(kunden), "--suite", "customers", "--format", "json", "--map", "PLZ=zip"]
    )
    assert code == 2
    assert (
        "not a column of customers" in json.loads(capsys.readouterr().out)["errors"][0]["message"]
    )
