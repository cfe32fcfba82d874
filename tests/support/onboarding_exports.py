"""Exports in the shapes of the systems KMU use, built in tmp_path for the ``dataguard init`` tests.

Each builder returns (path, expected entity, expected mapping source header → canonical or None).
Where the column names come from (as far as we know them):

* lexoffice: ``connectors/lexoffice.yml`` (lexoffice contact import/export help page: Kundennummer,
  Firmenname, Steuernummer, Umsatzsteuer ID; numbered address columns "Straße 1", "PLZ 1", ...),
  semicolon-separated, re-saved by Excel as Windows-1252.
* sevDesk: no official column list was at hand; the headers (Kunden-Nr., Anrede, Vorname,
  Nachname, Organisation, Straße, PLZ, Ort, Land, Telefon, E-Mail, USt-IdNr., IBAN, BIC) are
  those of a sevDesk contact export as we remember it, UTF-8 with BOM. Treat as unverified.
* Shopware 6: the mappedKeys of the built-in "Default customer" import/export profile
  (shopware/shopware, src/Core/Migration/V6_4/Migration1626696809AddImportExportCustomerProfile
  .php): id, customer_number, first_name, last_name, email, billing_company, billing_street,
  billing_zipcode, billing_city, billing_country, billing_phone_number, ...; ``;`` separated.
* Business Central: the list captions of ``connectors/business_central.yml`` (No., Name, Address,
  Post Code, City, Country/Region Code, Phone No., E-Mail, VAT Registration No., Currency Code,
  Blocked), as an .xlsx like "Edit in Excel" writes.
* HubSpot: ``connectors/hubspot.yml`` (export property labels: Record ID, First Name, Last Name,
  Email, Phone Number, Company Name, Associated Company IDs), comma-separated UTF-8.
* Odoo: the field labels of res.partner as the export dialog shows them (Name, Street, Zip, City,
  Country, Email, Phone, Tax ID, Reference: the ``string`` of those fields in Odoo 16/17's
  base module), comma-separated UTF-8.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from stdnum import ean, iban
from stdnum.iso7064 import mod_11_10

N = 24
CITIES = [("10115", "Berlin"), ("80331", "München"), ("50667", "Köln"), ("20095", "Hamburg")]
FIRMS = ["Müller GmbH", "Schäfer & Söhne KG", "Weiß Bau AG", "Groß Handel e.K."]


def an_iban(i: int) -> str:
    bban = f"37040044{i:010d}"
    return f"DE{iban.calc_check_digits('DE00' + bban)}{bban}"


def a_vat(i: int) -> str:
    body = f"{13669500 + i:08d}"
    return f"DE{body}{mod_11_10.calc_check_digit(body)}"


def a_gtin(i: int) -> str:
    body = f"400638{i:06d}"
    return body + ean.calc_check_digit(body)


def a_phone(i: int) -> str:
    return f"030 {5550100 + i}"


def an_email(i: int) -> str:
    return f"kontakt{i}@firma{i}.de"


def write_csv(
    path: Path, rows: list[list[str]], *, sep: str = ";", encoding: str = "utf-8"
) -> Path:
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def lexoffice(tmp: Path) -> tuple[Path, str, dict[str, str | None]]:
    head = [
        "Kundennummer",
        "Firmenname",
        "Anrede",
        "Vorname",
        "Nachname",
        "Straße 1",
        "PLZ 1",
        "Ort 1",
        "Land 1",
        "E-Mail 1",
        "Telefon 1",
        "Umsatzsteuer ID",
        "Steuernummer",
        "IBAN",
        "BIC",
    ]
    rows = [head]
    for i in range(N):
        plz, ort = CITIES[i % 4]
        rows.append(
            [
                str(10001 + i),
                FIRMS[i % 4],
                "Herr",
                "Jörg",
                f"Mößner{i}",
                f"Hauptstraße {i}",
                plz,
                ort,
                "DE",
                an_email(i),
                a_phone(i),
                a_vat(i),
                f"21/815/{8150 + i:05d}",
                an_iban(i),
                "COBADEFFXXX",
            ]
        )
    expected = dict(
        zip(
            head,
            [
                "customer_id",
                "name",
                None,
                None,
                None,
                "street",
                "postal_code",
                "city",
                "country",
                "email",
                "phone",
                "vat_id",
                "tax_number",
                "iban",
                "bic",
            ],
            strict=True,
        )
    )
    return write_csv(tmp / "lexoffice_Kontakte.csv", rows, encoding="cp1252"), "customers", expected


def lexoffice_suppliers(tmp: Path) -> tuple[Path, str, dict[str, str | None]]:
    head = [
        "Lieferantennummer",
        "Firmenname",
        "Straße 1",
        "PLZ 1",
        "Ort 1",
        "Land 1",
        "Umsatzsteuer ID",
        "IBAN",
    ]
    rows = [head]
    for i in range(N):
        plz, ort = CITIES[i % 4]
        rows.append(
            [str(70001 + i), FIRMS[i % 4], f"Am Hang {i}", plz, ort, "DE", a_vat(i), an_iban(i)]
        )
    expected = dict(
        zip(
            head,
            ["supplier_id", "name", "street", "postal_code", "city", "country", "vat_id", "iban"],
            strict=True,
        )
    )
    return write_csv(tmp / "Lieferanten.csv", rows, encoding="cp1252"), "suppliers", expected


def sevdesk(tmp: Path) -> tuple[Path, str, dict[str, str | None]]:
    head = [
        "Kunden-Nr.",
        "Anrede",
        "Vorname",
        "Nachname",
        "Organisation",
        "Straße",
        "PLZ",
        "Ort",
        "Land",
        "Telefon",
        "E-Mail",
        "USt-IdNr.",
        "IBAN",
        "BIC",
    ]
    rows = [head]
    for i in range(N):
        plz, ort = CITIES[i % 4]
        rows.append(
            [
                f"{1000 + i}",
                "Frau",
                "Käthe",
                f"Bäcker{i}",
                FIRMS[i % 4],
                f"Weg {i}",
                plz,
                ort,
                "DE",
                a_phone(i),
                an_email(i),
                a_vat(i),
                an_iban(i),
                "COBADEFFXXX",
            ]
        )
    expected = dict(
        zip(
            head,
            [
                "customer_id",
                None,
                None,
                None,
                "name",
                "street",
                "postal_code",
                "city",
                "country",
                "phone",
                "email",
                "vat_id",
                "iban",
                "bic",
            ],
            strict=True,
        )
    )
    return (
        write_csv(tmp / "sevdesk_kontakte.csv", rows, encoding="utf-8-sig"),
        "customers",
        expected,
    )


def shopware(tmp: Path) -> tuple[Path, str, dict[str, str | None]]:
    head = [
        "id",
        "salutation",
        "customer_number",
        "first_name",
        "last_name",
        "email",
        "active",
        "billing_company",
        "billing_street",
        "billing_zipcode",
        "billing_city",
        "billing_country",
        "billing_phone_number",
    ]
    rows = [head]
    for i in range(N):
        plz, ort = CITIES[i % 4]
        rows.append(
            [
                f"0190a1b2c3d4e5f6a7b8c9d0e1f2{i:04x}",
                "mr",
                f"SW{10000 + i}",
                "Ünal",
                f"Özdemir{i}",
                an_email(i),
                "1",
                FIRMS[i % 4],
                f"Allee {i}",
                plz,
                ort,
                "DE",
                a_phone(i),
            ]
        )
    expected = dict(
        zip(
            head,
            [
                None,
                None,
                "customer_id",
                None,
                None,
                "email",
                None,
                "name",
                "street",
                "postal_code",
                "city",
                "country",
                "phone",
            ],
            strict=True,
        )
    )
    return write_csv(tmp / "shopware_customer.csv", rows), "customers", expected


def business_central(tmp: Path) -> tuple[Path, str, dict[str, str | None]]:
    from openpyxl import Workbook

    head = [
        "No.",
        "Name",
        "Address",
        "Post Code",
        "City",
        "Country/Region Code",
        "Phone No.",
        "E-Mail",
        "VAT Registration No.",
        "Currency Code",
        "Blocked",
    ]
    wb = Workbook()
    ws = wb.active
    ws.append(head)
    for i in range(N):
        plz, ort = CITIES[i % 4]
        ws.append(
            [
                f"C{10000 + i}",
                FIRMS[i % 4],
                f"Ring {i}",
                plz,
                ort,
                "DE",
                a_phone(i),
                an_email(i),
                a_vat(i),
                "EUR",
                "",
            ]
        )
    path = tmp / "Customers_BC.xlsx"
    wb.save(path)
    expected = dict(
        zip(
            head,
            [
                "customer_id",
                "name",
                "street",
                "postal_code",
                "city",
                "country",
                "phone",
                "email",
                "vat_id",
                "currency",
                "blocked",
            ],
            strict=True,
        )
    )
    return path, "customers", expected


def hubspot(tmp: Path) -> tuple[Path, str, dict[str, str | None]]:
    head = [
        "Record ID",
        "First Name",
        "Last Name",
        "Email",
        "Phone Number",
        "Company Name",
        "Associated Company IDs",
    ]
    rows = [head]
    for i in range(N):
        rows.append(
            [
                str(51 + i),
                "Anna",
                f"Schmidt{i}",
                an_email(i),
                f"+49 30 {5550100 + i}",
                FIRMS[i % 4],
                str(9000 + i % 4),
            ]
        )
    expected = dict(
        zip(
            head,
            ["contact_id", "first_name", "last_name", "email", "phone", "company", "customer_id"],
            strict=True,
        )
    )
    return write_csv(tmp / "hubspot-crm-exports-contacts.csv", rows, sep=","), "contacts", expected


def odoo(tmp: Path) -> tuple[Path, str, dict[str, str | None]]:
    head = ["Reference", "Name", "Street", "Zip", "City", "Country", "Email", "Phone", "Tax ID"]
    rows = [head]
    for i in range(N):
        plz, ort = CITIES[i % 4]
        rows.append(
            [
                f"K{100 + i}",
                FIRMS[i % 4],
                f"Gasse {i}",
                plz,
                ort,
                "Germany",
                an_email(i),
                a_phone(i),
                a_vat(i),
            ]
        )
    expected = dict(
        zip(
            head,
            [
                "customer_id",
                "name",
                "street",
                "postal_code",
                "city",
                "country",
                "email",
                "phone",
                "vat_id",
            ],
            strict=True,
        )
    )
    return write_csv(tmp / "res.partner.csv", rows, sep=","), "customers", expected


def articles(tmp: Path) -> tuple[Path, str, dict[str, str | None]]:
    head = ["Artikelnummer", "Bezeichnung", "EAN", "Einheit", "VK netto", "MwSt-Satz", "Lagerort"]
    rows = [head]
    for i in range(N):
        rows.append([f"A-{i:04d}", f"Schraube M{i}", a_gtin(i), "H87", f"{i},50", "19", "Regal 3"])
    expected = dict(
        zip(
            head, ["article_id", "name", "gtin", "unit", "net_price", "vat_rate", None], strict=True
        )
    )
    return write_csv(tmp / "Artikel.csv", rows, encoding="cp1252"), "articles", expected


def blind_headers(tmp: Path) -> tuple[Path, str, dict[str, str | None]]:
    """Headers that say nothing: only content can tell."""
    head = [f"Feld{i}" for i in range(1, 8)]
    rows = [head]
    for i in range(N):
        plz = CITIES[i % 4][0]
        rows.append(
            [f"K{5000 + i}", FIRMS[i % 4], an_iban(i), an_email(i), plz, f"Straße {i}", a_vat(i)]
        )
    expected = dict(
        zip(
            head, ["customer_id", None, "iban", "email", "postal_code", None, "vat_id"], strict=True
        )
    )
    return write_csv(tmp / "export.csv", rows, encoding="cp1252"), "customers", expected


def misleading(tmp: Path) -> tuple[Path, str, dict[str, str | None]]:
    """A column named Telefon holding IBANs."""
    head = ["Kundennummer", "Name", "PLZ", "Ort", "Telefon"]
    rows = [head]
    for i in range(N):
        plz, ort = CITIES[i % 4]
        rows.append([str(10001 + i), FIRMS[i % 4], plz, ort, an_iban(i)])
    expected = dict(zip(head, ["customer_id", "name", "postal_code", "city", "iban"], strict=True))
    return write_csv(tmp / "kunden.csv", rows), "customers", expected


Builder = Callable[[Path], tuple[Path, str, dict[str, str | None]]]

ALL: tuple[Builder, ...] = (
    lexoffice,
    lexoffice_suppliers,
    sevdesk,
    shopware,
    business_central,
    hubspot,
    odoo,
    articles,
    blind_headers,
    misleading,
)


def weather(tmp: Path) -> Path:
    rows = [["Datum", "Station", "Temperatur", "Niederschlag", "Windgeschwindigkeit"]]
    for i in range(N):
        rows.append([f"2024-03-{i + 1:02d}", "Potsdam", f"{i % 12},{i % 10}", f"{i % 5},0", "12"])
    return write_csv(tmp / "wetter.csv", rows)
