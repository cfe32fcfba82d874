"""``PLZ=postal_code,Firma=name``: a file's headers renamed onto a suite's columns.

Read by ``dataguard check --map`` and by the ``map`` parameter of ``POST /v1/check``. Items
are comma-separated; an item in double quotes may hold commas. The column is after the last
"=", so a header may contain "=" too.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["parse_header_map"]


def parse_header_map(values: Iterable[str]) -> dict[str, str] | None:
    """``("PLZ=postal_code,Firma=name", '"Straße, Nr.=street"')`` → {header: column}; None
    when empty. ValueError names the item that is wrong and how to write it."""
    import csv

    mapping: dict[str, str] = {}
    for value in values:
        for item in next(csv.reader([value], skipinitialspace=True), []):
            header, sep, column = item.rpartition("=")
            if not item.strip():
                continue
            if not (sep and header.strip() and column.strip()):
                raise ValueError(f'{item!r}: write HEADER=column, e.g. "PLZ=postal_code"')
            if header.strip() in mapping:
                raise ValueError(f"{header.strip()!r} is mapped twice")
            mapping[header.strip()] = column.strip()
    return mapping or None
