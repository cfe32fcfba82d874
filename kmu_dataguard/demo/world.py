"""The embedded demo world: a small KMU with an ERP database, a CRM export and seeded defects.

Deterministic (fixed seed). ``make_customers`` is also the benchmark's data generator, so the
benchmark and the demo validate the same kind of records.
"""

from __future__ import annotations

import csv
import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEMO_CONFIG", "Defect", "DemoWorld", "build_world", "make_customers"]

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


@dataclass(frozen=True)
class Defect:
    """A seeded defect: which record, which column, the bad value and the value that fixes it.

    ``reported_by`` names the check or reference that reports it when that is not the check of
    the entity (a contact pointing to no customer is reported by the reference).
    """

    entity: str
    key: str
    column: str
    bad: str | None
    good: str | None
    why: str
    reported_by: str | None = None

    @property
    def check(self) -> str:
        """The check (or reference) whose failing keys name this defect's record."""
        return self.reported_by or self.entity


@dataclass
class DemoWorld:
    folder: Path
    database: Path
    contacts_csv: Path
    config: Path
    defects: list[Defect]


def _iban(rng: random.Random) -> tuple[str, str]:
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
        iban, bic = _iban(rng)
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


def _suppliers(count: int, rng: random.Random) -> list[dict[str, str]]:
    rows = []
    for row in make_customers(count, seed=rng.randrange(10**6), start=70001):
        row = {("supplier_id" if k == "customer_id" else k): v for k, v in row.items()}
        row["supplier_id"] = row["supplier_id"].replace("K", "L", 1)
        row.pop("leitweg_id")
        rows.append(row)
    return rows


def _articles(count: int, suppliers: list[dict[str, str]], rng: random.Random) -> list[dict]:
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


def _contacts(customers: list[dict[str, str]], rng: random.Random) -> list[dict[str, str]]:
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


def _seed_defects(
    customers: list[dict], articles: list[dict], contacts: list[dict]
) -> list[Defect]:
    """Break a few records the way real master data breaks, and say how to fix each."""
    defects: list[Defect] = []

    def spoil(
        entity: str,
        rows: list[dict],
        index: int,
        column: str,
        bad: str | None,
        why: str,
        reported_by: str | None = None,
    ) -> None:
        key_column = {
            "customers": "customer_id",
            "articles": "article_id",
            "contacts": "contact_id",
        }[entity]
        row = rows[index]
        defects.append(Defect(entity, row[key_column], column, bad, row[column], why, reported_by))
        row[column] = bad

    spoil("customers", customers, 3, "name", None, "customer without a name: invoice has no buyer")
    spoil(
        "customers",
        customers,
        7,
        "postal_code",
        "1067",
        "PLZ lost its leading zero (opened in Excel): delivery and e-invoice address invalid",
    )
    spoil(
        "customers",
        customers,
        11,
        "country",
        "Deutschland",
        "country is not an ISO code: tax treatment and e-invoice cannot be determined",
    )
    spoil(
        "customers",
        customers,
        15,
        "email",
        "buchhaltung(at)example.de",
        "e-mail address unusable: invoice e-mail bounces",
    )
    spoil("customers", customers, 19, "currency", "EURO", "currency is not an ISO 4217 code")
    iban = customers[23]["iban"]
    spoil(
        "customers",
        customers,
        23,
        "iban",
        iban[:-2] + iban[-1] + iban[-2],
        "IBAN with two digits swapped (checksum fails): the direct debit bounces",
    )
    spoil(
        "customers",
        customers,
        27,
        "vat_id",
        "DE123456789",
        "placeholder VAT ID from a software manual: the intra-EU invoice is not compliant",
    )
    spoil("articles", articles, 2, "net_price", "-12.50", "negative net price on an invoice line")
    spoil(
        "articles",
        articles,
        5,
        "unit",
        "Stück",
        "unit is not a UN/ECE Rec 20 code: e-invoice (XRechnung) rejects it",
    )
    spoil(
        "contacts",
        contacts,
        4,
        "email",
        "jonas.schulz@@schneider",
        "CRM contact with an unusable e-mail address: order confirmations bounce",
    )
    spoil(
        "contacts",
        contacts,
        9,
        "customer_id",
        "K10099",
        "CRM contact linked to a company that is no ERP customer: the ERP cannot book its order",
        reported_by="contacts_have_customer",
    )
    spoil(
        "contacts",
        contacts,
        13,
        "company",
        "Werner Metallbau GmbH",
        "CRM contact's company is another legal entity (GmbH) than the ERP customer it is "
        "linked to (e.K.): order and invoice name the wrong buyer",
        reported_by="contacts_have_customer",
    )
    return defects


DEMO_CONFIG = """\
# kmu-dataguard demo configuration (generated by `dataguard demo`).
version: 1
report_dir: report
sources:
  erp:                       # the ERP's database (SQLite in the demo)
    url: sqlite:///erp.db
  crm:                       # the CRM's contacts export, as German tools write it
    path: crm_contacts.csv
    # max_age: 26h           # an export older than this is yesterday's: exit 3
checks:
  customers:
    source: erp
    table: customers
    suite: customers
    key: customer_id
    min_rows: 10             # fewer customers means a broken export, not clean data
  suppliers:
    source: erp
    table: suppliers
    suite: suppliers
    key: supplier_id
  articles:
    source: erp
    table: articles
    suite: articles
    key: article_id
  contacts:
    source: crm
    suite: contacts
    key: contact_id
references:                  # across sources: CRM contacts must be ERP customers
  contacts_have_customer:
    from: {check: contacts, column: customer_id}
    to: {check: customers, column: customer_id}
    agree:                   # and the linked records must describe the same partner
      - {from: company, to: name, compare: similar, threshold: 0.85}
      - {from: country, to: country, severity: warning}
gates:
  invoicing:                 # run before the nightly invoice run
    checks: [customers, articles, contacts]
    references: [contacts_have_customer]
  payments:                  # run before the supplier payment run
    checks: [suppliers]
"""


def build_world(folder: Path, *, seed: int = 42, customers: int = 60) -> DemoWorld:
    """Write the demo world into ``folder`` (created if needed; demo files are overwritten)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    customer_rows = list(make_customers(customers, seed=seed))
    supplier_rows = _suppliers(15, rng)
    article_rows = _articles(40, supplier_rows, rng)
    contact_rows = _contacts(customer_rows[:30], rng)
    defects = _seed_defects(customer_rows, article_rows, contact_rows)

    database = folder / "erp.db"
    database.unlink(missing_ok=True)
    with sqlite3.connect(database) as conn:
        for table, rows in (
            ("customers", customer_rows),
            ("suppliers", supplier_rows),
            ("articles", article_rows),
        ):
            columns = list(rows[0])
            conn.execute(f"CREATE TABLE {table} ({', '.join(c + ' TEXT' for c in columns)})")
            conn.executemany(
                f"INSERT INTO {table} VALUES ({', '.join('?' for _ in columns)})",
                [[row[c] if row[c] != "" else None for c in columns] for row in rows],
            )
    conn.close()

    # CRM exports from German tools: ';' separated, Windows-1252, CRLF line ends.
    contacts_csv = folder / "crm_contacts.csv"
    with contacts_csv.open("w", encoding="cp1252", newline="") as out:
        writer = csv.DictWriter(
            out, fieldnames=list(contact_rows[0]), delimiter=";", lineterminator="\r\n"
        )
        writer.writeheader()
        writer.writerows(contact_rows)

    config = folder / "dataguard.yml"
    config.write_text(DEMO_CONFIG, encoding="utf-8")
    (folder / "DEFECTS.md").write_text(_defects_doc(defects), encoding="utf-8")
    return DemoWorld(folder, database, contacts_csv, config, defects)


def _defects_doc(defects: list[Defect]) -> str:
    lines = [
        "# Seeded defects of the demo world",
        "",
        "| entity | key | column | bad value | fix | why it matters |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {d.entity} | {d.key} | {d.column} | {d.bad!r} | {d.good!r} | {d.why} |" for d in defects
    ]
    return "\n".join(lines) + "\n"
