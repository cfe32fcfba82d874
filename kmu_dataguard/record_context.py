"""Name and city beside each failing key, so a steward need not look every number up.

Read after validation, only for the records that failed: from the frame in memory, or for a
table left in its database by one more streamed pass over two or three of its columns (the
same text conversion as the validation, so the keys match exactly).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from kmu_dataguard._secrets import mask_passwords_in_text, redact
from kmu_dataguard.errors import one_line
from kmu_dataguard.results import CheckResult, RecordContext
from kmu_dataguard.sources.table import SqlTable, Table

__all__ = ["add_context", "failing_keys", "record_context"]

log = logging.getLogger("kmu_dataguard")

_NAME, _CITY, _COMPANY = "name", "city", "company"
_PERSON = ("first_name", "last_name")
_CHUNK_ROWS = 100_000
# Columns only a business partner or a person has: their names may be people's names.
_PARTNER_HINTS = {"first_name", "last_name", "street", "email", "phone", "iban", "vat_id"}


def failing_keys(check: CheckResult) -> set[str]:
    """Every key the check's lists name: failing records and members of failing groups."""
    keys: set[str] = set()
    for outcome in check.expectations:
        if outcome.success or outcome.error is not None:
            continue
        keys.update(k for k in outcome.failing_keys if k is not None)
        for group in outcome.groups:
            keys.update(k for k in group.keys if k is not None)
    return keys


def add_context(
    result: CheckResult,
    sides: list[tuple[Table | SqlTable, str | None]],
    secrets: set[str] | frozenset[str] = frozenset(),
    keys: set[str] | None = None,
) -> None:
    """Put the name and city of ``keys`` (default: every failing key of ``result``) on it,
    looked up in ``sides`` (table, key column) in turn.

    The verdict stands without them: a lookup that fails is logged, never an error.
    """
    keys = failing_keys(result) if keys is None else keys
    try:
        for table, key in sides:
            rest = keys - set(result.context.values) if result.context else keys
            if not rest:
                return
            found = record_context(table, key, rest)
            if found is None:
                continue
            if result.context is None:
                result.context = found
            else:
                result.context.values.update(found.values)
                result.context.personal |= found.personal
    except Exception as exc:  # the records were validated; only the lists lack the names
        detail = mask_passwords_in_text(redact(one_line(exc, 200), secrets))
        log.warning("%s: names and cities of the failing records not read: %s", result.name, detail)


def record_context(
    table: Table | SqlTable, key: str | None, keys: set[str]
) -> RecordContext | None:
    """(name, city) of the records ``keys`` (row numbers when ``key`` is None), or None when
    the table has neither a name nor a city column."""
    present = set(table.columns)
    names = [c for c in (_NAME, *_PERSON, _COMPANY) if c in present]
    city = _CITY if _CITY in present else None
    if not keys or (not names and city is None):
        return None
    wanted = [c for c in ([key] if key else []) + names + ([city] if city else [])]
    values: dict[str, tuple[str | None, str | None]] = {}
    first_row = 1
    for frame in _frames(table, list(dict.fromkeys(wanted))):
        ids = _ids(frame, key, first_row)
        first_row += len(frame)
        hit = ids.isin(keys).to_numpy()
        if not hit.any():
            continue
        part = frame[hit]
        column = {c: part[c].tolist() for c in part.columns}
        empty = [None] * len(part)
        found_names = [
            _name(own, first, last, company)
            for own, first, last, company in zip(
                column.get(_NAME, empty),
                column.get("first_name", empty),
                column.get("last_name", empty),
                column.get(_COMPANY, empty),
                strict=True,
            )
        ]
        cities = [_text(v) for v in column[city]] if city else empty
        for ident, name, place in zip(ids[hit].tolist(), found_names, cities, strict=True):
            values.setdefault(ident, (name, place))  # a duplicated key shows its first record
    return RecordContext(
        name_column=_NAME if names else None,
        city_column=city,
        values=values,
        personal=bool(present & _PARTNER_HINTS),
    )


def _frames(table: Table | SqlTable, columns: list[str]) -> Iterator[Any]:
    if isinstance(table, Table):
        yield table.frame[columns].reset_index(drop=True)
        return
    from kmu_dataguard.sources.sql import iter_chunks

    yield from iter_chunks(
        table.reader,
        query=table.query,
        columns=columns,
        source_name=table.source_name,
        chunksize=_CHUNK_ROWS,
    )


def _ids(frame: Any, key: str | None, first_row: int) -> Any:
    import numpy as np
    import pandas as pd

    if key is None:  # the lists name records by their row number (1 = first data row)
        return pd.Series(np.arange(first_row, first_row + len(frame)).astype(str), dtype=object)
    return frame[key].reset_index(drop=True).astype(object)


def _name(own: Any, first: Any, last: Any, company: Any) -> str | None:
    """The name, else "first last" (a private customer, a contact), else the company."""
    full = " ".join(t for t in (_text(first), _text(last)) if t)
    return _text(own) or full or _text(company)


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = " ".join(str(value).split())
    return text or None
