"""Valid master-data records of the demo world: customers, suppliers, articles, CRM contacts.

Deterministic for a given seed; IBANs, VAT IDs and GTINs carry correct check digits, so every
record passes its suite until :mod:`kmu_dataguard.demo.world` seeds defects into a few.
:func:`make_customers` is also the benchmark's data generator.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

__all__ = ["iban_and_bic", "make_articles", "make_contacts", "make_customers", "make_suppliers"]

# (postal code, city, street) of real German places; Dresden/Leipzig keep their leading zero.
_PLACES = [
    ("10115", "Berlin", "Invalidenstraße"),
    ("20095", "Hamburg", "Mönckebergstraße"),
    ("80331", "München", "Sendlinger Straße"),
    ("50667", "Köln", "Hohe Straße"),
    ("60311", "Frankfurt am Main", "Zeil"),
    ("70173", "Stuttgart", "Königstraße"),
    ("01067", "Dresden", "Wilsdruffer Straße"),
    ("04109", "Leipzig", "Grimmaische Straße"),
    ("90402", "Nürnberg", "Karolinenstraße"),
    ("28195", "Bremen", "Obernstraße"),
    ("30159", "Hannover", "Georgstraße"),
    ("44135", "Dortmund", "Westenhellweg"),
]
_STEMS = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Werner",
]
_TRADES = [
    "Maschinenbau",
    "Elektrotechnik",
    "Haustechnik",
    "Logistik",
    "Metallbau",
    "Bürobedarf",
    "Feinkost",
    "Gebäudereinigung",
    "Holzbau",
    "Druckerei",
    "Sanitär",
    "Werkzeuge",
]
_FORMS = ["GmbH", "GmbH & Co. KG", "AG", "KG", "e.K.", "OHG", "UG (haftungsbeschränkt)"]
_BANKS = [("37040044", "COBADEFFXXX"), ("50010517", "INGDDEFFXXX"), ("10070000", "DEUTDEBBXXX")]
_FIRST = ["Anna", "Lukas", "Sophie", "Jonas", "Marie", "Felix", "Lea", "Paul", "Mia", "Tim"]


def iban_and_bic(rng: random.Random) -> tuple[str, str]:
    """A valid German IBAN of one of the demo banks, and that bank's BIC."""
    from stdnum import iban

    blz, bic = rng.choice(_BANKS)
    account = f"{rng.randrange(10**9, 10**10):010d}"
    bban = blz + account
    return f"DE{iban.calc_check_digits('DE00' + bban)}{bban}", bic


def _vat_de(rng: random.Random) -> str:
    from stdnum.iso7064 import mod_11_10

    body = f"{rng.randrange(1, 10)}{rng.randrange(10**7):07d}"
    return f"DE{body}{mod_11_10.calc_check_digit(body)}"


def _company(rng: random.Random) -> str:
    return f"{rng.choice(_STEMS)} {rng.choice(_TRADES)} {rng.choice(_FORMS)}"


def _slug(name: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": "-", "&": ""})
    return "".join(c for c in name.split(" ")[0].lower().translate(table) if c.isalnum())


def make_customers(count: int, *, seed: int = 42, start: int = 10001) -> Iterator[dict[str, str]]:
    """Valid canonical customer records (``customer_id`` ``K10001``...)."""
    rng = random.Random(seed)
    for n in range(start, start + count):
        postal, city, street = rng.choice(_PLACES)
        name = _company(rng)
        iban, bic = iban_and_bic(rng)
        yield {
            "customer_id": f"K{n:05d}",
            "name": name,
            "street": f"{street} {rng.randrange(1, 120)}",
            "postal_code": postal,
            "city": city,
            "country": "DE",
            "vat_id": _vat_de(rng),
            "tax_number": "",
            "email": f"rechnung@{_slug(name)}-{n}.de",
            "phone": f"+49 30 {rng.randrange(1000000, 9999999)}",
            "iban": iban,
            "bic": bic,
            "currency": "EUR",
            "payment_terms_days": rng.choice(["14", "30", "30", "60"]),
            "leitweg_id": "",
            "blocked": "0",
        }


def make_suppliers(count: int, rng: random.Random) -> list[dict[str, str]]:
    rows = []
    for row in make_customers(count, seed=rng.randrange(10**6), start=70001):
        row = {("supplier_id" if k == "customer_id" else k): v for k, v in row.items()}
        row["supplier_id"] = row["supplier_id"].replace("K", "L", 1)
        row.pop("leitweg_id")
        rows.append(row)
    return rows


def make_articles(count: int, suppliers: list[dict[str, str]], rng: random.Random) -> list[dict]:
    from stdnum import ean

    units = ["H87", "KGM", "MTR", "LTR", "HUR", "XPK"]
    goods = [
        "Schraube M8",
        "Kabel NYM-J 3x1,5",
        "Druckerpapier A4",
        "Kaffee 1 kg",
        "Dübel 8 mm",
        "Sicherung 16 A",
        "Rohr DN 50",
        "Lack RAL 9010",
        "Arbeitsstunde Monteur",
    ]
    rows = []
    for n in range(1, count + 1):
        body = f"400{rng.randrange(10**9):09d}"
        rows.append(
            {
                "article_id": f"A{n:05d}",
                "name": f"{rng.choice(goods)} ({n})",
                "gtin": body + ean.calc_check_digit(body),
                "unit": rng.choice(units),
                "net_price": f"{rng.randrange(1, 50000) / 100:.2f}",
                "currency": "EUR",
                "vat_rate": rng.choice(["19", "19", "7"]),
                "supplier_id": rng.choice(suppliers)["supplier_id"],
                "blocked": "0",
            }
        )
    return rows


def make_contacts(customers: list[dict[str, str]], rng: random.Random) -> list[dict[str, str]]:
    rows = []
    for n, customer in enumerate(customers, start=1):
        first, last = rng.choice(_FIRST), rng.choice(_STEMS)
        domain = customer["email"].split("@", 1)[1]
        rows.append(
            {
                "contact_id": f"C{n:05d}",
                "first_name": first,
                "last_name": last,
                "company": customer["name"],
                "email": f"{_slug(first)}.{_slug(last)}@{domain}",
                "phone": f"+49 40 {rng.randrange(1000000, 9999999)}",
                "country": "DE",
                "customer_id": customer["customer_id"],
            }
        )
    return rows
