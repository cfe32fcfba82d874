"""The engine package keeps its seams: GX behind one module, an explicit public surface."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import kmu_dataguard.engine as engine

PACKAGE = Path(engine.__file__).parent


def _imports_gx(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        if any(n == "great_expectations" or n.startswith("great_expectations.") for n in names):
            return True
    return False


def test_only_gx_internals_and_its_speedups_import_great_expectations() -> None:
    importing = sorted(p.name for p in PACKAGE.glob("*.py") if _imports_gx(p))
    assert importing == ["gx_internals.py", "gx_speedups.py"]


def test_public_names_are_the_ones_used_elsewhere() -> None:
    assert engine.__all__ == ["build_data_docs", "build_suite", "validate_table"]
    assert all(callable(getattr(engine, name)) for name in engine.__all__)


def test_every_module_declares_what_it_exports() -> None:
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name == "__init__.py":
            continue
        module = importlib.import_module(f"kmu_dataguard.engine.{path.stem}")
        assert module.__all__, path.name
        assert all(hasattr(module, name) for name in module.__all__), path.name


def test_importing_the_engine_does_not_import_gx() -> None:
    code = "import sys, kmu_dataguard.engine; print('great_expectations' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parent.parent,
    ).stdout
    assert out.strip() == "False"
