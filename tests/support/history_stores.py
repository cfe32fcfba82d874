"""History stores as tests need them: one left by an older or newer kmu-dataguard."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from kmu_dataguard.history import schema

__all__ = ["store_of_version"]


def store_of_version(path: Path, version: int) -> None:
    """A store as a kmu-dataguard that knew schema ``version`` left it."""
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        if version > 0:
            schema.meta.create(conn)
            for step in schema.MIGRATIONS[: min(version, schema.SCHEMA_VERSION)]:
                step.apply(conn)
            conn.execute(sa.insert(schema.meta).values(key="schema_version", value=str(version)))
    engine.dispose()
