"""Tables shaped like Odoo's and SAP Business One's, with realistic German master data.

Only the tables and columns the connector profiles read are created, with the real names and
types: Odoo 16/17 on PostgreSQL (translated fields as ``jsonb``, as Odoo 16+ stores them), SAP
Business One as on MS SQL Server (upper-case table names, mixed-case columns; loaded into
MariaDB, SQLite, or folded to lower case into PostgreSQL).

Identifiers from public test vectors (python-stdnum test files, via /work/shared/data/vectors:
IBAN DE89370400440532013000, VAT IDs DE118619592/DE129304291/DE125014955, EAN 0012345678905 and
4006381333931 are well-formed examples); two company names and addresses from OffeneRegister.de
(/work/shared/data/register/companies.csv); the rest is invented.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

__all__ = ["load_odoo", "load_sap_b1"]


def _insert(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(table.insert(), [{c.name: row.get(c.name) for c in table.c} for row in rows])


# ------------------------------------------------------------------------------------ Odoo


def _odoo_metadata() -> sa.MetaData:
    md = sa.MetaData()
    text, i, b, num = sa.String, sa.Integer, sa.Boolean, sa.Numeric
    sa.Table("res_country", md, sa.Column("id", i, primary_key=True), sa.Column("code", text(2)),
             sa.Column("name", JSONB))  # fmt: skip
    sa.Table("res_currency", md, sa.Column("id", i, primary_key=True), sa.Column("name", text(3)))
    sa.Table("res_company", md, sa.Column("id", i, primary_key=True), sa.Column("name", text),
             sa.Column("currency_id", i))  # fmt: skip
    sa.Table(
        "res_partner", md,
        sa.Column("id", i, primary_key=True), sa.Column("name", text), sa.Column("ref", text),
        sa.Column("vat", text), sa.Column("company_registry", text), sa.Column("street", text),
        sa.Column("street2", text), sa.Column("zip", text), sa.Column("city", text),
        sa.Column("country_id", i), sa.Column("email", text), sa.Column("phone", text),
        sa.Column("mobile", text), sa.Column("is_company", b), sa.Column("parent_id", i),
        sa.Column("commercial_partner_id", i), sa.Column("type", text), sa.Column("active", b),
        sa.Column("customer_rank", i), sa.Column("supplier_rank", i),
        sa.Column("invoice_warn", text), sa.Column("lang", text),
    )  # fmt: skip
    sa.Table("res_bank", md, sa.Column("id", i, primary_key=True), sa.Column("name", text),
             sa.Column("bic", text))  # fmt: skip
    sa.Table(
        "res_partner_bank", md,
        sa.Column("id", i, primary_key=True), sa.Column("acc_number", text),
        sa.Column("sanitized_acc_number", text), sa.Column("partner_id", i),
        sa.Column("bank_id", i), sa.Column("active", b), sa.Column("sequence", i),
    )  # fmt: skip
    sa.Table("uom_uom", md, sa.Column("id", i, primary_key=True), sa.Column("name", JSONB))
    sa.Table(
        "account_tax", md,
        sa.Column("id", i, primary_key=True), sa.Column("name", JSONB), sa.Column("amount", num),
        sa.Column("amount_type", text), sa.Column("type_tax_use", text), sa.Column("active", b),
    )  # fmt: skip
    sa.Table(
        "product_template", md,
        sa.Column("id", i, primary_key=True), sa.Column("name", JSONB),
        sa.Column("list_price", num), sa.Column("uom_id", i), sa.Column("company_id", i),
        sa.Column("active", b), sa.Column("sale_ok", b), sa.Column("purchase_ok", b),
        sa.Column("detailed_type", text),
    )  # fmt: skip
    sa.Table(
        "product_product", md,
        sa.Column("id", i, primary_key=True), sa.Column("product_tmpl_id", i),
        sa.Column("default_code", text), sa.Column("barcode", text), sa.Column("active", b),
    )  # fmt: skip
    sa.Table("product_taxes_rel", md, sa.Column("prod_id", i), sa.Column("tax_id", i))
    sa.Table(
        "product_supplierinfo", md,
        sa.Column("id", i, primary_key=True), sa.Column("partner_id", i),
        sa.Column("product_tmpl_id", i), sa.Column("sequence", i), sa.Column("min_qty", num),
        sa.Column("price", num),
    )  # fmt: skip
    return md


def _partner(pid: int, name: str, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": pid, "name": name, "commercial_partner_id": fields.get("parent_id") or pid,
        "type": "contact", "active": True, "is_company": True, "customer_rank": 0,
        "supplier_rank": 0, "invoice_warn": "no-message", "lang": "de_DE", "country_id": 1,
    }  # fmt: skip
    row.update(fields)
    return row


ODOO_PARTNERS = [
    _partner(1, "Muster Handel GmbH", street="Marktplatz 1", zip="10178", city="Berlin"),
    _partner(
        10,
        "Bäckerei Schulze GmbH",
        ref="K-00017",
        vat="DE118619592",
        street="Ostra-Allee 9",
        zip="01067",
        city="Dresden",
        email="einkauf@baeckerei-schulze.de",
        phone="+49 351 4861234",
        customer_rank=3,
        company_registry="HRB 4711",
    ),
    _partner(
        11,
        "olly UG (haftungsbeschränkt)",
        vat="/",
        street="Waidmannstraße 1",
        zip="22769",
        city="Hamburg",
        mobile="+49 170 1234567",
        customer_rank=1,
        invoice_warn="block",
    ),
    _partner(
        12,
        "Mittelständische Beteiligungsgesellschaft Bremen mbH",
        vat="DE129304291",
        street="Langenstraße 2-4",
        zip="28195",
        city="Bremen",
        supplier_rank=2,
        email="info@mbg-bremen.de",
    ),
    _partner(
        13,
        "Alpenmühle Tirol GmbH",
        vat="DE 125014955",
        street="Mühlweg 3",
        zip="6020",
        city="Innsbruck",
        country_id=2,
        customer_rank=1,
        supplier_rank=4,
    ),
    _partner(14, "Alt-Kunde KG (archiviert)", customer_rank=5, active=False, zip="04109"),
    _partner(
        20,
        "Anna Schulze",
        parent_id=10,
        is_company=False,
        email="anna.schulze@baeckerei-schulze.de",
        phone="+49 351 4861235",
        zip="01067",
        city="Dresden",
    ),
    _partner(
        21,
        "Jens Krüger",
        parent_id=12,
        is_company=False,
        mobile="+49 421 555 0190",
        email="j.krueger@mbg-bremen.de",
    ),
    # an invoice address of a customer: neither a customer of its own nor a contact person
    _partner(
        22,
        "Bäckerei Schulze GmbH, Buchhaltung",
        parent_id=10,
        is_company=False,
        type="invoice",
        customer_rank=2,
    ),
]


def load_odoo(engine: sa.Engine) -> None:
    """Create Odoo 16/17's master-data tables in ``engine`` (PostgreSQL) and fill them."""
    md = _odoo_metadata()
    md.create_all(engine)
    t = md.tables
    de = {"en_US": "Germany", "de_DE": "Deutschland"}
    at = {"en_US": "Austria", "de_DE": "Österreich"}
    with engine.begin() as conn:
        _insert(conn, t["res_country"], [{"id": 1, "code": "DE", "name": de},
                                         {"id": 2, "code": "AT", "name": at}])  # fmt: skip
        _insert(conn, t["res_currency"], [{"id": 1, "name": "EUR"}, {"id": 2, "name": "CHF"}])
        _insert(conn, t["res_company"], [{"id": 1, "name": "Muster Handel GmbH", "currency_id": 1}])
        _insert(conn, t["res_partner"], ODOO_PARTNERS)
        _insert(conn, t["res_bank"], [
            {"id": 1, "name": "Commerzbank", "bic": "COBADEFFXXX"},
            {"id": 2, "name": "Deutsche Bank", "bic": "DEUTDEFF"},
        ])  # fmt: skip
        _insert(conn, t["res_partner_bank"], [
            {"id": 1, "acc_number": "DE89 3704 0044 0532 0130 00", "partner_id": 10, "bank_id": 1,
             "sanitized_acc_number": "DE89370400440532013000", "active": True, "sequence": 10},
            {"id": 2, "acc_number": "DE02120300000000202051", "partner_id": 10, "bank_id": 2,
             "sanitized_acc_number": "DE02120300000000202051", "active": True, "sequence": 20},
            {"id": 3, "acc_number": "DE02100500000054540402", "partner_id": 12, "bank_id": None,
             "sanitized_acc_number": "DE02100500000054540402", "active": True, "sequence": 10},
        ])  # fmt: skip
        _insert(conn, t["uom_uom"], [
            {"id": 1, "name": {"en_US": "Units", "de_DE": "Stück"}},
            {"id": 2, "name": {"en_US": "kg"}},
        ])  # fmt: skip
        _insert(conn, t["account_tax"], [
            {"id": 1, "name": {"en_US": "19%"}, "amount": Decimal("19.0"), "amount_type": "percent",
             "type_tax_use": "sale", "active": True},
            {"id": 2, "name": {"en_US": "7%"}, "amount": Decimal("7.0"), "amount_type": "percent",
             "type_tax_use": "sale", "active": True},
            {"id": 3, "name": {"en_US": "19% Vorsteuer"}, "amount": Decimal("19.0"),
             "amount_type": "percent", "type_tax_use": "purchase", "active": True},
        ])  # fmt: skip
        tmpl = {"active": True, "sale_ok": True, "purchase_ok": True, "detailed_type": "product"}
        _insert(conn, t["product_template"], [
            {**tmpl, "id": 100, "name": {"en_US": "Rye bread 1 kg", "de_DE": "Roggenbrot 1 kg"},
             "list_price": Decimal("4.50"), "uom_id": 1},
            {**tmpl, "id": 101, "name": {"en_US": "Wheat flour type 550"},
             "list_price": Decimal("0.89"), "uom_id": 2},
            {**tmpl, "id": 102, "name": {"en_US": "Old product"}, "list_price": Decimal("1"),
             "uom_id": 1, "active": False},
            {**tmpl, "id": 103, "name": {"de_DE": "Musterkarton"}, "list_price": Decimal("0"),
             "uom_id": 1, "sale_ok": False, "purchase_ok": False},
        ])  # fmt: skip
        _insert(conn, t["product_product"], [
            {"id": 200, "product_tmpl_id": 100, "default_code": "000815",
             "barcode": "0012345678905", "active": True},
            {"id": 201, "product_tmpl_id": 101, "default_code": "MEHL-550",
             "barcode": "4006381333931", "active": True},
            {"id": 202, "product_tmpl_id": 102, "default_code": "ALT-1", "active": False},
            {"id": 203, "product_tmpl_id": 103, "default_code": None, "active": True},
        ])  # fmt: skip
        _insert(conn, t["product_taxes_rel"], [
            {"prod_id": 100, "tax_id": 2}, {"prod_id": 101, "tax_id": 2},
            {"prod_id": 101, "tax_id": 3}, {"prod_id": 103, "tax_id": 1},
        ])  # fmt: skip
        _insert(conn, t["product_supplierinfo"], [
            {"id": 1, "partner_id": 12, "product_tmpl_id": 101, "sequence": 10},
            {"id": 2, "partner_id": 13, "product_tmpl_id": 101, "sequence": 5},
            {"id": 3, "partner_id": 12, "product_tmpl_id": 100, "sequence": 1},
        ])  # fmt: skip


# --------------------------------------------------------------------------- SAP Business One


def _sap_metadata(fold: bool) -> sa.MetaData:
    """SAP B1's tables; ``fold`` lower-cases every name (a PostgreSQL copy, unquoted names)."""

    def n(name: str) -> str:
        return name.lower() if fold else name

    def nvarchar(name: str, length: int) -> sa.Column[Any]:
        return sa.Column(n(name), sa.String(length))

    def flag(name: str) -> sa.Column[Any]:
        return sa.Column(n(name), sa.String(1))

    def num(name: str) -> sa.Column[Any]:
        return sa.Column(n(name), sa.Numeric(19, 6))

    md = sa.MetaData()
    sa.Table(
        n("OCTG"), md,
        sa.Column(n("GroupNum"), sa.Integer, primary_key=True), nvarchar("PymntGroup", 100),
        sa.Column(n("ExtraMonth"), sa.SmallInteger), sa.Column(n("ExtraDays"), sa.SmallInteger),
    )  # fmt: skip
    sa.Table(
        n("OCRD"), md,
        sa.Column(n("CardCode"), sa.String(15), primary_key=True), nvarchar("CardName", 100),
        flag("CardType"), nvarchar("Address", 100), nvarchar("StreetNo", 100),
        nvarchar("ZipCode", 20), nvarchar("City", 100), nvarchar("Country", 3),
        nvarchar("Phone1", 50), nvarchar("Cellular", 50), nvarchar("E_Mail", 100),
        nvarchar("LicTradNum", 32), nvarchar("Currency", 3), sa.Column(n("GroupNum"), sa.Integer),
        flag("frozenFor"), flag("validFor"), nvarchar("DflIBAN", 50), nvarchar("DflSwift", 50),
        nvarchar("DflAccount", 50),
    )  # fmt: skip
    sa.Table(
        n("OCPR"), md,
        sa.Column(n("CntctCode"), sa.Integer, primary_key=True), nvarchar("CardCode", 15),
        nvarchar("Name", 50), nvarchar("FirstName", 50), nvarchar("LastName", 50),
        nvarchar("Tel1", 20), nvarchar("Cellolar", 50), nvarchar("E_MailL", 100), flag("Active"),
    )  # fmt: skip
    sa.Table(
        n("OITM"), md,
        sa.Column(n("ItemCode"), sa.String(50), primary_key=True), nvarchar("ItemName", 100),
        nvarchar("CodeBars", 16), nvarchar("InvntryUom", 100), nvarchar("SalUnitMsr", 100),
        nvarchar("BuyUnitMsr", 100), nvarchar("CardCode", 15), flag("frozenFor"),
        flag("validFor"), nvarchar("VatGourpSa", 8), flag("SellItem"), flag("PrchseItem"),
    )  # fmt: skip
    sa.Table(
        n("ITM1"), md,
        sa.Column(n("ItemCode"), sa.String(50), primary_key=True),
        sa.Column(n("PriceList"), sa.SmallInteger, primary_key=True), num("Price"),
        nvarchar("Currency", 3),
    )  # fmt: skip
    sa.Table(
        n("OVTG"), md,
        sa.Column(n("Code"), sa.String(8), primary_key=True), nvarchar("Name", 100),
        num("Rate"), flag("Category"),
    )  # fmt: skip
    return md


def _bp(code: str, name: str, card_type: str, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "CardCode": code, "CardName": name, "CardType": card_type, "Country": "DE",
        "Currency": "EUR", "GroupNum": 1, "frozenFor": "N", "validFor": "Y",
    }  # fmt: skip
    row.update(fields)
    return row


SAP_BUSINESS_PARTNERS = [
    _bp("K00017", "Bäckerei Schulze GmbH", "C", Address="Ostra-Allee 9", ZipCode="01067",
        City="Dresden", Phone1="+49 351 4861234", E_Mail="einkauf@baeckerei-schulze.de",
        LicTradNum="DE118619592", DflIBAN="DE89370400440532013000", DflSwift="COBADEFFXXX"),
    _bp("K00018", "olly UG (haftungsbeschränkt)", "C", Address="Waidmannstraße 1",
        ZipCode="22769", City="Hamburg", LicTradNum="", Currency="##", GroupNum=3,
        frozenFor="Y", Cellular="+49 170 1234567"),
    _bp("L00001", "Interessent Nord GmbH", "L", ZipCode="24103", City="Kiel"),
    _bp("V70001", "Mittelständische Beteiligungsgesellschaft Bremen mbH", "S",
        Address="Langenstraße 2-4", ZipCode="28195", City="Bremen", LicTradNum="DE129304291",
        GroupNum=-1, DflIBAN="DE02100500000054540402", E_Mail="info@mbg-bremen.de"),
    _bp("V70002", "Mühlenwerke Leipzig AG", "S", Address="Prager Straße 40", ZipCode="04109",
        City="Leipzig", LicTradNum="DE 125014955", GroupNum=2, DflSwift="DEUTDEFF"),
]  # fmt: skip


def load_sap_b1(engine: sa.Engine, *, fold_case: bool = False) -> None:
    """Create SAP Business One's master-data tables in ``engine`` and fill them.

    ``fold_case`` lower-cases table and column names, as a PostgreSQL copy made with unquoted
    names has them.
    """
    md = _sap_metadata(fold_case)
    md.create_all(engine)

    def table(name: str) -> sa.Table:
        return md.tables[name.lower() if fold_case else name]

    def rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{(k.lower() if fold_case else k): v for k, v in r.items()} for r in items]

    with engine.begin() as conn:
        _insert(conn, table("OCTG"), rows([
            {"GroupNum": -1, "PymntGroup": "Bar", "ExtraMonth": 0, "ExtraDays": 0},
            {"GroupNum": 1, "PymntGroup": "30 Tage netto", "ExtraMonth": 0, "ExtraDays": 30},
            {"GroupNum": 2, "PymntGroup": "14 Tage 2 % Skonto, 30 Tage netto",
             "ExtraMonth": 0, "ExtraDays": 30},
            {"GroupNum": 3, "PymntGroup": "Monatsende plus 1 Monat", "ExtraMonth": 1,
             "ExtraDays": 0},
        ]))  # fmt: skip
        _insert(conn, table("OCRD"), rows(SAP_BUSINESS_PARTNERS))
        _insert(conn, table("OCPR"), rows([
            {"CntctCode": 1, "CardCode": "K00017", "Name": "Anna Schulze", "FirstName": "Anna",
             "LastName": "Schulze", "Tel1": "+49 351 4861235",
             "E_MailL": "anna.schulze@baeckerei-schulze.de", "Active": "Y"},
            {"CntctCode": 2, "CardCode": "V70001", "Name": "Jens Krüger", "FirstName": "Jens",
             "LastName": "Krüger", "Active": "Y"},
            {"CntctCode": 3, "CardCode": "K00017", "Name": "Ehemalige Mitarbeiterin",
             "LastName": "Weber", "Active": "N"},
            {"CntctCode": 4, "CardCode": "K00018", "Name": "Olly Olsen", "FirstName": "Olly",
             "LastName": "Olsen", "Cellolar": "+49 170 1234567", "Active": "Y"},
        ]))  # fmt: skip
        item = {"frozenFor": "N", "validFor": "Y", "SellItem": "Y", "PrchseItem": "Y"}
        _insert(conn, table("OITM"), rows([
            {**item, "ItemCode": "000815", "ItemName": "Roggenbrot 1 kg",
             "CodeBars": "0012345678905", "InvntryUom": "Stk", "SalUnitMsr": "Stück",
             "CardCode": "V70001", "VatGourpSa": "A2"},
            {**item, "ItemCode": "MEHL-550", "ItemName": "Weizenmehl Type 550",
             "CodeBars": "4006381333931", "InvntryUom": "kg", "CardCode": "V70002",
             "VatGourpSa": "A1", "frozenFor": "Y"},
            {**item, "ItemCode": "DIENST-01", "ItemName": "Backschulung (Stunde)",
             "InvntryUom": "h", "SalUnitMsr": "Std", "VatGourpSa": "A1", "PrchseItem": "N"},
        ]))  # fmt: skip
        _insert(conn, table("ITM1"), rows([
            {"ItemCode": "000815", "PriceList": 1, "Price": Decimal("4.5"), "Currency": "EUR"},
            {"ItemCode": "000815", "PriceList": 2, "Price": Decimal("3.9"), "Currency": "EUR"},
            {"ItemCode": "MEHL-550", "PriceList": 1, "Price": Decimal("0.89"), "Currency": "EUR"},
            {"ItemCode": "DIENST-01", "PriceList": 2, "Price": Decimal("80"), "Currency": "EUR"},
        ]))  # fmt: skip
        _insert(conn, table("OVTG"), rows([
            {"Code": "A1", "Name": "Umsatzsteuer 19 %", "Rate": Decimal("19"), "Category": "O"},
            {"Code": "A2", "Name": "Umsatzsteuer 7 %", "Rate": Decimal("7"), "Category": "O"},
            {"Code": "V1", "Name": "Vorsteuer 19 %", "Rate": Decimal("19"), "Category": "I"},
        ]))  # fmt: skip
