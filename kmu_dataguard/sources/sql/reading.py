"""Reading rows as text: streamed in bounded chunks, or collected compactly into one frame.

Values are returned as text exactly as stored (leading zeros kept, ``Decimal`` without float
artefacts, dates in ISO 8601, booleans as ``"true"``/``"false"``, bytes as hex); SQL NULL stays
``None``.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kmu_dataguard.errors import ConfigError, SourceError
from kmu_dataguard.sources.sql.errors import _listing, translate_errors
from kmu_dataguard.sources.sql.guard import _validate_query
from kmu_dataguard.sources.sql.introspect import (
    _columns_of,
    _exec_query,
    _one_of,
    _resolve_table,
    describe,
)

__all__ = ["DEFAULT_CHUNKSIZE", "TextColumn", "iter_chunks", "read_table", "to_text"]

DEFAULT_CHUNKSIZE = 50_000


def _text_of_decimal(value: Decimal) -> str:
    return format(value, "f")  # never "1E+2", never a float round trip


def _text_of_bytes(value: bytes | bytearray | memoryview) -> str:
    return bytes(value).hex()


_TO_TEXT: dict[type, Callable[[Any], str]] = {
    str: lambda v: v,
    bool: lambda v: "true" if v else "false",
    int: str,
    float: repr,
    Decimal: _text_of_decimal,
    dt.date: dt.date.isoformat,
    dt.datetime: dt.datetime.isoformat,
    dt.time: dt.time.isoformat,
    bytes: _text_of_bytes,
    bytearray: _text_of_bytes,
    memoryview: _text_of_bytes,
    uuid.UUID: str,
}


def to_text(value: Any) -> str | None:
    """The text form of one database value (None stays None)."""
    if value is None:
        return None
    convert = _TO_TEXT.get(type(value))
    if convert is not None:
        return convert(value)
    if isinstance(value, dict | list):  # PostgreSQL json/jsonb
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    for kind, func in _TO_TEXT.items():  # subclasses (e.g. pendulum, numpy) last
        if isinstance(value, kind):
            return func(value)
    return str(value)


_PLAIN = frozenset({str, type(None)})


def _texts(values: Sequence[Any]) -> list[str | None]:
    """One column's values as text; text columns (the usual case) are taken as they are."""
    if set(map(type, values)) <= _PLAIN:
        return list(values)
    return [v if type(v) is str or v is None else to_text(v) for v in values]


def _iter_batches(
    engine: Engine,
    *,
    table: str | None,
    query: str | None,
    columns: Sequence[str] | None,
    source_name: str,
    chunksize: int,
) -> Iterator[tuple[list[str], list[list[str | None]]]]:
    """Yield (column names, column-wise text values) per batch of at most ``chunksize`` rows.

    A server-side cursor (``yield_per``) keeps memory bounded by one batch on PostgreSQL and
    MariaDB; only the requested columns of a table are fetched.
    """
    _one_of(table, query)
    if chunksize < 1:
        raise ConfigError(f"chunksize must be at least 1, not {chunksize}")
    wanted = list(columns) if columns is not None else None
    with translate_errors(engine, source_name=source_name, table=table), engine.connect() as conn:
        available = _columns_of(conn, table=table, query=query, source_name=source_name)
        if wanted is not None:
            missing = [c for c in wanted if c not in available]
            if missing:
                what = f"table {table!r}" if table else "the query"
                raise SourceError(
                    f"source {source_name!r}: {what} has no column "
                    f"{', '.join(repr(m) for m in missing)}; columns there: {_listing(available)}"
                )
        streaming = conn.execution_options(yield_per=chunksize)
        if table is not None:
            tbl = _resolve_table(conn, table, source_name)
            cols = [sa.column(c) for c in (wanted or available)]
            result = streaming.execute(sa.select(*cols).select_from(tbl))
            picks = None
        else:
            sql = _validate_query(query or "", conn.dialect.name)
            picks = None
            if wanted is not None and conn.dialect.name != "mssql":
                # Fetch only the wanted columns: the database drops the others.
                quote_name = conn.dialect.identifier_preparer.quote
                listed = ", ".join(f"dg_q.{quote_name(c)}" for c in wanted)
                sql = f"SELECT {listed} FROM ({sql}\n) dg_q"
            result = _exec_query(streaming, sql)
            if wanted is not None and conn.dialect.name == "mssql":  # no WITH in a derived table
                keys = list(result.keys())
                picks = [keys.index(c) for c in wanted]
        names = wanted if wanted is not None else list(result.keys())
        with result:
            # An explicit size: a driver-level statement does not inherit yield_per's batching.
            for rows in result.partitions(chunksize):
                # Transposed in C (zip), not value by value: a million rows of ten columns
                # would otherwise spend seconds in this loop.
                transposed = list(zip(*rows, strict=True))
                if picks is not None:
                    transposed = [transposed[i] for i in picks]
                yield names, [_texts(values) for values in transposed]


def _frame(names: list[str], cols: Sequence[Sequence[str | None]]) -> pd.DataFrame:
    # dtype=object keeps None as None (pandas 3 would turn it into NaN in a "str" column).
    return pd.DataFrame(dict(zip(names, cols, strict=True)), columns=names, dtype=object)


def iter_chunks(
    engine: Engine,
    *,
    table: str | None = None,
    query: str | None = None,
    columns: Sequence[str] | None = None,
    source_name: str,
    chunksize: int = DEFAULT_CHUNKSIZE,
) -> Iterator[pd.DataFrame]:
    """Stream ``table`` or ``query`` as text DataFrames of at most ``chunksize`` rows each.

    Memory stays bounded by one chunk however many rows the source has.
    """
    for names, cols in _iter_batches(
        engine,
        table=table,
        query=query,
        columns=columns,
        source_name=source_name,
        chunksize=chunksize,
    ):
        yield _frame(names, cols)


def read_table(
    engine: Engine,
    *,
    table: str | None = None,
    query: str | None = None,
    columns: Sequence[str] | None = None,
    source_name: str,
    chunksize: int = DEFAULT_CHUNKSIZE,
) -> pd.DataFrame:
    """Read all rows of ``table`` (``schema.table`` allowed) or ``query`` as text.

    Every column has dtype object holding ``str`` or ``None``. ``columns`` selects (and orders)
    columns; a missing one is a :class:`SourceError` listing those that exist.
    """
    names: list[str] | None = None
    acc: list[TextColumn] = []
    for batch_names, cols in _iter_batches(
        engine,
        table=table,
        query=query,
        columns=columns,
        source_name=source_name,
        chunksize=chunksize,
    ):
        if names is None:
            names, acc = batch_names, [TextColumn() for _ in batch_names]
        for target, part in zip(acc, cols, strict=True):
            target.add(part)
    if names is None:  # no rows: still return the columns
        names = (
            list(columns)
            if columns is not None
            else describe(engine, table=table, query=query, source_name=source_name)
        )
        acc = [TextColumn() for _ in names]
    return _frame(names, [column.array() for column in acc])


class TextColumn:
    """A column of text values collected batch by batch, compactly.

    The driver makes a new ``str`` object for every row; a value that repeats (a city, a
    country, a name entered twice) is kept as one shared object, which on a million rows
    saves ~50 bytes per repeated cell. A column whose batches are mostly distinct values
    (keys, IBANs) is not pooled: that would only cost time and a dict.
    """

    def __init__(self) -> None:
        self._parts: list[np.ndarray] = []
        self._pool: dict[str, str] | None = {}

    def add(self, values: Sequence[str | None]) -> None:
        pool = self._pool
        if pool is None:
            array = np.empty(len(values), dtype=object)
            array[:] = values
        else:
            # map() over the C method: no Python bytecode per value.
            array = np.fromiter(map(pool.setdefault, values, values), object, len(values))
            if 2 * len(pool) > sum(len(p) for p in self._parts) + len(values):
                self._pool = None
        self._parts.append(array)

    def array(self) -> np.ndarray:
        """All values so far as one object array (``str`` or ``None``)."""
        self._pool = None
        if not self._parts:
            return np.empty(0, dtype=object)
        whole = self._parts[0] if len(self._parts) == 1 else np.concatenate(self._parts)
        self._parts = []
        return whole
