"""The Great Expectations adapter: the only module that imports ``great_expectations``.

It turns a :class:`~kmu_dataguard.suites.SuiteSpec` into a GX suite, validates a table with it
and translates GX's results into :class:`~kmu_dataguard.results.ExpectationOutcome` objects.

How GX is driven, and why:
- ``import great_expectations`` costs seconds, so it happens here, on the first validation.
- Results are requested as ``COMPLETE`` *without* ``unexpected_index_column_names``: GX then
  returns the failing rows' positions cheaply, and we map positions to business keys with one
  vectorised lookup (GX's own per-row key building is ~10x slower on a million rows).
- ``batch.validate`` is used instead of ``ValidationDefinition.run`` because the latter stores
  every result (deep copies and serialisation) for a Data Context we do not need.
- An expectation that raised inside GX comes back as an unsuccessful result with
  ``exception_info``; that is "could not validate", never a data failure and never a pass.
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kmu_dataguard.errors import EngineError, SuiteError
from kmu_dataguard.results import ExpectationOutcome
from kmu_dataguard.sources.table import SqlTable
from kmu_dataguard.suites import ExpectationSpec, SuiteSpec

if TYPE_CHECKING:
    from kmu_dataguard.sources.table import Table

__all__ = ["build_data_docs", "validate_table"]

log = logging.getLogger("kmu_dataguard")

_META_ID = "dataguard_id"
_DOCS_SITE = "dataguard"


@cache
def _context() -> Any:
    """One ephemeral GX context per process, quiet and without stored results."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    from kmu_dataguard.library_logs import route_library_logs

    # GX logs and warns at INFO level into the root logger, and at ERROR with a traceback per
    # failed metric; stderr is for our messages (GX's become -vv debug lines).
    # (one of its modules even sets its own logger to INFO.)
    for name in ("great_expectations", "great_expectations.data_context.types.base"):
        logging.getLogger(name).setLevel(logging.ERROR)
    logging.getLogger("py.warnings").setLevel(logging.ERROR)
    route_library_logs()

    _register_custom_expectations()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def _register_custom_expectations() -> None:
    """Custom expectations must be registered before any suite naming them is built."""
    from kmu_dataguard import validators

    register = getattr(validators, "register", None)
    if register is not None:
        register()


def build_suite(spec: SuiteSpec) -> Any:
    """Build the GX suite; an expectation GX cannot load is a SuiteError naming it.

    GX's own suite loader silently drops an expectation of an unknown type, which would let a
    gate pass without checking it; each expectation is therefore built one by one.
    """
    _context()
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    expectations = []
    for index, exp in enumerate(spec.expectations):
        try:
            config = ExpectationConfiguration(
                type=exp.type,
                kwargs=exp.kwargs,
                meta={**exp.meta, _META_ID: exp.id},
                severity=str(exp.severity),
            )
            expectations.append(config.to_domain_obj())
        except Exception as exc:  # GX raises several unrelated types here
            detail = " ".join(str(exc).split())[:300]
            raise SuiteError(
                f"{spec.path}: expectations[{index}] ({exp.type}, id {exp.id!r}) "
                f"cannot be loaded: {detail}"
            ) from exc
    suite = gx.ExpectationSuite(name=spec.name, expectations=expectations)
    if len(suite.expectations) != len(spec.expectations):
        raise SuiteError(
            f"{spec.path}: only {len(suite.expectations)} of {len(spec.expectations)} "
            "expectations could be loaded"
        )
    return suite


def validate_table(
    table: Table | SqlTable,
    spec: SuiteSpec,
    *,
    key: str | None,
    max_keys: int | None = None,
    keep_validations: list[Any] | None = None,
) -> list[ExpectationOutcome]:
    """Validate ``table`` with the suite; one outcome per expectation, in suite order.

    An in-memory table is validated with pandas. A table left in its database is validated
    there, except the expectations that need the values in Python (custom validators, or what
    the dialect cannot do): for those only the needed columns are fetched, in chunks.
    ``keep_validations`` (opt-in, for :func:`build_data_docs`) receives GX's own results.
    """
    suite = build_suite(spec)
    present = set(table.columns)
    # Missing columns are reported by us, clearly, rather than as GX exception dumps.
    missing = {
        e.id: [c for c in e.columns() if c not in present]
        for e in spec.expectations
        if any(c not in present for c in e.columns())
    }
    runnable = {e.meta[_META_ID]: e for e in suite.expectations if e.meta[_META_ID] not in missing}
    if isinstance(table, SqlTable):
        tallies = _validate_in_database(table, spec, runnable, key, keep_validations)
    else:
        tallies = _validate_frame(
            table.frame, spec.name, table.origin, runnable, key, keep=keep_validations
        )

    outcomes = []
    for exp in spec.expectations:
        if exp.id in missing:
            outcomes.append(
                _error_outcome(
                    exp,
                    f"column {', '.join(map(repr, missing[exp.id]))} not in {table.origin} "
                    f"(columns present: {', '.join(table.columns) or 'none'})",
                )
            )
        elif exp.id not in tallies:
            # Fail closed: an expectation without a result was not checked.
            outcomes.append(_error_outcome(exp, "the engine returned no result for it"))
        else:
            outcomes.append(_finish(exp, tallies[exp.id], max_keys))
    return outcomes


@dataclass
class _Tally:
    """What one or more GX results (e.g. of several chunks) say about one expectation."""

    count: int = 0
    elements: int = 0
    missing: int = 0
    keys: list[str | None] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)
    success: bool = True
    error: str | None = None
    observed: Any = None
    parts: int = 0
    groups: list[dict[str, Any]] = field(default_factory=list)

    def add(self, other: _Tally) -> None:
        self.count += other.count
        self.elements += other.elements
        self.missing += other.missing
        self.keys.extend(other.keys)
        self.values.extend(other.values)
        self.success = self.success and other.success
        self.error = self.error or other.error
        self.observed = other.observed if self.observed is None else self.observed
        self.parts += other.parts
        self.groups.extend(other.groups)


def _run_suite(
    batch: Any,
    name: str,
    expectations: list[Any],
    origin: str,
    fmt: dict[str, Any],
    keep: list[Any] | None,
) -> Any:
    import great_expectations as gx

    gx_suite = gx.ExpectationSuite(name=name, expectations=expectations)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas/GX noise about regex groups etc.
            validation = _validate_batch(batch, gx_suite, fmt)
            if keep is not None:
                keep.append(validation)
            return validation.results
    except Exception as exc:
        raise EngineError(
            f"suite {name!r} on {origin}: the validation engine failed: "
            f"{' '.join(str(exc).split())[:300]}"
        ) from exc


def _validate_batch(batch: Any, suite: Any, fmt: dict[str, Any]) -> Any:
    """What ``batch.validate(suite, result_format=fmt)`` does, on the batch we already hold.

    GX's ``Batch.validate`` builds a validator that fetches the batch from its asset once
    more; for a DataFrame that hashes every cell again (~4 s per million rows).
    """
    import great_expectations as gx
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResult,
    )
    from great_expectations.util import convert_to_json_serializable
    from great_expectations.validator.validator import calc_validation_statistics

    validator = _context().get_validator(batch=batch)
    try:
        configs = validator.process_expectations_for_validation(suite.expectation_configurations)
        results = validator.graph_validate(
            configurations=configs, runtime_configuration={"result_format": dict(fmt)}
        )
        stats = calc_validation_statistics(results)
        return ExpectationSuiteValidationResult(
            results=results,
            success=stats.success,
            suite_name=suite.name,
            statistics={
                "evaluated_expectations": stats.evaluated_expectations,
                "successful_expectations": stats.successful_expectations,
                "unsuccessful_expectations": stats.unsuccessful_expectations,
                "success_percent": stats.success_percent,
            },
            meta={
                "great_expectations_version": gx.__version__,
                "batch_spec": convert_to_json_serializable(validator.active_batch_spec),
                "batch_markers": validator.active_batch_markers,
                "active_batch_definition": convert_to_json_serializable(
                    validator.active_batch_definition
                ),
            },
            batch_id=validator.active_batch_id,
        )
    finally:
        # The execution engine keeps the batch and its data (the whole frame, or a chunk)
        # until the next batch replaces them: let them go once this one is validated.
        manager = validator.execution_engine.batch_manager
        manager.batch_data_cache.clear()
        manager.reset_batch_cache()


def _validate_frame(
    frame: Any,
    name: str,
    origin: str,
    expectations: dict[str, Any],
    key: str | None,
    first_row: int = 1,
    keep: list[Any] | None = None,
) -> dict[str, _Tally]:
    """Validate an in-memory frame; failing rows' positions become keys in one lookup."""
    import numpy as np

    if not expectations or frame is None:
        return {}
    frame = frame.reset_index(drop=True)
    read = _columns_read(expectations.values(), list(frame.columns), key)
    if read is not None and len(read) < len(frame.columns):
        # GX copies the batch frame for each expectation's domain (null filter, row
        # condition): on a wide export, a frame of only the columns read keeps that cheap.
        frame = frame[read]
    if key is None:
        keys = np.arange(first_row, first_row + len(frame)).astype(str).astype(object)
    else:
        keys = frame[key].to_numpy(dtype=object)
    results = _run_suite(
        _batch(frame),
        name,
        list(expectations.values()),
        origin,
        # Every failing position and value; not GX's query string listing them all again.
        {"result_format": "COMPLETE", "return_unexpected_index_query": False},
        keep,
    )
    tallies = {}
    for result in results:
        details = result.result or {}
        positions = list(details.get("unexpected_index_list") or [])
        tally = _tally(result)
        tally.keys = _keys_at(keys, positions)
        tally.values = [_detached(_text(v)) for v in list(details.get("unexpected_list") or [])]
        tally.groups = _groups(details, keys)
        tallies[result.expectation_config.meta.get(_META_ID)] = tally
    return tallies


def _validate_in_database(
    table: SqlTable,
    spec: SuiteSpec,
    expectations: dict[str, Any],
    key: str | None,
    keep: list[Any] | None,
) -> dict[str, _Tally]:
    from kmu_dataguard.validators.catalog import python_only_types

    python_only = python_only_types()
    native = {i: e for i, e in expectations.items() if e.expectation_type not in python_only}
    in_python = {i: e for i, e in expectations.items() if i not in native}
    tallies: dict[str, _Tally] = {}
    if native:
        for ident, tally in _validate_sql(table, spec.name, native, key, keep).items():
            if tally.error is not None:
                # The dialect cannot evaluate it (e.g. regex on SQLite): evaluate in Python.
                log.info("%s: evaluated in Python (%s)", ident, tally.error)
                in_python[ident] = native[ident]
            else:
                tallies[ident] = tally
    chunked = {i: e for i, e in in_python.items() if _is_row_local(e.expectation_type)}
    whole = {i: e for i, e in in_python.items() if i not in chunked}
    # (Data Docs then show one page per chunk of the Python-side expectations.)
    tallies.update(_validate_fetched(table, spec.name, chunked, whole, key, keep=keep))
    return tallies


#: Rows fetched per chunk for the expectations validated in Python on a database source.
_CHUNK_ROWS = 100_000


def _is_row_local(expectation_type: str) -> bool:
    from great_expectations.expectations.expectation import (
        ColumnMapExpectation,
        ColumnPairMapExpectation,
        MulticolumnMapExpectation,
    )
    from great_expectations.expectations.registry import get_expectation_impl

    from kmu_dataguard.validators.catalog import row_local

    known = row_local(expectation_type)  # the catalog's validators, cross-row built-ins
    if known is not None:
        return known
    impl = get_expectation_impl(expectation_type)
    return issubclass(
        impl, ColumnMapExpectation | ColumnPairMapExpectation | MulticolumnMapExpectation
    )


def _validate_fetched(
    table: SqlTable,
    name: str,
    chunked: dict[str, Any],
    whole: dict[str, Any],
    key: str | None,
    *,
    keep: list[Any] | None = None,
) -> dict[str, _Tally]:
    """Fetch only the columns these expectations need (and the key), once, and validate them.

    ``chunked`` expectations are validated chunk by chunk as the rows arrive; ``whole`` ones
    (duplicates, uniqueness) need every row at once: their columns are collected compactly
    from the same chunks (see :class:`~kmu_dataguard.sources.sql.TextColumn`) and validated
    after the last one, so the table is read a single time.
    """
    from kmu_dataguard.consistency.partner_features import prebuilt_features
    from kmu_dataguard.sources.sql import TextColumn, iter_chunks

    if not chunked and not whole:
        return {}
    everything = list(table.columns)
    streamed, partners = _partner_features(whole, everything)
    rest = [e for i, e in whole.items() if i not in streamed]
    for_chunks = _columns_read(chunked.values(), everything, key) if chunked else []
    for_chunks = everything if for_chunks is None else for_chunks
    for_whole = _columns_read(rest, everything, key) if whole else []
    for_whole = everything if for_whole is None else for_whole
    fetched = for_chunks + [c for c in for_whole if c not in for_chunks]
    for features in partners.values():
        fetched += [c for c in features.columns.used() if c in everything and c not in fetched]
    collected = {c: TextColumn() for c in for_whole} if whole else {}
    merged: dict[str, _Tally] = {}
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
            for ident, tally in _validate_frame(
                part, name, table.origin, chunked, key, first_row, keep
            ).items():
                merged.setdefault(ident, _Tally()).add(tally)
        first_row += len(frame)
        del frame
    if first_row == 1:
        # No rows at all: validate empty frames so every expectation still gets a verdict.
        import pandas as pd

        empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in for_chunks})
        merged = _validate_frame(empty, name, table.origin, chunked, key, keep=keep)
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
            merged.update(_validate_frame(frame, name, table.origin, whole, key, keep=keep))
    return merged


_PARTNERS = "expect_table_rows_to_have_no_duplicate_partners"


def _partner_features(whole: dict[str, Any], present: list[str]) -> tuple[set[str], dict[Any, Any]]:
    """Duplicate-partner expectations whose features are built chunk by chunk as the rows
    arrive, instead of collecting their raw columns for the whole table (~5x the memory).

    Not with a row condition (GX must filter the rows first) nor when the key column is
    missing (then the expectation itself reports it). Returns the ids of those expectations
    and one :class:`PartnerFeatures` per set of columns (thresholds apply when linking).
    """
    from kmu_dataguard.consistency.duplicates import PartnerFeatures, partner_settings

    streamed: set[str] = set()
    built: dict[Any, Any] = {}
    for ident, exp in whole.items():
        if exp.expectation_type != _PARTNERS or getattr(exp, "row_condition", None):
            continue
        columns, _ = partner_settings(exp.dict())
        if columns.key is None or columns.key in present:
            streamed.add(ident)
            built.setdefault(columns, PartnerFeatures(columns))
    return streamed, built


def _columns_read(
    expectations: Iterable[Any], present: Sequence[str], key: str | None
) -> list[str] | None:
    """The key and every present column the expectations read, in a stable order; None when
    one of them names no column (a table expectation, e.g. on the column set, sees them all)."""
    needed: list[str] = [key] if key and key in present else []
    for exp in expectations:
        named = _expectation_columns(exp)
        if not named:
            return None
        for column in named:
            # Absent optional columns stay absent, exactly as in an in-memory table.
            if column not in needed and column in present:
                needed.append(column)
    return needed


def _expectation_columns(exp: Any) -> list[str]:
    """Every column an expectation reads, defaults included.

    GX names them ``column``, ``column_A``/``column_B``, ``column_list``; our table-level
    expectations follow the same convention (``*_column``, ``*_columns``), so a field name
    says what must be fetched. A row condition's columns are read too.
    """
    names: list[Any] = []
    for field_name, value in exp.dict().items():
        if field_name in ("column", "column_A", "column_B") or field_name.endswith("_column"):
            names.append(value)
        elif field_name == "column_list" or field_name.endswith("_columns"):
            names.extend(value or [])
    names += _condition_columns(getattr(exp, "row_condition", None))
    return [str(n) for n in names if isinstance(n, str) and n]


def _condition_columns(condition: Any) -> list[str]:
    """Columns a structured row condition reads (they must be fetched too)."""
    if condition is None or isinstance(condition, str):
        return []
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            column = node.get("column")
            if isinstance(column, dict) and "name" in column:
                found.append(str(column["name"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple):
            for value in node:
                walk(value)
        else:
            dump = getattr(node, "model_dump", None) or getattr(node, "dict", None)
            if callable(dump):
                walk(dump())

    walk(condition)
    return found


def _validate_sql(
    table: SqlTable,
    name: str,
    expectations: dict[str, Any],
    key: str | None,
    keep: list[Any] | None = None,
) -> dict[str, _Tally]:
    """Run expectations in the database; GX lists every failing key when asked to."""
    context = _context()
    source_name = f"sql-{next(_SEQUENCE)}"
    datasource = context.data_sources.add_sql(
        source_name,
        connection_string=table.engine_url,
        create_temp_table=False,
        kwargs=table.engine_kwargs,
    )
    try:
        if table.table is not None:
            # A table asset: GX reads its columns from the catalogue. For a query asset it
            # executes the whole query to learn them, and a client-side cursor (psycopg2,
            # PyMySQL) first receives every row (+420 MiB for a million customers).
            # Spelt as the database spells it (resolved by the reader) and always quoted: GX
            # leaves an unquoted name as it is, and "Kunden 2024-Q1" would be a syntax error.
            from sqlalchemy.sql import quoted_name

            schema, name = table.table
            asset = datasource.add_table_asset(
                "check",
                table_name=quoted_name(name, quote=True),
                schema_name=None if schema is None else quoted_name(schema, quote=True),
            )
        else:
            asset = datasource.add_query_asset("check", query=table.query)
        batch = asset.add_batch_definition_whole_table("all").get_batch()
        fmt: dict[str, Any] = {"result_format": "COMPLETE", "return_unexpected_index_query": False}
        if key:
            # GX caps the keys it lists at partial_unexpected_count on SQL sources.
            fmt |= {"unexpected_index_column_names": [key], "partial_unexpected_count": 10**12}
        results = _run_suite(batch, name, list(expectations.values()), table.origin, fmt, keep)
    finally:
        context.data_sources.delete(source_name)
    tallies = {}
    for result in results:
        exp = result.expectation_config
        tally = _tally(result)
        rows = list((result.result or {}).get("unexpected_index_list") or [])
        columns = [c for c in (exp.kwargs.get(k) for k in ("column", "column_A", "column_B")) if c]
        tally.keys = [_text(r.get(key)) if isinstance(r, dict) else None for r in rows]
        tally.values = [
            _text(tuple(r.get(c) for c in columns) if len(columns) > 1 else r.get(columns[0]))
            if isinstance(r, dict) and columns
            else None
            for r in rows
        ]
        tallies[exp.meta.get(_META_ID)] = tally
    return tallies


_SEQUENCE = itertools.count(1)


def _tally(result: Any) -> _Tally:
    error = _exception_message(result.exception_info)
    details = result.result or {}
    if error is not None:
        return _Tally(error=f"could not be evaluated: {error}", success=False, parts=1)
    return _Tally(
        count=int(details.get("unexpected_count") or 0),
        elements=int(details.get("element_count") or 0),
        missing=int(details.get("missing_count") or 0),
        success=bool(result.success),
        observed=_plain(details.get("observed_value")),
        parts=1,
    )


def _finish(exp: ExpectationSpec, tally: _Tally, max_keys: int | None) -> ExpectationOutcome:
    if tally.error is not None:
        return _error_outcome(exp, tally.error)
    nonmissing = tally.elements - tally.missing
    percent = 100.0 * tally.count / nonmissing if nonmissing > 0 else 0.0
    success = tally.success
    if tally.parts > 1:
        # Chunks were judged one by one; judge the whole table against `mostly` once more.
        mostly = float(exp.kwargs.get("mostly", 1.0))
        success = nonmissing == 0 or (1 - tally.count / nonmissing) >= mostly - 1e-12
    allowed = exp.meta.get("max_failures")
    if not success and isinstance(allowed, int) and tally.count <= allowed:
        success = True  # an allowed failing count, as the suite declares
    keys, values = tally.keys, tally.values
    truncated = max_keys is not None and len(keys) > max_keys
    if truncated:
        keys, values = keys[:max_keys], values[:max_keys]
    return ExpectationOutcome(
        id=exp.id,
        type=exp.type,
        column=exp.column,
        severity=exp.severity,
        success=success,
        unexpected_count=tally.count,
        unexpected_percent=percent,
        failing_keys=list(keys),
        failing_keys_truncated=truncated,
        failing_values=list(values[: len(keys)]),
        kwargs=exp.kwargs,
        meta={**exp.meta, "groups": tally.groups} if tally.groups else exp.meta,
        observed_value=tally.observed,
    )


def _batch(frame: Any) -> Any:
    context = _context()
    name = "dataguard"
    try:
        source = context.data_sources.get(name)
    except (KeyError, ValueError):
        source = context.data_sources.add_pandas(name)
    try:
        asset = source.get_asset("table")
    except (LookupError, ValueError):
        asset = source.add_dataframe_asset("table")
    try:
        return _unhashed_batch(source, asset, frame)
    except (ImportError, AttributeError, TypeError) as exc:  # GX moved its internals
        log.debug("documented batch path (hashes the frame): %s", exc)
    definition = asset.add_batch_definition_whole_dataframe(f"batch-{id(frame)}")
    try:
        return definition.get_batch(batch_parameters={"dataframe": frame})
    finally:
        asset.delete_batch_definition(definition.name)


def _unhashed_batch(source: Any, asset: Any, frame: Any) -> Any:
    """The batch ``DataFrameAsset.get_batch`` builds, without its fingerprint.

    GX hashes every cell of the frame for a batch marker nobody here reads (about 4 s per
    million rows, and GX itself skips it above 1 GB). Same objects, same order as GX 1.x.
    """
    import datetime

    from great_expectations.core.batch import BatchMarkers, LegacyBatchDefinition
    from great_expectations.core.batch_spec import RuntimeDataBatchSpec
    from great_expectations.datasource.fluent.batch_identifier_util import (
        make_batch_identifier,
    )
    from great_expectations.datasource.fluent.constants import _DATA_CONNECTOR_NAME
    from great_expectations.datasource.fluent.interfaces import Batch
    from great_expectations.execution_engine.pandas_batch_data import PandasBatchData

    request = asset.build_batch_request(options={"dataframe": frame})
    spec = RuntimeDataBatchSpec(batch_data=frame)
    spec.batch_data = "PandasDataFrame"  # as GX leaves it: specs are serialised
    now = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    return Batch(
        datasource=source,
        data_asset=asset,
        batch_request=request,
        data=PandasBatchData(execution_engine=source.get_execution_engine(), dataframe=frame),
        batch_markers=BatchMarkers({"ge_load_time": now}),
        batch_spec=spec,
        batch_definition=LegacyBatchDefinition(
            datasource_name=source.name,
            data_connector_name=_DATA_CONNECTOR_NAME,
            data_asset_name=asset.name,
            batch_identifiers=make_batch_identifier(request.options),
            batch_spec_passthrough=None,
        ),
        metadata={},
    )


def _groups(details: dict[str, Any], keys: Any) -> list[dict[str, Any]]:
    """Records failing together (duplicate partners), keyed like failing_keys."""
    clusters = (details.get("details") or {}).get("clusters") or []
    return [
        {
            "keys": _keys_at(keys, list(c.get("rows") or [])),
            "score": _plain(c.get("score")),
            "reason": str(c.get("reason") or ""),
        }
        for c in clusters
    ]


def _keys_at(keys: Any, positions: list[Any]) -> list[str | None]:
    """The business keys at GX's row positions, in one vectorised lookup."""
    import numpy as np

    if not positions:
        return []
    picked = keys[np.asarray(positions, dtype=np.intp)]
    return [None if k is None else _detached(str(k)) for k in picked.tolist()]


def _error_outcome(exp: ExpectationSpec, message: str) -> ExpectationOutcome:
    return ExpectationOutcome(
        id=exp.id,
        type=exp.type,
        column=exp.column,
        severity=exp.severity,
        success=False,
        error=message,
        kwargs=exp.kwargs,
        meta=exp.meta,
    )


def _exception_message(info: Any) -> str | None:
    """GX reports exceptions flat, or keyed by metric: find the first one that was raised."""
    if not isinstance(info, dict):
        return None
    candidates = [info] if "raised_exception" in info else list(info.values())
    for item in candidates:
        if isinstance(item, dict) and item.get("raised_exception"):
            message = str(item.get("exception_message") or "unknown error")
            return " ".join(message.split())[:300]
    return None


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, tuple | list):
        return " | ".join("" if v is None else str(v) for v in value)
    return str(value)


def _detached(text: str | None) -> str | None:
    """A copy of ``text`` that does not share memory with the chunk it came from.

    A failing key kept from each chunk is a small string inside the allocator's pools of that
    chunk's strings; kept as is, the few failing ones hold nearly all of the chunk's memory
    (measured: +230 MiB at 1 M rows). A copy made while the chunk is alive is placed with the
    other kept values, and the chunk's memory goes back when it is dropped.
    """
    if text is None:
        return None
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")


def _plain(value: Any) -> Any:
    """Observed values as JSON-friendly Python values."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    item = getattr(value, "item", None)
    return item() if callable(item) else str(value)


def build_data_docs(validations: list[Any], folder: str | os.PathLike[str]) -> Path:
    """Build Great Expectations' own Data Docs for engineers in ``folder``; return its index.

    ``validations`` are GX's results as kept by ``validate_table(keep_validations=...)``. They
    go into the (in-memory) validation store of our ephemeral context only for the build and
    are removed afterwards, so a long-running process does not accumulate them. Data Docs show
    the raw failing values: they are for engineers, not for sharing.
    """
    from datetime import UTC, datetime

    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    context = _context()
    target = Path(folder).resolve()
    target.mkdir(parents=True, exist_ok=True)
    site = {
        "class_name": "SiteBuilder",
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(target),
        },
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
    if _DOCS_SITE in context.list_data_docs_sites():
        context.update_data_docs_site(_DOCS_SITE, site)
    else:
        context.add_data_docs_site(_DOCS_SITE, site)
    store = context.validation_results_store
    run_id = RunIdentifier(run_name="dataguard", run_time=datetime.now(UTC))
    keys = []
    try:
        for index, validation in enumerate(validations):
            key = ValidationResultIdentifier(
                expectation_suite_identifier=ExpectationSuiteIdentifier(name=validation.suite_name),
                run_id=run_id,
                batch_identifier=f"{validation.suite_name}-{index + 1}",
            )
            store.set(key, validation)
            keys.append(key)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            context.build_data_docs(site_names=[_DOCS_SITE])
    except OSError:
        raise
    except Exception as exc:  # GX raises many unrelated types while rendering
        raise EngineError(
            f"Data Docs could not be built in {target}: {' '.join(str(exc).split())[:300]}"
        ) from exc
    finally:
        for key in keys:
            store.remove_key(key)
    return target / "index.html"
