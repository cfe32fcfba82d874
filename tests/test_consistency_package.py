"""The public names of ``kmu_dataguard.consistency``: re-exported lazily, each from its home."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import kmu_dataguard.consistency as consistency

PACKAGE = Path(consistency.__file__).parent


def test_every_public_name_resolves_to_the_object_of_its_module():
    for name in consistency.__all__:
        home = importlib.import_module(f"kmu_dataguard.consistency.{consistency._HOMES[name]}")
        assert getattr(consistency, name) is getattr(home, name), name
        assert name in home.__all__, name
    assert set(consistency._HOMES) == set(consistency.__all__)


def test_importing_the_package_pulls_in_nothing_heavy():
    code = (
        "import sys, kmu_dataguard.consistency as c\n"
        "heavy = {'pandas', 'numpy', 'rapidfuzz', 'great_expectations'} & set(sys.modules)\n"
        "loaded = [m for m in sys.modules if m.startswith('kmu_dataguard.consistency.')]\n"
        "assert not heavy and not loaded, (heavy, loaded)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_module_declares_all_and_none_is_over_400_lines():
    for path in sorted(PACKAGE.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert len(text.splitlines()) <= 400, path.name
        names = {
            target.id
            for node in ast.parse(text).body
            if isinstance(node, ast.Assign | ast.AnnAssign)
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Name)
        }
        assert "__all__" in names, path.name
