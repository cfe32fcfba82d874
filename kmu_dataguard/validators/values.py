"""All value validators in one namespace (pure pandas, no Great Expectations).

Each ``valid_<thing>(values, ...)`` returns a boolean Series on the input's index; missing
values (None, NaN, empty text) are ``True``. Pair validators take two aligned Series. Each
distinct value is judged once, so the cost grows with distinct values, not with rows.
"""

from __future__ import annotations

from kmu_dataguard.validators.codes import (
    valid_country_code,
    valid_currency_code,
    valid_unit_code,
)
from kmu_dataguard.validators.contact import (
    normalise_phone,
    valid_email,
    valid_phone_for_country,
    valid_phone_number,
)
from kmu_dataguard.validators.identifiers import (
    iban_bic_agree,
    valid_bic,
    valid_de_tax_number,
    valid_gln,
    valid_gtin,
    valid_iban,
    valid_leitweg_id,
    valid_vat_id,
    vat_prefix_matches_country,
)
from kmu_dataguard.validators.numbers import (
    allowed_vat_rate_for_country,
    parse_decimal,
    parse_rate,
    valid_decimal,
    valid_vat_rate,
)
from kmu_dataguard.validators.postal import valid_postal_code_for_country
from kmu_dataguard.validators.postal_city import postal_code_matches_city

__all__ = [
    "allowed_vat_rate_for_country",
    "iban_bic_agree",
    "normalise_phone",
    "parse_decimal",
    "parse_rate",
    "postal_code_matches_city",
    "valid_bic",
    "valid_country_code",
    "valid_currency_code",
    "valid_de_tax_number",
    "valid_decimal",
    "valid_email",
    "valid_gln",
    "valid_gtin",
    "valid_iban",
    "valid_leitweg_id",
    "valid_phone_for_country",
    "valid_phone_number",
    "valid_postal_code_for_country",
    "valid_unit_code",
    "valid_vat_id",
    "valid_vat_rate",
    "vat_prefix_matches_country",
]
