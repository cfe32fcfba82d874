from __future__ import annotations

import codecs
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from kmu_dataguard.errors import ConfigError, SourceError
from kmu_dataguard.paths import builtin_dir
from kmu_dataguard.sources.datev import read_datev
from kmu_dataguard.sources.delimited import read_delimited
from kmu_dataguard.sources.excel import read_excel
from kmu_dataguard.sources.profiles import (
    CANONICAL,
    EntityMapping,
    SplitRule,
    apply_mapping,
    list_profiles,
    load_profile,
    normalize_number,
)
from tests.support.datev_files import write_datev

BUILTIN = ["business_central", "datev", "hubspot", "lexoffice", "odoo", "salesforce", "sap_b1"]


def _yaml(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


# ------------------------------------------------------------------ loading


def test_builtin_profiles_load_and_are_listed():
    profiles = list_profiles()
    assert [p.name for p in profiles] == BUILTIN
    for p in profiles:
        assert p.path is not None and p.path.parent == builtin_dir("connectors").resolve()
        assert p.docs, f"{p.name} cites no documentation"
        for entity, mapping in p.entities.items():
            assert entity in CANONICAL
            assert mapping.key == CANONICAL[entity][0]
    assert load_profile("datev").kind == "datev"


def test_user_folder_overrides_builtin_by_name(tmp_path):
    _yaml(
        tmp_path / "mine",
        "hubspot",
        """\
        name: hubspot
        title: Our HubSpot with a custom property
        kind: file
        entities:
          contacts:
            key: contact_id
            columns:
              contact_id: Kontakt-ID
        """,
    )
    profile = load_profile("hubspot", [tmp_path / "mine"])
    assert profile.title == "Our HubSpot with a custom property"
    assert [p.title for p in list_profiles([tmp_path / "mine"]) if p.name == "hubspot"] == [
        "Our HubSpot with a custom property"
    ]
    assert load_profile("hubspot").title.startswith("HubSpot CRM")


def test_sql_profile_query_is_accepted_uninterpreted(tmp_path):
    path = _yaml(
        tmp_path,
        "odoo_test",
        """\
        name: odoo_test
        title: Odoo (SQL)
        kind: sql
        entities:
          customers:
            key: customer_id
            query: |
              SELECT p.ref AS customer_id, p.name AS name
              FROM res_partner p WHERE p.customer_rank > 0
        """,
    )
    profile = load_profile(path)
    assert profile.entity("customers").query.startswith("SELECT p.ref AS customer_id")
    with pytest.raises(
        ConfigError, match=r"odoo_test\.yml: profile 'odoo_test' has no entity 'articles'"
    ):
        profile.entity("articles")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "name: x\ntitle: t\nkind: file\nentitys: {}\n",
            r"x\.yml: entitys: unknown key; allowed: docs, entities, kind, name, notes, title",
        ),
        (
            "name: x\ntitle: t\nkind: file\nentities:\n  kunden:\n    key: customer_id\n",
            r"x\.yml: entities\.kunden: unknown entity; use one of customers, suppliers, articles",
        ),
        (
            "name: x\ntitle: t\nkind: file\nentities:\n  customers:\n    columns:\n"
            "      customer_id: Nr\n    nul_values: ['-']\n",
            r"x\.yml: entities\.customers\.nul_values: unknown key",
        ),
        (
            "name: x\ntitle: t\nkind: file\nentities:\n  customers:\n    columns:\n"
            "      postcode: PLZ\n",
            r"x\.yml: entities\.customers\.columns\.postcode: 'postcode' is not a column of "
            r"customers; use one of customer_id, name",
        ),
        (
            "name: x\ntitle: t\nkind: file\nentities:\n  customers:\n    columns:\n"
            "      customer_id: 17\n",
            r"x\.yml: entities\.customers\.columns\.customer_id: expected a string or a list",
        ),
        (
            "name: x\ntitle: t\nkind: file\nentities:\n  customers:\n    columns: [a, b]\n",
            r"x\.yml: entities\.customers\.columns: expected a mapping",
        ),
        (
            "name: x\ntitle: t\nkind: file\nentities:\n  customers:\n    key: customer_id\n"
            "    columns:\n      name: Name\n",
            r"x\.yml: entities\.customers\.key: 'customer_id' is not mapped under columns",
        ),
        (
            "name: x\ntitle: t\nkind: ftp\nentities: {}\n",
            r"x\.yml: kind: 'ftp'; use one of file, datev, sql",
        ),
        (
            "name: x\ntitle: t\nkind: sql\nentities:\n  customers:\n    key: customer_id\n",
            r"x\.yml: entities\.customers\.query: a sql profile needs a query",
        ),
        (
            "name: x\ntitle: t\nkind: file\nentities:\n  customers:\n    columns: {name: N}\n"
            "    query: SELECT 1\n",
            r"x\.yml: entities\.customers\.query: only kind 'sql' takes a query",
        ),
        (
            "name: x\ntitle: t\nkind: datev\nentities:\n  articles: {}\n",
            r"x\.yml: entities\.articles: a DATEV Debitoren/Kreditoren file holds customers",
        ),
        (
            "name: x\ntitle: t\nkind: file\nentities:\n  customers:\n    columns: {name: N}\n"
            "    split:\n      - from: PLZ Ort\n        pattern: '(\\d+) (.+)'\n",
            r"x\.yml: entities\.customers\.split\[0\]\.pattern: needs named groups",
        ),
        (
            "name: x\ntitle: t\nkind: file\nentities:\n  customers:\n    columns: {name: N}\n"
            "    decimal: komma\n",
            r"x\.yml: entities\.customers\.decimal: 'komma'; use one of auto, comma, point",
        ),
        ("name: x\ntitle: t\nkind: file\n", r"x\.yml: entities: missing"),
        ("- a\n- b\n", r"x\.yml: \(top level\): expected a mapping, got list"),
        ("name: x\n  title: [\n", r"x\.yml: line \d+, column \d+: "),
    ],
)
def test_strict_loader_names_file_and_key_path(tmp_path, body, message):
    path = tmp_path / "x.yml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_profile(path)


def test_name_must_match_file_and_unknown_name_lists_available(tmp_path):
    _yaml(tmp_path, "abc", "name: xyz\ntitle: t\nkind: datev\nentities:\n  customers: {}\n")
    with pytest.raises(
        ConfigError, match=r"abc\.yml: name: 'xyz' does not match the file name 'abc'"
    ):
        load_profile("abc", [tmp_path])
    with pytest.raises(
        ConfigError, match=r"connector profile 'sap' not found; available: abc, business_central"
    ):
        load_profile("sap", [tmp_path])
    with pytest.raises(ConfigError, match=r"nope: profile folder does not exist"):
        load_profile("hubspot", [tmp_path / "nope"])


# ------------------------------------------------------------------ applying


def _mapping(**kw) -> EntityMapping:
    return EntityMapping(entity="customers", key="customer_id", **kw)


def test_apply_mapping_renames_derives_and_passes_through():
    df = pd.DataFrame(
        {
            "  KUNDENNUMMER ": ["000123", "000124"],
            "PLZ Ort": ["01067 Dresden", "Hamburg"],
            "Firma": ["Müller GmbH", "/"],
            "Zahlungsziel": ["30", "-"],
            "Bemerkung": ["x", None],
            "name": ["alt", "alt"],
        },
        dtype=object,
    )
    mapping = _mapping(
        columns={
            "customer_id": ("Kundennr", "Kundennummer"),
            "name": ("Firma",),
            "payment_terms_days": ("Zahlungsziel",),
        },
        null_values=("/", "-"),
        split=(
            SplitRule(
                ("PLZ/Ort", "plz ort"),
                __import__("re").compile(r"^(?P<postal_code>\d{5})\s+(?P<city>.+)$"),
            ),
        ),
    )
    out = apply_mapping(df, mapping, source_name="kunden.csv")
    assert list(out.columns) == [
        "customer_id",
        "name",
        "postal_code",
        "city",
        "payment_terms_days",
        "PLZ Ort",
        "Bemerkung",
        "name__source",
    ]
    assert out["customer_id"].tolist() == ["000123", "000124"]
    assert out["name"].tolist() == ["Müller GmbH", None]  # "/" is a null value
    assert out["payment_terms_days"].tolist() == ["30", None]
    assert out["postal_code"].tolist() == ["01067", None]  # "Hamburg" does not match
    assert out["city"].tolist() == ["Dresden", None]
    assert out["PLZ Ort"].tolist() == ["01067 Dresden", "Hamburg"]  # kept for the report
    assert out["name__source"].tolist() == ["alt", "alt"]
    assert out.loc[1, "Bemerkung"] is None


def test_apply_mapping_missing_column_message():
    df = pd.DataFrame({"a": ["1"], "b": ["2"], "c": ["3"]}, dtype=object)
    mapping = _mapping(columns={"customer_id": ("a",), "name": ("Firmenname",)})
    with pytest.raises(
        SourceError,
        match=r"^column 'Firmenname' \(for name\) not in kunden\.csv; columns present: a, b, c$",
    ):
        apply_mapping(df, mapping, source_name="kunden.csv")


def test_apply_mapping_optional_column_may_be_absent():
    df = pd.DataFrame({"a": ["1"]}, dtype=object)
    mapping = _mapping(
        columns={"customer_id": ("a",), "phone": ("Telefon",)}, optional=frozenset({"phone"})
    )
    out = apply_mapping(df, mapping, source_name="k.csv")
    assert list(out.columns) == ["customer_id"]
    assert out.attrs["missing_optional"] == ["phone"]


@pytest.mark.parametrize(
    ("raw", "decimal", "expected"),
    [
        ("1.234,50", "auto", "1234.50"),
        ("1,234.50", "auto", "1234.50"),
        ("12,5", "auto", "12.5"),
        ("12.5", "auto", "12.5"),
        ("1.234.567", "auto", "1234567"),
        ("19 %", "auto", "19"),
        ("-4,00 €", "auto", "-4.00"),
        ("1 234,50", "auto", "1234.50"),
        ("1.234", "comma", "1234"),
        ("1,234", "point", "1234"),
        ("auf Anfrage", "auto", "auf Anfrage"),
        (None, "auto", None),
    ],
)
def test_normalize_number(raw, decimal, expected):
    assert normalize_number(raw, decimal) == expected


# ------------------------------------------------------------------ each profile on its export


def test_hubspot_contacts_and_companies_exports(tmp_path):
    contacts = tmp_path / "hubspot-crm-exports-all-contacts-2024-03-01.csv"
    contacts.write_bytes(
        codecs.BOM_UTF8
        + (
            "Record ID,First Name,Last Name,Email,Phone Number,Company Name,Country/Region,"
            "Associated Company IDs,Lifecycle Stage\r\n"
            "51,Jürgen,Weiß,j.weiss@example.de,+49 351 1234,Müller GmbH,Germany,9001,customer\r\n"
            '52,Anna,"Schmidt, Dr.",anna@example.com,--,,,,lead\r\n'
        ).encode()
    )
    hub = load_profile("hubspot")
    df = apply_mapping(read_delimited(contacts), hub.entity("contacts"), source_name=contacts.name)
    assert df.columns[:8].tolist() == list(CANONICAL["contacts"])
    assert df.iloc[0][["contact_id", "first_name", "last_name", "customer_id"]].tolist() == [
        "51",
        "Jürgen",
        "Weiß",
        "9001",
    ]
    assert df.iloc[1]["last_name"] == "Schmidt, Dr."
    assert df.iloc[1]["phone"] is None  # "--" null value
    assert df["Lifecycle Stage"].tolist() == ["customer", "lead"]  # passes through

    api = pd.DataFrame(
        {
            "hs_object_id": ["9001"],
            "name": ["Müller GmbH"],
            "address": ["Hauptstraße 5"],
            "zip": ["01067"],
            "city": ["Dresden"],
            "country": ["DE"],
        },
        dtype=object,
    )
    companies = apply_mapping(api, hub.entity("customers"), source_name="api")
    assert companies.iloc[0][["customer_id", "name", "postal_code"]].tolist() == [
        "9001",
        "Müller GmbH",
        "01067",
    ]
    assert companies.attrs["missing_optional"] == ["phone", "vat_id"]


def test_salesforce_data_loader_account_and_contact(tmp_path):
    account = tmp_path / "extract_Account.csv"
    account.write_text(
        '"Id","Name","AccountNumber","BillingStreet","BillingCity","BillingPostalCode",'
        '"BillingCountryCode","Phone","CurrencyIsoCode"\n'
        '"0015g00000AbCdEAAV","Kühne, Nagel & Co","000123","Am Markt 1\nHinterhaus","Bremen",'
        '"28195","DE","+49 421 1","EUR"\n',
        encoding="utf-8",
    )
    sf = load_profile("salesforce")
    df = apply_mapping(read_delimited(account), sf.entity("customers"), source_name=account.name)
    row = df.iloc[0]
    assert row["customer_id"] == "000123"  # AccountNumber is the first variant
    assert row["street"] == "Am Markt 1\nHinterhaus"
    assert row["country"] == "DE" and row["currency"] == "EUR"
    assert row["Id"] == "0015g00000AbCdEAAV"

    contact = tmp_path / "extract_Contact.csv"
    contact.write_text(
        "Id,FirstName,LastName,Email,Phone,MailingCountry,AccountId\n"
        "0035g00000XyZAAA,Jürgen,Weiß,j@example.de,,Germany,0015g00000AbCdEAAV\n",
        encoding="utf-8",
    )
    cdf = apply_mapping(read_delimited(contact), sf.entity("contacts"), source_name=contact.name)
    assert cdf.iloc[0][["contact_id", "country", "customer_id", "phone"]].tolist() == [
        "0035g00000XyZAAA",
        "Germany",
        "0015g00000AbCdEAAV",
        None,
    ]
    assert cdf.attrs["missing_optional"] == ["company"]


def test_business_central_api_csv_and_edit_in_excel(tmp_path):
    bc = load_profile("business_central")
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "id,number,displayName,type,addressLine1,addressLine2,city,state,country,postalCode,"
        "phoneNumber,email,website,taxRegistrationNumber,currencyCode,blocked\n"
        "f2a5738a-44e3-ea11-bb43-000d3a2feca1,10000,Adatum Corporation,Company,"
        "Cremon 3,,Hamburg,,DE,20457,,info@adatum.example,,DE113866163,EUR, \n",
        encoding="utf-8",
    )
    df = apply_mapping(
        read_delimited(customers), bc.entity("customers"), source_name="customers.csv"
    )
    assert df.iloc[0][["customer_id", "name", "vat_id", "blocked"]].tolist() == [
        "10000",
        "Adatum Corporation",
        "DE113866163",
        " ",
    ]

    wb = Workbook()
    ws = wb.active
    ws.title = "Vendor List"
    ws.append(
        [
            "No.",
            "Name",
            "Address",
            "Post Code",
            "City",
            "Country/Region Code",
            "VAT Registration No.",
            "Phone No.",
            "Blocked",
        ]
    )
    ws.append(
        [
            "V00010",
            "Schmidts Tivoli Gastspiel GmbH",
            "Spielbudenplatz 27-28",
            "20359",
            "Hamburg",
            "DE",
            "DE231969187",
            None,
            "All",
        ]
    )
    wb.save(tmp_path / "vendors.xlsx")
    vdf = apply_mapping(
        read_excel(tmp_path / "vendors.xlsx"), bc.entity("suppliers"), source_name="vendors.xlsx"
    )
    assert vdf.iloc[0][["supplier_id", "postal_code", "blocked"]].tolist() == [
        "V00010",
        "20359",
        "All",
    ]

    items = pd.DataFrame(
        {
            "number": ["1896-S"],
            "displayName": ["ATHENS Desk"],
            "gtin": ["4006381333931"],
            "baseUnitOfMeasureCode": ["PCS"],
            "unitPrice": ["1.000,8"],
            "blocked": ["false"],
        },
        dtype=object,
    )
    idf = apply_mapping(items, bc.entity("articles"), source_name="items")
    assert idf.iloc[0][["article_id", "gtin", "unit", "net_price"]].tolist() == [
        "1896-S",
        "4006381333931",
        "PCS",
        "1000.8",
    ]


def test_lexoffice_cp1252_semicolon_export(tmp_path):
    path = tmp_path / "kontakte.csv"
    path.write_bytes(
        (
            "Kundennummer;Lieferantennummer;Firmenname;Steuernummer;Umsatzsteuer ID;"
            "Straße 1;PLZ 1;Ort 1;Land 1;E-Mail 1;Telefon 1;IBAN;BIC\r\n"
            "10001;;Müller & Söhne GmbH;22/815/08154;DE113866163;Hauptstraße 5;01067;Dresden;"
            "Deutschland;info@mueller.example;0351 1234;DE89370400440532013000;AGBMDEMM\r\n"
            "10002;;Bäckerei Weiß;-;;Fußweg 1;20457;Hamburg;Deutschland;;;;\r\n"
        ).encode("cp1252")
    )
    lex = load_profile("lexoffice")
    df = apply_mapping(read_delimited(path), lex.entity("customers"), source_name=path.name)
    assert df["customer_id"].tolist() == ["10001", "10002"]
    assert df["postal_code"].tolist() == ["01067", "20457"]
    assert df.iloc[0]["street"] == "Hauptstraße 5"
    assert df.iloc[1]["tax_number"] is None  # "-" null value
    assert df["Lieferantennummer"].tolist() == [None, None]


def test_datev_profile_on_read_datev_table(tmp_path, datev_records):
    export = read_datev(write_datev(tmp_path / "EXTF_Stammdaten.csv", datev_records))
    profile = load_profile("datev")
    customers = apply_mapping(
        export.table("customers"), profile.entity("customers"), source_name="EXTF_Stammdaten.csv"
    )
    suppliers = apply_mapping(
        export.table("suppliers"), profile.entity("suppliers"), source_name="EXTF_Stammdaten.csv"
    )
    assert customers["customer_id"].tolist() == ["10001", "10002"]
    assert suppliers["supplier_id"].tolist() == ["70001", "99999"]
    assert customers.columns[0] == "customer_id"


def test_key_with_a_control_character_gives_a_one_line_message(tmp_path):
    # Found by tests/test_config_fuzz.py: the key path was printed raw, newline included.
    path = tmp_path / "x.yml"
    path.write_text(
        'name: x\ntitle: t\nkind: file\nentities:\n  customers:\n    columns: {"name\\n": N}\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_profile(path)
    assert "\n" not in str(info.value)
    assert "entities.customers.columns.name\\n" in str(info.value)
