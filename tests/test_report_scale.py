"""The steward's outputs at scale: lists beyond Excel's sheet, a page that stays light."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from kmu_dataguard.exit_codes import ExitCode
from kmu_dataguard.report import export
from kmu_dataguard.report.html import PAGE_ROWS, render_report
from kmu_dataguard.report.i18n import Texts
from kmu_dataguard.report.store import write_report
from kmu_dataguard.results import (
    CheckResult,
    ExpectationOutcome,
    GateResult,
    Group,
    RecordContext,
    Severity,
    Verdict,
)


def _result(emails: int, groups: int = 0) -> GateResult:
    """One check: ``emails`` bad addresses (one hostile) and ``groups`` duplicate pairs."""
    keys = [f"K{n:07d}" for n in range(1, emails + 1)]
    values = [f"rechnung.firma{n}.de" for n in range(1, emails + 1)]
    values[0] = "=HYPERLINK(1)"
    bad_email = ExpectationOutcome(
        id="customers.email_valid",
        type="expect_column_values_to_be_valid_email",
        column="email",
        severity=Severity.CRITICAL,
        success=False,
        unexpected_count=emails,
        unexpected_percent=100.0,
        failing_keys=keys,
        failing_values=values,
        meta={"protects": {"de": "Rechnungen kommen an.", "en": "Invoices arrive."}},
    )
    pairs = [Group((f"D{2 * n:07d}", f"D{2 * n + 1:07d}"), 0.9, "same IBAN") for n in range(groups)]
    duplicates = ExpectationOutcome(
        id="customers.no_duplicate_partners",
        type="expect_table_rows_to_have_no_duplicate_partners",
        column=None,
        severity=Severity.WARNING,
        success=False,
        unexpected_count=2 * groups,
        groups=pairs,
    )
    context = RecordContext(
        name_column="name", city_column="city", values={keys[0]: ("Müller GmbH", "Köln")}
    )
    check = CheckResult(
        "customers",
        "kunden.csv",
        "customers",
        "customer_id",
        emails + 2 * groups,
        [bad_email, *([duplicates] if groups else [])],
        verdict=Verdict.BLOCKED,
        context=context,
    )
    return GateResult(
        "nightly", Verdict.BLOCKED, ExitCode.BLOCKED, datetime.now(UTC), 1.0, Severity.CRITICAL,
        [check],
    )  # fmt: skip


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_list_longer_than_a_sheet_continues_on_further_sheets(tmp_path, monkeypatch, lang):
    monkeypatch.setattr(export, "SHEET_ROWS", 4)  # a header and three records per sheet
    result = _result(8)
    page = write_report(result, tmp_path / "report", lang=lang).read_text(encoding="utf-8")
    (lists,) = (tmp_path / "report" / "runs").glob("*/failing-records")

    book = load_workbook(lists / "customers.xlsx", read_only=True)
    assert book.sheetnames == ["customers", "customers (2)", "customers (3)"]
    sheets = [list(s.iter_rows(values_only=True)) for s in book.worksheets]
    book.close()
    header = sheets[1][0]
    assert header == tuple(export.headers(result.checks[0], Texts(lang)))
    assert all(len(rows) <= 4 and rows[0] == header for rows in sheets[1:])
    # The note stands beside the first sheet's header, one column apart from the table.
    first = sheets[0][0]
    assert first[: len(header)] == header and first[len(header)] is None
    note = first[len(header) + 1]
    if lang == "de":
        assert "8 Zeilen" in note and "„customers (2)“, „customers (3)“" in note
    else:
        assert "8 rows" in note and "“customers (2)”, “customers (3)”" in note
    records = [r[: len(header)] for rows in sheets for r in rows[1:]]
    assert [r[0] for r in records] == [f"K{n:07d}" for n in range(1, 9)]
    assert records[0][1:3] == ("Müller GmbH", "Köln")
    assert records[0][6] == "'=HYPERLINK(1)"  # still neutralised

    with (lists / "customers.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert len(rows) == 9 and rows[1:] == [[c or "" for c in r] for r in records]

    split = "3 Blätter" if lang == "de" else "3 sheets"
    assert split in page


def test_a_list_that_fits_has_one_sheet_and_no_note(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "SHEET_ROWS", 4)
    page = write_report(_result(3), tmp_path / "report", lang="en").read_text(encoding="utf-8")
    (xlsx,) = (tmp_path / "report" / "runs").glob("*/failing-records/customers.xlsx")
    book = load_workbook(xlsx)
    assert book.sheetnames == ["customers"]
    sheet = book["customers"]
    assert sheet.max_row == 4 and sheet.max_column == 10
    assert sheet.auto_filter.ref == "A1:J4" and sheet.freeze_panes == "A2"
    assert "an Excel sheet holds" not in page


@pytest.mark.parametrize(
    ("title", "sheets"),
    [
        ("x" * 40, ["x" * 31, "x" * 27 + " (2)"]),
        ("'quoted'", ["quoted", "quoted (2)"]),
        ("a/b:c" + "😀" * 20, ["a_b_c" + "😀" * 13, "a_b_c" + "😀" * 11 + " (2)"]),
    ],
)
def test_sheet_names_stay_within_excels_rules(title, sheets):
    assert export._sheet_titles(export._sheet_title(title), 2) == sheets


def test_the_page_stays_light_with_200_000_records_and_50_000_groups():
    page = render_report(_result(200_000, groups=50_000), lang="en")
    assert len(page.encode("utf-8")) < 1_500_000
    assert page.count('<td class="key">') == PAGE_ROWS
    assert "This page shows 500 of 50,000 groups; 49,500 more are in the Excel/CSV file." in page
    assert "D0000999" in page and "D0001000" not in page


def test_a_group_larger_than_the_page_is_cut_with_a_note():
    result = _result(1)
    outcome = result.checks[0].expectations[0]
    outcome.groups = [Group(tuple(f"K{n:07d}" for n in range(1, 2_501)), None, "same IBAN")]
    page = render_report(result, lang="de")
    assert "und 1.500 weitere in der Liste" in page
    assert "Gruppen;" not in page  # one group: all groups are shown


def test_the_pages_first_rows_are_the_lists_first_rows():
    result = _result(300, groups=40)
    check = result.checks[0]
    # Keys out of order, a key failing twice, row numbers that sort as numbers.
    outcome = check.expectations[0]
    outcome.failing_keys = [*reversed(outcome.failing_keys[:-3]), "K0000007", "10", "9"]
    t = Texts("de")
    everything = export.export_rows(check, t)
    rows, total, affected = export.first_rows(check, t, 50)
    assert rows == everything[:50]
    assert total == len(everything) == 380 and affected == len({r.key for r in everything})
    assert [r.key for r in everything[:3]] == ["9", "10", "D0000000"]
