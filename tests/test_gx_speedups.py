"""The faster GX kwargs helpers (engine/gx_speedups.py) answer exactly as GX's own."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from kmu_dataguard import engine
from kmu_dataguard.engine.gx_internals import gx_context
from kmu_dataguard.engine.gx_speedups import ORIGINALS
from kmu_dataguard.history.changes import split_history
from kmu_dataguard.suites import read_suite_file
from tests.test_suites_builtin import SUITES

RUNTIME_CONFIGURATIONS = [
    None,
    {},
    {"result_format": "COMPLETE"},
    {"result_format": {"result_format": "COMPLETE", "return_unexpected_index_query": False}},
    {"result_format": "SUMMARY", "catch_exceptions": False, "include_config": False},
]


def _expectations(path: Path) -> list:
    for_engine, _ = split_history(read_suite_file(path, builtin=True))
    return list(engine.build_suite(for_engine).expectations)


def test_the_speedups_are_installed_with_the_context() -> None:
    gx_context()
    assert {"_get_domain_kwargs", "_get_success_kwargs", "_get_runtime_kwargs"} <= set(ORIGINALS)
    assert {"camel_to_snake", "convert_to_json_serializable"} <= set(ORIGINALS)


@pytest.mark.parametrize("path", SUITES, ids=lambda p: p.stem)
def test_kwargs_helpers_answer_as_gx_does(path: Path) -> None:
    expectations = _expectations(path)
    assert expectations
    for exp in expectations:
        assert exp._get_domain_kwargs() == ORIGINALS["_get_domain_kwargs"](exp)
        assert exp._get_success_kwargs() == ORIGINALS["_get_success_kwargs"](exp)
        for runtime in RUNTIME_CONFIGURATIONS:
            ours = exp._get_runtime_kwargs(runtime_configuration=runtime)
            theirs = ORIGINALS["_get_runtime_kwargs"](exp, runtime_configuration=runtime)
            assert ours == theirs, (exp.expectation_type, runtime)


def test_camel_to_snake_memoised_answers_as_before() -> None:
    from great_expectations.expectations import expectation as module

    gx_context()
    for name in ["ExpectColumnValuesToBeValidIban", "ExpectTableRowCountToBeBetween", "A", ""]:
        assert module.camel_to_snake(name) == ORIGINALS["camel_to_snake"](name)


@pytest.mark.parametrize(
    "value",
    [None, 1, 1.5, "x", [None, "a", {"k": None}], {"a": None, 1: (None, 2)}, float("nan")],
    ids=repr,
)
def test_json_conversion_answers_as_before(value: object) -> None:
    from great_expectations import util
    from great_expectations.core import id_dict

    gx_context()
    original = ORIGINALS["convert_to_json_serializable"]
    ours = util.convert_to_json_serializable(value)
    assert id_dict.convert_to_json_serializable is util.convert_to_json_serializable
    theirs = original(value)
    if isinstance(value, float) and math.isnan(value):
        assert ours is None and theirs is None
    else:
        assert ours == theirs
