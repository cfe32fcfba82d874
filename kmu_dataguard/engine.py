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

import logging
import math
import os
import warnings
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kmu_dataguard.errors import EngineError, SuiteError
from kmu_dataguard.results import ExpectationOutcome
from kmu_dataguard.suites import ExpectationSpec, SuiteSpec

if TYPE_CHECKING:
    from kmu_dataguard.sources.table import Table

__all__ = ["ROW_KEY", "build_data_docs", "validate_table"]

#: Key used when a check names no key column: the 1-based data row number.
ROW_KEY = "_row"
_META_ID = "dataguard_id"
_DOCS_SITE = "dataguard"


@cache
def _context() -> Any:
    """One ephemeral GX context per process, quiet and without stored results."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # GX logs and warns at INFO level into the root logger; stderr is for our messages.
    # (one of its modules even sets its own logger to INFO.)
    for name in ("great_expectations", "great_expectations.data_context.types.base"):
        logging.getLogger(name).setLevel(logging.ERROR)
    logging.getLogger("py.warnings").setLevel(logging.ERROR)

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
    table: Table,
    spec: SuiteSpec,
    *,
    key: str | None,
    max_keys: int | None = None,
    keep_validations: list[Any] | None = None,
) -> list[ExpectationOutcome]:
    """Validate ``table`` with the suite; one outcome per expectation, in suite order.

    ``keep_validations`` (opt-in, for :func:`build_data_docs`) receives GX's own result.
    """
    import pandas as pd

    suite = build_suite(spec)
    frame = table.frame
    present = set(table.columns)
    if key is None:
        keys = pd.Series(range(1, len(frame) + 1), index=frame.index).astype(str).to_numpy()
    else:
        keys = frame[key].to_numpy(dtype=object)

    # Missing columns are reported by us, clearly, rather than as GX exception dumps.
    missing = {
        e.id: [c for c in e.columns() if c not in present]
        for e in spec.expectations
        if any(c not in present for c in e.columns())
    }
    runnable = [e for e in suite.expectations if e.meta[_META_ID] not in missing]

    results: dict[str, Any] = {}
    if runnable:
        import great_expectations as gx

        gx_suite = gx.ExpectationSuite(name=spec.name, expectations=runnable)
        batch = _batch(frame.reset_index(drop=True))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # pandas/GX noise about regex groups etc.
                validation = batch.validate(gx_suite, result_format={"result_format": "COMPLETE"})
        except Exception as exc:
            raise EngineError(
                f"suite {spec.name!r} on {table.origin}: the validation engine failed: "
                f"{' '.join(str(exc).split())[:300]}"
            ) from exc
        results = {r.expectation_config.meta.get(_META_ID): r for r in validation.results}
        if keep_validations is not None:
            keep_validations.append(validation)

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
        elif exp.id not in results:
            # Fail closed: an expectation without a result was not checked.
            outcomes.append(_error_outcome(exp, "the engine returned no result for it"))
        else:
            outcomes.append(_outcome(exp, results[exp.id], keys, max_keys))
    return outcomes


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
    definition = asset.add_batch_definition_whole_dataframe(f"batch-{id(frame)}")
    try:
        return definition.get_batch(batch_parameters={"dataframe": frame})
    finally:
        asset.delete_batch_definition(definition.name)


def _outcome(
    exp: ExpectationSpec, result: Any, keys: Any, max_keys: int | None
) -> ExpectationOutcome:
    error = _exception_message(result.exception_info)
    if error is not None:
        return _error_outcome(exp, f"could not be evaluated: {error}")
    details = result.result or {}
    count = int(details.get("unexpected_count") or 0)
    percent = details.get("unexpected_percent")
    percent = 0.0 if percent is None or math.isnan(float(percent)) else float(percent)
    positions = list(details.get("unexpected_index_list") or [])
    values = list(details.get("unexpected_list") or [])
    failing_keys = _keys_at(keys, positions)
    truncated = max_keys is not None and len(failing_keys) > max_keys
    if truncated:
        failing_keys, values = failing_keys[:max_keys], values[:max_keys]
    success = bool(result.success)
    allowed = exp.meta.get("max_failures")
    if not success and isinstance(allowed, int) and count and count <= allowed:
        success = True  # an allowed failing count, as the suite declares
    return ExpectationOutcome(
        id=exp.id,
        type=exp.type,
        column=exp.column,
        severity=exp.severity,
        success=success,
        unexpected_count=count,
        unexpected_percent=percent,
        failing_keys=failing_keys,
        failing_keys_truncated=truncated,
        failing_values=[_text(v) for v in values[: len(failing_keys)]],
        kwargs=exp.kwargs,
        meta=exp.meta,
        observed_value=_plain(details.get("observed_value")),
    )


def _keys_at(keys: Any, positions: list[Any]) -> list[str | None]:
    """The business keys at GX's row positions, in one vectorised lookup."""
    import numpy as np

    if not positions:
        return []
    picked = keys[np.asarray(positions, dtype=np.intp)]
    return [None if k is None else str(k) for k in picked.tolist()]


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
