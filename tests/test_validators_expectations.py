"""The custom GX expectations: registration, JSON round trip, results, errors, rendering."""

from __future__ import annotations

import great_expectations as gx
import pandas as pd
import pytest
from great_expectations.expectations.expectation_configuration import ExpectationConfiguration
from great_expectations.expectations.registry import get_expectation_impl, get_renderer_impl
from great_expectations.render.renderer import ExpectationSuitePageRenderer
from great_expectations.render.view import DefaultJinjaPageView

from kmu_dataguard.validators import PYTHON_ONLY, register
from kmu_dataguard.validators import expectations as kx
from tests.support._gx_support import ephemeral_context, exception_messages, validate

ALL = kx.COLUMN_EXPECTATIONS + kx.PAIR_EXPECTATIONS

# One configuration per custom type, with every optional kwarg set where there is one.
SAMPLE_KWARGS = {
    "expect_column_values_to_be_valid_phone_number": {"column": "phone", "default_region": "AT"},
    "expect_column_values_to_be_valid_decimal": {
        "column": "net_price",
        "decimal_separator": ",",
        "thousands_separator": ".",
        "min_value": 0,
        "max_value": 1000,
        "mostly": 0.9,
    },
    "expect_column_values_to_be_allowed_vat_rate": {"column": "vat_rate", "country": "AT"},
    "expect_table_rows_to_have_no_duplicate_partners": {
        "key_column": "contact_id",
        "name_columns": ["first_name", "last_name"],
        "company_column": "company",
        "identifier_columns": ["email"],
        "threshold": 0.9,
    },
}


def sample_kwargs(type_: str) -> dict:
    if type_ in SAMPLE_KWARGS:
        return SAMPLE_KWARGS[type_]
    if type_.startswith("expect_column_pair_values"):
        return {"column_A": "a", "column_B": "b", "ignore_row_if": "neither"}
    return {"column": "c", "mostly": 0.95}


def test_register_is_idempotent_and_python_only_names_every_custom_type() -> None:
    register()
    register()
    consistency = {"expect_table_rows_to_have_no_duplicate_partners"}
    assert {cls.expectation_type for cls in ALL} | consistency == PYTHON_ONLY
    assert len(PYTHON_ONLY) == 21
    for type_ in PYTHON_ONLY - consistency:
        assert get_expectation_impl(type_).__module__ == "kmu_dataguard.validators.expectations"
    for type_ in consistency:
        assert get_expectation_impl(type_).__module__ == "kmu_dataguard.consistency.expectations"


@pytest.mark.parametrize("type_", sorted(PYTHON_ONLY))
def test_configuration_round_trips_through_suite_json(type_: str) -> None:
    ephemeral_context()
    original = ExpectationConfiguration(
        type=type_,
        kwargs=sample_kwargs(type_),
        meta={"id": "x.y", "protects": {"de": "d", "en": "e"}},
        severity="warning",
    )
    expectation = original.to_domain_obj()
    suite = gx.ExpectationSuite(name="round_trip")
    suite.add_expectation(expectation)
    item = suite.to_json_dict()["expectations"][0]
    assert item["type"] == type_
    assert item["severity"] == "warning"
    assert item["meta"] == {"id": "x.y", "protects": {"de": "d", "en": "e"}}
    for key, value in sample_kwargs(type_).items():
        # GX leaves kwargs equal to the field default out of the JSON; loading restores them.
        assert item["kwargs"].get(key, getattr(expectation, key)) == value
    again = ExpectationConfiguration(
        type=item["type"], kwargs=item["kwargs"], meta=item["meta"], severity=item["severity"]
    ).to_domain_obj()
    assert type(again) is type(expectation)
    assert again.configuration.kwargs == expectation.configuration.kwargs
    for key, value in sample_kwargs(type_).items():
        assert getattr(again, key) == value


def test_pair_expectation_reports_keys_and_skips_rows_missing_a_value() -> None:
    context = ephemeral_context()
    frame = pd.DataFrame(
        {
            "customer_id": ["K1", "K2", "K3", "K4", "K5"],
            "postal_code": ["01067", "1067", None, "1010", "8001"],
            "country": ["DE", "DE", "DE", "AT", None],
        },
        dtype=object,
    )
    suite = gx.ExpectationSuite(name="pair")
    suite.add_expectation(
        kx.ExpectColumnPairValuesToBeValidPostalCodeForCountry(
            column_A="postal_code", column_B="country", meta={"id": "p"}
        )
    )
    result = validate(context, frame, suite, "customer_id").results[0]
    assert result.success is False
    assert result.result["element_count"] == 5
    assert result.result["unexpected_count"] == 1
    assert result.result["unexpected_index_list"] == [
        {"customer_id": "K2", "postal_code": "1067", "country": "DE"}
    ]
    assert result.result["unexpected_list"] == [("1067", "DE")]


def test_mostly_and_default_region_are_honoured() -> None:
    context = ephemeral_context()
    frame = pd.DataFrame(
        {"customer_id": ["K1", "K2", "K3", "K4"], "phone": ["01 5123456", "12", None, "0732 1"]},
        dtype=object,
    )
    suite = gx.ExpectationSuite(name="phones")
    suite.add_expectation(
        kx.ExpectColumnValuesToBeValidPhoneNumber(
            column="phone", default_region="AT", mostly=0.3, meta={"id": "ph"}
        )
    )
    result = validate(context, frame, suite, "customer_id").results[0]
    keys = [row["customer_id"] for row in result.result["unexpected_index_list"]]
    assert keys == ["K2", "K4"]
    assert result.success is True  # 1 of 3 non-null values valid ≥ 30 %


def test_an_expectation_that_raises_is_reported_as_exception_not_as_data_failure() -> None:
    context = ephemeral_context()
    frame = pd.DataFrame({"article_id": ["A1"], "net_price": ["12,50"]}, dtype=object)
    suite = gx.ExpectationSuite(name="broken")
    suite.add_expectation(
        kx.ExpectColumnValuesToBeValidDecimal(
            column="net_price", decimal_separator=",", thousands_separator=",", meta={"id": "b"}
        )
    )
    result = validate(context, frame, suite, "article_id").results[0]
    assert result.success is False
    messages = exception_messages(result.exception_info)
    assert len(messages) == 1 and "must differ" in messages[0]


def test_hostile_cells_fail_without_exceptions_inside_gx() -> None:
    context = ephemeral_context()
    hostile = ["\x00\xff" * 50, "🙂" * 3000, "DE89 " * 2000, "ok@example.com"]
    frame = pd.DataFrame(
        {"customer_id": ["K1", "K2", "K3", "K4"], "iban": hostile, "email": hostile},
        dtype=object,
    )
    suite = gx.ExpectationSuite(name="hostile")
    suite.add_expectation(kx.ExpectColumnValuesToBeValidIban(column="iban", meta={"id": "i"}))
    suite.add_expectation(kx.ExpectColumnValuesToBeValidEmail(column="email", meta={"id": "e"}))
    results = validate(context, frame, suite, "customer_id")
    by_id = {r.expectation_config.meta["id"]: r for r in results.results}
    assert not exception_messages(by_id["i"].exception_info)
    assert not exception_messages(by_id["e"].exception_info)
    assert by_id["i"].result["unexpected_count"] == 4
    assert by_id["e"].result["unexpected_count"] == 3


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_prescriptive_renderers_write_a_sentence(cls) -> None:
    type_ = cls.expectation_type
    configuration = ExpectationConfiguration(type=type_, kwargs=sample_kwargs(type_))
    expectation = configuration.to_domain_obj()
    expectation.render()
    atomic = expectation.rendered_content[0]
    assert atomic.name == "atomic.prescriptive.summary"
    template = atomic.value.template
    assert template.endswith(".") and "must" in template and "$" in template
    assert "expectation_type" not in template  # not GX's fallback "type(**kwargs)"

    legacy = get_renderer_impl(type_, "renderer.prescriptive")[1]
    content = legacy(configuration=configuration)[0].to_json_dict()["string_template"]
    assert "must" in content["template"]
    column = "column" if "column" in configuration.kwargs else "column_A"
    assert content["params"][column] == configuration.kwargs[column]
    # Renderers are also dispatched without configuration and result.
    assert legacy(configuration=None, result=None)[0].to_json_dict()["string_template"]


def test_data_docs_page_shows_the_sentences() -> None:
    ephemeral_context()
    suite = gx.ExpectationSuite(name="docs")
    suite.add_expectation(kx.ExpectColumnValuesToBeValidIban(column="iban", mostly=0.99))
    suite.add_expectation(
        kx.ExpectColumnPairValuesToBeIbanMatchingBic(column_A="iban", column_B="bic")
    )
    html = DefaultJinjaPageView().render(ExpectationSuitePageRenderer().render(suite))
    assert (
        "values must be valid IBANs (length and check digits), at least 99 % of the time." in html
    )
    assert "must belong to the same country." in html
