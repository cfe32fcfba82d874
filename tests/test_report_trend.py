"""The run history in the steward outputs: the trend chart, new and still-failing records, the
fixed count, in the report, the lists and the console; nothing of it with the history off."""

from __future__ import annotations

import csv
import re
import sqlite3
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kmu_dataguard.demo.world import DemoWorld
from kmu_dataguard.exit_codes import ExitCode
from kmu_dataguard.outputs.text import render_text
from kmu_dataguard.report.html import render_report
from kmu_dataguard.report.trend import trend_svg
from kmu_dataguard.results import (
    CheckHistory,
    CheckResult,
    ExpectationOutcome,
    GateResult,
    Severity,
    TrendPoint,
    Verdict,
)
from kmu_dataguard.runner import run_gate
from tests.test_history_store import fix_defect

NEW_DEFECT = "K10001"  # a clean customer of the demo, given a wrong currency between two runs


def _section(page: str, check: str) -> str:
    """One check's part of the report page."""
    start = page.index(f'<section class="check" id="check-{check}">')
    return page[start : page.index("</section>", start)]


def _chart(html: str) -> ET.Element:
    (svg,) = re.findall(r"<svg.*?</svg>", html, re.DOTALL)
    return ET.fromstring(svg)


def _bars(svg: ET.Element) -> list[ET.Element]:
    return [e for e in svg.iter("rect") if "bar" in e.get("class", "").split()]


def _marks(section: str) -> dict[str, set[str]]:
    """Each record's key → the marks of its rows in the records table."""
    table = section[section.index('<table class="records"') :]
    found: dict[str, set[str]] = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL):
        key = re.search(r'<td class="key">([^<]*)</td>', row)
        if key is None:
            continue
        mark = re.search(r'<span class="mark (\w+)"', row)
        found.setdefault(key.group(1), set()).add(mark.group(1) if mark else "")
    return found


def _list_href(report: Path, name: str, ext: str) -> Path:
    """The latest run's list, as the top page links it."""
    page = (report / "index.html").read_text(encoding="utf-8")
    (href,) = set(re.findall(rf'href="([^"]*/{name}\.{ext})"', page))
    return report / href


def _csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f, delimiter=";"))


def test_the_demo_run_twice_shows_the_fix_in_chart_line_marks_and_overview(
    world: DemoWorld, tmp_path: Path
) -> None:
    report = tmp_path / "report"
    first = run_gate("invoicing", world.config, report_dir=report, lang="de")
    first_page = (report / "index.html").read_text(encoding="utf-8")
    customers = _section(first_page, "customers")
    assert "erster aufgezeichneter Lauf" in customers
    assert len(_bars(_chart(customers))) == 1
    assert "Seit letztem Lauf" not in first_page, "nothing to compare on the first run"
    fixed = fix_defect(world, "customers", "currency")

    second = run_gate("invoicing", world.config, report_dir=report, lang="de")
    page = (report / "index.html").read_text(encoding="utf-8")
    customers = _section(page, "customers")
    svg = _chart(customers)
    bars = _bars(svg)
    assert len(bars) == 2
    assert [b.get("class") for b in bars] == ["bar blocked", "bar blocked now"]
    before = second.checks[0].history.trend[0].failing_records  # type: ignore[union-attr]
    assert svg.get("role") == "img"
    label = f"Fehlerhafte Datensätze der letzten 2 Läufe: {before} → {before - 1}"
    assert svg.get("aria-label") == label and svg.findtext("title") == label
    assert float(bars[1].get("height")) < float(bars[0].get("height")), "the fix shows"
    assert "seit dem letzten Lauf: 1 behoben, 0 neu" in customers
    # every record of the table failed before: still failing, none new; the fixed one is gone
    marks = _marks(customers)
    assert marks and fixed not in marks
    assert all(m == {"still"} for m in marks.values()), marks
    assert ">weiterhin<" in customers and ">neu<" not in customers
    # the overview counts the fixed record in its customers row
    overview = page[page.index('<table class="overview"') : page.index("</table>")]
    row = next(r for r in overview.split("<tr>") if 'href="#check-customers"' in r)
    assert '<td class="num fixed">1</td>' in row
    assert first.run_id == second.checks[0].history.previous_run  # type: ignore[union-attr]

    english = render_report(second, lang="en")
    assert "since the last run: 1 fixed, 0 new" in english and ">still failing<" in english
    assert "; 0 neu, 1 behoben seit dem letzten Lauf)" in render_text(second)


def test_a_new_defect_is_marked_new_in_the_page_the_lists_and_the_console(
    world: DemoWorld, tmp_path: Path
) -> None:
    report = tmp_path / "report"
    run_gate("invoicing", world.config, report_dir=report, lang="en")
    with sqlite3.connect(world.database) as conn:
        conn.execute("UPDATE customers SET currency = 'Euro' WHERE customer_id = ?", (NEW_DEFECT,))
    conn.close()
    second = run_gate("invoicing", world.config, report_dir=report, lang="en")

    page = (report / "index.html").read_text(encoding="utf-8")
    customers = _section(page, "customers")
    assert "since the last run: 0 fixed, 1 new" in customers
    marks = _marks(customers)
    assert marks.pop(NEW_DEFECT) == {"new"}
    assert marks and all(m == {"still"} for m in marks.values())

    rows = _csv(_list_href(report, "customers", "csv"))
    assert rows[0][-1] == "Since" and rows[0][:3] == ["Customer no.", "Name", "City"]
    since = {r[0]: r[-1] for r in rows[1:]}
    assert since.pop(NEW_DEFECT) == "new"
    assert set(since.values()) == {"still"}

    sheet = load_workbook(_list_href(report, "customers", "xlsx")).active
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0][-1] == "Since" and sheet.auto_filter.ref.startswith("A1:K")
    assert {r[0]: r[-1] for r in cells[1:]}[NEW_DEFECT] == "new"
    assert {r[-1] for r in cells[1:] if r[0] != NEW_DEFECT} == {"still"}

    text = render_text(second)
    line = next(x for x in text.splitlines() if x.startswith("  customers:"))
    assert line.endswith("; 1 new, 0 fixed since the last run)"), line
    articles = next(x for x in text.splitlines() if x.startswith("  articles:"))
    assert articles.endswith("; the same records with problems as in the last run)"), articles


def test_with_the_history_off_nothing_of_it_shows(world: DemoWorld, tmp_path: Path) -> None:
    report = tmp_path / "report"
    for _ in range(2):
        result = run_gate("invoicing", world.config, report_dir=report, lang="en", history="off")
    assert result.checks[0].history is None
    page = (report / "index.html").read_text(encoding="utf-8")
    assert "<svg" not in page and "since the last run" not in page.lower()
    assert "first recorded run" not in page and 'class="mark' not in page
    assert "Fixed since last run" not in page
    header = _csv(_list_href(report, "customers", "csv"))[0]
    assert header[-1] == "Rule" and "Since" not in header
    assert "since the last run" not in render_text(result)


def test_the_first_recorded_run_has_a_chart_but_no_marks(world: DemoWorld, tmp_path: Path):
    report = tmp_path / "report"
    result = run_gate("invoicing", world.config, report_dir=report, lang="en")
    page = (report / "index.html").read_text(encoding="utf-8")
    svg = _chart(_section(page, "customers"))
    assert len(_bars(svg)) == 1 and "first recorded run" in svg.get("aria-label", "")
    assert 'class="mark' not in page and "Fixed since last run" not in page
    assert _csv(_list_href(report, "customers", "csv"))[0][-1] == "Rule"
    assert "since the last run" not in render_text(result)


# --- the chart alone -------------------------------------------------------------------------

T0 = datetime(2026, 11, 28, 13, 3, tzinfo=UTC)


def _points(*counts: int, verdict: str = "blocked") -> list[TrendPoint]:
    return [
        TrendPoint(f"r{i}", T0 + timedelta(days=i), verdict, n, 60) for i, n in enumerate(counts)
    ]


def _inert(markup: str) -> ET.Element:
    lowered = markup.lower()
    assert "<script" not in lowered and "href" not in lowered and "http" not in lowered
    assert not re.search(r"\son\w+=", re.sub(r'"[^"]*"', '""', lowered)), "no event handlers"
    return ET.fromstring(markup)


def test_no_points_no_chart() -> None:
    assert trend_svg([], "en") == ""


def test_bars_scale_to_the_largest_count_and_the_current_run_is_marked() -> None:
    svg = _inert(trend_svg(_points(12, 6, 0, 11), "de"))
    bars = _bars(svg)
    heights = [float(b.get("height")) for b in bars]
    assert heights[0] == max(heights) and heights[1] == pytest.approx(heights[0] / 2)
    assert 0 < heights[2] < 2, "a run without failing records still shows"
    assert [b.get("class").endswith(" now") for b in bars] == [False, False, False, True]
    assert svg.get("aria-label") == "Fehlerhafte Datensätze der letzten 4 Läufe: 12 → 11"
    labels = [t.text for t in svg.iter("text")]
    assert "12" in labels and "0" in labels  # the y axis from 0 to the largest count
    assert labels[-2].startswith("28.11.2026") and labels[-1].startswith("01.12.2026")
    assert "dieser Lauf" in (bars[-1].findtext("title") or "")


def test_all_zeros_and_huge_counts() -> None:
    zeros = _inert(trend_svg(_points(0, 0, 0, verdict="pass"), "en"))
    assert {float(b.get("height")) for b in _bars(zeros)} == {1.5}
    assert [t.text for t in zeros.iter("text")].count("0") == 2  # the axis and this run's count
    huge = 10**15
    svg = _inert(trend_svg(_points(huge, 1), "en"))
    assert "1,000,000,000,000,000" in [t.text for t in svg.iter("text")]
    # the y label's room grows with it: the bars start right of it
    left = float(next(t for t in svg.iter("text") if t.text == "0").get("x"))
    assert min(float(b.get("x")) for b in _bars(svg)) > left
    assert float(_bars(svg)[1].get("height")) == 2.0, "1 of 10^15 is still a visible bar"


def test_one_point_is_a_single_bar_called_the_first_recorded_run() -> None:
    svg = _inert(trend_svg(_points(7, verdict="warn"), "en"))
    assert [b.get("class") for b in _bars(svg)] == ["bar warn now"]
    assert svg.get("aria-label") == "Records with problems: 7 (first recorded run)"


def test_hostile_verdicts_pick_no_class_and_negative_counts_are_zero() -> None:
    points = _points(3, 2)
    points[0] = TrendPoint('x" onclick="alert(1)', T0, '"><script>alert(1)</script>', -5, 1)
    svg = _inert(trend_svg(points, "en"))
    assert [b.get("class") for b in _bars(svg)] == ["bar unknown", "bar blocked now"]
    assert svg.get("aria-label") == "Records with problems over the last 2 runs: 0 → 2"


def _hostile_result(complete: bool = True) -> GateResult:
    key = '"><svg onload=alert(1)>'
    outcome = ExpectationOutcome(
        "c.currency", "expect_column_values_to_be_in_set", "currency", Severity.CRITICAL, False,
        unexpected_count=2, failing_keys=[key, "K2"], failing_values=["X", "Y"],
    )  # fmt: skip
    check = CheckResult("<script>alert('c')</script>", "erp", "customers", "customer_id", 60)
    check.expectations = [outcome]
    check.verdict = Verdict.BLOCKED
    check.history = CheckHistory(
        previous_run="r1", previous_rows=60, new_keys={key}, fixed=3, complete=complete,
        trend=_points(5),
    )  # fmt: skip
    return GateResult(
        "g", Verdict.BLOCKED, ExitCode.BLOCKED, T0 + timedelta(days=1), 1.0, Severity.CRITICAL,
        [check], run_id="r2",
    )  # fmt: skip


def test_hostile_check_names_and_keys_are_text_in_the_page() -> None:
    page = render_report(_hostile_result(), lang="en")
    assert page.count("<svg") == 1, "only the chart"
    assert "<svg onload" not in page and "&lt;svg onload=alert(1)&gt;" in page
    assert "<script>alert('c')" not in page and "&lt;script&gt;alert(" in page
    assert page.count("<script") == 1, "only the report's own script"
    assert "since the last run: 3 fixed, 1 new" in page
    assert len(_bars(_inert(re.search(r"<svg.*?</svg>", page, re.DOTALL).group(0)))) == 2


def test_cut_lists_make_the_comparison_approximate() -> None:
    result = _hostile_result(complete=False)
    page = render_report(result, lang="de")
    assert "seit dem letzten Lauf: ca. 3 behoben, ca. 1 neu (Listen mit --max-keys gekürzt)" in (
        page
    )
    result.lang = "de"
    assert "ca. 1 neu, ca. 3 behoben seit dem letzten Lauf (--max-keys)" in render_text(result)
