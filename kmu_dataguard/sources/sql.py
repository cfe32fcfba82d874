"""SQL databases through SQLAlchemy, read-only; values read as text.

Minimal reader of the walking skeleton; the connectors work adds every dialect's read-only
session, timeouts and streaming.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa

from kmu_dataguard.errors import SourceError

__all__ = ["open_engine", "read_table", "redact_url"]


def redact_url(url: str) -> str:
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparsable database URL>"


def open_engine(url: str) -> sa.Engine:
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        # Read-only, and never create a missing database file.
        database = parsed.database.removeprefix("file:")
        return sa.create_engine(f"sqlite:///file:{database}?mode=ro&uri=true")
    return sa.create_engine(parsed)


def read_table(
    engine: sa.Engine, *, table: str | None, query: str | None, source_name: str
) -> pd.DataFrame:
    try:
        with engine.connect() as conn:
            if table is not None:
                names = sa.inspect(conn).get_table_names()
                if table not in names:
                    raise SourceError(
                        f"source {source_name!r}: no table {table!r} "
                        f"(tables: {', '.join(names) or 'none'})"
                    )
                stmt: Any = sa.select(
                    sa.table(table, *[sa.column(c) for c in _columns(conn, table)])
                )
            else:
                stmt = sa.text(query or "")
            result = conn.execute(stmt)
            columns = list(result.keys())
            rows = [[None if v is None else str(v) for v in row] for row in result]
    except sa.exc.SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise SourceError(
            f"source {source_name!r} ({redact_url(str(engine.url))}): {detail}"
        ) from exc
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _columns(conn: sa.Connection, table: str) -> list[str]:
    return [c["name"] for c in sa.inspect(conn).get_columns(table)]
