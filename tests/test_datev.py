from __future__ import annotations

import datetime as dt

import pytest

from kmu_dataguard.errors import SourceError
from kmu_dataguard.sources.datev import account_ranges, read_datev
from tests.support.datev_files import datev_header, write_datev
from tests.support.datev_titles import TITLES


def _variant_titles() -> list[str]:
    """Titles as other tools write them: EU-Mitgliedstaat, IBAN 1, 'Adressattyp' typo."""
    titles = list(TITLES)
    titles[1] = "Name (Adressattyp Unternehmen)"
    titles[3] = "Name (Adressattyp natürl. Person)"
    titles[8] = "EU-Mitgliedstaat"
    titles[9] = "EU-USt-IdNr."
    titles[15] = "Strasse"
    titles[44] = "IBAN 1"
    titles[42] = "Bankkonto-Nummer 1"
    return titles


def test_metadata_split_and_canonical_tables(tmp_path, datev_records):
    path = write_datev(
        tmp_path / "EXTF_Debitoren_Kreditoren.csv", datev_records, titles=_variant_titles()
    )
    export = read_datev(path)

    meta = export.meta
    assert meta.format_flag == "EXTF"
    assert meta.category == 16
    assert meta.format_name == "Debitoren/Kreditoren"
    assert meta.format_version == "5"
    assert meta.consultant == "29098"
    assert meta.client == "55003"
    assert meta.fiscal_year_start == dt.date(2024, 1, 1)
    assert meta.account_length == 4
    assert meta.created == dt.datetime(2024, 1, 15, 9, 30, 12, 123000)
    assert export.warnings == []  # the variant titles are all accepted

    customers = export.table("customers")
    assert customers["customer_id"].tolist() == ["10001", "10002"]
    first = customers.iloc[0].to_dict()
    assert first == {
        "customer_id": "10001",
        "name": "Verwaltung NORDCAPITAL Schiffsportfolio 4 GmbH",
        "street": "Cremon 3",
        "postal_code": "20457",
        "city": "Hamburg",
        "country": "DE",
        "vat_id": "DE113866163",
        "tax_number": "22/815/08154",
        "email": "info@nordcapital.example",
        "phone": "+49 40 123456",
        "iban": "DE89370400440532013000",
        "bic": "AGBMDEMM",
        "payment_terms_days": "30",
        "blocked": "false",  # no "Zahlungssperre bis"
        "datev_kundennummer": "K-000123",
        "datev_kurzbezeichnung": "NORDCAPITAL",
        "datev_status": "0",
        "source_line": "3",
    }
    person = customers.iloc[1]
    assert person["name"] == "Jürgen Weiß"
    assert person["postal_code"] == "01067"
    assert person["vat_id"] is None and person["iban"] is None

    suppliers = export.table("suppliers")
    assert suppliers["supplier_id"].tolist() == ["70001", "99999"]
    assert suppliers.iloc[0]["vat_id"] == "DE231969187"  # EU-Land not doubled
    assert suppliers.iloc[0]["payment_terms_days"] == "14"  # Kreditoren-Ziel 1
    assert suppliers.iloc[1]["name"] == "Müller & Söhne"  # Adressatentyp 0
    assert suppliers.iloc[1]["source_line"] == "6"
    assert all(v is None or isinstance(v, str) for v in suppliers.to_numpy().ravel())


def test_rows_shorter_than_the_title_line_and_dtvf(tmp_path):
    titles = TITLES[:47]  # some tools write only the first fields
    header = datev_header(flag="DTVF")
    path = write_datev(
        tmp_path / "kurz.csv",
        [{1: 10001, 2: "A GmbH", 45: "DE89370400440532013000"}],
        titles=titles,
        header=header,
    )
    export = read_datev(path)
    assert export.meta.format_flag == "DTVF"
    row = export.table("customers").iloc[0]
    assert row["iban"] == "DE89370400440532013000" and row["tax_number"] is None


@pytest.mark.parametrize(
    ("length", "debtor", "creditor", "outside"),
    [(4, 69999, 70000, 9999), (5, 100000, 999999, 1000000), (6, 6999999, 7000000, 10000000)],
)
def test_account_ranges_follow_sachkontenlaenge(tmp_path, length, debtor, creditor, outside):
    debtors, creditors = account_ranges(length)
    assert debtor in debtors and creditor in creditors
    assert outside not in debtors and outside not in creditors
    path = write_datev(
        tmp_path / "r.csv",
        [{1: debtor, 2: "D"}, {1: creditor, 2: "K"}, {1: outside, 2: "X"}],
        header=datev_header(account_length=length),
    )
    export = read_datev(path)
    assert export.table("customers")["customer_id"].tolist() == [str(debtor)]
    assert export.table("suppliers")["supplier_id"].tolist() == [str(creditor)]
    assert export.unassigned() == [(5, str(outside))]
    assert any(f"line 5: account '{outside}' is neither a debtor" in w for w in export.warnings)


def test_unexpected_title_is_a_warning_not_an_error(tmp_path, datev_records):
    titles = list(TITLES)
    titles[17] = "Ort"  # position 18 should be Postleitzahl
    export = read_datev(write_datev(tmp_path / "t.csv", datev_records, titles=titles))
    assert export.table("customers").iloc[1]["postal_code"] == "01067"  # position wins
    assert export.warnings == [
        f"{tmp_path / 't.csv'}: line 2 column 18 is titled 'Ort', expected 'Postleitzahl'; "
        "the value is read by position"
    ]


def test_missing_account_length_assumes_four(tmp_path, datev_records):
    path = write_datev(tmp_path / "l.csv", datev_records, header=datev_header(account_length=None))
    export = read_datev(path)
    assert export.meta.account_length == 4
    assert "Sachkontenlänge) is empty; assuming 4" in export.warnings[0]


def test_utf8_bom_file(tmp_path, datev_records):
    path = write_datev(tmp_path / "u.csv", datev_records, encoding="utf-8-sig")
    assert read_datev(path).table("suppliers").iloc[1]["name"] == "Müller & Söhne"


def test_error_not_datev(tmp_path):
    path = tmp_path / "kunden.csv"
    path.write_text("Kundennummer;Name\n1;a\n", encoding="utf-8")
    with pytest.raises(
        SourceError,
        match=r"kunden\.csv: is not a DATEV export: line 1 starts with 'Kundennummer', "
        r"expected \"EXTF\" or \"DTVF\"",
    ):
        read_datev(path)


def test_error_wrong_category(tmp_path):
    header = datev_header(category=21, name="Buchungsstapel")
    path = write_datev(tmp_path / "EXTF_Buchungsstapel.csv", [], header=header)
    with pytest.raises(
        SourceError,
        match=r"is a DATEV 'Buchungsstapel' file \(data category 21\), "
        r"not 'Debitoren/Kreditoren' \(category 16\)",
    ):
        read_datev(path)


def test_error_bad_account_length_and_missing_titles_and_entity(tmp_path, datev_records):
    path = write_datev(tmp_path / "x.csv", [], header=datev_header(account_length=12))
    with pytest.raises(SourceError, match=r"x\.csv: line 1 field 14 \(Sachkontenlänge\) is '12'"):
        read_datev(path)
    only_header = tmp_path / "h.csv"
    from tests.support.datev_files import datev_line

    only_header.write_bytes((datev_line(datev_header()) + "\r\n").encode("cp1252"))
    with pytest.raises(SourceError, match=r"h\.csv: line 2 \(column titles\) is missing"):
        read_datev(only_header)
    export = read_datev(write_datev(tmp_path / "ok.csv", datev_records))
    with pytest.raises(SourceError, match=r"holds 'customers' and 'suppliers', not 'articles'"):
        export.table("articles")
    empty = tmp_path / "leer.csv"
    empty.write_bytes(b"")
    with pytest.raises(SourceError, match=r"leer\.csv: file is empty"):
        read_datev(empty)


@pytest.mark.parametrize(
    ("until", "blocked"),
    [("31122099", "true"), ("01012000", "false"), (None, "false"), ("bald", "bald")],
)
def test_a_payment_block_until_a_day_not_passed_is_blocked(tmp_path, datev_records, until, blocked):
    creditor = {**datev_records[2], 235: until}
    path = write_datev(tmp_path / "EXTF_Stammdaten.csv", [creditor])
    suppliers = read_datev(path).table("suppliers")
    assert suppliers.iloc[0]["blocked"] == blocked
    assert suppliers.attrs["source_headers"]["blocked"] == "Zahlungssperre bis"
