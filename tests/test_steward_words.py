"""The steward's words: the source's headers or German labels, name and city beside every key,
the console in --lang, reasons in the steward's language, records and problems kept apart."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

from kmu_dataguard.consistency.reasons import _TEMPLATES, localize, reason_text
from kmu_dataguard.entities import CANONICAL, column_label
from tests.conftest import write
from tests.support.datev_files import write_datev

HEADER = (
    "Kd.-Nr.;Firmenname;Straße;PLZ;Ort;Land;USt-IdNr.;Steuernummer;E-Mail;Telefon;IBAN;BIC;"
    "Währung;Zahlungsziel;Leitweg-ID\n"
)
ROWS = [
    "10001;Müller Maschinenbau GmbH;Hauptstr. 1;01067;Dresden;DE;;;info@mueller.de;;;;EUR;14;",
    # a postal code of four digits: the record to fix, with its name and city beside it
    "10002;Schneider Feinkost KG;Marktplatz 3;1067;Dresden;DE;;;info@schneider.de;;;;EUR;14;",
    # a private customer: a person's name, masked in the page, in full in the lists
    "10003;Anna Schmidt;Lindenweg 7;80331;München;DE;;;anna@example.de;;;;EURO;14;",
    "10004;Becker Druckerei e.K.;Gartenstr. 9;20095;Hamburg;DE;;;info@becker.de;;;;EUR;30;",
]
MAP = (
    "Kd.-Nr.=customer_id,Firmenname=name,Straße=street,PLZ=postal_code,Ort=city,Land=country,"
    "USt-IdNr.=vat_id,Steuernummer=tax_number,E-Mail=email,Telefon=phone,IBAN=iban,BIC=bic,"
    "Währung=currency,Zahlungsziel=payment_terms_days,Leitweg-ID=leitweg_id"
)


@pytest.fixture
def export(tmp_path: Path) -> Path:
    return write(tmp_path / "kunden.csv", HEADER + "\n".join(ROWS) + "\n")


def _list(report: Path, name: str) -> list[list[str]]:
    (run,) = (report / "runs").iterdir()
    with (run / "failing-records" / f"{name}.csv").open(encoding="utf-8-sig") as f:
        return list(csv.reader(f, delimiter=";"))


def _page(report: Path) -> str:
    (run,) = (report / "runs").iterdir()
    return (run / "index.html").read_text(encoding="utf-8")


def test_lists_and_report_name_columns_by_the_files_own_headers(export, tmp_path, dataguard):
    report = tmp_path / "report"
    args = ["check", str(export), "--suite", "customers", "--key", "customer_id", "--map", MAP]
    run = dataguard(*args, "--lang", "de", "--report", str(report))
    assert run.code == 1, run.out + run.err
    rows = _list(report, "kunden")
    header, body = rows[0], rows[1:]
    # The key and the name/city columns as the file calls them, then the rule and the field.
    assert header[:3] == ["Kd.-Nr.", "Firmenname", "Ort"]
    by_rule = {(r[0], r[3]): r for r in body}
    plz = by_rule[("10002", "customers.postal_code_matches_country")]
    assert plz[1:3] == ["Schneider Feinkost KG", "Dresden"]
    assert plz[4] == "PLZ / Land"  # "PLZ" is the file's header, "Land" as well
    currency = by_rule[("10003", "customers.currency_valid")]
    assert currency[2] == "München" and currency[4] == "Währung"
    assert "postal_code" not in "".join(r[4] for r in body)

    page = _page(report)
    assert "PLZ: passt nicht zum Land" in page
    assert "<th>Kd.-Nr." in page and "<th>Firmenname" in page
    assert "Schneider Feinkost KG" in page  # a company's name is not personal data


def test_console_speaks_german_and_english(export, dataguard):
    args = ["check", str(export), "--suite", "customers", "--key", "customer_id", "--map", MAP]
    german = dataguard(*args, "--lang", "de")
    assert german.code == 1
    assert german.out.startswith("BLOCKIERT  Prüfung: Ablauf nicht starten")
    # Records and problems are counted apart: 4 read, 2 with problems, 2 problems.
    assert "4 Datensätze; 2 davon fehlerhaft, 2 Fehler" in german.out
    assert "PLZ: passt nicht zum Land – 1 Datensatz (25,0 %): 10002" in german.out
    assert "[customers.postal_code_matches_country]" in german.out
    english = dataguard(*args, "--lang", "en")
    assert english.out.startswith("BLOCKED  check: do not run the workflow")
    assert "4 records; 2 of them with problems, 2 problems" in english.out
    assert "PLZ: does not match the country – 1 record (25.0 %): 10002" in english.out


def test_a_warning_that_blocks_is_labelled_as_blocking(export, dataguard):
    """--fail-on warning: the e-mail warning stops the run, so the line says FAIL, not warn."""
    rows = [*ROWS[:1], "10005;Wagner GmbH;Weg 1;01067;Dresden;DE;;;wagner(at)x.de;;;;EUR;14;"]
    path = write(export.parent / "warn.csv", HEADER + "\n".join(rows) + "\n")
    args = ["check", str(path), "--suite", "customers", "--key", "customer_id", "--map", MAP]
    lenient = dataguard(*args, "--lang", "en")
    assert lenient.code == 0
    assert "    warn      E-Mail: invalid" in lenient.out  # "E-Mail": the file's header
    strict = dataguard(*args, "--lang", "en", "--fail-on", "warning")
    assert strict.code == 1
    assert "    FAIL      E-Mail: invalid" in strict.out


def test_private_names_are_masked_in_the_page_and_kept_in_the_lists(export, tmp_path, dataguard):
    report = tmp_path / "report"
    args = ["check", str(export), "--suite", "customers", "--key", "customer_id", "--map", MAP]
    assert dataguard(*args, "--lang", "de", "--report", str(report)).code == 1
    page = _page(report)
    assert "Anna Schmidt" not in page and "A*** S***" in page
    assert ["10003", "Anna Schmidt", "München"] in [r[:3] for r in _list(report, "kunden")]


def test_names_and_cities_come_from_a_database_table(tmp_path, dataguard):
    """A table validated in its database: one more pass reads name and city of the failures."""
    db = tmp_path / "erp.db"
    columns = ", ".join(f"{c} TEXT" for c in CANONICAL["customers"][1:])
    with sqlite3.connect(db) as con:
        con.execute(f"CREATE TABLE kunden (customer_id INTEGER, {columns})")
        con.executemany(
            "INSERT INTO kunden (customer_id, name, city, postal_code, country, currency) "
            "VALUES (?, ?, ?, ?, ?, 'EUR')",
            [(i, f"Firma {i} GmbH", f"Ort {i}", "01067" if i % 50 else "1067", "DE")
             for i in range(1, 501)],
        )  # fmt: skip
    report = tmp_path / "report"
    run = dataguard(
        "check", f"sqlite:///{db}", "--table", "kunden", "--key", "customer_id",
        "--suite", "customers", "--lang", "de", "--report", str(report),
    )  # fmt: skip
    assert run.code == 1, run.out
    rows = _list(report, "kunden")
    assert rows[0][:3] == ["Kundennummer", "Name", "Ort"]  # German labels: no header known
    plz = [r for r in rows[1:] if r[3] == "customers.postal_code_matches_country"]
    assert [r[:3] for r in plz] == [
        [str(i), f"Firma {i} GmbH", f"Ort {i}"] for i in range(50, 501, 50)
    ]


def test_every_reason_has_a_german_form():
    samples = {
        "score": 0.93,
        "where": "Hauptstr. 1",
        "postal": "01067",
        "company": "acme",
        "city": "dresden",
        "domain": "mueller.de",
        "what": "VAT ID",
        "a": "'x'",
        "b": "'y'",
        "word": "'holding'",
        "col_a": "country",
        "col_b": "country",
    }
    for key, (english, german) in _TEMPLATES.items():
        wanted = {k: v for k, v in samples.items() if "{" + k + "}" in english}
        text = reason_text(key, **wanted)
        shown = localize(text, "de")
        assert shown != text, key
        assert shown.split(" ")[0] == german.split(" ")[0].format(col_a="Land"), key
        assert localize(text, "en") == text
    joined = "; ".join(
        [reason_text("same_identifier", what="IBAN"), reason_text("legal_form", a="gmbh", b="kg")]
    )
    assert localize(joined, "de") == "gleiche IBAN; Rechtsform gmbh vs. kg"
    assert localize("a reason nobody wrote", "de") == "a reason nobody wrote"


def test_duplicate_reasons_follow_lang_and_json_stays_english(tmp_path, dataguard):
    rows = [
        "20001;Müller Maschinenbau GmbH;Hauptstr. 1;01067;Dresden;DE;;;a@m.de;;;;EUR;14;",
        "20002;Mueller Maschinenbau GmbH;Hauptstraße 1;01067;Dresden;DE;;;b@m.de;;;;EUR;14;",
        "20003;Becker Druckerei e.K.;Gartenstr. 9;20095;Hamburg;DE;;;c@b.de;;;;EUR;14;",
    ]
    path = write(tmp_path / "dubletten.csv", HEADER + "\n".join(rows) + "\n")
    args = ["check", str(path), "--suite", "customers", "--key", "customer_id", "--map", MAP]
    german = dataguard(*args, "--lang", "de")
    line = next(ln for ln in german.out.splitlines() if "zusammen:" in ln)
    assert "20001, 20002" in line and "ähnlicher Name (1,00) unter gleicher Anschrift" in line
    doc = dataguard(*args, "--lang", "de", "--format", "json").json()
    groups = [g for c in doc["checks"] for e in c["expectations"] for g in e["groups"]]
    assert groups and groups[0]["reason"].startswith("similar name (")


def test_column_labels():
    assert column_label("postal_code", "de") == "PLZ"
    assert column_label("postal_code", "en") == "Postal code"
    assert column_label("postal_code", "de", {"postal_code": "billing_postcode"}) == (
        "billing_postcode"
    )
    assert column_label("vat_id,country", "de") == "USt-IdNr. / Land"
    assert column_label("customers.customer_id", "de") == "customers.Kundennummer"
    assert column_label("Feld7", "de") == "Feld7"  # not canonical: already the source's name


def test_datev_lists_use_datevs_field_titles(tmp_path, datev_records, dataguard):
    # A debtor with a four-digit German postal code: DATEV calls that field "Postleitzahl".
    bad = {1: 10099, 2: "Klein Metallbau OHG", 7: "2", 16: "Weg 1", 18: "1067", 19: "Leipzig"}
    path = write_datev(tmp_path / "EXTF_Debitoren.csv", [*datev_records, {**bad, 20: "DE"}])
    report = tmp_path / "report"
    run = dataguard(
        "check", str(path), "--profile", "datev", "--entity", "customers",
        "--lang", "de", "--report", str(report),
    )  # fmt: skip
    assert run.code == 1, run.out + run.err
    assert "Postleitzahl: passt nicht zum Land – 1 Datensatz" in run.out
    (run_dir,) = (report / "runs").iterdir()
    (listed,) = (run_dir / "failing-records").glob("*.csv")
    with listed.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[0][:3] == ["Konto", "Name", "Ort"]
    assert ["10099", "Klein Metallbau OHG", "Leipzig"] in [r[:3] for r in rows]


def test_reference_lists_name_both_sides(world, tmp_path, dataguard):
    """A contact pointing at a customer: its row names the contact (the CRM export is read into
    memory). The customers live in the ERP database, where the reference is not read row by
    row into Python for names: the customer's row keeps its key only."""
    report = tmp_path / "report"
    run = dataguard(
        "gate", "invoicing", "--config", str(world.config), "--lang", "de", "--report", str(report)
    )
    assert run.code == 1
    rows = _list(report, "contacts_have_customer")
    header, body = rows[0], rows[1:]
    assert header[:2] == ["Kontakt-Nr.", "Name"]
    by_key = {r[0]: r for r in body}
    assert by_key["C00014"][1]  # the contact's own name
    assert by_key["K10012"][1] == ""  # the customer of contact C00012, in the database
