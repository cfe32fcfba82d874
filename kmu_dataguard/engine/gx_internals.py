"""Every call into Great Expectations, in one module, so a GX upgrade touches one file.

The only module of the engine that imports ``great_expectations`` (always inside functions:
the import costs seconds, so it happens on the first validation), with ``gx_speedups``, which
it installs with the context. The other modules build and
run GX objects through the functions here and read GX's result objects; many of these
functions reach into GX internals (the validator, the batch it builds, the result store),
which is why ``pyproject.toml`` pins GX to the minor version tested.

Why GX is driven this way:
- :func:`run_suite` does what ``batch.validate`` does, on the batch we already hold:
  ``ValidationDefinition.run`` would store every result (deep copies and serialisation) for a
  Data Context we do not need, and ``Batch.validate`` fetches the batch from its asset again.
- A DataFrame batch is built without GX's fingerprint (:func:`frame_batch`).

Threads (``dataguard serve`` runs gates in worker threads): there is one GX context per
process, and a GX data source keeps *one* execution engine whose batch manager holds the batch
being validated, so two validations through the same data source mix up their batches ("Unable
to find batch"). Each thread therefore validates frames through its own pandas data source (a
SQL table gets a data source of its own anyway), and what changes the shared context (adding
or removing data sources, building a validator, Data Docs) happens under :data:`_CONTEXT_LOCK`.
Validation itself runs unlocked, so checks of different gates run side by side.
"""

from __future__ import annotations

import datetime
import itertools
import logging
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kmu_dataguard.errors import EngineError, one_line

if TYPE_CHECKING:
    from kmu_dataguard.sources.table import SqlTable
    from kmu_dataguard.suites import ExpectationSpec

__all__ = [
    "META_ID",
    "build_docs_site",
    "frame_batch",
    "gx_context",
    "is_map_expectation",
    "new_expectation",
    "new_suite",
    "run_suite",
    "sql_batch",
]

log = logging.getLogger("kmu_dataguard")

#: Key of a GX expectation's ``meta`` that carries our expectation id through GX's results.
META_ID = "dataguard_id"

#: Held while the shared GX context changes (data sources, validators, Data Docs sites).
_CONTEXT_LOCK = threading.RLock()


def gx_context() -> Any:
    """One ephemeral GX context per process, quiet and without stored results."""
    with _CONTEXT_LOCK:  # two threads asking first must not build two contexts
        return _new_context()


@cache
def _new_context() -> Any:
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
    from kmu_dataguard.engine.gx_speedups import install

    install()  # GX's per-key kwargs helpers, made to build the configuration once per call
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def _register_custom_expectations() -> None:
    """Custom expectations must be registered before any suite naming them is built."""
    from kmu_dataguard import validators

    register = getattr(validators, "register", None)
    if register is not None:
        register()


def new_expectation(exp: ExpectationSpec) -> Any:
    """GX's expectation object for ``exp``, its id in ``meta[META_ID]``.

    Raises whatever GX raises for a configuration it cannot load (several unrelated types).
    """
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    config = ExpectationConfiguration(
        type=exp.type,
        kwargs=exp.kwargs,
        meta={**exp.meta, META_ID: exp.id},
        severity=str(exp.severity),
    )
    return config.to_domain_obj()


def new_suite(name: str, expectations: list[Any]) -> Any:
    """A GX suite of GX expectation objects."""
    import great_expectations as gx

    return gx.ExpectationSuite(name=name, expectations=expectations)


def is_map_expectation(expectation_type: str) -> bool:
    """Whether GX evaluates this (registered) expectation type as a map expectation."""
    from great_expectations.expectations.expectation import (
        ColumnMapExpectation,
        ColumnPairMapExpectation,
        MulticolumnMapExpectation,
    )
    from great_expectations.expectations.registry import get_expectation_impl

    impl = get_expectation_impl(expectation_type)
    return issubclass(
        impl, ColumnMapExpectation | ColumnPairMapExpectation | MulticolumnMapExpectation
    )


def run_suite(
    batch: Any,
    name: str,
    expectations: list[Any],
    origin: str,
    fmt: dict[str, Any],
    keep: list[Any] | None,
) -> Any:
    """GX's results of ``expectations`` on ``batch``, in order; GX's failures are EngineErrors.

    An expectation that raised inside GX comes back as an unsuccessful result with
    ``exception_info``; the whole validation failing is an :class:`EngineError` naming the
    suite ``name`` and ``origin``. ``keep`` receives GX's validation result (for Data Docs).
    """
    gx_suite = new_suite(name, expectations)
    try:
        with _quiet():  # pandas/GX noise about regex groups etc.
            validation = _validate_batch(batch, gx_suite, fmt)
            if keep is not None:
                keep.append(validation)
            return validation.results
    except Exception as exc:
        raise EngineError(
            f"suite {name!r} on {origin}: the validation engine failed: {one_line(exc)}"
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

    with _CONTEXT_LOCK:
        validator = gx_context().get_validator(batch=batch)
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


class _Quiet:
    """``catch_warnings()`` + ``simplefilter("ignore")``, for validations that overlap.

    ``catch_warnings`` saves and restores the process-wide filter list: when two threads'
    blocks overlap, the first to leave removes the other's "ignore" (its warnings are shown,
    or raised where warnings are errors) and the last to leave leaves "ignore" on for good.
    Here the first to enter saves the filters and the last to leave restores them.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._inside = 0
        self._saved: list[Any] = []

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._inside == 0:
                self._saved = warnings.filters
                warnings.filters = self._saved[:]
                warnings.simplefilter("ignore")
            self._inside += 1
        try:
            yield
        finally:
            with self._lock:
                self._inside -= 1
                if self._inside == 0:
                    warnings.filters = self._saved
                    warnings._filters_mutated()  # type: ignore[attr-defined]  # as catch_warnings


_quiet = _Quiet()


def frame_batch(frame: Any) -> Any:
    """A GX batch of an in-memory DataFrame (without GX's fingerprint when it can)."""
    source, asset = _thread_frame_source()
    try:
        return _unhashed_batch(source, asset, frame)
    except (ImportError, AttributeError, TypeError) as exc:  # GX moved its internals
        log.debug("documented batch path (hashes the frame): %s", exc)
    with _CONTEXT_LOCK:
        definition = asset.add_batch_definition_whole_dataframe(f"batch-{id(frame)}")
        try:
            return definition.get_batch(batch_parameters={"dataframe": frame})
        finally:
            asset.delete_batch_definition(definition.name)


def _thread_frame_source() -> tuple[Any, Any]:
    """This thread's pandas data source and its frame asset (see the module's docstring).

    The main thread's is named ``dataguard`` (as in Data Docs); a worker thread's carries its
    id. Threads come from a bounded pool, so there are at most as many as the pool has.
    """
    thread = threading.current_thread()
    suffix = "" if thread is threading.main_thread() else f"-{threading.get_ident()}"
    name = f"dataguard{suffix}"
    with _CONTEXT_LOCK:
        context = gx_context()
        try:
            source = context.data_sources.get(name)
        except (KeyError, ValueError):
            source = context.data_sources.add_pandas(name)
        try:
            asset = source.get_asset("table")
        except (LookupError, ValueError):
            asset = source.add_dataframe_asset("table")
    return source, asset


def _unhashed_batch(source: Any, asset: Any, frame: Any) -> Any:
    """The batch ``DataFrameAsset.get_batch`` builds, without its fingerprint.

    GX hashes every cell of the frame for a batch marker nobody here reads (about 4 s per
    million rows, and GX itself skips it above 1 GB). Same objects, same order as GX 1.x.
    """
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


_SEQUENCE = itertools.count(1)


@contextmanager
def sql_batch(table: SqlTable) -> Iterator[Any]:
    """A GX batch of the whole table (or query) left in its database, for the ``with`` block.

    The GX data source made for it is removed afterwards.
    """
    context = gx_context()
    source_name = f"sql-{next(_SEQUENCE)}"
    with _CONTEXT_LOCK:
        datasource = context.data_sources.add_sql(
            source_name,
            connection_string=table.engine_url,
            create_temp_table=False,
            kwargs=table.engine_kwargs,
        )
    try:
        with _CONTEXT_LOCK:  # assets and batch definitions are saved into the context
            batch = _whole_table_batch(datasource, table)
        yield batch
    finally:
        with _CONTEXT_LOCK:
            context.data_sources.delete(source_name)


def _whole_table_batch(datasource: Any, table: SqlTable) -> Any:
    if table.table is not None:
        # A table asset: GX reads its columns from the catalogue. For a query asset it
        # executes the whole query to learn them, and a client-side cursor (psycopg2,
        # PyMySQL) first receives every row (+420 MiB for a million customers).
        # Spelt as the database spells it (resolved by the reader) and always quoted: GX
        # leaves an unquoted name as it is, and "Kunden 2024-Q1" would be a syntax error.
        from sqlalchemy.sql import quoted_name

        schema, table_name = table.table
        asset = datasource.add_table_asset(
            "check",
            table_name=quoted_name(table_name, quote=True),
            schema_name=None if schema is None else quoted_name(schema, quote=True),
        )
    else:
        asset = datasource.add_query_asset("check", query=table.query)
    return asset.add_batch_definition_whole_table("all").get_batch()


def build_docs_site(validations: list[Any], target: Path, site_name: str) -> None:
    """Build GX's Data Docs site ``site_name`` in ``target`` from GX validation results.

    The results go into the (in-memory) validation store of our ephemeral context only for
    the build and are removed afterwards, so a long-running process does not accumulate them.
    """
    with _CONTEXT_LOCK:  # the site and the result store are the shared context's
        _build_site(validations, target, site_name)


def _build_site(validations: list[Any], target: Path, site_name: str) -> None:
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    context = gx_context()
    site = {
        "class_name": "SiteBuilder",
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(target),
        },
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
    if site_name in context.list_data_docs_sites():
        context.update_data_docs_site(site_name, site)
    else:
        context.add_data_docs_site(site_name, site)
    store = context.validation_results_store
    run_id = RunIdentifier(run_name="dataguard", run_time=datetime.datetime.now(datetime.UTC))
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
        with _quiet():
            context.build_data_docs(site_names=[site_name])
    finally:
        for key in keys:
            store.remove_key(key)
