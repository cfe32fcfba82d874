"""The steward report: escaped, self-contained, in German and English, written atomically."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

import kmu_dataguard
from kmu_dataguard.report import store


def _page(report: Path) -> str:
    return (report / "index.html").read_text(encoding="utf-8")


def _runs(report: Path) -> list[Path]:
    return sorted(p for p in (report / "runs").iterdir())


def test_report_shows_verdict_and_escapes_hostile_values(world, tmp_path):
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    with sqlite3.connect(world.database) as conn:
        conn.execute("UPDATE customers SET country = ? WHERE customer_id = 'K10030'", (hostile,))
        conn.execute(
            "UPDATE customers SET customer_id = ?, currency = 'EURO' WHERE customer_id = 'K10031'",
            ('"><script>x()</script>',),
        )
    conn.close()
    report = tmp_path / "report"
    result = kmu_dataguard.run_gate("invoicing", config=world.config, report_dir=report, lang="en")
    page = _page(report)
    assert result.report_path == str(report / "index.html")
    assert 'data-verdict="blocked"' in page and ">BLOCKED<" in page
    assert "K10030" in page
    assert page.count("<script") == 1, "only the report's own script"
    assert "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;script&gt;x()&lt;/script&gt;" in page  # the hostile key, as text
    assert "http://" not in page and "https://" not in page  # no network resources
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    leftovers = [p.name for p in report.rglob("*") if p.name.startswith(".")]
    assert leftovers == [], "no temporary files left"


def test_report_folder_layout_and_relative_links(world, tmp_path):
    report = tmp_path / "report"
    kmu_dataguard.run_gate("invoicing", config=world.config, report_dir=report, lang="en")
    (run,) = _runs(report)
    assert re.fullmatch(r"invoicing_\d{8}-\d{6}", run.name)
    for page, base in ((report / "index.html", report), (run / "index.html", run)):
        hrefs = re.findall(r'href="([^"#]+)"', page.read_text(encoding="utf-8"))
        lists = [h for h in hrefs if h.endswith((".csv", ".xlsx"))]
        assert len(lists) >= 6, hrefs  # three checks with failing records, two formats each
        for href in lists:
            assert not href.startswith(("/", "file:")), "links are relative"
            assert (base / href).is_file(), href
    names = sorted(p.name for p in (run / "failing-records").iterdir())
    assert names == [
        "articles.csv",
        "articles.xlsx",
        "contacts.csv",
        "contacts.xlsx",
        "contacts_have_customer.csv",
        "contacts_have_customer.xlsx",
        "customers.csv",
        "customers.xlsx",
    ]
    assert (report / "index.html").stat().st_mode & 0o044, "readable by colleagues"


def test_german_report_formats_numbers_and_dates(world, tmp_path):
    with sqlite3.connect(world.database) as conn:  # 1.234 records, 25 with a wrong currency
        rows = conn.execute("SELECT * FROM customers").fetchall()
        cols = [d[1] for d in conn.execute("PRAGMA table_info(customers)")]
        for i in range(1174):
            row = list(rows[i % len(rows)])
            row[cols.index("customer_id")] = f"X{i:05d}"
            conn.execute(f"INSERT INTO customers VALUES ({','.join('?' * len(row))})", row)
        conn.execute("UPDATE customers SET currency = 'XXX1' WHERE customer_id LIKE 'X000%'")
    conn.close()
    report = tmp_path / "report"
    result = kmu_dataguard.run_gate("invoicing", config=world.config, report_dir=report, lang="de")
    page = _page(report)
    assert ">BLOCKIERT<" in page and 'lang="de"' in page
    assert "1.234 Datensätze" in page
    assert "9,6\u00a0%" in page  # 119 of 1234 records (100 set here, 19 copies of K10020)
    local = result.started_at.astimezone()
    assert local.strftime("%d.%m.%Y %H:%M") in page
    english = tmp_path / "en"
    again = kmu_dataguard.run_gate("invoicing", config=world.config, report_dir=english, lang="en")
    page = _page(english)
    assert "1,234 records" in page and "9.6\u00a0%" in page
    # the second run's own time: it may start a minute after the first
    assert again.started_at.astimezone().strftime("%Y-%m-%d %H:%M") in page


def test_language_comes_from_config_then_locale(world, tmp_path, monkeypatch):
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    kmu_dataguard.run_gate("invoicing", config=world.config, report_dir=tmp_path / "a")
    assert 'lang="de"' in _page(tmp_path / "a")
    text = world.config.read_text(encoding="utf-8")
    world.config.write_text("lang: en\n" + text, encoding="utf-8")
    kmu_dataguard.run_gate("invoicing", config=world.config, report_dir=tmp_path / "b")
    assert 'lang="en"' in _page(tmp_path / "b")


def test_keep_last_n_runs_per_gate_and_latest_is_the_newest(world, tmp_path):
    from tests.support.fixing import fix_defects

    text = world.config.read_text(encoding="utf-8")
    world.config.write_text("report_keep: 2\n" + text, encoding="utf-8")
    report = tmp_path / "report"
    for _ in range(3):
        kmu_dataguard.run_gate("invoicing", config=world.config, report_dir=report)
    kmu_dataguard.run_gate("payments", config=world.config, report_dir=report)
    runs = [p.name for p in _runs(report)]
    assert len([r for r in runs if r.startswith("invoicing_")]) == 2
    assert len([r for r in runs if r.startswith("payments_")]) == 1
    fix_defects(world)
    result = kmu_dataguard.run_gate("invoicing", config=world.config, report_dir=report)
    assert result.verdict == "pass"
    page = _page(report)
    assert re.search(r'id="verdict" data-verdict="pass"', page)
    assert "Earlier runs" in page or "Frühere Prüfungen" in page
    assert len([p for p in _runs(report) if p.name.startswith("invoicing_")]) == 2


def test_a_run_failing_midway_leaves_the_previous_report_intact(world, tmp_path, monkeypatch):
    report = tmp_path / "report"
    kmu_dataguard.run_gate("invoicing", config=world.config, report_dir=report)
    before = _page(report)
    runs_before = [p.name for p in _runs(report)]
    written: list[Path] = []

    def exploding_xlsx(check, path, lang, rows=None):
        # The CSV of this check and the lists before it are written; then the disk is "full".
        written.append(path)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "write_xlsx", exploding_xlsx)
    result = kmu_dataguard.run_gate("invoicing", config=world.config, report_dir=report)
    assert written, "the failure happened midway, after files were written"
    assert result.exit_code == 3
    assert "report could not be written" in result.errors[-1].message
    assert "No space left on device" in result.errors[-1].message
    assert _page(report) == before
    assert [p.name for p in _runs(report)] == runs_before
    assert [p for p in report.rglob("*") if p.name.startswith(".")] == []


def test_stale_temporary_folders_of_crashed_runs_are_removed(world, tmp_path):
    import os

    report = tmp_path / "report"
    crashed = report / "runs" / ".tmp-crashed"
    crashed.mkdir(parents=True)
    (crashed / "index.html").write_text("half")
    os.utime(crashed, (0, 0))
    kmu_dataguard.run_gate("invoicing", config=world.config, report_dir=report)
    assert not crashed.exists()


def test_unwritable_report_folder_is_an_error_not_a_pass(world, tmp_path):
    from tests.support.fixing import fix_defects

    fix_defects(world)
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    result = kmu_dataguard.run_gate("invoicing", config=world.config, report_dir=blocker)
    assert result.exit_code == 3
    assert "report could not be written" in result.errors[0].message


def test_groups_are_rendered_generically(tmp_path):
    from datetime import UTC, datetime

    from kmu_dataguard.exit_codes import ExitCode
    from kmu_dataguard.report.html import render_report
    from kmu_dataguard.results import (
        CheckResult,
        ExpectationOutcome,
        GateResult,
        Group,
        Severity,
        Verdict,
    )

    outcome = ExpectationOutcome(
        id="customers.no_duplicates",
        type="expect_no_duplicate_partners",
        column="name",
        severity=Severity.WARNING,
        success=False,
        unexpected_count=3,
        unexpected_percent=5.0,
        failing_keys=["K1", "K2", "K9"],
        failing_values=["Müller GmbH", "Mueller GmbH", "<b>x</b>"],
        meta={"protects": {"de": "Keine Dubletten.", "en": "No duplicates."}},
        groups=[
            Group(("K1", "K2"), 0.93, "same IBAN, similar name"),
            Group(("K9", "K10"), 1, "<i>same</i> VAT ID"),
        ],
    )
    check = CheckResult("customers", "erp", "customers", "customer_id", 60, [outcome])
    check.verdict = Verdict.WARN
    result = GateResult(
        "g", Verdict.WARN, ExitCode.PASS, datetime.now(UTC), 1.0, Severity.CRITICAL, [check]
    )
    page = render_report(result, lang="de")
    assert "Zusammengehörige Datensätze" in page
    assert "0,93" in page and "same IBAN, similar name" in page
    assert "&lt;i&gt;same&lt;/i&gt; VAT ID" in page
    assert ">K10<" in page  # a key named only in a group is listed too


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_text_exists_in_both_languages(lang):
    from kmu_dataguard.report.i18n import _TEXTS, Texts

    t = Texts(lang)
    for key, (de, en) in _TEXTS.items():
        assert de and en, key
        assert t(key) in (de, en)
