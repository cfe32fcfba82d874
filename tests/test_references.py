"""Cross-source references: existence and attribute agreement between two checks, across a CSV
export and real PostgreSQL/MariaDB/SQLite databases, joined in the database when both sides
live in one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from kmu_dataguard.config import load_config
from kmu_dataguard.errors import ConfigError
from kmu_dataguard.runner import run_gate
from tests.conftest import write
from tests.support.erp_tables import load_odoo

# ------------------------------------------------------------------------------ helpers


@contextmanager
def executed_sql() -> Iterator[list[str]]:
    """Every statement any real engine sends (a listener on the Engine class, not a mock)."""
    seen: list[str] = []

    def spy(_conn, _cursor, statement, _params, _context, _many):
        seen.append(statement)

    event.listen(sa.engine.Engine, "before_cursor_execute", spy)
    try:
        yield seen
    finally:
        event.remove(sa.engine.Engine, "before_cursor_execute", spy)


def outcomes(result, name: str) -> dict[str, object]:
    check = next(c for c in result.checks if c.name == name)
    assert not check.errors, check.errors
    return {e.id.split(".", 1)[1]: e for e in check.expectations}


def failing(doc: dict, check: str) -> dict[str, list[str]]:
    found = next(c for c in doc["checks"] if c["name"] == check)
    return {e["id"]: e["failing_keys"] for e in found["expectations"] if not e["success"]}


HUBSPOT_CSV = (
    "Record ID;First Name;Last Name;Company Name;Email;Phone Number;Country/Region;"
    "Associated Company IDs\n"
    "501;Anna;Schulze;Bäckerei Schulze GmbH;anna.schulze@baeckerei-schulze.de;"
    "+49 351 4861235;DE;10\n"
    "502;Olli;Krause;olly UG;krause@olly.de;;DE;11\n"
    "503;Max;Neu;Neukunde GmbH;max@neukunde.de;;DE;99\n"
    "504;Eva;Berg;Alpenmühle Innsbruck AG;eva@alpenmuehle.at;;AT;13\n"
    "505;Ida;Leer;;ida@example.de;;DE;\n"
)


def odoo_and_hubspot(tmp_path: Path, url: str, agree: str = "") -> Path:
    write(tmp_path / "crm.csv", HUBSPOT_CSV, encoding="cp1252")
    return write(
        tmp_path / "dataguard.yml",
        f"""\
version: 1
sources:
  erp: {{url: "{url}", profile: odoo}}
  crm: {{path: crm.csv, profile: hubspot}}
checks:
  customers: {{source: erp, entity: customers}}
  contacts: {{source: crm, entity: contacts}}
references:
  contacts_have_customer:
    from: {{check: contacts, column: customer_id}}
    to: {{check: customers, column: customer_id}}
{agree}
gates:
  invoicing: {{checks: [customers, contacts], references: [contacts_have_customer]}}
  crm_sync: {{references: [contacts_have_customer]}}
""",
    )


AGREE = """\
    agree:
      - {from: company, to: name, compare: similar, threshold: 0.85}
      - {from: country, to: country}
      - {from: email, to: email, compare: email_domain, severity: warning}
"""


# --------------------------------------------------------------- CSV export and PostgreSQL


def test_crm_contact_without_erp_customer_blocks_the_gate(pg_database, tmp_path, dataguard):
    load_odoo(pg_database.admin_engine)
    cfg = odoo_and_hubspot(tmp_path, pg_database.url)
    run = dataguard("gate", "crm_sync", "--config", str(cfg), "--format", "json")
    doc = run.json()
    assert run.code == 1, doc
    assert failing(doc, "contacts_have_customer") == {"contacts_have_customer.exists": ["503"]}
    check = doc["checks"][0]
    assert check["suite"] == "reference"
    assert check["source"] == "contacts.customer_id → customers.customer_id"
    exists = check["expectations"][0]
    # 505 has no company reference: not checked (completeness is the suite's job).
    assert exists["unexpected_count"] == 1 and exists["unexpected_percent"] == 25.0

    text = dataguard("gate", "crm_sync", "--config", str(cfg))
    assert text.code == 1
    assert "broken reference – 1 record (25.0 %): 503  [contacts_have_customer.exists]" in text.out

    # The ERP gets the customer: the gate passes.
    with pg_database.admin_engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO res_partner (id, name, active, is_company, customer_rank, country_id,"
            " type) VALUES (99, 'Neukunde GmbH', true, true, 1, 1, 'contact')"
        )
    assert dataguard("gate", "crm_sync", "--config", str(cfg)).code == 0


def test_agreement_failures_name_both_sides(pg_database, tmp_path):
    load_odoo(pg_database.admin_engine)
    cfg = odoo_and_hubspot(tmp_path, pg_database.url, AGREE)
    result = run_gate("crm_sync", cfg)
    assert result.exit_code == 1
    found = outcomes(result, "contacts_have_customer")
    company = found["agree_company"]
    # 504 says "Alpenmühle Innsbruck AG", the ERP customer 13 is "Alpenmühle Tirol GmbH";
    # 502's "olly UG" is customer 11's "olly UG (haftungsbeschränkt)": the same company.
    assert company.failing_keys == ["504"]
    assert company.failing_values == ["Alpenmühle Innsbruck AG | Alpenmühle Tirol GmbH"]
    (group,) = company.groups
    assert group.keys == ("504", "13")
    assert group.score is not None and group.score < 0.85
    assert "company 'Alpenmühle Innsbruck AG' vs name 'Alpenmühle Tirol GmbH'" in group.reason
    assert "legal form ag vs gmbh" in group.reason
    assert company.type == "expect_column_pair_values_to_agree_across_sources"
    assert company.column == "company,customers.name"
    # Customer 13's country is AT like the contact's; e-mail domains are not compared where the
    # ERP has no e-mail; 501's domain matches customer 10's.
    assert found["agree_country"].success
    assert found["agree_email"].success
    assert found["agree_email"].unexpected_percent == 0.0

    with pg_database.admin_engine.begin() as conn:
        conn.exec_driver_sql("UPDATE res_partner SET email = 'info@olly.example' WHERE id = 11")
    found = outcomes(run_gate("crm_sync", cfg), "contacts_have_customer")
    email = found["agree_email"]
    assert email.failing_keys == ["502"] and email.severity == "warning"
    assert email.groups[0].reason == "e-mail domain 'olly.de' vs 'olly.example'"


def test_missing_referenced_source_is_an_error_not_a_pass(pg_database, tmp_path, dataguard):
    cfg = odoo_and_hubspot(tmp_path, pg_database.url)  # no Odoo tables in the database
    run = dataguard("gate", "crm_sync", "--config", str(cfg), "--format", "json")
    assert run.code == 3
    doc = run.json()
    assert doc["verdict"] == "error"
    assert doc["errors"][0]["check"] == "contacts_have_customer"
    assert "res_partner" in doc["errors"][0]["message"]

    (tmp_path / "crm.csv").unlink()
    load_odoo(pg_database.admin_engine)
    run = dataguard("gate", "crm_sync", "--config", str(cfg))
    assert run.code == 3
    assert "crm.csv" in run.out


# ----------------------------------------------------------- one database: join in there


def test_same_database_joins_in_the_database(pg_database, tmp_path, dataguard):
    load_odoo(pg_database.admin_engine)
    with pg_database.admin_engine.begin() as conn:
        # Product 101's first vendor becomes partner 1, who is no supplier.
        conn.exec_driver_sql("UPDATE product_supplierinfo SET partner_id = 1 WHERE id = 2")
    cfg = write(
        tmp_path / "dataguard.yml",
        f"""\
version: 1
sources:
  odoo: {{url: "{pg_database.url}", profile: odoo}}
checks:
  articles: {{source: odoo, entity: articles}}
  suppliers: {{source: odoo, entity: suppliers}}
references:
  articles_have_supplier:
    from: {{check: articles, column: supplier_id}}
    to: {{check: suppliers}}
gates:
  purchasing: {{references: [articles_have_supplier]}}
""",
    )
    with executed_sql() as statements:
        run = dataguard("gate", "purchasing", "--config", str(cfg), "--format", "json")
    doc = run.json()
    assert run.code == 1, doc
    assert failing(doc, "articles_have_supplier") == {"articles_have_supplier.exists": ["201"]}
    joins = [s for s in statements if "LEFT JOIN (SELECT" in s and "dg_c0" in s]
    assert len(joins) == 1, statements
    assert "p.dg_ref IS NULL" in joins[0]
    # Neither side was streamed into Python.
    assert not [s for s in statements if "FROM product_product" in s and "dg_c0" not in s
                and "COUNT(*)" not in s and "WHERE 1 = 0" not in s], statements  # fmt: skip


PLAIN_TABLES = [
    # parent: customer_id is an INTEGER column; child: text references typed by hand
    "CREATE TABLE customers (customer_id INTEGER, name VARCHAR(100), vat_id VARCHAR(30),"
    " country VARCHAR(20), email VARCHAR(100))",
    "CREATE TABLE contacts (contact_id VARCHAR(10), customer_ref VARCHAR(10),"
    " company VARCHAR(100), vat_id VARCHAR(30), country VARCHAR(20), email VARCHAR(100))",
    "INSERT INTO customers VALUES (10, 'Müller Bau GmbH', 'DE118619592', 'DE',"
    " 'info@mueller-bau.de')",
    "INSERT INTO customers VALUES (11, 'Schmidt Elektro KG', 'DE129304291', 'DE',"
    " 'buero@schmidt-elektro.de')",
    "INSERT INTO customers VALUES (12, 'Weber Logistik AG', NULL, 'AT', 'info@weber.at')",
    # an identical copy of a record counts once (both routes)
    "INSERT INTO customers VALUES (11, 'Schmidt Elektro KG', 'DE129304291', 'DE',"
    " 'buero@schmidt-elektro.de')",
    # fine: case, spaces, umlaut spelling and VAT formatting differ only
    "INSERT INTO contacts VALUES ('C1', '10', 'MUELLER BAU GMBH', 'de 118 619 592', ' de ',"
    " 'anna@Mueller-Bau.de')",
    "INSERT INTO contacts VALUES ('C2', ' 11 ', 'Schmidt Elektro KG', 'DEDE129304291', 'DE',"
    " 'max@schmidt-elektro.de')",
    # missing: leading zero, unknown number (a case-insensitive collation must not help)
    "INSERT INTO contacts VALUES ('C3', '010', 'Müller Bau GmbH', NULL, 'DE', NULL)",
    "INSERT INTO contacts VALUES ('C4', '13', 'Neu GmbH', NULL, 'DE', NULL)",
    # disagreements
    "INSERT INTO contacts VALUES ('C5', '10', 'Müller Bau Holding GmbH', 'DE129304291', 'AT',"
    " 'x@mueller-holding.de')",
    "INSERT INTO contacts VALUES ('C6', '12', 'Webér Logistik AG', 'DE118619592', 'at',"
    " 'y@weber.at')",
    # no reference; placeholder VAT ID (not compared)
    "INSERT INTO contacts VALUES ('C7', NULL, 'Lose GmbH', 'n/a', 'DE', NULL)",
    "INSERT INTO contacts VALUES ('C8', '', 'Lose GmbH', NULL, 'DE', NULL)",
]

PLAIN_REFERENCE = """\
references:
  contacts_have_customer:
    from: {check: contacts, column: customer_ref}
    to: {check: customers}
    allow_empty: ALLOW
    agree:
      - {from: company, to: name, compare: similar}
      - {from: vat_id, to: vat_id, compare: vat_id}
      - {from: country, to: country}
      - {from: email, to: email, compare: email_domain}
gates:
  sync: {references: [contacts_have_customer]}
"""

EXPECTED = {
    "exists": (["C3", "C4"], ["010", "13"]),
    "agree_company": (["C5"], ["Müller Bau Holding GmbH | Müller Bau GmbH"]),
    "agree_vat_id": (["C5"], ["DE129304291 | DE118619592"]),
    "agree_country": (["C5"], ["AT | DE"]),
    "agree_email": (["C5"], ["x@mueller-holding.de | info@mueller-bau.de"]),
}


def _load_plain(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        for statement in PLAIN_TABLES:
            conn.exec_driver_sql(statement)


def _plain_config(tmp_path: Path, child: str, parent: str, allow_empty: bool = True) -> Path:
    return write(
        tmp_path / "dataguard.yml",
        f"version: 1\nsources:\n{child}{parent}"
        "checks:\n"
        "  contacts: {source: crm, table: contacts, suite: contacts, key: contact_id}\n"
        "  customers: {source: erp, table: customers, suite: customers, key: customer_id}\n"
        + PLAIN_REFERENCE.replace("ALLOW", str(allow_empty).lower()),
    )


def _summary(result) -> dict[str, tuple[list, list]]:
    return {
        k: (e.failing_keys, e.failing_values)
        for k, e in outcomes(result, "contacts_have_customer").items()
        if not e.success
    }


def test_join_in_each_database_agrees_with_the_streamed_route(sql_database, tmp_path):
    _load_plain(sql_database.admin_engine)
    url = sql_database.url
    same = _plain_config(tmp_path, f'  crm: {{url: "{url}"}}\n', f'  erp: {{url: "{url}"}}\n')
    with executed_sql() as statements:
        in_db = run_gate("sync", same)
    assert any("LEFT JOIN" in s for s in statements)
    assert _summary(in_db) == EXPECTED
    groups = [g.to_dict() for g in outcomes(in_db, "contacts_have_customer")["agree_vat_id"].groups]
    # VAT IDs are personal data for sole traders: the reason does not repeat them.
    assert groups == [{"keys": ["C5", "10"], "score": None, "reason": "vat_id differs from vat_id"}]

    # The same tables, the referenced side as a CSV export: the streamed route.
    write(
        tmp_path / "customers.csv",
        "customer_id;name;vat_id;country;email\n"
        "10;Müller Bau GmbH;DE118619592;DE;info@mueller-bau.de\n"
        "11;Schmidt Elektro KG;DE129304291;DE;buero@schmidt-elektro.de\n"
        "12;Weber Logistik AG;;AT;info@weber.at\n"
        "11;Schmidt Elektro KG;DE129304291;DE;buero@schmidt-elektro.de\n",
    )
    split = (
        _plain_config(tmp_path, f'  crm: {{url: "{url}"}}\n', "  erp: {path: customers.csv}\n")
        .read_text()
        .replace("table: customers, ", "")
    )
    cfg = write(tmp_path / "split.yml", split)
    with executed_sql() as statements:
        streamed = run_gate("sync", cfg)
    assert not any("LEFT JOIN" in s for s in statements)
    assert _summary(streamed) == EXPECTED
    # C1, C2, C5 and C6 are matched pairs with both names (the copy of 11 counts once).
    assert outcomes(in_db, "contacts_have_customer")["agree_company"].unexpected_percent == 25.0
    for kind in EXPECTED:
        a = outcomes(in_db, "contacts_have_customer")[kind]
        b = outcomes(streamed, "contacts_have_customer")[kind]
        assert (a.unexpected_count, a.unexpected_percent) == (
            b.unexpected_count,
            b.unexpected_percent,
        ), kind


def test_empty_references_fail_when_not_allowed(sql_database, tmp_path):
    _load_plain(sql_database.admin_engine)
    url = sql_database.url
    cfg = _plain_config(
        tmp_path, f'  crm: {{url: "{url}"}}\n', f'  erp: {{url: "{url}"}}\n', allow_empty=False
    )
    exists = outcomes(run_gate("sync", cfg), "contacts_have_customer")["exists"]
    assert exists.failing_keys == ["C3", "C4", "C7", "C8"]
    assert exists.unexpected_percent == 50.0


def test_mariadb_collation_does_not_match_keys_by_case(mariadb_database, tmp_path):
    _load_plain(mariadb_database.admin_engine)
    with mariadb_database.admin_engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE accounts (account_id VARCHAR(10))")
        conn.exec_driver_sql("INSERT INTO accounts VALUES ('K1'), ('Kä')")
        conn.exec_driver_sql("CREATE TABLE orders (order_id VARCHAR(10), account VARCHAR(10))")
        conn.exec_driver_sql("INSERT INTO orders VALUES ('O1', 'k1'), ('O2', 'Ka'), ('O3', 'K1')")
    url = mariadb_database.url
    cfg = write(
        tmp_path / "dataguard.yml",
        f"""\
version: 1
sources:
  db: {{url: "{url}"}}
checks:
  orders: {{source: db, table: orders, suite: contacts, key: order_id}}
  accounts: {{source: db, table: accounts, suite: customers, key: account_id}}
references:
  orders_have_account:
    from: {{check: orders, column: account}}
    to: {{check: accounts}}
gates:
  g: {{references: [orders_have_account]}}
""",
    )
    exists = outcomes(run_gate("g", cfg), "orders_have_account")["exists"]
    assert exists.failing_keys == ["O1", "O2"]


# -------------------------------------------------------------------------- configuration


GOOD = """\
version: 1
sources:
  erp: {url: "sqlite:///erp.db"}
  crm: {path: contacts.csv}
checks:
  customers: {source: erp, table: customers, suite: customers, key: customer_id}
  contacts: {source: crm, suite: contacts, key: contact_id}
references:
  contacts_have_customer:
    from: {check: contacts, column: customer_id}
    to: {check: customers, column: customer_id}
    agree:
      - {from: company, to: name, compare: similar, threshold: 0.9}
gates:
  invoicing: {checks: [customers, contacts], references: [contacts_have_customer]}
"""


def test_reference_config_loads(tmp_path):
    cfg = load_config(write(tmp_path / "dataguard.yml", GOOD))
    ref = cfg.references["contacts_have_customer"]
    assert ref.from_.check == "contacts" and ref.to.column == "customer_id"
    assert ref.severity == "critical" and ref.allow_empty is True
    assert ref.agree[0].compare == "similar" and ref.agree[0].threshold == 0.9
    assert cfg.gate("invoicing").references == ["contacts_have_customer"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "{check: contacts, column: customer_id}",
            "{check: ghosts, column: customer_id}",
            "references.contacts_have_customer.from.check: no check named 'ghosts'",
        ),
        (
            "to: {check: customers, column: customer_id}",
            "to: {check: customers, colum: customer_id}",
            "references.contacts_have_customer.to.colum: unknown key in "
            "references.contacts_have_customer.to; expected one of: check, column",
        ),
        (
            "compare: similar, threshold: 0.9",
            "compare: fuzzy",
            "references.contacts_have_customer.agree.0.compare: Input should be 'equal', "
            "'similar', 'vat_id' or 'email_domain'",
        ),
        (
            "compare: similar, threshold: 0.9",
            "compare: equal, threshold: 0.9",
            "references.contacts_have_customer.agree.0: 'threshold' applies to compare: "
            "similar only",
        ),
        (
            "compare: similar, threshold: 0.9",
            "compare: similar, treshold: 0.9",
            "agree.0.treshold: unknown key in references.contacts_have_customer.agree.0; "
            "expected one of: from, to, compare, threshold, severity",
        ),
        (
            "threshold: 0.9",
            "threshold: 1.5",
            "agree.0.threshold: Input should be less than or equal to 1",
        ),
        (
            "    agree:",
            "    severity: fatal\n    agree:",
            "references.contacts_have_customer.severity: Input should be 'critical' or 'warning'",
        ),
        (
            "    agree:",
            "    alow_empty: true\n    agree:",
            "references.contacts_have_customer.alow_empty: unknown key in "
            "references.contacts_have_customer; expected one of: from, to, severity, "
            "allow_empty, agree, description",
        ),
        (
            "references: [contacts_have_customer]",
            "references: [contacts_have_company]",
            "gates.invoicing.references.0: no reference named 'contacts_have_company'",
        ),
        (
            "{checks: [customers, contacts], references: [contacts_have_customer]}",
            "{description: nothing}",
            "gates.invoicing: a gate needs at least one entry in 'checks' or 'references'",
        ),
        (
            "    from: {check: contacts, column: customer_id}\n",
            "",
            "references.contacts_have_customer.from: required key is missing",
        ),
        (
            ("to: {check: customers, column: customer_id}", "suite: customers, key: customer_id"),
            ("to: {check: customers}", "suite: customers"),
            "references.contacts_have_customer.to.column: required, because check 'customers' "
            "names no 'key'",
        ),
    ],
)
def test_reference_config_errors_name_the_key_path(tmp_path, old, new, expected):
    text = GOOD
    olds, news = (old, new) if isinstance(old, tuple) else ((old,), (new,))
    for before, after in zip(olds, news, strict=True):
        assert before in text
        text = text.replace(before, after)
    path = write(tmp_path / "dataguard.yml", text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert expected in str(info.value)
    assert str(path) in str(info.value)


def test_reference_config_error_exits_2(tmp_path, dataguard):
    path = write(tmp_path / "dataguard.yml", GOOD.replace("compare: similar", "compare: fuzzy"))
    run = dataguard("gate", "invoicing", "--config", str(path))
    assert run.code == 2
    assert "agree.0.compare" in run.err
