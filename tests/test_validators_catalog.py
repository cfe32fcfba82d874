"""The validator catalog: one entry per validator; GX classes, routing and labels derive from it."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import great_expectations as gx
import pandas as pd
import pytest
from great_expectations.expectations.registry import get_expectation_impl, get_metric_provider

from kmu_dataguard.validators import PYTHON_ONLY, register
from kmu_dataguard.validators import expectations as kx
from kmu_dataguard.validators.catalog import (
    CATALOG,
    Param,
    Validator,
    problem_label,
    python_only_types,
    row_local,
    validator,
)
from tests.support._gx_support import ephemeral_context, validate

register()


@pytest.mark.parametrize("entry", CATALOG, ids=lambda v: v.name)
def test_every_entry_is_labelled_and_registered_with_gx(entry: Validator) -> None:
    assert entry.label_de and entry.label_en and entry.label_de != entry.label_en
    assert problem_label(entry.name, "de") == entry.label_de
    assert problem_label(entry.name, "en") == entry.label_en
    cls = get_expectation_impl(entry.name)
    assert cls is kx.expectation_class(entry.name)
    assert cls.expectation_type == entry.name
    # The metric is registered with its pandas implementation under the declared name.
    suffix = ".condition" if entry.kind != "table" else ""
    assert get_metric_provider(entry.metric + suffix, kx.PandasExecutionEngine())
    assert callable(entry.judge_function())
    if entry.kind != "table":
        assert cls.__module__ == "kmu_dataguard.validators.expectations"
        assert getattr(kx, cls.__name__) is cls
        assert cls.__doc__ == entry.doc
        assert cls.map_metric == entry.metric
        for param in entry.params:
            assert cls.__fields__[param.name].default == param.default


def test_routing_sets_derive_from_the_catalog() -> None:
    assert python_only_types() == PYTHON_ONLY == {v.name for v in CATALOG}
    assert set(kx.COLUMN_EXPECTATIONS) == {
        kx.expectation_class(v.name) for v in CATALOG if v.kind == "column"
    }
    assert row_local("expect_column_values_to_be_valid_iban") is True
    assert row_local("expect_column_pair_values_to_be_iban_matching_bic") is True
    assert row_local("expect_table_rows_to_have_no_duplicate_partners") is False
    assert row_local("expect_column_values_to_be_unique") is False
    assert row_local("expect_column_values_to_not_be_null") is None  # GX's class decides


@pytest.mark.parametrize(
    ("type_", "de", "en"),
    [
        ("expect_column_values_to_not_be_null", "fehlt", "missing"),
        ("expect_compound_columns_to_be_unique", "mehrfach vergeben", "used more than once"),
        ("expect_column_values_to_match_regex", "falsches Format", "wrong format"),
        ("expect_column_value_lengths_to_be_between", "falsche Länge", "wrong length"),
        ("expect_column_values_to_be_in_set", "Wert nicht erlaubt", "value not allowed"),
        (
            "expect_column_values_to_be_between",
            "außerhalb des erlaubten Bereichs",
            "out of the allowed range",
        ),
        ("expect_column_values_to_be_valid_iban", "ungültig", "invalid"),
        (
            "expect_column_values_to_be_allowed_vat_rate",
            "Steuersatz nicht erlaubt",
            "VAT rate not allowed",
        ),
        (
            "expect_column_pair_values_to_be_allowed_vat_rate_for_country",
            "passt nicht zum Land",
            "does not match the country",
        ),
        (
            "expect_column_pair_values_to_be_iban_matching_bic",
            "passt nicht zur BIC",
            "does not match the BIC",
        ),
        (
            "expect_table_rows_to_have_no_duplicate_partners",
            "mögliche Dublette",
            "possible duplicate",
        ),
        ("expect_source_to_have_rows", "keine Datensätze", "no records"),
        ("expect_source_row_count_to_be_at_least", "zu wenige Datensätze", "too few records"),
        ("expect_source_file_to_be_fresh", "Export zu alt", "export too old"),
        ("expect_column_newest_value_to_be_recent", "Daten veraltet", "data out of date"),
        (
            "expect_column_values_to_reference_existing_records",
            "Verweis ins Leere",
            "broken reference",
        ),
        (
            "expect_column_pair_values_to_agree_across_sources",
            "passt nicht zum verknüpften Datensatz",
            "disagrees with the linked record",
        ),
        ("expect_column_to_exist", "Regel verletzt", "rule broken"),
    ],
)
def test_problem_labels(type_: str, de: str, en: str) -> None:
    assert (problem_label(type_, "de"), problem_label(type_, "en")) == (de, en)


# ----------------------------------------------------------------- a new validator is one entry


def _divisible(values: pd.Series, divisor: int = 2) -> pd.Series:
    return values.map(lambda x: int(x) % divisor == 0).astype(bool)


def _ascending(a: pd.Series, b: pd.Series) -> pd.Series:
    return (a.astype(int) < b.astype(int)).astype(bool)


TOYS = (
    Validator(
        name="expect_column_values_to_be_divisible_toy",
        kind="column",
        judge=_divisible,
        label_de="nicht teilbar",
        label_en="not divisible",
        metric="column_values.kmu_divisible_toy",
        sentence="$column values must be divisible by $divisor",
        doc="Expect values to be divisible by divisor (a test's toy).",
        params=(Param("divisor", 2),),
    ),
    Validator(
        name="expect_column_pair_values_to_be_ascending_toy",
        kind="pair",
        judge="tests.test_validators_catalog:_ascending",
        label_de="nicht aufsteigend",
        label_en="not ascending",
        metric="column_pair_values.kmu_ascending_toy",
        sentence="$column_A values must be less than $column_B",
        doc="Expect column_A to be less than column_B (a test's toy).",
    ),
)
TOY_CATALOG = (*CATALOG, *TOYS)


def test_a_new_validator_is_one_entry_that_gx_runs() -> None:
    column_toy, pair_toy = (kx.define(toy) for toy in TOYS)
    assert get_expectation_impl("expect_column_values_to_be_divisible_toy") is column_toy
    assert column_toy.__name__ == "ExpectColumnValuesToBeDivisibleToy"
    assert python_only_types(TOY_CATALOG) == PYTHON_ONLY | {t.name for t in TOYS}
    assert row_local(TOYS[0].name, TOY_CATALOG) is True
    assert problem_label(TOYS[1].name, "de", TOY_CATALOG) == "nicht aufsteigend"
    assert validator(TOYS[0].name) is None  # the shipped catalog is untouched

    context = ephemeral_context()
    frame = pd.DataFrame(
        {"id": ["K1", "K2", "K3", "K4"], "n": [2, 3, 9, None], "m": [5, 1, 10, 1]},
        dtype=object,
    )
    suite = gx.ExpectationSuite(name="toys")
    suite.add_expectation(column_toy(column="n", meta={"id": "even"}))
    suite.add_expectation(column_toy(column="n", divisor=3, meta={"id": "thirds"}))
    suite.add_expectation(pair_toy(column_A="n", column_B="m", meta={"id": "up"}))
    results = validate(context, frame, suite, "id")
    failed = {
        r.expectation_config.meta["id"]: [row["id"] for row in r.result["unexpected_index_list"]]
        for r in results.results
    }
    assert failed == {"even": ["K2", "K3"], "thirds": ["K1"], "up": ["K2"]}
    rendered = column_toy(column="n", divisor=3)
    rendered.render()
    assert (
        rendered.rendered_content[0].value.template
        == "$column values must be divisible by $divisor."
    )


def test_a_declaration_mistake_is_refused() -> None:
    toy = TOYS[0]
    with pytest.raises(ValueError, match="both labels"):
        replace(toy, label_en="")
    with pytest.raises(ValueError, match="gx_class"):
        replace(toy, kind="table", row_local=False)
    with pytest.raises(ValueError, match="row_local=False"):
        replace(CATALOG[-1], row_local=True)
    with pytest.raises(ValueError, match="pandas-only"):
        kx.define(replace(toy, sql_capable=True))
    with pytest.raises(ValueError, match="GX cannot name"):
        kx.define(replace(toy, name="expect_column_values_to_be__odd"))
    with pytest.raises(ValueError, match="declared twice"):
        validator("x", (toy, toy))


def test_the_catalog_loads_neither_pandas_nor_gx() -> None:
    code = (
        "import sys, kmu_dataguard.validators.catalog as c; c.problem_label('x', 'de');"
        "print([m for m in ('pandas', 'great_expectations') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
