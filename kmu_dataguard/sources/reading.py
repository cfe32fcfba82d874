"""Read the table a check names from its source, through its connector profile if it has one.

File sources are read as delimited text, Excel or DATEV by format (given, or recognised from
the file); database sources through SQLAlchemy, read-only. With a profile, the system's columns
are mapped onto the canonical entity and every canonical column the system does not provide is
added empty, so a suite reports missing data as missing values rather than failing to run.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from kmu_dataguard.config import CheckConfig, Config, SourceConfig
from kmu_dataguard.errors import ConfigError
from kmu_dataguard.sources.formats import file_format
from kmu_dataguard.sources.limits import DEFAULT_LIMITS, Limits
from kmu_dataguard.sources.table import SqlTable, Table

AnyTable = Table | SqlTable

if TYPE_CHECKING:
    import pandas as pd

    from kmu_dataguard.sources.profiles import EntityMapping, Profile

__all__ = ["AnyTable", "file_format", "read_check_table", "source_format", "sql_url"]


def read_check_table(
    config: Config,
    check: CheckConfig,
    *,
    in_database: bool = True,
    rename: Mapping[str, str] | None = None,
) -> AnyTable:
    """The check's table: in memory for files, left in the database for SQL sources.

    ``in_database=False`` reads an SQL table into memory (e.g. to show what it holds).
    ``rename`` (``--map``) renames a file's headers onto canonical columns, without a profile.
    """
    source = config.sources[check.source]
    profile = _profile(config, source)
    mapping = profile.entity(check.entity) if profile and check.entity else None
    if source.kind == "sql":
        url = sql_url(source, config)
        timeout = source.statement_timeout
        if in_database and not (mapping is not None and mapping.columns):
            located = _locate_sql(url, check, mapping, label=check.source, timeout=timeout)
            if located is not None:
                return located
        table = _read_sql(url, check, mapping, label=check.source, timeout=timeout)
    else:
        assert source.path is not None
        path = config.resolve_path(source.path)
        limits = config.limits.to_limits()
        table = _read_file(path, source, profile, check.entity, limits)
        if rename:
            from kmu_dataguard.sources.profiles import rename_columns

            table.frame = rename_columns(table.frame, rename, source_name=str(path))
    if mapping is not None:
        table.frame = _complete_entity(table.frame, mapping.entity)
        table.key = mapping.key
    return table


def _profile(config: Config, source: SourceConfig) -> Profile | None:
    if not source.profile:
        return None
    from kmu_dataguard.sources.profiles import load_profile

    return load_profile(source.profile, config.user_profile_dirs())


def source_format(config: Config, source: SourceConfig) -> str:
    """csv, excel or datev: the reader a file source is read with (a DATEV profile: datev)."""
    assert source.path is not None
    fmt = file_format(config.resolve_path(source.path), source.format, config.limits.to_limits())
    profile = _profile(config, source)
    return "datev" if profile is not None and profile.kind == "datev" else fmt


def _read_file(
    path: Path,
    source: SourceConfig,
    profile: Profile | None,
    entity: str | None,
    limits: Limits = DEFAULT_LIMITS,
) -> Table:
    fmt = file_format(path, source.format, limits)
    if profile is not None and profile.kind == "datev":
        fmt = "datev"
    if fmt == "datev":
        from kmu_dataguard.sources.datev import read_datev

        if entity not in ("customers", "suppliers"):
            raise ConfigError(
                f"{path}: a DATEV Debitoren/Kreditoren file holds the entities customers and "
                f"suppliers; name one of them as the check's entity (got {entity!r})"
            )
        frame = read_datev(path, encoding=source.encoding, limits=limits).table(entity)
        return Table(frame=frame, origin=f"{path} (DATEV {entity})")
    if fmt == "excel":
        from kmu_dataguard.sources.excel import read_excel

        sheet = source.sheet if source.sheet is not None else 0
        frame = read_excel(path, sheet=sheet, limits=limits)
        origin = f"{path} (sheet {sheet})"
    else:
        from kmu_dataguard.sources.delimited import read_delimited

        frame = read_delimited(
            path, encoding=source.encoding, delimiter=source.delimiter, limits=limits
        )
        origin = str(path)
    if profile is not None and entity is not None:
        from kmu_dataguard.sources.profiles import apply_mapping

        frame = apply_mapping(frame, profile.entity(entity), source_name=str(path))
    return Table(frame=frame, origin=origin)


def _read_sql(
    url: str,
    check: CheckConfig,
    mapping: EntityMapping | None,
    label: str,
    timeout: float | None = None,
) -> Table:
    from kmu_dataguard.sources.sql import open_engine, read_table, redact_url

    query = mapping.query if mapping is not None else check.query
    table = None if mapping is not None else check.table
    engine = open_engine(url, statement_timeout_s=timeout)
    try:
        frame = read_table(engine, table=table, query=query, source_name=label)
    finally:
        engine.dispose()
    if mapping is not None and mapping.columns:
        from kmu_dataguard.sources.profiles import apply_mapping

        frame = apply_mapping(frame, mapping, source_name=label)
    what = table or (f"{mapping.entity} via profile" if mapping is not None else "query")
    return Table(frame=frame, origin=f"{redact_url(url)} ({what})")


def _locate_sql(
    url: str,
    check: CheckConfig,
    mapping: EntityMapping | None,
    label: str,
    timeout: float | None = None,
) -> SqlTable | None:
    """Describe the check's SELECT without reading rows; None when it cannot stay in the DB."""
    from kmu_dataguard.entities import CANONICAL
    from kmu_dataguard.sources.sql import (
        count_rows,
        describe,
        open_engine,
        redact_url,
        table_query,
        validation_engine_args,
    )

    args = validation_engine_args(url, statement_timeout_s=timeout, source_name=label)
    if args is None:
        return None
    engine = open_engine(url, statement_timeout_s=timeout)
    try:
        named: tuple[str | None, str] | None = None
        if mapping is not None:
            query, what = mapping.query or "", f"{mapping.entity} via profile"
        elif check.table is not None:
            query, *spelt = table_query(engine, check.table, source_name=label)
            what, named = check.table, (spelt[0], spelt[1])
        else:
            query, what = check.query or "", "query"
        columns = describe(engine, query=query, source_name=label)
        missing: list[str] = []
        if mapping is not None:
            missing = [c for c in CANONICAL.get(mapping.entity, ()) if c not in columns]
            if missing:
                # Canonical columns the system lacks are selected as empty, as for files.
                nulls = ", ".join(f"CAST(NULL AS CHAR(1)) AS {c}" for c in missing)
                query = f"SELECT dg_src.*, {nulls} FROM ({query}) dg_src"
                columns = [*columns, *missing]
        rows = count_rows(engine, query=query, source_name=label)
    except BaseException:
        engine.dispose()  # the SqlTable that would own it is never made
        raise
    return SqlTable(
        query=query,
        origin=f"{redact_url(url)} ({what})",
        rows=rows,
        columns=columns,
        engine_url=args[0],
        engine_kwargs=args[1],
        reader=engine,
        source_name=label,
        key=mapping.key if mapping is not None else None,
        not_provided=missing,
        table=named,
    )


def _complete_entity(frame: pd.DataFrame, entity: str) -> pd.DataFrame:
    from kmu_dataguard.entities import CANONICAL

    missing = [c for c in CANONICAL.get(entity, ()) if c not in frame.columns]
    if not missing:
        return frame
    frame = frame.copy()
    for column in missing:
        frame[column] = None
    frame.attrs["not_provided"] = missing
    return frame


def sql_url(source: SourceConfig, config: Config) -> str:
    """The source's URL; a relative SQLite path is relative to dataguard.yml, like other paths."""
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
