"""Where the built-in data (suites, connector profiles, code lists) lives.

In a wheel they are shipped as ``kmu_dataguard/_builtin/<name>`` (see pyproject's force-include);
in a source checkout or an editable install they are the repository's top-level folders.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["builtin_dir"]

_PACKAGE_DIR = Path(__file__).resolve().parent


def builtin_dir(name: str) -> Path:
    """Return the folder of built-in data ``name`` ("expectations", "connectors", "schemas")."""
    shipped = _PACKAGE_DIR / "_builtin" / name
    if shipped.is_dir():
        return shipped
    return _PACKAGE_DIR.parent / name
