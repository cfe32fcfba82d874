"""Eight gates writing one report folder at once: every run complete, the page never broken."""

from __future__ import annotations

import copy
import json
import re
import time
from datetime import timedelta
from pathlib import Path

import kmu_dataguard
from kmu_dataguard.report.store import write_report
from tests.support.cli_process import add_gate, leftovers, start

RUNS = 8
KEEP = 3
_LINK = re.compile(r'href="(runs/[^"#]+)"')
_SHOWN = re.compile(r'<meta name="dataguard-run" content="([^"]+)">')
_STARTED = re.compile(r'<meta name="dataguard-started" content="([^"]+)">')


def _read(page: Path) -> str | None:
    try:
        return page.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def _broken_links(report: Path, page: str) -> list[str]:
    """What is wrong with a top-level page: half-written, or linking a missing/partial run."""
    problems = [] if page.rstrip().endswith("</html>") else ["index.html is half-written"]
    shown = _SHOWN.search(page)
    if shown is None:
        return [*problems, "index.html names no run"]
    targets = {f"runs/{shown[1]}/index.html", *_LINK.findall(page)}
    for href in sorted(targets):
        target = report / href
        if not target.is_file():
            problems.append(f"missing {href}")
        elif href.endswith("index.html") and "</html>" not in target.read_text(encoding="utf-8"):
            problems.append(f"half-written {href}")
    return problems


def _watch(report: Path, processes: list) -> tuple[int, list[str]]:
    """Poll index.html until every process ended; return (consistent reads, problems)."""
    index, checked, problems = report / "index.html", 0, []
    while any(p.poll() is None for p in processes):
        first = _read(index)
        if first is not None:
            found = _broken_links(report, first)
            # Judge only reads during which index.html stayed the same page: a reader racing a
            # newer run's replacement sees links that page no longer promises.
            if _read(index) == first:
                checked += 1
                problems += found
        time.sleep(0.02)
    return checked, problems


def test_eight_gates_at_once_on_one_report_folder(world, tmp_path):
    add_gate(world.config, "tiny", ["contacts"], report_keep=KEEP)
    expected = kmu_dataguard.run_gate("tiny", config=world.config).exit_code
    report = tmp_path / "report"
    args = ("gate", "tiny", "--config", world.config, "--report", report, "--format", "json")
    processes = [start(*args) for _ in range(RUNS)]
    try:
        checked, problems = _watch(report, processes)
        outputs = [p.communicate(timeout=180) for p in processes]
    finally:
        for p in processes:
            p.kill()
    codes = [p.returncode for p in processes]
    assert codes == [int(expected)] * RUNS, [err for _, err in outputs]
    for out, _ in outputs:
        assert json.loads(out)["exit_code"] == int(expected)
    assert checked > 0, "index.html was read while the runs were going on"
    assert problems == []

    runs = sorted((report / "runs").iterdir())
    assert len(runs) == KEEP, [r.name for r in runs]  # report_keep holds after all finished
    assert all(re.fullmatch(r"tiny_\d{8}-\d{6}(-\d+)?", r.name) for r in runs)
    page = (report / "index.html").read_text(encoding="utf-8")
    assert _broken_links(report, page) == []
    started = {
        r.name: _STARTED.search((r / "index.html").read_text(encoding="utf-8"))[1] for r in runs
    }
    shown = _SHOWN.search(page)[1]
    assert started[shown] == max(started.values()), "index.html shows the newest run"
    assert leftovers(report) == []


def _at(result, minutes: int):
    moved = copy.copy(result)
    moved.started_at = result.started_at + timedelta(minutes=minutes)
    return moved


def test_an_older_run_finishing_later_keeps_the_newer_page(world, tmp_path):
    result = kmu_dataguard.run_gate("invoicing", config=world.config)
    report = tmp_path / "report"
    assert write_report(_at(result, 0), report, keep=3) == report / "index.html"
    newest = (report / "index.html").read_bytes()
    late = write_report(_at(result, -5), report, keep=3)  # started earlier, finished later
    assert (report / "index.html").read_bytes() == newest
    assert late.parent.parent == report / "runs" and late.is_file(), "its own page is returned"
    assert late.parent.name < _SHOWN.search(newest.decode())[1]
    write_report(_at(result, 1), report, keep=3)  # a newer run lists the late one in its history
    page = (report / "index.html").read_text(encoding="utf-8")
    assert f"runs/{late.parent.name}/index.html" in page
    assert _broken_links(report, page) == []


def test_pruning_spares_the_run_the_page_shows(world, tmp_path):
    result = kmu_dataguard.run_gate("invoicing", config=world.config)
    report = tmp_path / "report"
    write_report(_at(result, 0), report, keep=1)
    # keep=1 and an older run arrives: the older one goes, never the one index.html shows.
    assert write_report(_at(result, -5), report, keep=1) == report / "index.html"
    page = (report / "index.html").read_text(encoding="utf-8")
    links = _LINK.findall(page)
    assert links and [h for h in links if not (report / h).is_file()] == []
    assert len(list((report / "runs").iterdir())) == 1
    assert _broken_links(report, page) == []


def test_a_run_being_removed_is_never_listed(world, tmp_path):
    # Another run's retired folder (renamed before deletion) still looks like a run by its name.
    result = kmu_dataguard.run_gate("invoicing", config=world.config)
    report = tmp_path / "report"
    write_report(_at(result, 0), report, keep=3)
    gone = report / "runs" / ".tmp-gone-invoicing_20260101-000000-4242"
    (gone / "x").mkdir(parents=True)
    write_report(_at(result, 1), report, keep=3)
    page = (report / "index.html").read_text(encoding="utf-8")
    assert ".tmp-gone" not in page
    assert _broken_links(report, page) == []
