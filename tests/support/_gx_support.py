"""Test helpers around an ephemeral Great Expectations context (no files, no progress bars)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import great_expectations as gx
import pandas as pd
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

from kmu_dataguard.validators import register
from kmu_dataguard.validators.catalog import HISTORY_TYPES

register()


def ephemeral_context() -> Any:
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def suite_from_file(path: Path) -> tuple[dict[str, Any], gx.ExpectationSuite]:
    """Read a suite JSON file the way the engine does and build the GX suite from it (without
    the expectations judged against the run history: the engine never sees them)."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    suite = gx.ExpectationSuite(name=doc["name"], meta=doc["meta"])
    for item in doc["expectations"]:
        if item["type"] in HISTORY_TYPES:
            continue
        configuration = ExpectationConfiguration(
            type=item["type"],
            kwargs=item["kwargs"],
            meta=item["meta"],
            severity=item["severity"],
        )
        suite.add_expectation(configuration.to_domain_obj())
    return doc, suite


def validate(context: Any, frame: pd.DataFrame, suite: gx.ExpectationSuite, key: str) -> Any:
    name = f"df_{len(list(context.data_sources.all()))}"
    source = context.data_sources.add_pandas(name)
    asset = source.add_dataframe_asset("asset")
    batch = asset.add_batch_definition_whole_dataframe("whole").get_batch(
        batch_parameters={"dataframe": frame}
    )
    return batch.validate(
        suite,
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [key]},
    )


def exception_messages(exception_info: dict | None) -> list[str]:
    """Messages of exceptions in a result's exception_info.

    GX reports them flat ({"raised_exception": ...}) or, when a metric failed to resolve,
    keyed by metric id ({"MetricConfigurationID(...)": {"raised_exception": ...}}).
    """
    info = exception_info or {}
    entries = [info] if "raised_exception" in info else list(info.values())
    return [str(e.get("exception_message")) for e in entries if e.get("raised_exception")]


def failing_keys(results: Any, key: str) -> dict[str, set]:
    """meta.id → set of key values of the rows that failed it (results come in any order)."""
    failures: dict[str, set] = {}
    for result in results.results:
        messages = exception_messages(result.exception_info)
        assert not messages, (result.expectation_config.meta, messages)
        ident = result.expectation_config.meta["id"]
        rows = result.result.get("unexpected_index_list") or []
        keys = {None if pd.isna(row[key]) else row[key] for row in rows}
        if keys:
            failures[ident] = keys
        else:
            assert result.success, ident
    return failures
