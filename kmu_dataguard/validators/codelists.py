"""Loading the code lists shipped as data in ``expectations/codelists/``.

They are read once per process; a missing or damaged file is a broken installation, reported as
a SuiteError (exit 3) naming the file.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from functools import cache
from pathlib import Path

from kmu_dataguard.errors import SuiteError
from kmu_dataguard.paths import builtin_dir

__all__ = [
    "codelist_path",
    "postal_code_patterns",
    "postal_places",
    "unit_codes",
    "vat_rates",
]


def codelist_path(name: str) -> Path:
    """Path of the shipped code list ``name`` (e.g. ``rec20.csv``)."""
    return builtin_dir("expectations") / "codelists" / name


def _rows(name: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    path = codelist_path(name)
    try:
        with (
            gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb") as raw,
            io.TextIOWrapper(raw, encoding="utf-8", newline="") as handle,
        ):
            reader = csv.DictReader(handle)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise SuiteError(
                    f"{path}: code list lacks column(s) {', '.join(missing)}; "
                    "reinstall kmu-dataguard"
                )
            return list(reader)
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        why = getattr(exc, "strerror", None) or str(exc)
        raise SuiteError(f"{path}: cannot read code list ({why}); reinstall") from exc


@cache
def unit_codes() -> frozenset[str]:
    """UN/ECE Recommendation 20 unit codes (with the Rec 21 packaging codes EN 16931 allows)."""
    return frozenset(row["code"].strip() for row in _rows("rec20.csv", ("code",)))


@cache
def postal_code_patterns() -> dict[str, re.Pattern[str]]:
    """Country (ISO 3166-1 alpha-2) → compiled full-match pattern of its postal codes."""
    patterns: dict[str, re.Pattern[str]] = {}
    for line, row in enumerate(_rows("postal_codes.csv", ("country", "pattern")), start=2):
        try:
            patterns[row["country"].strip()] = re.compile(row["pattern"])
        except re.error as exc:
            path = codelist_path("postal_codes.csv")
            raise SuiteError(f"{path}:{line}: bad pattern for {row['country']}: {exc}") from exc
    return patterns


@cache
def vat_rates() -> dict[str, frozenset[float]]:
    """Country → VAT rates in percent that may appear on an invoice line (0 included)."""
    rates: dict[str, frozenset[float]] = {}
    for line, row in enumerate(_rows("vat_rates.csv", ("country", "rates")), start=2):
        try:
            rates[row["country"].strip()] = frozenset(
                round(float(r), 4) for r in row["rates"].split()
            )
        except ValueError as exc:
            path = codelist_path("vat_rates.csv")
            raise SuiteError(f"{path}:{line}: bad rate for {row['country']}: {exc}") from exc
    return rates


@cache
def postal_places() -> dict[tuple[str, str], tuple[str, ...]]:
    """(country, postal code) → the place names of that postal code (DE, AT, CH; GeoNames)."""
    return {
        (row["country"], row["postal_code"]): tuple(row["places"].split("|"))
        for row in _rows("postal_places.csv.gz", ("country", "postal_code", "places"))
    }
