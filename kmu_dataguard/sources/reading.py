"""Read the table a check names from its source (a file or a database) as text columns."""

from __future__ import annotations

from pathlib import Path

from kmu_dataguard.config import CheckConfig, Config, SourceConfig
from kmu_dataguard.errors import ConfigError
from kmu_dataguard.sources.table import Table

__all__ = ["read_check_table", "read_file", "read_sql"]


def read_check_table(config: Config, check: CheckConfig) -> Table:
    source = config.sources[check.source]
    if source.kind == "file":
        assert source.path is not None
        return read_file(
            config.resolve_path(source.path), encoding=source.encoding, delimiter=source.delimiter
        )
    assert source.url is not None
    return read_sql(
        _resolve_sqlite(source, config), table=check.table, query=check.query, label=check.source
    )


def read_file(path: Path, *, encoding: str | None = None, delimiter: str | None = None) -> Table:
    """Read a delimited text file; every value stays text."""
    from kmu_dataguard.sources.delimited import read_delimited

    frame = read_delimited(path, encoding=encoding, delimiter=delimiter)
    return Table(frame=frame, origin=str(path))


def read_sql(url: str, *, table: str | None, query: str | None, label: str) -> Table:
    from kmu_dataguard.sources.sql import open_engine, read_table, redact_url

    engine = open_engine(url)
    try:
        frame = read_table(engine, table=table, query=query, source_name=label)
    finally:
        engine.dispose()
    what = table if table else "query"
    return Table(frame=frame, origin=f"{redact_url(url)} ({what})")


def _resolve_sqlite(source: SourceConfig, config: Config) -> str:
    """A relative SQLite path in dataguard.yml is relative to the file, like other paths."""
    from sqlalchemy.engine import make_url

    url = source.url
    assert url is not None
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return url
    if parsed.database == ":memory:":
        raise ConfigError("an in-memory SQLite database holds no master data to check")
    database = parsed.database.removeprefix("file:")
    if Path(database).is_absolute():
        return url
    return parsed.set(database=str(config.resolve_path(database))).render_as_string(
        hide_password=False
    )
