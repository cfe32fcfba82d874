"""The built-in suites load completely into GX and fail exactly the seeded defects.

Expectations judged against the run history (change detection) never reach GX; their tests are
in test_change_detection.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from great_expectations.expectations.registry import get_expectation_impl

from kmu_dataguard.entities import CANONICAL
from kmu_dataguard.paths import builtin_dir
from kmu_dataguard.validators import PYTHON_ONLY
from kmu_dataguard.validators.catalog import HISTORY_TYPES
from tests.support._gx_support import ephemeral_context, failing_keys, suite_from_file, validate

SUITES = sorted(builtin_dir("expectations").glob("*.json"))
ENTITY_KEYS = {
    "customers": "customer_id",
    "suppliers": "supplier_id",
    "articles": "article_id",
    "contacts": "contact_id",
}
PARTNER_COLUMNS = list(CANONICAL["customers"])
GOOD_DE = dict(
    name="Muster GmbH",
    street="Hauptstr. 1",
    postal_code="01067",
    city="Dresden",
    country="DE",
    vat_id="DE136695976",
    tax_number="181/815/08155",
    email="info@muster.de",
    phone="0351 1234567",
    iban="DE89 3704 0044 0532 0130 00",
    bic="COBADEFFXXX",
    currency="EUR",
    payment_terms_days="30",
    leitweg_id=None,
    blocked="0",
)
GOOD_AT = dict(
    GOOD_DE,
    name="Wiener Handel GmbH",
    street="Ring 5",
    postal_code="1010",
    city="Wien",
    country="AT",
    vat_id="ATU13585627",
    tax_number=None,
    email="office@wiener.at",
    phone="01 5123456",
    iban="AT611904300234573201",
    bic="BKAUATWW",
    payment_terms_days="14",
)


def customers_frame() -> pd.DataFrame:
    rows = [
        dict(GOOD_DE, customer_id="K1"),
        dict(GOOD_AT, customer_id="K2"),
        dict(
            GOOD_DE,
            customer_id="K3",
            name="Athens SA",
            street="Odos 1",
            postal_code="105 57",
            city="Athen",
            country="GR",
            vat_id="EL094259216",
            tax_number=None,
            phone="+30 210 1234567",
            iban="GR1601101250000000012300695",
            bic="ETHNGRAA",
        ),
        dict(
            GOOD_DE,
            customer_id="K4",
            postal_code="10115",
            city="Berlin",
            phone="030 1234567",
            leitweg_id="991-03730-19",
        ),
        dict(GOOD_DE, customer_id="K5", postal_code="1067", vat_id="DE123456789"),
        dict(GOOD_DE, customer_id="K6", iban="DE89370400440532013001", bic="BNPAFRPP"),
        dict(GOOD_DE, customer_id="K7", email="max@@muster.de", phone="12", country="de"),
        dict(
            GOOD_DE,
            customer_id="K8",
            name=None,
            currency="EURO",
            payment_terms_days="30 Tage",
            blocked="true",
        ),
        dict(GOOD_AT, customer_id="K2", street="Ring 7"),
        dict(
            GOOD_DE,
            customer_id="K10",
            vat_id="ATU13585627",
            leitweg_id="991-03730-18",
            tax_number="12345",
        ),
        dict(
            GOOD_DE,
            customer_id="K11",
            street=None,
            country="GR",
            postal_code="546 24",
            city="Thessaloniki",
            vat_id="GR094259216",
            tax_number=None,
            email=None,
            phone="+30 2310 123456",
            iban="GR1601101250000000012300695",
            bic="DEUTDEF",
        ),
        dict(
            GOOD_DE,
            customer_id=None,
            name="Zürich AG",
            street="Bahnhofstr. 1",
            postal_code="8001",
            city="Zürich",
            country="CH",
            vat_id="CHE-116.281.710 MWST",
            tax_number=None,
            phone="044 668 18 00",
            iban="CH9300762011623852957",
            bic="UBSWCHZH80A",
            currency="CHF",
        ),
        dict(
            GOOD_DE,
            customer_id="K13",
            name="Paris SARL",
            street="1 Rue de Rivoli",
            postal_code="75001",
            city="Paris",
            country="FR",
            vat_id=None,
            tax_number=None,
            email="contact@paris.fr",
            phone="+33 1 42 68 53 00",
            iban="FR7630006000011234567890189",
            bic="BNPAFRPP",
        ),
    ]
    return pd.DataFrame(rows, columns=PARTNER_COLUMNS, dtype=object)


PARTNER_FAILURES = {
    "id_present": {None},
    "id_unique": {"K2"},
    "name_present": {"K8"},
    "street_present": {"K11"},
    "country_valid": {"K7"},
    "postal_code_matches_country": {"K5"},
    "vat_id_valid": {"K5"},
    "vat_id_prefix_matches_country": {"K10"},
    "tax_number_valid": {"K10"},
    "iban_valid": {"K6"},
    "bic_valid": {"K11"},
    "iban_matches_bic": {"K6"},
    "email_valid": {"K7"},
    "phone_valid_for_country": {"K7"},
    "currency_valid": {"K8"},
    "payment_terms_numeric": {"K8"},
    # The fixture clones one good record: shared VAT IDs and IBANs make two partner groups.
    "no_duplicate_partners": {"K1", "K2", "K3", "K4", "K5", "K6", "K7", "K8", "K10", "K11"},
}


def articles_frame() -> pd.DataFrame:
    good = dict(
        name="Schraube M6",
        gtin="4006381333931",
        unit="H87",
        net_price="0,12",
        currency="EUR",
        vat_rate="19",
        supplier_id="L1",
        blocked="0",
    )
    rows = [
        dict(good, article_id="A1"),
        dict(
            good,
            article_id="A2",
            name="Kaffee 1 kg",
            gtin="96385074",
            unit="KGM",
            net_price="1.234,50",
            vat_rate="7",
        ),
        dict(good, article_id="A3", gtin="4006381333932", unit="Stk"),
        dict(good, article_id="A4", gtin="14006381333938", net_price="-5,00", vat_rate="16"),
        dict(good, article_id="A5", net_price="12,5O", supplier_id=None),
        dict(good, article_id="A6", name=None, gtin=None, unit=None, vat_rate=None, currency="eur"),
        dict(good, article_id="A2", gtin="036000291452", vat_rate="0"),
    ]
    return pd.DataFrame(rows, columns=list(CANONICAL["articles"]), dtype=object)


def contacts_frame() -> pd.DataFrame:
    good = dict(
        first_name="Max",
        last_name="Mustermann",
        company="Muster GmbH",
        email="max@muster.de",
        phone="0351 1234567",
        country="DE",
        customer_id="K1",
    )
    rows = [
        dict(good, contact_id="C1"),
        dict(
            good,
            contact_id="C2",
            first_name="Erika",
            email=None,
            phone="+43 1 5123456",
            country="AT",
        ),
        dict(good, contact_id="C3", email=None, phone=None),
        dict(good, contact_id="C4", first_name=None, last_name=None),
        dict(good, contact_id="C5", email="erika(at)firma.de", phone=None, country="Deutschland"),
        dict(good, contact_id="C6", phone="0123"),
        dict(good, contact_id="C1", first_name="Moritz"),
    ]
    columns = [
        "contact_id",
        "first_name",
        "last_name",
        "company",
        "email",
        "phone",
        "country",
        "customer_id",
    ]
    return pd.DataFrame(rows, columns=columns, dtype=object)


def datev_frame(key: str, low: str, high: str) -> pd.DataFrame:
    rows = [
        dict(GOOD_DE, customer_id=f"{low}001"),
        dict(GOOD_AT, customer_id=f"{low}002", vat_id="ATU 13585627"),
        dict(GOOD_DE, customer_id=f"{high}003", name="X" * 51, city="Y" * 31),
        dict(GOOD_DE, customer_id=f"{low}04", postal_code="01067-1234567", street="S" * 37),
        dict(
            GOOD_DE, customer_id=f"{low}005", email="a" * 56 + "@x.de", phone="0" * 61, iban="DE00"
        ),
        dict(GOOD_DE, customer_id=f"{low}001", vat_id="DE123456789"),
    ]
    frame = pd.DataFrame(rows, columns=PARTNER_COLUMNS, dtype=object)
    return frame.rename(columns={"customer_id": key}).drop(columns=["leitweg_id"])


def datev_failures(low: str, high: str) -> dict[str, set]:
    return {
        "account_unique": {f"{low}001"},
        "account_range": {f"{high}003", f"{low}04"},
        "name_length": {f"{high}003"},
        "city_length": {f"{high}003"},
        "street_length": {f"{low}04"},
        "postal_code_length": {f"{low}04"},
        "vat_id_valid": {f"{low}001"},
        "vat_id_splittable": {f"{low}002"},
        "email_length": {f"{low}005"},
        "phone_length": {f"{low}005"},
        "iban_valid": {f"{low}005"},
    }


def prefixed(prefix: str, failures: dict[str, set]) -> dict[str, set]:
    return {f"{prefix}.{name}": keys for name, keys in failures.items()}


CASES = {
    "customers": (
        customers_frame,
        "customer_id",
        prefixed("customers", {**PARTNER_FAILURES, "leitweg_id_valid": {"K10"}}),
    ),
    "suppliers": (
        lambda: (
            customers_frame()
            .rename(columns={"customer_id": "supplier_id"})
            .drop(columns=["leitweg_id"])
        ),
        "supplier_id",
        prefixed("suppliers", PARTNER_FAILURES),
    ),
    "einvoicing": (
        customers_frame,
        "customer_id",
        prefixed(
            "einvoicing",
            {
                "buyer_name_present": {"K8"},
                "buyer_street_present": {"K11"},
                "buyer_postal_code_format": {"K5"},
                "buyer_country_valid": {"K7"},
                "buyer_electronic_address_present": {"K11"},
                "buyer_electronic_address_valid": {"K7"},
                "buyer_vat_id_present_intra_eu": {"K13"},
                "buyer_vat_id_valid": {"K5"},
                "buyer_vat_id_prefix": {"K10"},
                "leitweg_id_valid": {"K10"},
                "currency_valid": {"K8"},
            },
        ),
    ),
    "articles": (
        articles_frame,
        "article_id",
        prefixed(
            "articles",
            {
                "id_unique": {"A2"},
                "name_present": {"A6"},
                "gtin_valid": {"A3"},
                "gtin_unique": {"A1", "A5"},
                "unit_present": {"A6"},
                "unit_valid": {"A3"},
                "price_valid": {"A4", "A5"},
                "currency_valid": {"A6"},
                "vat_rate_present": {"A6"},
                "vat_rate_allowed": {"A4"},
                "supplier_present": {"A5"},
            },
        ),
    ),
    "contacts": (
        contacts_frame,
        "contact_id",
        prefixed(
            "contacts",
            {
                "id_unique": {"C1"},
                "last_name_present": {"C4"},
                "first_name_present": {"C4"},
                "reachable": {"C3"},
                "email_valid": {"C5"},
                "phone_valid_for_country": {"C6"},
                "country_valid": {"C5"},
                # Max Mustermann of Muster GmbH, four times (and Moritz with Max's e-mail)
                "no_duplicates": {"C1", "C3", "C5", "C6"},
            },
        ),
    ),
    "payment_run": (
        lambda: customers_frame().rename(columns={"customer_id": "supplier_id"}),
        "supplier_id",
        prefixed(
            "payment_run",
            {
                "id_present": {None},
                "id_unique": {"K2"},
                "iban_valid": {"K6"},
                "bic_valid": {"K11"},
                "iban_matches_bic": {"K6"},
                "not_blocked": {"K8"},
                # one IBAN on several suppliers: the cloned German one, the Greek one, K2 twice
                "iban_not_shared": {"K1", "K2", "K3", "K4", "K5", "K7", "K8", "K10", "K11"},
            },
        ),
    ),
    "datev": (
        lambda: datev_frame("customer_id", "10", "70"),
        "customer_id",
        prefixed("datev", datev_failures("10", "70")),
    ),
    "datev_suppliers": (
        lambda: datev_frame("supplier_id", "70", "10"),
        "supplier_id",
        prefixed("datev_suppliers", datev_failures("70", "10")),
    ),
}


def test_every_builtin_suite_has_a_case() -> None:
    assert {path.stem for path in SUITES} == set(CASES)


@pytest.mark.parametrize("path", SUITES, ids=lambda p: p.stem)
def test_suite_file_format(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert set(doc) == {"name", "meta", "expectations"}
    assert doc["name"] == path.stem
    assert doc["meta"]["entity"] in ENTITY_KEYS
    assert doc["meta"]["description"]["de"] and doc["meta"]["description"]["en"]
    ids = [item["meta"]["id"] for item in doc["expectations"]]
    assert len(ids) == len(set(ids)), "meta.id must be unique within the suite"
    for item in doc["expectations"]:
        assert set(item) == {"type", "kwargs", "severity", "meta"}
        assert item["severity"] in {"critical", "warning"}
        meta = item["meta"]
        assert meta["id"].startswith(f"{doc['name']}.")
        assert meta["protects"]["de"].strip() and meta["protects"]["en"].strip()
        assert set(meta) <= {"id", "protects", "rule", "max_failures"}
        if "rule" in meta:
            assert meta["rule"].startswith("BR-")
        if "max_failures" in meta:
            assert isinstance(meta["max_failures"], int) and meta["max_failures"] >= 0
        if item["type"] in HISTORY_TYPES:
            continue  # judged by the runner against the history, never by GX
        get_expectation_impl(item["type"])  # registered: built-in or ours


@pytest.mark.parametrize("path", SUITES, ids=lambda p: p.stem)
def test_suite_loads_completely_and_fails_exactly_the_seeded_defects(path: Path) -> None:
    context = ephemeral_context()  # a GX suite needs an active context to accept expectations
    doc, suite = suite_from_file(path)
    for_gx = [item for item in doc["expectations"] if item["type"] not in HISTORY_TYPES]
    assert len(suite.expectations) == len(for_gx)
    loaded = {exp.meta["id"]: exp for exp in suite.expectations}
    for item in for_gx:
        expectation = loaded[item["meta"]["id"]]
        assert expectation.expectation_type == item["type"]
        assert expectation.severity.value == item["severity"]

    make_frame, key, expected = CASES[path.stem]
    frame = make_frame()
    assert doc["meta"]["entity"] == "customers" or key == ENTITY_KEYS[doc["meta"]["entity"]]
    results = validate(context, frame, suite, key)
    assert len(results.results) == len(for_gx)
    assert failing_keys(results, key) == expected


def test_suites_use_python_only_expectations_by_type_name() -> None:
    used = {
        item["type"]
        for path in SUITES
        for item in json.loads(path.read_text(encoding="utf-8"))["expectations"]
    }
    assert used & PYTHON_ONLY  # the engine adapter must route these through pandas
    assert "expect_column_values_to_not_be_null" in used - PYTHON_ONLY
