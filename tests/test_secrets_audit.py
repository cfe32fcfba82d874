"""A real password never leaves the program: every command, every output format, every file.

The password of the test server's ``dg_secret`` account is given three ways (in the URL's user
part through ``${ENV}``, as ``?password=`` in the query, and on the command line) and every byte
printed (stdout, stderr with ``-vv`` logs) and written (report, failing-records lists, Data
Docs, ``--output`` files) is searched for it, also percent-encoded.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from kmu_dataguard._secrets import mask_url, url_secrets
from tests.conftest import write
from tests.support.erp_tables import load_odoo
from tests.support.servers import SECRET_PASSWORD

SPELLINGS = {
    SECRET_PASSWORD,
    quote(SECRET_PASSWORD, safe=""),
    quote(SECRET_PASSWORD),
    quote_plus(SECRET_PASSWORD),
}
GATES = """\
checks:
  customers: {source: erp, entity: customers}
  suppliers: {source: erp, entity: suppliers}
  missing: {source: raw, table: no_such_table, suite: customers}
gates:
  invoicing: {checks: [customers, suppliers]}
  broken: {checks: [missing]}
"""


def _leaks(text: str | bytes) -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    return [s for s in SPELLINGS if s.encode() in data]


def _files_leaking(folder: Path, skip: set[Path]) -> list[str]:
    return [
        f"{path}: {_leaks(path.read_bytes())}"
        for path in folder.rglob("*")
        if path.is_file() and path not in skip and _leaks(path.read_bytes())
    ]


def _urls(pg_database) -> dict[str, str]:
    """The same login with the password in the user part and in the query string."""
    in_user = pg_database.secret_url
    assert SECRET_PASSWORD in in_user or quote_plus(SECRET_PASSWORD) in in_user
    host_part = in_user.split("@", 1)[1]
    return {
        "env": "postgresql://dg_secret:${DG_TEST_PASSWORD}@" + host_part,
        "query": f"postgresql://dg_secret@{host_part}?password={quote(SECRET_PASSWORD, safe='')}",
        "direct": in_user,
    }


def test_mask_url_hides_user_and_query_passwords() -> None:
    shown = mask_url("postgresql://u:pw-1234@db/erp?password=pw-5678&sslmode=require")
    assert "pw-1234" not in shown and "pw-5678" not in shown and "sslmode=require" in shown
    assert {"pw-1234", "pw-5678"} <= url_secrets("postgresql://u:pw-1234@db/erp?password=pw-5678")
    for odd in ("postgresql://u:pw-9999@host:port/db", "postgresql://u:pw-9999@[::1/db"):
        assert "pw-9999" not in mask_url(odd)


@pytest.mark.parametrize("how", ["env", "query"])
def test_no_command_prints_or_writes_the_password(
    pg_database, tmp_path: Path, dataguard, monkeypatch, how: str
) -> None:
    load_odoo(pg_database.admin_engine)
    monkeypatch.setenv("DG_TEST_PASSWORD", SECRET_PASSWORD)
    url = _urls(pg_database)[how]
    config = write(
        tmp_path / "dataguard.yml",
        f'sources:\n  erp: {{url: "{url}", profile: odoo}}\n  raw: {{url: "{url}"}}\n{GATES}',
    )
    out = tmp_path / "out"
    printed: list[str] = []
    runs = [
        (
            "gate",
            "invoicing",
            "--format",
            "json",
            "--report",
            str(out / "report"),
            "--data-docs",
            str(out / "docs"),
            "--no-mask",
        ),
        ("gate", "invoicing", "--format", "junit", "--output", str(out / "junit.xml")),
        ("gate", "invoicing", "--output", str(out / "summary.txt")),
        ("gate", "broken", "--format", "json", "--report", str(out / "report")),
        ("gate", "broken"),
        ("sources", "test", "--format", "json"),
        ("sources", "test"),
    ]
    codes = []
    for args in runs:
        run = dataguard(*args, "--config", str(config))
        codes.append(run.code)
        printed += [run.out, run.err]
    assert codes[:3] == [1, 1, 1] and codes[3:5] == [3, 3], codes
    # The gate's results name the source, so the masking was really exercised.
    assert any("dg_secret" in text or "postgresql://" in text for text in printed)
    assert [t for t in printed if _leaks(t)] == []
    assert _files_leaking(out, skip=set()) == []


def test_url_on_the_command_line_and_debug_logs_do_not_leak(pg_database, tmp_path: Path):
    load_odoo(pg_database.admin_engine)
    urls = _urls(pg_database)
    wrong = (
        urls["direct"]
        .replace(quote_plus(SECRET_PASSWORD), "Falsch-Passwort-99")
        .replace(SECRET_PASSWORD, "Falsch-Passwort-99")
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    report = tmp_path / "report"
    commands = [
        [
            "check",
            urls["direct"],
            "--profile",
            "odoo",
            "--entity",
            "customers",
            "--format",
            "json",
            "--report",
            str(report),
        ],
        ["check", urls["query"], "--table", "res_partner", "--suite", "customers", "--key", "id"],
        ["check", urls["direct"], "--table", "no_such_table", "--suite", "customers"],
        ["check", wrong, "--table", "res_partner", "--suite", "customers", "--format", "json"],
    ]
    for args in commands:
        proc = subprocess.run(
            [sys.executable, "-m", "kmu_dataguard", "-vv", *args],
            capture_output=True,
            env=env,
            cwd=tmp_path,
            timeout=240,
        )
        assert proc.returncode in (1, 3), proc.stderr.decode()[-2000:]
        assert _leaks(proc.stdout + proc.stderr) == [], args[1:3]
        assert b"Falsch-Passwort-99" not in proc.stdout + proc.stderr
    assert _files_leaking(tmp_path, skip=set()) == []


def test_passwords_in_free_text_are_masked_in_one_place():
    """Library log lines carry URLs whose secrets are not known beforehand."""
    from kmu_dataguard._secrets import mask_passwords_in_text

    line = "connect postgresql://guard:S3cr%40t@db:5432/erp failed; mysql://u:p@h/x"
    masked = mask_passwords_in_text(line)
    assert "S3cr" not in masked and ":p@" not in masked
    assert "postgresql://guard:***@db:5432/erp" in masked and "mysql://u:***@h/x" in masked
