"""Read-only SQL sources through SQLAlchemy 2.x.

The guard never writes to a source system: every engine is read-only where the database allows
it, and a user's SQL may only be one SELECT. Values are returned as text exactly as stored; all
driver exceptions are translated in one place, :func:`translate_errors`, into
:class:`~kmu_dataguard.errors.SourceError` lines that never contain a password.

This package's public names are re-exported here; the modules behind them, one concern each:

* :mod:`.urls` — URLs shown without a password; the SQLite file as a read-only URI;
* :mod:`.engines` — our read-only engine and the validation engine's, from one table of
  per-dialect settings;
* :mod:`.guard` — the query guard: a user's SQL is one read-only SELECT (a lexer first, then
  the server's single-statement refusal);
* :mod:`.errors` — driver errors translated into one line (a table of rules);
* :mod:`.introspect` — tables, columns, row counts and the server, without reading rows;
* :mod:`.reading` — rows as text, streamed in chunks or collected into one frame.

The names are imported on first use, so importing one module of this package (the history
store's :func:`~.engines.store_engine`) does not load pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kmu_dataguard._lazy import lazy_exports

if TYPE_CHECKING:
    from kmu_dataguard.sources.sql.engines import open_engine, store_engine, validation_engine_args
    from kmu_dataguard.sources.sql.errors import translate_errors
    from kmu_dataguard.sources.sql.introspect import (
        ConnectionInfo,
        count_rows,
        describe,
        list_tables,
        table_query,
        test_connection,
    )
    from kmu_dataguard.sources.sql.reading import (
        DEFAULT_CHUNKSIZE,
        TextColumn,
        iter_chunks,
        read_table,
        to_text,
    )
    from kmu_dataguard.sources.sql.urls import redact_url

__all__ = [
    "DEFAULT_CHUNKSIZE",
    "ConnectionInfo",
    "TextColumn",
    "count_rows",
    "describe",
    "iter_chunks",
    "list_tables",
    "open_engine",
    "read_table",
    "redact_url",
    "store_engine",
    "table_query",
    "test_connection",
    "to_text",
    "translate_errors",
    "validation_engine_args",
]

# Where each public name lives (the module below this package).
_HOMES: dict[str, str] = {
    "open_engine": "engines",
    "store_engine": "engines",
    "validation_engine_args": "engines",
    "translate_errors": "errors",
    "ConnectionInfo": "introspect",
    "count_rows": "introspect",
    "describe": "introspect",
    "list_tables": "introspect",
    "table_query": "introspect",
    "test_connection": "introspect",
    "DEFAULT_CHUNKSIZE": "reading",
    "TextColumn": "reading",
    "iter_chunks": "reading",
    "read_table": "reading",
    "to_text": "reading",
    "redact_url": "urls",
}


__getattr__, __dir__ = lazy_exports(__name__, _HOMES)
