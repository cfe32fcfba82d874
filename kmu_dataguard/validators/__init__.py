"""Custom Great Expectations expectations for master data (IBAN, VAT ID, ...).

Importing this package does not import Great Expectations; :func:`register` does. Each
validator is declared once in :mod:`kmu_dataguard.validators.catalog`; the value validators
themselves (the judges) live in :mod:`kmu_dataguard.validators.values` (pure pandas).
"""

from __future__ import annotations

import importlib

from kmu_dataguard.validators.catalog import python_only_types

__all__ = ["PYTHON_ONLY", "register"]

#: Expectation types whose metric exists only for pandas: the engine adapter must bring these
#: columns into Python, while built-in expectations can run inside the database. Derived from
#: the catalog (kept under this name for existing imports; see ``python_only_types``).
PYTHON_ONLY: frozenset[str] = python_only_types()


def register() -> None:
    """Define (and so register with GX) the custom expectations; calling again is a no-op."""
    importlib.import_module("kmu_dataguard.validators.expectations")
