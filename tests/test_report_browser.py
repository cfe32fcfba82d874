"""The report in a real headless browser: visible verdict, inert hostile data, no network.

Needs Debian's ``chromium`` (``apt-get install chromium``). Without it these tests FAIL, unless
DATAGUARD_SKIP_BROWSER=1. Screenshots go to $DATAGUARD_SCREENSHOT_DIR (default: pytest's tmp).
"""

from __future__ import annotations

import http.server
import os
import re
import shutil
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

import kmu_dataguard

HOSTILE_KEY = "\"><script>document.title='pwned-key'</script>"
HOSTILE_COUNTRY = "<img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">"
HOSTILE_CURRENCY = '<a id="evil-link" href="javascript:document.title=\'pwned-link\'">click</a>'
HOSTILE_SCRIPT = "<script>document.body.setAttribute('data-pwned','script')</script>"


@pytest.fixture(scope="module")
def chromium() -> str:
    if os.environ.get("DATAGUARD_SKIP_BROWSER") == "1":
        pytest.skip("DATAGUARD_SKIP_BROWSER=1")
    found = next(
        (
            shutil.which(n)
            for n in ("chromium", "chromium-browser", "google-chrome")
            if shutil.which(n)
        ),
        None,
    )
    if found is None:
        pytest.fail(
            "chromium is not installed: apt-get install -y --no-install-recommends chromium "
            "(or set DATAGUARD_SKIP_BROWSER=1 to skip the browser tests)"
        )
    return found


def _run_browser(binary: str, profile: Path, page: Path, *args: str) -> str:
    command = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        *args,
        page.resolve().as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def dump_dom(binary: str, tmp_path: Path, page: Path) -> str:
    return _run_browser(binary, tmp_path / "profile-dom", page, "--dump-dom")


@pytest.fixture
def hostile_report(world, tmp_path) -> Path:
    with sqlite3.connect(world.database) as conn:
        conn.execute(
            "UPDATE customers SET customer_id = ?, currency = 'EURO' WHERE customer_id = 'K10031'",
            (HOSTILE_KEY,),
        )
        conn.execute(
            "UPDATE customers SET country = ? WHERE customer_id = 'K10030'", (HOSTILE_COUNTRY,)
        )
        conn.execute(
            "UPDATE customers SET currency = ? WHERE customer_id = 'K10033'", (HOSTILE_CURRENCY,)
        )
        conn.execute("UPDATE articles SET unit = ? WHERE article_id = 'A00010'", (HOSTILE_SCRIPT,))
    conn.close()
    report = tmp_path / "report"
    result = kmu_dataguard.run_gate(
        "invoicing", config=world.config, report_dir=report, lang="en", mask=False
    )
    assert result.verdict == "blocked"
    return report / "index.html"


def test_verdict_and_failing_keys_are_visible_and_hostile_data_is_inert(
    chromium, hostile_report, tmp_path
):
    dom = dump_dom(chromium, tmp_path, hostile_report)
    title = re.search(r"<title>(.*?)</title>", dom, re.S).group(1)
    assert title.startswith("BLOCKED"), title
    assert re.search(r'id="verdict"[^>]*>BLOCKED<', dom)
    assert ">K10004<" in dom and ">K10024<" in dom
    # Hostile values are shown as text ...
    assert "&lt;script&gt;document.title='pwned-key'&lt;/script&gt;" in dom
    assert '&lt;a id="evil-link"' in dom
    # ... and never became elements or ran.
    assert "pwned" not in title
    body = re.search(r"<body[^>]*>", dom).group(0)
    assert "data-pwned" not in body
    assert '<a id="evil-link"' not in dom
    links = re.findall(r'<a\s[^>]*href="([^"]*)"', dom)  # real elements only: text is escaped
    assert links and not [h for h in links if h.strip().lower().startswith("javascript")]
    # The report's own script did run (the CSP hash matches): filter box shown, headings sortable.
    assert re.search(
        r'<input type="search" id="check-customers-records-filter"(?![^>]*hidden)', dom
    )
    assert 'class="sortable"' in dom


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/gif")
        self.end_headers()
        self.wfile.write(b"GIF89a")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[str]]]:
    _Recorder.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.hits
    finally:
        server.shutdown()
        server.server_close()


def test_the_report_makes_no_network_request(chromium, world, tmp_path, recorder):
    base, hits = recorder
    control = tmp_path / "control.html"
    control.write_text(f'<!DOCTYPE html><html><body><img src="{base}/control.gif"></body></html>')
    dump_dom(chromium, tmp_path, control)
    assert hits == ["/control.gif"], "the harness sees a page's requests"

    report = tmp_path / "report"
    kmu_dataguard.run_gate("invoicing", config=world.config, report_dir=report)
    hits.clear()
    dump_dom(chromium, tmp_path, report / "index.html")
    assert hits == []

    # Even markup injected into the page could not reach the network: the CSP blocks it.
    page = (report / "index.html").read_text(encoding="utf-8")
    injected = tmp_path / "injected.html"
    injected.write_text(
        page.replace(
            "</body>",
            f'<img src="{base}/img.gif"><link rel="stylesheet" href="{base}/style.css">'
            f'<script src="{base}/script.js"></script>'
            f'<iframe src="{base}/frame"></iframe></body>',
        ),
        encoding="utf-8",
    )
    dump_dom(chromium, tmp_path, injected)
    assert hits == []


@pytest.mark.parametrize("lang", ["de", "en"])
def test_screenshot(chromium, world, tmp_path, lang):
    report = tmp_path / "report"
    kmu_dataguard.run_gate("invoicing", config=world.config, report_dir=report, lang=lang)
    folder = Path(os.environ.get("DATAGUARD_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / f"report-{lang}.png"
    _run_browser(
        chromium,
        tmp_path / "profile-shot",
        report / "index.html",
        f"--screenshot={shot}",
        "--window-size=1280,2000",
        "--hide-scrollbars",
    )
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000


def test_long_lists_are_paged_in_the_page(chromium, world, tmp_path):
    with sqlite3.connect(world.database) as conn:
        conn.execute("UPDATE customers SET currency = 'EURO'")
    conn.close()
    report = tmp_path / "report"
    kmu_dataguard.run_gate("invoicing", config=world.config, report_dir=report, lang="de")
    dom = dump_dom(chromium, tmp_path, report / "index.html")
    table = re.search(r'<table class="records" id="check-customers-records".*?</table>', dom, re.S)
    rows = re.findall(r"<tr( hidden=\"\")?>", table.group(0).split("<tbody>")[1])
    assert len(rows) == 67  # 60 currencies + the 7 other seeded customer problems
    assert len([r for r in rows if not r]) == 50, "one page of 50 rows is visible"
    pager = re.search(r'<div class="pager" id="check-customers-records-pager"[^>]*>', dom).group(0)
    assert "hidden" not in pager
    assert "Seite 1 von 2" in dom
