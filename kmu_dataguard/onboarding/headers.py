"""Header dictionary: canonical column → the headers systems and people give it, and the matcher.

Headers are compared after :func:`normalise` (case, umlauts, punctuation and spaces dropped, so
``USt-IdNr.``, ``ust idnr`` and ``UStIdNr`` are one header), then without a trailing number
(``E-Mail 1``), then fuzzily (rapidfuzz) above :data:`FUZZY_CUTOFF`.

``KEY`` stands for a generic record number (``No.``, ``Id``, ``Nummer``): it becomes the key of
the entity once the entity is known. ``company`` becomes ``name`` for customers and suppliers.

Seeded from the built-in connector profiles (lexoffice, HubSpot, Salesforce, Business Central,
Odoo, SAP B1, DATEV) plus sevDesk, Shopware 6 and common German/English spellings.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import NamedTuple

__all__ = [
    "FUZZY_CUTOFF",
    "HEADERS",
    "KEY",
    "HeaderMatch",
    "match_header",
    "normalise",
]

KEY = "@key"

#: canonical column (or KEY) → header variants; one row per column, more variants are one word.
HEADERS: dict[str, tuple[str, ...]] = {
    KEY: (
        "No.",
        "Nr.",
        "Nummer",
        "number",
        "Id",
        "Record ID",
        "hs_object_id",
        "Code",
        "Reference",
        "Referenz",
        "Internal Reference",
        "Interne Referenz",
        "External ID",
    ),
    "customer_id": (
        "Kundennummer",
        "Kunden-Nr.",
        "Kd.-Nr.",
        "KdNr",
        "Kunde Nr",
        "Kundennr",
        "Debitor",
        "Debitorennummer",
        "Debitor-Nr.",
        "Debitorenkonto",
        "customer_id",
        "customer number",
        "customerNumber",
        "customer no.",
        "Customer No.",
        "Account Number",
        "AccountNumber",
        "CardCode",
        "Konto",
        "Kontonummer",
        "Associated Company ID",
        "Associated Company IDs",
        "associatedcompanyid",
        "Associated Company IDs (Primary)",
        "AccountId",
        "Record ID - Company",
    ),
    "supplier_id": (
        "Lieferantennummer",
        "Lieferanten-Nr.",
        "Lief.-Nr.",
        "LiefNr",
        "Lieferant",
        "Lieferant Nr",
        "Kreditor",
        "Kreditorennummer",
        "Kreditor-Nr.",
        "Kreditorenkonto",
        "supplier_id",
        "supplier number",
        "vendor number",
        "Vendor No.",
        "vendorNumber",
        "Vendor",
        "Supplier",
    ),
    "article_id": (
        "Artikelnummer",
        "Artikel-Nr.",
        "Art.-Nr.",
        "ArtNr",
        "Artikel Nr",
        "article_id",
        "article number",
        "item number",
        "Item No.",
        "ItemCode",
        "SKU",
        "productNumber",
        "product number",
        "Produktnummer",
        "Materialnummer",
        "default_code",
    ),
    "contact_id": (
        "Kontaktnummer",
        "Kontakt-Nr.",
        "Ansprechpartner-Nr.",
        "contact_id",
        "contact number",
        "Record ID - Contact",
        "vid",
        "CntctCode",
    ),
    "name": (
        "Name",
        "Name 1",
        "Name1",
        "displayName",
        "display name",
        "Kundenname",
        "Lieferantenname",
        "CardName",
        "Bezeichnung",
        "Artikelbezeichnung",
        "Artikelname",
        "Produktname",
        "Description",
        "Beschreibung",
        "ItemName",
        "product name",
        "Kurzbezeichnung",
        "Account Name",
        "Organisation",
    ),
    "company": (
        "Firmenname",
        "Firma",
        "Company",
        "Company Name",
        "Unternehmen",
        "Unternehmensname",
        "Associated Company",
        "Account.Name",
        "AccountName",
        "Related Company",
        "Organization",
        "defaultBillingAddress.company",
        "billing_company",
    ),
    "first_name": (
        "Vorname",
        "First Name",
        "firstname",
        "first_name",
        "Given name",
        "Ansprechpartner Vorname",
        "Ansprechpartner 1 Vorname",
        "defaultBillingAddress.firstName",
        "billing_first_name",
    ),
    "last_name": (
        "Nachname",
        "Last Name",
        "lastname",
        "last_name",
        "Surname",
        "Family name",
        "Familienname",
        "Ansprechpartner Nachname",
        "Ansprechpartner 1 Nachname",
        "defaultBillingAddress.lastName",
        "billing_last_name",
    ),
    "street": (
        "Straße",
        "Strasse",
        "Str.",
        "Straße und Hausnummer",
        "Straße Hausnummer",
        "Anschrift",
        "Adresse",
        "Address",
        "Address Line 1",
        "addressLine1",
        "street",
        "Street Address",
        "BillingStreet",
        "defaultBillingAddress.street",
        "Rechnungsadresse Straße",
        "Street",
        "billing_street",
        "billing_address",  # WooCommerce: billing_address_1 (the trailing number is ignored)
    ),
    "postal_code": (
        "PLZ",
        "Postleitzahl",
        "Post Code",
        "postalCode",
        "postal code",
        "Zip",
        "Zip Code",
        "zipcode",
        "ZipCode",
        "BillingPostalCode",
        "defaultBillingAddress.zipcode",
        "Rechnungsadresse PLZ",
        "billing_zipcode",
    ),
    "city": (
        "Ort",
        "Stadt",
        "Wohnort",
        "City",
        "Town",
        "BillingCity",
        "defaultBillingAddress.city",
        "Rechnungsadresse Ort",
        "billing_city",
    ),
    "country": (
        "Land",
        "Länderkennzeichen",
        "Ländercode",
        "Staat",
        "Country",
        "Country/Region",
        "Country/Region Code",
        "country code",
        "countryCode",
        "BillingCountryCode",
        "BillingCountry",
        "MailingCountryCode",
        "MailingCountry",
        "defaultBillingAddress.country.iso",
        "Rechnungsadresse Land",
        "billing_country",
    ),
    "vat_id": (
        "USt-IdNr.",
        "USt-ID",
        "Umsatzsteuer-ID",
        "Umsatzsteuer ID",
        "Umsatzsteuer-Identifikationsnummer",
        "UStID",
        "VAT ID",
        "VAT number",
        "VAT Registration No.",
        "taxRegistrationNumber",
        "Tax ID",
        "vat",
        "LicTradNum",
        "EG-Identifikationsnummer",
        "EU-USt-IdNr.",
        "ust_idnr",
        "vatIds",
    ),
    "tax_number": ("Steuernummer", "Steuer-Nr.", "St.-Nr.", "StNr", "tax number", "tax_number"),
    "email": (
        "E-Mail",
        "Email",
        "E-Mail-Adresse",
        "Mail",
        "email address",
        "E_Mail",
        "Ansprechpartner E-Mail",
        "Ansprechpartner 1 E-Mail",
        "Email Address",
    ),
    "phone": (
        "Telefon",
        "Tel.",
        "Telefonnummer",
        "Tel",
        "Phone",
        "Phone Number",
        "phoneNumber",
        "Phone No.",
        "Phone1",
        "Mobil",
        "Mobiltelefon",
        "Handy",
        "Mobile",
        "Mobile Phone Number",
        "mobilephone",
        "MobilePhone",
        "Ansprechpartner Telefon",
        "Ansprechpartner 1 Telefon",
        "defaultBillingAddress.phoneNumber",
        "billing_phone_number",
    ),
    "iban": ("IBAN", "Bankverbindung IBAN", "DflIBAN", "acc_number", "Account Number IBAN"),
    "bic": ("BIC", "SWIFT", "SWIFT-BIC", "BIC/SWIFT", "DflSwift", "Bank Identifier Code"),
    "currency": (
        "Währung",
        "Waehrung",
        "Currency",
        "Currency Code",
        "currencyCode",
        "CurrencyIsoCode",
        "Währungscode",
    ),
    "payment_terms_days": (
        "Zahlungsziel",
        "Zahlungsziel Tage",
        "Zahlungsziel in Tagen",
        "Zahlungsbedingung Tage",
        "payment terms days",
        "payment_terms_days",
        "Payment Terms (days)",
    ),
    "leitweg_id": ("Leitweg-ID", "Leitweg ID", "LeitwegID", "Buyer Reference", "buyer reference"),
    "blocked": (
        "Gesperrt",
        "Sperre",
        "Sperrkennzeichen",
        "Blocked",
        "blocked",
        "inaktiv",
        "frozenFor",
    ),
    "gtin": ("GTIN", "EAN", "EAN-Code", "EAN13", "GTIN-13", "Barcode", "CodeBars", "UPC"),
    "unit": (
        "Einheit",
        "Mengeneinheit",
        "ME",
        "Basiseinheit",
        "Unit",
        "Unit of Measure",
        "Base Unit of Measure",
        "baseUnitOfMeasureCode",
        "UoM",
        "SalUnitMsr",
        "unit",
    ),
    "net_price": (
        "Nettopreis",
        "Preis netto",
        "Netto-Preis",
        "VK netto",
        "Verkaufspreis netto",
        "Verkaufspreis",
        "Preis",
        "Unit Price",
        "unitPrice",
        "net price",
        "Price",
        "list_price",
        "Sales Price",
        "Listenpreis",
    ),
    "vat_rate": (
        "MwSt-Satz",
        "MwSt.-Satz",
        "MwSt",
        "USt-Satz",
        "Umsatzsteuersatz",
        "Steuersatz",
        "VAT rate",
        "Tax rate",
        "taxRate",
        "vat_rate",
    ),
}

#: Fuzzy matches below this rapidfuzz ratio (0-100) are no match.
FUZZY_CUTOFF = 88.0
_FUZZY_MIN_LENGTH = 5  # shorter headers ("Ort", "ME") match exactly or not at all
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_TRAILING_NUMBER = re.compile(r"(?<=[a-z])\d{1,2}$")


def normalise(header: str) -> str:
    """``"USt-IdNr."`` → ``"ustidnr"``: case folded, umlauts spelt out, only letters and digits."""
    text = str(header).casefold().translate(_UMLAUTS)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_ALNUM.sub("", text)


class HeaderMatch(NamedTuple):
    """The canonical column (or KEY) a header names, and how sure the match is (0..1)."""

    canonical: str
    confidence: float


@cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for canonical, variants in HEADERS.items():
        for variant in (canonical, *variants):
            index.setdefault(normalise(variant), canonical)
    return index


def match_header(header: str) -> HeaderMatch | None:
    """The canonical column ``header`` names, with a confidence, or None."""
    norm = normalise(header)
    if not norm:
        return None
    index = _index()
    if norm in index:
        return HeaderMatch(index[norm], 1.0)
    stripped = _TRAILING_NUMBER.sub("", norm)
    if stripped != norm and stripped in index:
        return HeaderMatch(index[stripped], 0.95)
    if len(norm) < _FUZZY_MIN_LENGTH:
        return None
    from rapidfuzz import fuzz, process

    best = process.extractOne(norm, list(index), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    if best is None:
        return None
    return HeaderMatch(index[best[0]], round(0.9 * best[1] / 100, 2))
