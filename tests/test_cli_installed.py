"""One real run of the installed `dataguard` console script and of `python -m`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path


def _dataguard() -> str:
    found = Path(sys.executable).with_name("dataguard")
    return str(found) if found.exists() else shutil.which("dataguard") or "dataguard"


def test_installed_command_runs_the_demo_gate(tmp_path):
    demo = subprocess.run(
        [_dataguard(), "demo", "--dir", str(tmp_path / "demo")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert demo.returncode == 0, demo.stderr
    gate = subprocess.run(
        [_dataguard(), "gate", "invoicing", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path / "demo",
    )
    assert gate.returncode == 1
    assert json.loads(gate.stdout)["verdict"] == "blocked"
    assert "Traceback" not in gate.stderr


def test_python_dash_m_and_help(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "kmu_dataguard", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0
    assert "Exit codes" in run.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "kmu_dataguard", "gate", "x", "--config", str(tmp_path / "no.yml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 2
    assert "no.yml" in missing.stderr


def test_help_does_not_import_heavy_libraries():
    code = (
        "import sys; from kmu_dataguard.cli import main; main(['--help']);"
        "heavy = [m for m in ('pandas', 'great_expectations', 'sqlalchemy') if m in sys.modules];"
        "sys.stderr.write(repr(heavy))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.stderr.strip() == "[]"
