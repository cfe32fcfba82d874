"""Run folders and failing-records files stay within file-name limits, whatever the names."""

from __future__ import annotations

import re

import kmu_dataguard
from kmu_dataguard.report.export import export_stem
from kmu_dataguard.report.store import _safe, write_report


def test_300_character_gate_and_check_names_write_a_report(world, tmp_path):
    # Through the library, not the config: config rules on names do not protect API callers.
    result = kmu_dataguard.run_gate("invoicing", config=world.config)
    result.gate = "g" * 300
    for i, check in enumerate(result.checks):
        check.name = f"{i}_Kontakte_" + "c" * 290
    report = tmp_path / "report"
    target = write_report(result, report)
    assert target == report / "index.html"
    (run,) = (report / "runs").iterdir()
    assert len(run.name) < 120 and run.name.startswith("g" * 40)
    lists = sorted(p.name for p in (run / "failing-records").iterdir())
    assert len(lists) >= 6 and all(len(n) < 120 for n in lists), lists
    page = target.read_text(encoding="utf-8")
    for name in lists:
        assert f"runs/{run.name}/failing-records/{name}" in page


def test_long_names_that_share_a_beginning_stay_apart():
    a, b = "x" * 300 + "a", "x" * 300 + "b"
    assert export_stem(a) != export_stem(b) and _safe(a) != _safe(b)
    assert len(export_stem(a)) <= 80 and len(_safe(a)) <= 80
    assert export_stem("short name") == "short_name" and _safe("short name") == "short-name"
    assert re.fullmatch(r"x+-[0-9a-f]{10}", _safe(a))
