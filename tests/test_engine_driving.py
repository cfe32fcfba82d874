"""The engine drives GX its own way (no fingerprint, no second batch fetch): same results."""

from __future__ import annotations

from pathlib import Path

import pytest

from kmu_dataguard import engine
from kmu_dataguard.engine.gx_internals import frame_batch
from kmu_dataguard.history.changes import split_history
from kmu_dataguard.sources.table import Table
from kmu_dataguard.suites import read_suite_file
from tests.support._gx_support import ephemeral_context, failing_keys, suite_from_file, validate
from tests.test_suites_builtin import CASES, SUITES


def test_engine_batch_skips_the_fingerprint_gx_would_compute() -> None:
    import pandas as pd

    batch = frame_batch(pd.DataFrame({"a": ["x", "y"]}))
    assert "pandas_data_fingerprint" not in batch.batch_markers
    assert batch.data.dataframe["a"].tolist() == ["x", "y"]


@pytest.mark.parametrize("path", SUITES, ids=lambda p: p.stem)
def test_engine_fails_the_same_keys_as_gx_documented_path(path: Path) -> None:
    make_frame, key, expected = CASES[path.stem]
    frame = make_frame()
    _, suite = suite_from_file(path)
    documented = failing_keys(validate(ephemeral_context(), frame, suite, key), key)

    # What the runner gives the engine: change detection is judged against the history.
    for_engine, _ = split_history(read_suite_file(path, builtin=True))
    outcomes = engine.validate_table(Table(frame=frame, origin="test"), for_engine, key=key)
    assert all(o.error is None for o in outcomes), [o.error for o in outcomes if o.error]
    ours = {
        o.id: {None if k is None else k for k in o.failing_keys} for o in outcomes if o.failing_keys
    }
    assert ours == documented == expected


def test_table_expectation_without_columns_still_sees_every_column(tmp_path: Path) -> None:
    import json

    import pandas as pd

    frame = pd.DataFrame(
        {"id": ["1", "2", "2"], "name": ["a", None, "c"], "extra": ["x", "y", "z"]}
    )
    suite = tmp_path / "wide.json"
    suite.write_text(
        json.dumps(
            {
                "name": "wide",
                "meta": {"entity": "customers"},
                "expectations": [
                    {
                        "type": "expect_table_columns_to_match_set",
                        "kwargs": {"column_set": ["id", "name", "extra"], "exact_match": True},
                        "severity": "critical",
                        "meta": {"id": "wide.columns"},
                    },
                    {
                        "type": "expect_column_values_to_not_be_null",
                        "kwargs": {"column": "name"},
                        "severity": "critical",
                        "meta": {"id": "wide.name"},
                    },
                ],
            }
        )
    )
    outcomes = {
        o.id: o
        for o in engine.validate_table(
            Table(frame=frame, origin="test"), read_suite_file(suite), key="id"
        )
    }
    assert outcomes["wide.columns"].success and outcomes["wide.columns"].error is None
    assert outcomes["wide.name"].failing_keys == ["2"]
