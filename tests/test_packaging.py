"""The wheel carries the built-in suites, code lists, profiles and templates (package data)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_wheel_ships_the_data_and_runs_the_demo(tmp_path):
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path / "dist"),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    [wheel] = (tmp_path / "dist").glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for suite in ("customers", "suppliers", "articles", "contacts", "einvoicing", "datev"):
        assert f"kmu_dataguard/_builtin/expectations/{suite}.json" in names
    assert "kmu_dataguard/_builtin/expectations/codelists/rec20.csv" in names
    assert "kmu_dataguard/_builtin/expectations/codelists/postal_places.csv.gz" in names
    assert "kmu_dataguard/_builtin/connectors/odoo.yml" in names
    assert "kmu_dataguard/_builtin/schemas/result-v1.schema.json" in names
    assert "kmu_dataguard/_builtin/schemas/history-v1.schema.json" in names
    assert "kmu_dataguard/report/templates/report.html.j2" in names

    # Run from the unpacked wheel, not from the checkout: no repository folders to fall back on.
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(target)
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run(
        [sys.executable, "-c", "import kmu_dataguard, sys; print(kmu_dataguard.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert where.stdout.startswith(str(target)), where.stdout
    demo = subprocess.run(
        [sys.executable, "-m", "kmu_dataguard", "demo", "--dir", str(tmp_path / "demo")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert demo.returncode == 0, demo.stderr
    assert "BLOCKED" in demo.stdout
