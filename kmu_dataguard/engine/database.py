"""Validation of a table left in its database: which expectations run there, which in Python.

Native expectations run as SQL (GX lists every failing key when asked to). The catalog's
Python-only validators (``validators.catalog``), and those the dialect cannot evaluate, run on
the columns they need, fetched once in chunks: row-local ones chunk by chunk, cross-row ones
on the columns collected from the same chunks.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from kmu_dataguard.engine.columns import columns_read
from kmu_dataguard.engine.frame import validate_frame
from kmu_dataguard.engine.gx_internals import META_ID, is_map_expectation, run_suite, sql_batch
from kmu_dataguard.engine.outcomes import Tally, as_text, tally_of

if TYPE_CHECKING:
    from kmu_dataguard.sources.table import SqlTable

__all__ = ["validate_in_database"]

log = logging.getLogger("kmu_dataguard")


def validate_in_database(
    table: SqlTable,
    name: str,
    expectations: dict[str, Any],
    key: str | None,
    keep: list[Any] | None,
) -> dict[str, Tally]:
    """Validate ``table`` with the suite ``name``'s runnable ``expectations`` (by id)."""
    from kmu_dataguard.validators.catalog import python_only_types

    python_only = python_only_types()
    native = {i: e for i, e in expectations.items() if e.expectation_type not in python_only}
    in_python = {i: e for i, e in expectations.items() if i not in native}
    tallies: dict[str, Tally] = {}
    if native:
        for ident, tally in _validate_sql(table, name, native, key, keep).items():
            if tally.error is not None:
                # The dialect cannot evaluate it (e.g. regex on SQLite): evaluate in Python.
                log.info("%s: evaluated in Python (%s)", ident, tally.error)
                in_python[ident] = native[ident]
            else:
                tallies[ident] = tally
    chunked = {i: e for i, e in in_python.items() if _is_row_local(e.expectation_type)}
    whole = {i: e for i, e in in_python.items() if i not in chunked}
    # (Data Docs then show one page per chunk of the Python-side expectations.)
    tallies.update(_validate_fetched(table, name, chunked, whole, key, keep=keep))
    return tallies


#: Rows fetched per chunk for the expectations validated in Python on a database source.
_CHUNK_ROWS = 100_000


def _is_row_local(expectation_type: str) -> bool:
    from kmu_dataguard.validators.catalog import row_local

    known = row_local(expectation_type)  # the catalog's validators, cross-row built-ins
    if known is not None:
        return known
    return is_map_expectation(expectation_type)


def _validate_fetched(
    table: SqlTable,
    name: str,
    chunked: dict[str, Any],
    whole: dict[str, Any],
    key: str | None,
    *,
    keep: list[Any] | None = None,
) -> dict[str, Tally]:
    """Fetch only the columns these expectations need (and the key), once, and validate them.

    ``chunked`` expectations are validated chunk by chunk as the rows arrive; ``whole`` ones
    (duplicates, uniqueness) need every row at once: their columns are collected compactly
    from the same chunks (see :class:`~kmu_dataguard.sources.sql.TextColumn`) and validated
    after the last one, so the table is read a single time.
    """
    from kmu_dataguard.consistency import prebuilt_features
    from kmu_dataguard.sources.sql import TextColumn, iter_chunks

    if not chunked and not whole:
        return {}
    everything = list(table.columns)
    streamed, partners = _partner_features(whole, everything)
    rest = [e for i, e in whole.items() if i not in streamed]
    for_chunks = columns_read(chunked.values(), everything, key) if chunked else []
    for_chunks = everything if for_chunks is None else for_chunks
    for_whole = columns_read(rest, everything, key) if whole else []
    for_whole = everything if for_whole is None else for_whole
    fetched = for_chunks + [c for c in for_whole if c not in for_chunks]
    for features in partners.values():
        fetched += [c for c in features.columns.used() if c in everything and c not in fetched]
    collected = {c: TextColumn() for c in for_whole} if whole else {}
    merged: dict[str, Tally] = {}
    first_row = 1
    for frame in iter_chunks(
        table.reader,
        query=table.query,
        columns=fetched or None,
        source_name=table.source_name,
        chunksize=_CHUNK_ROWS,
    ):
        for column, values in collected.items():
            values.add(frame[column].to_numpy(dtype=object))
        for features in partners.values():
            features.add(frame)
        if chunked:
            part = frame[for_chunks] if for_chunks else frame
            for ident, tally in validate_frame(
                part, name, table.origin, chunked, key, first_row, keep
            ).items():
                merged.setdefault(ident, Tally()).add(tally)
        first_row += len(frame)
        del frame
    if first_row == 1:
        # No rows at all: validate empty frames so every expectation still gets a verdict.
        import pandas as pd

        empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in for_chunks})
        merged = validate_frame(empty, name, table.origin, chunked, key, keep=keep)
    if whole:
        import pandas as pd

        frame = pd.DataFrame(
            {c: values.array() for c, values in collected.items()},
            columns=for_whole,
            index=pd.RangeIndex(first_row - 1),
            dtype=object,
        )
        collected.clear()
        with prebuilt_features(partners):
            merged.update(validate_frame(frame, name, table.origin, whole, key, keep=keep))
    return merged


_PARTNERS = "expect_table_rows_to_have_no_duplicate_partners"


def _partner_features(whole: dict[str, Any], present: list[str]) -> tuple[set[str], dict[Any, Any]]:
    """Duplicate-partner expectations whose features are built chunk by chunk as the rows
    arrive, instead of collecting their raw columns for the whole table (~5x the memory).

    Not with a row condition (GX must filter the rows first) nor when the key column is
    missing (then the expectation itself reports it). Returns the ids of those expectations
    and one :class:`PartnerFeatures` per set of columns (thresholds apply when linking).
    """
    from kmu_dataguard.consistency import PartnerFeatures, partner_settings

    streamed: set[str] = set()
    built: dict[Any, Any] = {}
    for ident, exp in whole.items():
        if exp.expectation_type != _PARTNERS or getattr(exp, "row_condition", None):
            continue
        columns = partner_settings(exp.dict()).columns
        if columns.key is None or columns.key in present:
            streamed.add(ident)
            built.setdefault(columns, PartnerFeatures(columns))
    return streamed, built


def _validate_sql(
    table: SqlTable,
    name: str,
    expectations: dict[str, Any],
    key: str | None,
    keep: list[Any] | None = None,
) -> dict[str, Tally]:
    """Run expectations in the database; GX lists every failing key when asked to."""
    fmt: dict[str, Any] = {"result_format": "COMPLETE", "return_unexpected_index_query": False}
    if key:
        # GX caps the keys it lists at partial_unexpected_count on SQL sources.
        fmt |= {"unexpected_index_column_names": [key], "partial_unexpected_count": 10**12}
    with sql_batch(table) as batch:
        results = run_suite(batch, name, list(expectations.values()), table.origin, fmt, keep)
    tallies = {}
    for result in results:
        exp = result.expectation_config
        tally = tally_of(result)
        rows = list((result.result or {}).get("unexpected_index_list") or [])
        columns = [c for c in (exp.kwargs.get(k) for k in ("column", "column_A", "column_B")) if c]
        tally.keys = [as_text(r.get(key)) if isinstance(r, dict) else None for r in rows]
        tally.values = [
            as_text(tuple(r.get(c) for c in columns) if len(columns) > 1 else r.get(columns[0]))
            if isinstance(r, dict) and columns
            else None
            for r in rows
        ]
        tallies[exp.meta.get(META_ID)] = tally
    return tallies
