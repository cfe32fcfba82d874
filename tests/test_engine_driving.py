"""The engine drives GX its own way (no fingerprint, no second batch fetch): same results."""

from __future__ import annotations

from pathlib import Path

import pytest

from kmu_dataguard import engine
from kmu_dataguard.sources.table import Table
from kmu_dataguard.suites import read_suite_file
from tests._gx_support import ephemeral_context, failing_keys, suite_from_file, validate
from tests.test_suites_builtin import CASES, SUITES


def test_engine_batch_skips_the_fingerprint_gx_would_compute() -> None:
    import pandas as pd

    batch = engine._batch(pd.DataFrame({"a": ["x", "y"]}))
    assert "pandas_data_fingerprint" not in batch.batch_markers
    assert batch.data.dataframe["a"].tolist() == ["x", "y"]


@pytest.mark.parametrize("path", SUITES, ids=lambda p: p.stem)
def test_engine_fails_the_same_keys_as_gx_documented_path(path: Path) -> None:
    make_frame, key, expected = CASES[path.stem]
    frame = make_frame()
    _, suite = suite_from_file(path)
    documented = failing_keys(validate(ephemeral_context(), frame, suite, key), key)

    outcomes = engine.validate_table(
        Table(frame=frame, origin="test"), read_suite_file(path, builtin=True), key=key
    )
    assert all(o.error is None for o in outcomes), [o.error for o in outcomes if o.error]
    ours = {
        o.id: {None if k is None else k for k in o.failing_keys} for o in outcomes if o.failing_keys
    }
    assert ours == documented == expected
