"""Custom Great Expectations expectations for master data (IBAN, VAT ID, ...).

Importing this package does not import Great Expectations; :func:`register` does. The value
validators themselves live in :mod:`kmu_dataguard.validators.values` (pure pandas).
"""

from __future__ import annotations

import importlib

__all__ = ["PYTHON_ONLY", "register"]

# Expectation types whose metric exists only for pandas: the engine adapter must bring these
# columns into Python, while built-in expectations can run inside the database.
PYTHON_ONLY: frozenset[str] = frozenset(
    {
        "expect_column_values_to_be_valid_iban",
        "expect_column_values_to_be_valid_bic",
        "expect_column_values_to_be_valid_vat_id",
        "expect_column_values_to_be_valid_de_tax_number",
        "expect_column_values_to_be_valid_leitweg_id",
        "expect_column_values_to_be_valid_gtin",
        "expect_column_values_to_be_valid_gln",
        "expect_column_values_to_be_valid_country_code",
        "expect_column_values_to_be_valid_currency_code",
        "expect_column_values_to_be_valid_unit_code",
        "expect_column_values_to_be_valid_email",
        "expect_column_values_to_be_valid_phone_number",
        "expect_column_values_to_be_valid_decimal",
        "expect_column_values_to_be_allowed_vat_rate",
        "expect_column_pair_values_to_be_valid_postal_code_for_country",
        "expect_column_pair_values_to_be_vat_prefix_matching_country",
        "expect_column_pair_values_to_be_iban_matching_bic",
        "expect_column_pair_values_to_be_valid_phone_for_country",
        "expect_column_pair_values_to_be_allowed_vat_rate_for_country",
        "expect_table_rows_to_have_no_duplicate_partners",
    }
)


def register() -> None:
    """Define (and so register with GX) the custom expectations; calling again is a no-op."""
    importlib.import_module("kmu_dataguard.validators.expectations")
    importlib.import_module("kmu_dataguard.consistency.expectations")
