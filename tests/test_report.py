"""The HTML report: self-contained, escaped, written atomically."""

from __future__ import annotations

import sqlite3

import kmu_dataguard


def test_report_shows_verdict_and_escapes_hostile_values(world, tmp_path):
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    with sqlite3.connect(world.database) as conn:
        conn.execute("UPDATE customers SET country = ? WHERE customer_id = 'K10030'", (hostile,))
        conn.execute(
            "UPDATE customers SET customer_id = ? WHERE customer_id = 'K10031'",
            ('"><script>x()</script>',),
        )
    conn.close()
    report = tmp_path / "report"
    result = kmu_dataguard.run_gate("invoicing", config=world.config, report_dir=report)
    page = (report / "index.html").read_text(encoding="utf-8")
    assert result.report_path == str(report / "index.html")
    assert "BLOCKED" in page
    assert "K10030" in page
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "http://" not in page and "https://" not in page  # no network resources
    assert not [p for p in report.iterdir() if p.name != "index.html"], "no temp files left"


def test_unwritable_report_folder_is_an_error_not_a_pass(world, tmp_path):
    from tests.fixing import fix_defects

    fix_defects(world)
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    result = kmu_dataguard.run_gate("invoicing", config=world.config, report_dir=blocker)
    assert result.exit_code == 3
    assert "report could not be written" in result.errors[0].message
