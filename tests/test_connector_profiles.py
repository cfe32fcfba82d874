"""The SQL connector profiles run against tables shaped like the real systems.

Odoo on the real PostgreSQL server; SAP Business One on the real MariaDB server (table names
upper case, as SAP writes them), in SQLite, and folded to lower case in PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kmu_dataguard.entities import CANONICAL as ENTITY_COLUMNS
from kmu_dataguard.sources.sql import open_engine, read_table
from tests.support.erp_tables import load_odoo, load_sap_b1
from tests.support.servers import ServerDatabase

CONNECTORS = Path(__file__).resolve().parent.parent / "connectors"

CANONICAL = {entity: list(columns) for entity, columns in ENTITY_COLUMNS.items()}


def load_profile(name: str) -> dict[str, Any]:
    with (CONNECTORS / f"{name}.yml").open(encoding="utf-8") as fh:
        profile: dict[str, Any] = yaml.safe_load(fh)
    return profile


def read_entity(url: str, profile: dict[str, Any], entity: str) -> dict[str, dict[str, Any]]:
    """The rows of ``entity`` keyed by the profile's key column."""
    spec = profile["entities"][entity]
    df = read_table(open_engine(url), query=spec["query"], source_name=profile["name"])
    assert list(df.columns) == CANONICAL[entity]
    rows = df.to_dict("records")
    by_key = {row[spec["key"]]: row for row in rows}
    assert len(by_key) == len(rows), f"{entity}: key {spec['key']} is not unique"
    return by_key


@pytest.mark.parametrize("name", ["odoo", "sap_b1"])
def test_profile_follows_the_format(name: str) -> None:
    profile = load_profile(name)
    assert set(profile) == {"name", "title", "kind", "docs", "entities"}
    assert profile["name"] == name
    assert profile["kind"] == "sql"
    assert set(profile["entities"]) == set(CANONICAL)
    for entity, spec in profile["entities"].items():
        assert set(spec) == {"key", "query"}
        assert spec["key"] == CANONICAL[entity][0]
        assert spec["query"].lstrip().upper().startswith("SELECT")


# ----------------------------------------------------------------------------------- Odoo


@pytest.fixture
def odoo_url(pg_database: ServerDatabase) -> str:
    load_odoo(pg_database.admin_engine)
    return pg_database.url


def test_odoo_customers(odoo_url: str) -> None:
    rows = read_entity(odoo_url, load_profile("odoo"), "customers")
    # 1 = own company, 12 = supplier only, 14 = archived, 20-22 = child contacts/addresses
    assert sorted(rows) == ["10", "11", "13"]
    assert rows["10"] == {
        "customer_id": "10", "name": "Bäckerei Schulze GmbH", "street": "Ostra-Allee 9",
        "postal_code": "01067", "city": "Dresden", "country": "DE", "vat_id": "DE118619592",
        "tax_number": None, "email": "einkauf@baeckerei-schulze.de", "phone": "+49 351 4861234",
        "iban": "DE89 3704 0044 0532 0130 00", "bic": "COBADEFFXXX", "currency": None,
        "payment_terms_days": None, "leitweg_id": None, "blocked": "false",
    }  # fmt: skip
    olly = rows["11"]
    assert olly["vat_id"] is None  # Odoo's "/" means "no VAT ID"
    assert olly["phone"] == "+49 170 1234567"  # mobile when there is no phone
    assert olly["blocked"] == "true"  # invoice_warn = 'block'
    assert (olly["iban"], olly["bic"]) == (None, None)
    assert (rows["13"]["country"], rows["13"]["postal_code"]) == ("AT", "6020")
    assert rows["13"]["vat_id"] == "DE 125014955"  # as stored: the suite judges the format


def test_odoo_suppliers(odoo_url: str) -> None:
    rows = read_entity(odoo_url, load_profile("odoo"), "suppliers")
    assert sorted(rows) == ["12", "13"]
    bremen = rows["12"]
    assert bremen["name"] == "Mittelständische Beteiligungsgesellschaft Bremen mbH"
    assert (bremen["iban"], bremen["bic"]) == ("DE02100500000054540402", None)
    assert bremen["vat_id"] == "DE129304291"


def test_odoo_articles(odoo_url: str) -> None:
    rows = read_entity(odoo_url, load_profile("odoo"), "articles")
    assert sorted(rows) == ["200", "201", "203"]  # 202 is archived
    assert rows["200"] == {
        "article_id": "200", "name": "Roggenbrot 1 kg", "gtin": "0012345678905", "unit": "C62",
        "net_price": "4.50", "currency": "EUR", "vat_rate": "7.0", "supplier_id": "12",
        "blocked": "false",
    }  # fmt: skip
    flour = rows["201"]
    assert (flour["name"], flour["unit"]) == ("Wheat flour type 550", "KGM")  # no German name
    assert flour["supplier_id"] == "13"  # lowest sequence wins over lowest id
    assert flour["vat_rate"] == "7.0"  # the purchase tax does not count
    box = rows["203"]
    assert (box["name"], box["gtin"], box["blocked"]) == ("Musterkarton", None, "true")


def test_odoo_contacts(odoo_url: str) -> None:
    rows = read_entity(odoo_url, load_profile("odoo"), "contacts")
    assert sorted(rows) == ["20", "21"]  # 22 is an invoice address
    assert rows["20"] == {
        "contact_id": "20", "first_name": None, "last_name": "Anna Schulze",
        "company": "Bäckerei Schulze GmbH", "email": "anna.schulze@baeckerei-schulze.de",
        "phone": "+49 351 4861235", "country": "DE", "customer_id": "10",
    }  # fmt: skip
    assert rows["21"]["customer_id"] is None  # contact of a supplier
    assert rows["21"]["phone"] == "+49 421 555 0190"


# ------------------------------------------------------------------------- SAP Business One


@pytest.fixture(params=["mariadb", "sqlite", "postgresql"])
def sap_url(request: pytest.FixtureRequest) -> str:
    fixture = {"mariadb": "mariadb_database", "sqlite": "sqlite_database",
               "postgresql": "pg_database"}[request.param]  # fmt: skip
    db: ServerDatabase = request.getfixturevalue(fixture)
    load_sap_b1(db.admin_engine, fold_case=db.dialect == "postgresql")
    return db.url


def test_sap_b1_customers(sap_url: str) -> None:
    rows = read_entity(sap_url, load_profile("sap_b1"), "customers")
    assert sorted(rows) == ["K00017", "K00018"]  # CardType 'C' only: no lead, no vendor
    assert rows["K00017"] == {
        "customer_id": "K00017", "name": "Bäckerei Schulze GmbH", "street": "Ostra-Allee 9",
        "postal_code": "01067", "city": "Dresden", "country": "DE", "vat_id": "DE118619592",
        "tax_number": None, "email": "einkauf@baeckerei-schulze.de", "phone": "+49 351 4861234",
        "iban": "DE89370400440532013000", "bic": "COBADEFFXXX", "currency": "EUR",
        "payment_terms_days": "30", "leitweg_id": None, "blocked": "false",
    }  # fmt: skip
    olly = rows["K00018"]
    assert olly["vat_id"] is None  # empty LicTradNum
    assert olly["currency"] is None  # '##' = all currencies
    assert olly["payment_terms_days"] == "30"  # one extra month
    assert olly["blocked"] == "true"  # frozenFor = 'Y'
    assert olly["phone"] == "+49 170 1234567"


def test_sap_b1_suppliers(sap_url: str) -> None:
    rows = read_entity(sap_url, load_profile("sap_b1"), "suppliers")
    assert sorted(rows) == ["V70001", "V70002"]
    assert rows["V70001"]["payment_terms_days"] == "0"  # cash
    assert rows["V70001"]["iban"] == "DE02100500000054540402"
    leipzig = rows["V70002"]
    assert (leipzig["postal_code"], leipzig["city"]) == ("04109", "Leipzig")
    assert (leipzig["iban"], leipzig["bic"]) == (None, "DEUTDEFF")


def test_sap_b1_articles(sap_url: str) -> None:
    rows = read_entity(sap_url, load_profile("sap_b1"), "articles")
    assert sorted(rows) == ["000815", "DIENST-01", "MEHL-550"]
    bread = rows["000815"]
    assert (bread["article_id"], bread["gtin"]) == ("000815", "0012345678905")  # leading zeros
    assert (bread["unit"], bread["currency"], bread["supplier_id"]) == ("Stück", "EUR", "V70001")
    assert bread["blocked"] == "false"
    # Price from list 1 only; numbers as the database returns them (SQLite has no DECIMAL)
    assert float(bread["net_price"]) == 4.5
    assert float(bread["vat_rate"]) == 7.0
    flour = rows["MEHL-550"]
    assert (flour["unit"], flour["blocked"]) == ("kg", "true")  # inventory unit as fallback
    service = rows["DIENST-01"]
    assert (service["net_price"], service["currency"], service["supplier_id"]) == (None, None, None)


def test_sap_b1_prices_keep_their_decimals_on_mariadb(mariadb_database: ServerDatabase) -> None:
    load_sap_b1(mariadb_database.admin_engine)
    rows = read_entity(mariadb_database.url, load_profile("sap_b1"), "articles")
    assert (rows["000815"]["net_price"], rows["000815"]["vat_rate"]) == ("4.500000", "7.000000")


def test_sap_b1_contacts(sap_url: str) -> None:
    rows = read_entity(sap_url, load_profile("sap_b1"), "contacts")
    assert sorted(rows) == ["1", "4"]  # 2 belongs to a vendor, 3 is inactive
    assert rows["1"] == {
        "contact_id": "1", "first_name": "Anna", "last_name": "Schulze",
        "company": "Bäckerei Schulze GmbH", "email": "anna.schulze@baeckerei-schulze.de",
        "phone": "+49 351 4861235", "country": "DE", "customer_id": "K00017",
    }  # fmt: skip
    assert rows["4"]["phone"] == "+49 170 1234567"
