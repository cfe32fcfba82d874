"""Gates over real sources through connector profiles: Odoo on PostgreSQL, SAP Business One on
MariaDB, a DATEV export and a CRM CSV export, side by side."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from tests.conftest import write
from tests.support.datev_files import write_datev
from tests.support.erp_tables import load_odoo, load_sap_b1
from tests.support.servers import SECRET_PASSWORD

HUBSPOT_CSV = (
    "Record ID;First Name;Last Name;Company Name;Email;Phone Number;Country/Region;"
    "Associated Company IDs\n"
    "501;Anna;Schulze;Bäckerei Schulze GmbH;anna.schulze@baeckerei-schulze.de;"
    "+49 351 4861235;DE;10\n"
    "502;;Krause;olly UG;krause(at)olly.de;;DE;11\n"
)


def config(tmp_path: Path, url: str, *, profile: str, checks: str) -> Path:
    write(tmp_path / "crm.csv", HUBSPOT_CSV, encoding="cp1252")
    return write(
        tmp_path / "dataguard.yml",
        f"""\
version: 1
sources:
  erp: {{url: "{url}", profile: {profile}}}
  crm: {{path: crm.csv, profile: hubspot}}
checks:
{checks}
  contacts: {{source: crm, entity: contacts}}
gates:
  invoicing: {{checks: [customers, contacts]}}
  payments: {{checks: [suppliers]}}
""",
    )


ERP_CHECKS = """\
  customers: {source: erp, entity: customers}
  suppliers: {source: erp, entity: suppliers}
"""


def failing(doc: dict, check: str) -> dict[str, list[str]]:
    found = next(c for c in doc["checks"] if c["name"] == check)
    return {e["id"]: e["failing_keys"] for e in found["expectations"] if not e["success"]}


def test_odoo_on_postgresql_and_a_crm_csv(pg_database, tmp_path, dataguard):
    load_odoo(pg_database.admin_engine)
    cfg = config(tmp_path, pg_database.url, profile="odoo", checks=ERP_CHECKS)
    run = dataguard("gate", "invoicing", "--config", str(cfg), "--format", "json")
    doc = run.json()
    assert run.code == 1, doc
    # Partner 13 is an Austrian company with a German VAT ID; the CRM contact 502's e-mail
    # is unusable. Everything else in the two sources is fine.
    assert failing(doc, "customers") == {"customers.vat_id_prefix_matches_country": ["13"]}
    contacts = failing(doc, "contacts")
    assert contacts["contacts.email_valid"] == ["502"]
    assert next(c for c in doc["checks"] if c["name"] == "customers")["key"] == "customer_id"

    with pg_database.admin_engine.begin() as conn:
        conn.exec_driver_sql("UPDATE res_partner SET vat = 'ATU15159209' WHERE id = 13")
    write(tmp_path / "crm.csv", HUBSPOT_CSV.replace("krause(at)olly.de", "krause@olly.de"))
    assert dataguard("gate", "invoicing", "--config", str(cfg)).code == 0


def test_sap_b1_on_mariadb_blocks_the_payment_run(mariadb_database, tmp_path, dataguard):
    load_sap_b1(mariadb_database.admin_engine)
    cfg = config(tmp_path, mariadb_database.url, profile="sap_b1", checks=ERP_CHECKS)
    assert dataguard("gate", "payments", "--config", str(cfg)).code == 0
    # A typo in a supplier's IBAN (last digit) must stop the payment run.
    with mariadb_database.admin_engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE OCRD SET DflIBAN = 'DE02100500000054540403' WHERE CardCode = 'V70001'"
        )
    run = dataguard("gate", "payments", "--config", str(cfg), "--format", "json")
    assert run.code == 1
    assert failing(run.json(), "suppliers") == {"suppliers.iban_valid": ["V70001"]}


def test_sources_test_reports_tables_and_mapped_columns(pg_database, tmp_path, dataguard):
    load_odoo(pg_database.admin_engine)
    cfg = config(tmp_path, pg_database.url, profile="odoo", checks=ERP_CHECKS)
    run = dataguard("sources", "test", "--config", str(cfg), "--format", "json")
    assert run.code == 0, run.out
    erp = next(s for s in run.json()["sources"] if s["name"] == "erp")
    assert erp["details"]["read_only_session"] is True
    assert "res_partner" in erp["details"]["tables"]
    customers = next(c for c in erp["checks"] if c["check"] == "customers")
    assert customers["rows"] == 3
    text = dataguard("sources", "test", "crm", "--config", str(cfg))
    assert text.code == 0
    assert "not provided by the source (empty)" not in text.out


def test_missing_tables_and_wrong_password_exit_3_without_leaking(pg_database, tmp_path, dataguard):
    # An empty database: the profile's tables do not exist.
    cfg = config(tmp_path, pg_database.url, profile="odoo", checks=ERP_CHECKS)
    run = dataguard("gate", "invoicing", "--config", str(cfg))
    assert run.code == 3
    assert "res_partner" in run.out
    wrong = pg_database.secret_url.replace(SECRET_PASSWORD, "nicht-das-passwort")
    cfg = config(tmp_path, wrong, profile="odoo", checks=ERP_CHECKS)
    for args in (["gate", "invoicing"], ["sources", "test"]):
        run = dataguard(*args, "--config", str(cfg), "--format", "json")
        assert run.code == 3
        assert "nicht-das-passwort" not in run.out + run.err
        json.loads(run.out)


def test_datev_export_checked_ad_hoc(tmp_path, dataguard, datev_records):
    datev = write_datev(tmp_path / "EXTF_Debitoren_Kreditoren.csv", datev_records)
    customers = dataguard(
        "check", str(datev), "--profile", "datev", "--entity", "customers", "--format", "json"
    )
    assert customers.code == 0, customers.out
    assert customers.json()["checks"][0]["rows"] == 2
    datev_records[0][10] = "123456789"  # EU-UStID with a wrong check digit
    write_datev(datev, datev_records)
    broken = dataguard(
        "check", str(datev), "--profile", "datev", "--entity", "customers", "--format", "json"
    )
    assert broken.code == 1
    assert failing(broken.json(), "customers") == {"customers.vat_id_valid": ["10001"]}


@pytest.mark.parametrize("missing", ["profile", "entity"])
def test_profile_and_entity_misuse_is_a_config_error(tmp_path, dataguard, missing):
    data = write(tmp_path / "x.csv", "a\n1\n")
    args = ["check", str(data), "--profile", "hubspot", "--entity", "articles"]
    if missing == "profile":
        args = ["check", str(data), "--entity", "customers"]
    run = dataguard(*args)
    assert run.code == 2
    assert "profile" in run.err


def test_excel_source_with_a_sheet(tmp_path, dataguard):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Kontakte"
    sheet.append(
        [
            "contact_id",
            "first_name",
            "last_name",
            "company",
            "email",
            "phone",
            "country",
            "customer_id",
        ]
    )
    sheet.append(["C1", "Jürgen", "Weiß", "Weiß KG", "j.weiss@weiss-kg.de", None, "DE", "K1"])
    sheet.append(["C2", "Lea", None, "Lange OHG", "lea@lange", None, "DE", "K2"])
    book.save(tmp_path / "contacts.xlsx")
    run = dataguard(
        "check",
        str(tmp_path / "contacts.xlsx"),
        "--sheet",
        "Kontakte",
        "--suite",
        "contacts",
        "--key",
        "contact_id",
        "--format",
        "json",
    )
    assert run.code == 1
    assert failing(run.json(), "contacts") == {
        "contacts.last_name_present": ["C2"],
        "contacts.email_valid": ["C2"],
    }


def test_duplicate_supplier_in_sap_b1_blocks_the_payment_run(mariadb_database, tmp_path, dataguard):
    load_sap_b1(mariadb_database.admin_engine)
    cfg = config(tmp_path, mariadb_database.url, profile="sap_b1", checks=ERP_CHECKS)
    # The same supplier entered a second time, with a variant of its name but the same IBAN.
    with mariadb_database.admin_engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO OCRD (CardCode, CardName, CardType, Address, ZipCode, City, Country,"
            " LicTradNum, DflIBAN, GroupNum, frozenFor, Currency)"
            " SELECT 'V70009', 'Mittelstaendische Beteiligungsges. Bremen mbH', CardType,"
            " Address, ZipCode, City, Country, NULL, DflIBAN, GroupNum, frozenFor, Currency"
            " FROM OCRD WHERE CardCode = 'V70001'"
        )
    run = dataguard("gate", "payments", "--config", str(cfg), "--format", "json")
    assert run.code == 1, run.out
    doc = run.json()
    assert failing(doc, "suppliers") == {"suppliers.no_duplicate_partners": ["V70001", "V70009"]}
    [dup] = [e for e in doc["checks"][0]["expectations"] if not e["success"]]
    assert dup["severity"] == "critical"
    assert dup["groups"] == [
        {"keys": ["V70001", "V70009"], "score": dup["groups"][0]["score"], "reason": "same IBAN"}
    ]


@pytest.mark.parametrize("driver", ["postgresql+pg8000", "mariadb+mysqldb"])
def test_a_missing_driver_is_a_configuration_error(tmp_path, dataguard, driver):
    """Documented as exit 2 (fix the configuration), in a gate as in an ad-hoc check."""
    module = {"postgresql+pg8000": "pg8000", "mariadb+mysqldb": "MySQLdb"}[driver]
    if importlib.util.find_spec(module) is not None:
        pytest.skip(f"{module} is installed here")
    url = f"{driver}://dg_reader@127.0.0.1:1/erp"
    cfg = write(
        tmp_path / "dataguard.yml",
        f"version: 1\nsources:\n  erp: {{url: '{url}'}}\n"
        "checks:\n  customers: {source: erp, suite: customers, table: res_partner}\n"
        "gates:\n  invoicing: {checks: [customers]}\n",
    )
    gate = dataguard("gate", "invoicing", "--config", str(cfg), "--format", "json")
    check = dataguard("check", url, "--table", "res_partner", "--suite", "customers")
    for run in (gate, check):
        assert run.code == 2, (run.code, run.out, run.err)
        assert "is not installed; pip install" in run.err, run.err
    assert gate.json()["exit_code"] == 2
