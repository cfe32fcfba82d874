"""The suggestion kinds: one row each, naming the function and the record fields it reads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kmu_dataguard.suggestions.contact import phone_form, trimmed
from kmu_dataguard.suggestions.countries import country_code
from kmu_dataguard.suggestions.currencies import currency_code
from kmu_dataguard.suggestions.identifiers import (
    bic_form,
    iban_form,
    iban_forms,
    vat_id_form,
    vat_id_forms,
)
from kmu_dataguard.suggestions.postal import padded_postal_code

__all__ = ["KINDS", "Kind"]


@dataclass(frozen=True)
class Kind:
    """``function(value, *context)`` returns the corrected text or None; ``context`` names the
    other fields of the record it reads (canonical column names), passed as text or None."""

    name: str
    function: Callable[..., str | None]
    context: tuple[str, ...] = ()
    #: The same as ``function`` for many values at once (kinds without context), if faster.
    batch: Callable[[Sequence[str]], list[str | None]] | None = None


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("country", country_code),
        Kind("currency", currency_code),
        Kind("iban", iban_form, batch=iban_forms),
        Kind("bic", bic_form),
        Kind("vat_id", vat_id_form, batch=vat_id_forms),
        Kind("phone", phone_form, ("country",)),
        Kind("whitespace", trimmed),
        Kind("postal_code", padded_postal_code, ("city", "country")),
    )
}
