"""Masking personal data in every output that leaves the process (``--no-mask`` turns it off).

What is personal is decided by the column name and the expectation type, never by guessing at
values: e-mail addresses, phone numbers, IBANs, tax numbers / VAT IDs and person names. A masked
value keeps enough to find the record and to see the kind of error (``DE89 **** **** **** 3000``,
``m***@example.de``). Business keys (customer numbers) are not personal and stay visible. The
failing-records export is the one output that is never masked: the steward needs the values.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any, Literal, cast

from kmu_dataguard.results import ExpectationOutcome, GateResult, SuggestedFix

__all__ = [
    "PiiKind",
    "mask_record_name",
    "mask_result",
    "mask_value",
    "mask_values",
    "pii_kind",
]

PiiKind = Literal["email", "phone", "iban", "tax", "name"]

# Column-name fragments (lower case, '_' and '-' and ' ' ignored) per kind of personal data.
_COLUMN_HINTS: list[tuple[PiiKind, tuple[str, ...]]] = [
    ("email", ("email", "mail")),
    ("iban", ("iban", "bankaccount", "kontonummer", "accountnumber")),
    ("tax", ("vatid", "ustid", "ustidnr", "taxnumber", "taxid", "steuernummer", "steuerid")),
    ("phone", ("phone", "telefon", "mobile", "mobil", "handy", "fax", "tel")),
    (
        "name",
        (
            "firstname",
            "lastname",
            "fullname",
            "surname",
            "givenname",
            "vorname",
            "nachname",
            "contactperson",
            "ansprechpartner",
            "person",
        ),
    ),
]
# Expectation types that say what a column holds, whatever it is called.
_TYPE_HINTS: list[tuple[PiiKind, tuple[str, ...]]] = [
    ("email", ("_email",)),
    ("iban", ("_iban",)),
    ("tax", ("_vat_id", "_tax_number", "vat_prefix")),
    ("phone", ("_phone",)),
]
_SEP = re.compile(r"[\s_\-.]+")


def pii_kind(column: str | None, expectation_type: str = "") -> PiiKind | None:
    """The kind of personal data in ``column`` (one column name) checked by that type, or None."""
    if column:
        name = _SEP.sub("", column.lower())
        for kind, hints in _COLUMN_HINTS:
            if any(h in name for h in hints):
                return kind
    for kind, hints in _TYPE_HINTS:
        if any(h in expectation_type for h in hints):
            return kind
    return None


def column_kinds(column: str | None, expectation_type: str) -> list[PiiKind | None]:
    """One kind per column of an expectation (column pairs are ``"vat_id,country"``)."""
    names = (column or "").split(",") if column else [None]
    kinds = [pii_kind(n.strip() if n else None) for n in names]
    if len(kinds) >= 1 and kinds[0] is None and column:
        # The first column of a typed expectation holds what the type names (e.g. an IBAN
        # column called "Bankverbindung" checked with expect_column_values_to_be_valid_iban).
        kinds[0] = pii_kind(None, expectation_type)
    return kinds


def mask_value(value: Any, kind: PiiKind | None) -> Any:
    """``value`` with its personal part hidden; other values unchanged."""
    if kind is None or value is None:
        return value
    text = str(value)
    if not text.strip():
        return text
    return _MASKERS[kind](text)


def mask_values(outcome: ExpectationOutcome) -> list[Any]:
    """The outcome's ``failing_values`` masked per column (pair values are ``"a | b"``)."""
    kinds = column_kinds(outcome.column, outcome.type)
    if not any(kinds):
        return list(outcome.failing_values)
    if len(kinds) == 1:
        return [mask_value(v, kinds[0]) for v in outcome.failing_values]
    masked = []
    for value in outcome.failing_values:
        if value is None:
            masked.append(None)
            continue
        parts = str(value).split(" | ")
        if len(parts) != len(kinds):
            # Not the shape we expect: hide it all rather than leak part of it.
            masked.append(_mask_generic(str(value)))
            continue
        masked.append(" | ".join(str(mask_value(p, k)) for p, k in zip(parts, kinds, strict=True)))
    return masked


def mask_result(result: GateResult) -> GateResult:
    """A copy of ``result`` with personal values masked (failing values, observed values).

    Only what masking changes is new (the outcomes' values, the record names); keys, groups and
    the rest are shared with ``result``, not copied: a million failing keys are not held twice.
    Read the copy, do not change it.
    """
    from kmu_dataguard.validators.catalog import HISTORY_TYPES

    checks = []
    for check in result.checks:
        outcomes = []
        for outcome in check.expectations:
            if outcome.type in HISTORY_TYPES:
                # "old → new" was masked when judged: the history holds no raw value
                outcomes.append(replace(outcome))
                continue
            kinds = column_kinds(outcome.column, outcome.type)
            observed = outcome.observed_value
            if isinstance(observed, str) and any(kinds):
                observed = _mask_generic(observed)
            outcomes.append(
                replace(
                    outcome,
                    failing_values=mask_values(outcome),
                    observed_value=observed,
                    suggestions=_masked_suggestions(outcome.suggestions, kinds),
                )
            )
        context = check.context
        if context is not None and context.personal:
            # Masked when read: a page shows a thousand of 100 000 names.
            context = replace(context, values=cast(Any, _MaskedNames(context.values)))
        checks.append(replace(check, expectations=outcomes, context=context))
    return replace(result, checks=checks)


def _masked_suggestions(
    suggestions: list[SuggestedFix], kinds: list[PiiKind | None]
) -> list[SuggestedFix]:
    """Value and suggestion masked like the column they belong to (an IBAN's compact form
    repeats the IBAN); the reason is a fixed text."""
    kind = kinds[0] if kinds else None
    if kind is None and any(kinds):
        kind = next(k for k in kinds if k)  # a pair whose other column is personal: err safe
    if kind is None or not suggestions:
        return suggestions
    return [
        replace(s, value=mask_value(s.value, kind), suggestion=mask_value(s.suggestion, kind))
        for s in suggestions
    ]


class _MaskedNames(Mapping[str, tuple[str | None, str | None]]):
    """A record context's (name, city) by key, the name masked as :func:`mask_record_name`."""

    def __init__(self, raw: Mapping[str, tuple[str | None, str | None]]) -> None:
        self._raw = raw
        self._masked: dict[str, tuple[str | None, str | None]] = {}

    def __getitem__(self, key: str) -> tuple[str | None, str | None]:
        found = self._masked.get(key)
        if found is None:
            name, city = self._raw[key]
            found = self._masked[key] = (mask_record_name(name), city)
        return found

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


def mask_record_name(name: str | None) -> str | None:
    """A company's name (it carries a legal form: GmbH, KG, e.K. …) stays; a person's is masked.

    A name without a legal form may be a private customer's: it is masked, erring on the side
    of the person (``Bäckerei Schmidt`` shows as ``B*** S***``).
    """
    from kmu_dataguard.consistency.normalize import legal_form

    if not name or legal_form(name):
        return name
    return _mask_name(name)


def _mask_email(text: str) -> str:
    local, at, domain = text.rpartition("@")
    if not at:  # no address at all: the start and the end still show what was typed
        return f"{text[:1]}***{text[-3:]}" if len(text) > 6 else _mask_generic(text)
    return f"{local[:1]}***@{domain}"


def _mask_iban(text: str) -> str:
    compact = re.sub(r"\s+", "", text)
    if len(compact) < 8:
        return _mask_generic(text)
    # A fixed number of star groups: the mask does not even tell the length.
    return f"{compact[:4]} **** **** **** {compact[-4:]}"


def _mask_keep(text: str, head: int, tail: int) -> str:
    """Keep ``head`` and ``tail`` letters/digits, star the rest; separators stay."""
    positions = [i for i, c in enumerate(text) if c.isalnum()]
    if len(positions) <= head + tail:
        return "".join("*" if c.isalnum() else c for c in text)
    hidden = set(positions[head : len(positions) - tail])
    return "".join("*" if i in hidden else c for i, c in enumerate(text))


def _mask_phone(text: str) -> str:
    # Keep the country/area prefix ("+49") and the last two digits.
    head = 2 if text.lstrip().startswith("+") else 1
    return _mask_keep(text, head, 2)


def _mask_tax(text: str) -> str:
    # A VAT ID keeps its country prefix; both keep their last three characters.
    return _mask_keep(text, 2 if text[:2].isalpha() else 0, 3)


def _mask_name(text: str) -> str:
    return " ".join(w[:1] + "***" if len(w) > 1 else w for w in text.split())


def _mask_generic(text: str) -> str:
    return _mask_keep(text, 1, 1)


_MASKERS = {
    "email": _mask_email,
    "iban": _mask_iban,
    "tax": _mask_tax,
    "phone": _mask_phone,
    "name": _mask_name,
}
