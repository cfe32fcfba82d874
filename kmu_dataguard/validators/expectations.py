"""Custom Great Expectations 1.x expectations for master data (the only module importing GX).

Importing this module defines, and thereby registers, one ``ColumnMapExpectation`` per
single-column validator and one ``ColumnPairMapExpectation`` per row-pair validator, each backed
by a metric with a pandas implementation that calls the pure validators of
:mod:`kmu_dataguard.validators.values`. They run on pandas only; the engine adapter fetches their
columns from SQL sources (see ``kmu_dataguard.validators.PYTHON_ONLY``).

Every expectation renders a one-sentence prescriptive description for Data Docs, both as an
atomic renderer (``_prescriptive_template``) and as the legacy prescriptive renderer.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import pandas as pd
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import (
    ColumnMapExpectation,
    ColumnPairMapExpectation,
)
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    ColumnPairMapMetricProvider,
    column_condition_partial,
    column_pair_condition_partial,
)
from great_expectations.render import LegacyRendererType, RenderedStringTemplateContent
from great_expectations.render.renderer.renderer import renderer
from great_expectations.render.renderer_configuration import (
    RendererConfiguration,
    RendererValueType,
)
from great_expectations.render.util import num_to_str

from kmu_dataguard.validators import values as v

__all__ = [
    "COLUMN_EXPECTATIONS",
    "PAIR_EXPECTATIONS",
    "ExpectColumnPairValuesToBeAllowedVatRateForCountry",
    "ExpectColumnPairValuesToBeIbanMatchingBic",
    "ExpectColumnPairValuesToBeValidPhoneForCountry",
    "ExpectColumnPairValuesToBeValidPostalCodeForCountry",
    "ExpectColumnPairValuesToBeVatPrefixMatchingCountry",
    "ExpectColumnValuesToBeAllowedVatRate",
    "ExpectColumnValuesToBeValidBic",
    "ExpectColumnValuesToBeValidCountryCode",
    "ExpectColumnValuesToBeValidCurrencyCode",
    "ExpectColumnValuesToBeValidDeTaxNumber",
    "ExpectColumnValuesToBeValidDecimal",
    "ExpectColumnValuesToBeValidEmail",
    "ExpectColumnValuesToBeValidGln",
    "ExpectColumnValuesToBeValidGtin",
    "ExpectColumnValuesToBeValidIban",
    "ExpectColumnValuesToBeValidLeitwegId",
    "ExpectColumnValuesToBeValidPhoneNumber",
    "ExpectColumnValuesToBeValidUnitCode",
    "ExpectColumnValuesToBeValidVatId",
]

_PAIR_DOMAIN_KEYS = (
    "batch_id",
    "table",
    "column_A",
    "column_B",
    "row_condition",
    "condition_parser",
    "ignore_row_if",
)


# --------------------------------------------------------------------------- rendering


def _kwargs_of(configuration: Any, result: Any) -> dict[str, Any]:
    # Renderers are dispatched with a configuration, a result, or neither (see GX docstring).
    if configuration is None and result is not None:
        configuration = getattr(result, "expectation_config", None)
    return dict(getattr(configuration, "kwargs", None) or {})


def _mostly_suffix(mostly: Any) -> str:
    if mostly is None or mostly == 1:
        return ""
    try:
        pct = num_to_str(float(mostly) * 100, no_scientific=True)
    except (TypeError, ValueError):
        return ""
    return f", at least {pct} % of the time"


class _Sentence:
    """Shared renderer: ``sentence`` is a template over the expectation's kwargs ($column...)."""

    sentence: ClassVar[str] = ""
    render_params: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def _sentence_for(cls, kwargs: dict[str, Any]) -> str:
        return cls.sentence

    @classmethod
    def _param_values(cls, kwargs: dict[str, Any]) -> dict[str, Any]:
        # Unset kwargs render with the expectation's default (e.g. default_region "DE").
        fields = getattr(cls, "__fields__", {})
        values: dict[str, Any] = {}
        for name in cls.render_params:
            if name in kwargs:
                values[name] = kwargs[name]
            elif name in fields:
                values[name] = fields[name].default
        return values

    @classmethod
    def _fill_template(cls, renderer_configuration: RendererConfiguration) -> RendererConfiguration:
        kwargs = dict(renderer_configuration.kwargs or {})
        for name, value in cls._param_values(kwargs).items():
            renderer_configuration.add_param(
                name=name, param_type=RendererValueType.STRING, value=value
            )
        renderer_configuration.add_param(name="mostly", param_type=RendererValueType.NUMBER)
        template = cls._sentence_for(kwargs)
        params = renderer_configuration.params
        if params.mostly and params.mostly.value < 1.0:
            renderer_configuration = ColumnMapExpectation._add_mostly_pct_param(
                renderer_configuration=renderer_configuration
            )
            template += ", at least $mostly_pct % of the time"
        renderer_configuration.template_str = template + "."
        return renderer_configuration

    @classmethod
    def _legacy_sentence(
        cls, configuration: Any, result: Any, runtime_configuration: dict | None
    ) -> list[RenderedStringTemplateContent]:
        kwargs = _kwargs_of(configuration, result)
        styling = (runtime_configuration or {}).get("styling") or {}
        template = cls._sentence_for(kwargs) + _mostly_suffix(kwargs.get("mostly")) + "."
        return [
            RenderedStringTemplateContent(
                content_block_type="string_template",
                string_template={
                    "template": template,
                    "params": cls._param_values(kwargs),
                    "styling": styling,
                },
            )
        ]


class _KmuColumnMapExpectation(_Sentence, ColumnMapExpectation):
    """Base of the single-column expectations; abstract (no map_metric), so not registered."""

    # Declared here, on the pydantic model, so subclasses' values stay class attributes.
    sentence: ClassVar[str] = ""
    render_params: ClassVar[tuple[str, ...]] = ("column",)

    @classmethod
    def _prescriptive_template(
        cls, renderer_configuration: RendererConfiguration
    ) -> RendererConfiguration:
        return cls._fill_template(renderer_configuration)

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(
        cls,
        configuration: Any = None,
        result: Any = None,
        runtime_configuration: dict | None = None,
    ) -> list[RenderedStringTemplateContent]:
        return cls._legacy_sentence(configuration, result, runtime_configuration)


class _KmuColumnPairMapExpectation(_Sentence, ColumnPairMapExpectation):
    """Base of the row-pair expectations; rows missing either value are skipped by default."""

    sentence: ClassVar[str] = ""
    ignore_row_if: Literal["both_values_are_missing", "either_value_is_missing", "neither"] = (
        "either_value_is_missing"
    )
    success_keys: ClassVar[tuple[str, ...]] = ("column_A", "column_B", "ignore_row_if", "mostly")
    args_keys: ClassVar[tuple[str, ...]] = ("column_A", "column_B")
    render_params: ClassVar[tuple[str, ...]] = ("column_A", "column_B")

    @classmethod
    def _prescriptive_template(
        cls, renderer_configuration: RendererConfiguration
    ) -> RendererConfiguration:
        return cls._fill_template(renderer_configuration)

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(
        cls,
        configuration: Any = None,
        result: Any = None,
        runtime_configuration: dict | None = None,
    ) -> list[RenderedStringTemplateContent]:
        return cls._legacy_sentence(configuration, result, runtime_configuration)


# --------------------------------------------------------------------------- metrics (pandas)


class ColumnValuesKmuValidIban(ColumnMapMetricProvider):
    condition_metric_name = "column_values.kmu_valid_iban"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
        return v.valid_iban(column)


class ColumnValuesKmuValidBic(ColumnMapMetricProvider):
    condition_metric_name = "column_values.kmu_valid_bic"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
        return v.valid_bic(column)


class ColumnValuesKmuValidVatId(ColumnMapMetricProvider):
    condition_metric_name = "column_values.kmu_valid_vat_id"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
        return v.valid_vat_id(column)


class ColumnValuesKmuValidDeTaxNumber(ColumnMapMetricProvider):
    condition_metric_name = "column_values.kmu_valid_de_tax_number"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
        return v.valid_de_tax_number(column)


class ColumnValuesKmuValidLeitwegId(ColumnMapMetricProvider):
    condition_metric_name = "column_values.kmu_valid_leitweg_id"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
        return v.valid_leitweg_id(column)


class ColumnValuesKmuValidGtin(ColumnMapMetricProvider):
    condition_metric_name = "column_values.kmu_valid_gtin"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
        return v.valid_gtin(column)


class ColumnValuesKmuValidGln(ColumnMapMetricProvider):
    condition_metric_name = "column_values.kmu_valid_gln"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
        return v.valid_gln(column)


class ColumnValuesKmuValidCountryCode(ColumnMapMetricProvider):
    condition_metric_name = "column_values.kmu_valid_country_code"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
        return v.valid_country_code(column)


class ColumnValuesKmuValidCurrencyCode(ColumnMapMetricProvider):
    condition_metric_name = "column_values.kmu_valid_currency_code"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
        return v.valid_currency_code(column)


class ColumnValuesKmuValidUnitCode(ColumnMapMetricProvider):
    condition_metric_name = "column_values.kmu_valid_unit_code"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
        return v.valid_unit_code(column)


class ColumnValuesKmuValidEmail(ColumnMapMetricProvider):
    condition_metric_name = "column_values.kmu_valid_email"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
        return v.valid_email(column)


class ColumnValuesKmuValidPhoneNumber(ColumnMapMetricProvider):
    condition_metric_name = "column_values.kmu_valid_phone_number"
    condition_value_keys = ("default_region",)

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, default_region: str = "DE", **kwargs: Any) -> pd.Series:
        return v.valid_phone_number(column, default_region=default_region)


class ColumnValuesKmuValidDecimal(ColumnMapMetricProvider):
    condition_metric_name = "column_values.kmu_valid_decimal"
    condition_value_keys = ("decimal_separator", "thousands_separator", "min_value", "max_value")

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(
        cls,
        column: pd.Series,
        decimal_separator: str = ",",
        thousands_separator: str = ".",
        min_value: float | None = None,
        max_value: float | None = None,
        **kwargs: Any,
    ) -> pd.Series:
        return v.valid_decimal(
            column,
            decimal_separator=decimal_separator,
            thousands_separator=thousands_separator,
            min_value=min_value,
            max_value=max_value,
        )


class ColumnValuesKmuAllowedVatRate(ColumnMapMetricProvider):
    condition_metric_name = "column_values.kmu_allowed_vat_rate"
    condition_value_keys = ("country",)

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, country: str = "DE", **kwargs: Any) -> pd.Series:
        return v.valid_vat_rate(column, country=country)


class ColumnPairValuesKmuPostalCodeForCountry(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.kmu_postal_code_for_country"
    condition_domain_keys = _PAIR_DOMAIN_KEYS
    condition_value_keys = ()

    @column_pair_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_A: pd.Series, column_B: pd.Series, **kwargs: Any) -> pd.Series:
        return v.valid_postal_code_for_country(column_A, column_B)


class ColumnPairValuesKmuVatPrefixMatchingCountry(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.kmu_vat_prefix_matching_country"
    condition_domain_keys = _PAIR_DOMAIN_KEYS
    condition_value_keys = ()

    @column_pair_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_A: pd.Series, column_B: pd.Series, **kwargs: Any) -> pd.Series:
        return v.vat_prefix_matches_country(column_A, column_B)


class ColumnPairValuesKmuIbanMatchingBic(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.kmu_iban_matching_bic"
    condition_domain_keys = _PAIR_DOMAIN_KEYS
    condition_value_keys = ()

    @column_pair_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_A: pd.Series, column_B: pd.Series, **kwargs: Any) -> pd.Series:
        return v.iban_bic_agree(column_A, column_B)


class ColumnPairValuesKmuPhoneForCountry(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.kmu_phone_for_country"
    condition_domain_keys = _PAIR_DOMAIN_KEYS
    condition_value_keys = ()

    @column_pair_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_A: pd.Series, column_B: pd.Series, **kwargs: Any) -> pd.Series:
        return v.valid_phone_for_country(column_A, column_B)


class ColumnPairValuesKmuVatRateForCountry(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.kmu_vat_rate_for_country"
    condition_domain_keys = _PAIR_DOMAIN_KEYS
    condition_value_keys = ()

    @column_pair_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_A: pd.Series, column_B: pd.Series, **kwargs: Any) -> pd.Series:
        return v.allowed_vat_rate_for_country(column_A, column_B)


# --------------------------------------------------------------------------- expectations


class ExpectColumnValuesToBeValidIban(_KmuColumnMapExpectation):
    """Expect values to be IBANs with the right length and mod-97 check digits."""

    map_metric = "column_values.kmu_valid_iban"
    sentence = "$column values must be valid IBANs (length and check digits)"


class ExpectColumnValuesToBeValidBic(_KmuColumnMapExpectation):
    """Expect values to be BIC / SWIFT codes of 8 or 11 characters with a known country."""

    map_metric = "column_values.kmu_valid_bic"
    sentence = "$column values must be valid BIC codes"


class ExpectColumnValuesToBeValidVatId(_KmuColumnMapExpectation):
    """Expect values to be VAT IDs with country prefix and correct check digits."""

    map_metric = "column_values.kmu_valid_vat_id"
    sentence = "$column values must be VAT IDs with country prefix and valid check digits"


class ExpectColumnValuesToBeValidDeTaxNumber(_KmuColumnMapExpectation):
    """Expect values to be German tax numbers (Steuernummer), regional or federal form."""

    map_metric = "column_values.kmu_valid_de_tax_number"
    sentence = "$column values must be valid German tax numbers (Steuernummer)"


class ExpectColumnValuesToBeValidLeitwegId(_KmuColumnMapExpectation):
    """Expect values to be Leitweg-IDs with correct check digits (XRechnung buyer reference)."""

    map_metric = "column_values.kmu_valid_leitweg_id"
    sentence = "$column values must be valid Leitweg-IDs"


class ExpectColumnValuesToBeValidGtin(_KmuColumnMapExpectation):
    """Expect values to be GTIN-8, -12, -13 or -14 with a correct GS1 check digit."""

    map_metric = "column_values.kmu_valid_gtin"
    sentence = "$column values must be valid GTINs (8, 12, 13 or 14 digits with check digit)"


class ExpectColumnValuesToBeValidGln(_KmuColumnMapExpectation):
    """Expect values to be GLNs: 13 digits with a GS1 check digit."""

    map_metric = "column_values.kmu_valid_gln"
    sentence = "$column values must be valid GLNs (13 digits with check digit)"


class ExpectColumnValuesToBeValidCountryCode(_KmuColumnMapExpectation):
    """Expect values to be ISO 3166-1 alpha-2 country codes in upper case."""

    map_metric = "column_values.kmu_valid_country_code"
    sentence = "$column values must be ISO 3166-1 alpha-2 country codes"


class ExpectColumnValuesToBeValidCurrencyCode(_KmuColumnMapExpectation):
    """Expect values to be ISO 4217 currency codes in upper case."""

    map_metric = "column_values.kmu_valid_currency_code"
    sentence = "$column values must be ISO 4217 currency codes"


class ExpectColumnValuesToBeValidUnitCode(_KmuColumnMapExpectation):
    """Expect values to be UN/ECE Recommendation 20 unit codes."""

    map_metric = "column_values.kmu_valid_unit_code"
    sentence = "$column values must be UN/ECE Recommendation 20 unit codes"


class ExpectColumnValuesToBeValidEmail(_KmuColumnMapExpectation):
    """Expect values to be syntactically valid e-mail addresses (no DNS lookup)."""

    map_metric = "column_values.kmu_valid_email"
    sentence = "$column values must be syntactically valid e-mail addresses"


class ExpectColumnValuesToBeValidPhoneNumber(_KmuColumnMapExpectation):
    """Expect values to be valid phone numbers; national numbers are read for default_region."""

    default_region: str = "DE"
    map_metric = "column_values.kmu_valid_phone_number"
    success_keys = ("mostly", "default_region")
    render_params = ("column", "default_region")
    sentence = (
        "$column values must be valid phone numbers (national numbers read as $default_region)"
    )


class ExpectColumnValuesToBeValidDecimal(_KmuColumnMapExpectation):
    """Expect text values to be numbers in the given notation (German decimal comma by default)."""

    decimal_separator: str = ","
    thousands_separator: str = "."
    min_value: float | None = None
    max_value: float | None = None
    map_metric = "column_values.kmu_valid_decimal"
    success_keys = ("mostly", "decimal_separator", "thousands_separator", "min_value", "max_value")
    render_params = ("column", "decimal_separator", "min_value", "max_value")
    sentence = "$column values must be numbers written with decimal separator '$decimal_separator'"

    @classmethod
    def _sentence_for(cls, kwargs: dict[str, Any]) -> str:
        bounds = [
            text
            for key, text in (
                ("min_value", "at least $min_value"),
                ("max_value", "at most $max_value"),
            )
            if kwargs.get(key) is not None
        ]
        return cls.sentence + (", " + " and ".join(bounds) if bounds else "")


class ExpectColumnValuesToBeAllowedVatRate(_KmuColumnMapExpectation):
    """Expect values to be VAT rates in percent that the given country applies."""

    country: str = "DE"
    map_metric = "column_values.kmu_allowed_vat_rate"
    success_keys = ("mostly", "country")
    render_params = ("column", "country")
    sentence = "$column values must be VAT rates in percent that $country applies"


class ExpectColumnPairValuesToBeValidPostalCodeForCountry(_KmuColumnPairMapExpectation):
    """Expect the postal code in column_A to have the format of the country in column_B."""

    map_metric = "column_pair_values.kmu_postal_code_for_country"
    sentence = "$column_A values must be postal codes in the format of the country in $column_B"


class ExpectColumnPairValuesToBeVatPrefixMatchingCountry(_KmuColumnPairMapExpectation):
    """Expect the VAT ID in column_A to carry the prefix of the country in column_B (BR-CO-9)."""

    map_metric = "column_pair_values.kmu_vat_prefix_matching_country"
    sentence = "$column_A values must start with the country prefix of $column_B (EL for Greece)"


class ExpectColumnPairValuesToBeIbanMatchingBic(_KmuColumnPairMapExpectation):
    """Expect the IBAN in column_A and the BIC in column_B to belong to the same country."""

    map_metric = "column_pair_values.kmu_iban_matching_bic"
    sentence = "$column_A (IBAN) and $column_B (BIC) must belong to the same country"


class ExpectColumnPairValuesToBeValidPhoneForCountry(_KmuColumnPairMapExpectation):
    """Expect the phone number in column_A to be valid for the country in column_B."""

    map_metric = "column_pair_values.kmu_phone_for_country"
    sentence = "$column_A values must be valid phone numbers for the country in $column_B"


class ExpectColumnPairValuesToBeAllowedVatRateForCountry(_KmuColumnPairMapExpectation):
    """Expect the VAT rate in column_A to be one the country in column_B applies."""

    map_metric = "column_pair_values.kmu_vat_rate_for_country"
    sentence = "$column_A values must be VAT rates that the country in $column_B applies"


COLUMN_EXPECTATIONS: tuple[type[ColumnMapExpectation], ...] = (
    ExpectColumnValuesToBeValidIban,
    ExpectColumnValuesToBeValidBic,
    ExpectColumnValuesToBeValidVatId,
    ExpectColumnValuesToBeValidDeTaxNumber,
    ExpectColumnValuesToBeValidLeitwegId,
    ExpectColumnValuesToBeValidGtin,
    ExpectColumnValuesToBeValidGln,
    ExpectColumnValuesToBeValidCountryCode,
    ExpectColumnValuesToBeValidCurrencyCode,
    ExpectColumnValuesToBeValidUnitCode,
    ExpectColumnValuesToBeValidEmail,
    ExpectColumnValuesToBeValidPhoneNumber,
    ExpectColumnValuesToBeValidDecimal,
    ExpectColumnValuesToBeAllowedVatRate,
)
PAIR_EXPECTATIONS: tuple[type[ColumnPairMapExpectation], ...] = (
    ExpectColumnPairValuesToBeValidPostalCodeForCountry,
    ExpectColumnPairValuesToBeVatPrefixMatchingCountry,
    ExpectColumnPairValuesToBeIbanMatchingBic,
    ExpectColumnPairValuesToBeValidPhoneForCountry,
    ExpectColumnPairValuesToBeAllowedVatRateForCountry,
)
