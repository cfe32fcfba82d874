"""The validator catalog: every custom expectation declared once (no Great Expectations here).

A :class:`Validator` names an expectation type, its kind (``column``, ``pair`` or ``table``),
the function that judges it, whether it is row-local and SQL-capable, its labels in German and
English and its Data Docs sentence. Everything else is derived from :data:`CATALOG`:

- :mod:`kmu_dataguard.validators.expectations` generates the GX metric and expectation classes
  of the column and pair validators (a table validator brings its own hand-written GX class);
- the engine routes by :func:`python_only_types` and :func:`row_local`;
- the report labels a failure with :func:`problem_label`, which also knows the built-in GX
  expectations and the outcomes dataguard judges outside GX (preconditions, references).

Judges are ``"module:function"`` references, imported on first use, so that reading labels or
routing sets does not load pandas. Adding a validator is one entry here (see
``docs/architecture.md``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "CATALOG",
    "HISTORY_TYPES",
    "Kind",
    "Lang",
    "Param",
    "Validator",
    "problem_label",
    "python_only_types",
    "row_local",
    "validator",
]

Kind = Literal["column", "pair", "table"]
Lang = Literal["de", "en"]
#: A judge: the function itself, or a ``"module:function"`` reference imported on first use.
Judge = Callable[..., Any] | str


@dataclass(frozen=True)
class Param:
    """An option of a validator: an expectation kwarg passed on to the judge by name."""

    name: str
    default: Any
    annotation: Any = None  # the pydantic field type; None: the default's type

    @property
    def field_type(self) -> Any:
        return type(self.default) if self.annotation is None else self.annotation


@dataclass(frozen=True)
class Validator:
    """One custom expectation, declared once.

    ``judge(values, **params)`` (column) or ``judge(values_a, values_b, **params)`` (pair)
    returns a boolean Series, ``True`` where a value passes. ``row_local``: a row's verdict
    depends on that row alone, so a database table may be validated chunk by chunk.
    ``sql_capable``: the GX class evaluates it inside a database (generated metrics are
    pandas-only, so only a hand-written table class can be). ``sentence`` is the English
    Data Docs template over the kwargs (``$column``, ``$column_A``, ``$<param>``); each
    ``clauses`` entry ``(param, text)`` is appended when that kwarg is set. A ``table``
    validator names its hand-written GX expectation class in ``gx_class``.
    """

    name: str
    kind: Kind
    judge: Judge
    label_de: str
    label_en: str
    metric: str
    sentence: str
    doc: str
    params: tuple[Param, ...] = ()
    clauses: tuple[tuple[str, str], ...] = ()
    row_local: bool = True
    sql_capable: bool = False
    gx_class: str | None = None
    #: The suggestion kind (``kmu_dataguard.suggestions.KINDS``) for its failing values.
    suggests: str | None = None

    def __post_init__(self) -> None:
        problems = []
        if not self.name.startswith("expect_") or self.name != self.name.lower():
            problems.append("the name must be a snake_case expect_... type")
        if self.kind not in ("column", "pair", "table"):
            problems.append(f"kind {self.kind!r} is not column, pair or table")
        if (self.kind == "table") != (self.gx_class is not None):
            problems.append("gx_class is required for a table validator and only there")
        if self.kind == "table" and self.row_local:
            problems.append("a table validator looks at all rows: row_local=False")
        if not (self.label_de and self.label_en):
            problems.append("both labels are required")
        if problems:
            raise ValueError(f"validator {self.name!r}: " + "; ".join(problems))

    def label(self, lang: Lang) -> str:
        return self.label_de if lang == "de" else self.label_en

    def judge_function(self) -> Callable[..., Any]:
        return self.judge if callable(self.judge) else resolve(self.judge)


def resolve(reference: str) -> Any:
    """The object a ``"module:attribute"`` reference names."""
    module, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module), attribute)


#: Every custom expectation. Type and metric names are public: suites reference them.
CATALOG: tuple[Validator, ...] = (
    Validator(
        name="expect_column_values_to_be_valid_iban",
        kind="column",
        judge="kmu_dataguard.validators.values:valid_iban",
        label_de="ungültig",
        label_en="invalid",
        metric="column_values.kmu_valid_iban",
        sentence="$column values must be valid IBANs (length and check digits)",
        doc="Expect values to be IBANs with the right length and mod-97 check digits.",
        suggests="iban",
    ),
    Validator(
        name="expect_column_values_to_be_valid_bic",
        kind="column",
        judge="kmu_dataguard.validators.values:valid_bic",
        label_de="ungültig",
        label_en="invalid",
        metric="column_values.kmu_valid_bic",
        sentence="$column values must be valid BIC codes",
        doc="Expect values to be BIC / SWIFT codes of 8 or 11 characters with a known country.",
        suggests="bic",
    ),
    Validator(
        name="expect_column_values_to_be_valid_vat_id",
        kind="column",
        judge="kmu_dataguard.validators.values:valid_vat_id",
        label_de="ungültig",
        label_en="invalid",
        metric="column_values.kmu_valid_vat_id",
        sentence="$column values must be VAT IDs with country prefix and valid check digits",
        doc="Expect values to be VAT IDs with country prefix and correct check digits.",
        suggests="vat_id",
    ),
    Validator(
        name="expect_column_values_to_be_valid_de_tax_number",
        kind="column",
        judge="kmu_dataguard.validators.values:valid_de_tax_number",
        label_de="ungültig",
        label_en="invalid",
        metric="column_values.kmu_valid_de_tax_number",
        sentence="$column values must be valid German tax numbers (Steuernummer)",
        doc="Expect values to be German tax numbers (Steuernummer), regional or federal form.",
    ),
    Validator(
        name="expect_column_values_to_be_valid_leitweg_id",
        kind="column",
        judge="kmu_dataguard.validators.values:valid_leitweg_id",
        label_de="ungültig",
        label_en="invalid",
        metric="column_values.kmu_valid_leitweg_id",
        sentence="$column values must be valid Leitweg-IDs",
        doc=(
            "Expect values to be Leitweg-IDs with correct check digits (XRechnung buyer reference)."
        ),
    ),
    Validator(
        name="expect_column_values_to_be_valid_gtin",
        kind="column",
        judge="kmu_dataguard.validators.values:valid_gtin",
        label_de="ungültig",
        label_en="invalid",
        metric="column_values.kmu_valid_gtin",
        sentence="$column values must be valid GTINs (8, 12, 13 or 14 digits with check digit)",
        doc="Expect values to be GTIN-8, -12, -13 or -14 with a correct GS1 check digit.",
    ),
    Validator(
        name="expect_column_values_to_be_valid_gln",
        kind="column",
        judge="kmu_dataguard.validators.values:valid_gln",
        label_de="ungültig",
        label_en="invalid",
        metric="column_values.kmu_valid_gln",
        sentence="$column values must be valid GLNs (13 digits with check digit)",
        doc="Expect values to be GLNs: 13 digits with a GS1 check digit.",
    ),
    Validator(
        name="expect_column_values_to_be_valid_country_code",
        kind="column",
        judge="kmu_dataguard.validators.values:valid_country_code",
        label_de="ungültig",
        label_en="invalid",
        metric="column_values.kmu_valid_country_code",
        sentence="$column values must be ISO 3166-1 alpha-2 country codes",
        doc="Expect values to be ISO 3166-1 alpha-2 country codes in upper case.",
        suggests="country",
    ),
    Validator(
        name="expect_column_values_to_be_valid_currency_code",
        kind="column",
        judge="kmu_dataguard.validators.values:valid_currency_code",
        label_de="ungültig",
        label_en="invalid",
        metric="column_values.kmu_valid_currency_code",
        sentence="$column values must be ISO 4217 currency codes",
        doc="Expect values to be ISO 4217 currency codes in upper case.",
        suggests="currency",
    ),
    Validator(
        name="expect_column_values_to_be_valid_unit_code",
        kind="column",
        judge="kmu_dataguard.validators.values:valid_unit_code",
        label_de="ungültig",
        label_en="invalid",
        metric="column_values.kmu_valid_unit_code",
        sentence="$column values must be UN/ECE Recommendation 20 unit codes",
        doc="Expect values to be UN/ECE Recommendation 20 unit codes.",
    ),
    Validator(
        name="expect_column_values_to_be_valid_email",
        kind="column",
        judge="kmu_dataguard.validators.values:valid_email",
        label_de="ungültig",
        label_en="invalid",
        metric="column_values.kmu_valid_email",
        sentence="$column values must be syntactically valid e-mail addresses",
        doc="Expect values to be syntactically valid e-mail addresses (no DNS lookup).",
    ),
    Validator(
        name="expect_column_values_to_be_valid_phone_number",
        kind="column",
        judge="kmu_dataguard.validators.values:valid_phone_number",
        label_de="ungültig",
        label_en="invalid",
        metric="column_values.kmu_valid_phone_number",
        sentence=(
            "$column values must be valid phone numbers (national numbers read as $default_region)"
        ),
        doc=(
            "Expect values to be valid phone numbers; national numbers are read for default_region."
        ),
        params=(Param("default_region", "DE"),),
        suggests="phone",
    ),
    Validator(
        name="expect_column_values_to_be_valid_decimal",
        kind="column",
        judge="kmu_dataguard.validators.values:valid_decimal",
        label_de="ungültig",
        label_en="invalid",
        metric="column_values.kmu_valid_decimal",
        sentence=(
            "$column values must be numbers written with decimal separator '$decimal_separator'"
        ),
        doc=(
            "Expect text values to be numbers in the given notation "
            "(German decimal comma by default)."
        ),
        params=(
            Param("decimal_separator", ","),
            Param("thousands_separator", "."),
            Param("min_value", None, float | None),
            Param("max_value", None, float | None),
        ),
        clauses=(("min_value", "at least $min_value"), ("max_value", "at most $max_value")),
    ),
    Validator(
        name="expect_column_values_to_be_allowed_vat_rate",
        kind="column",
        judge="kmu_dataguard.validators.values:valid_vat_rate",
        label_de="Steuersatz nicht erlaubt",
        label_en="VAT rate not allowed",
        metric="column_values.kmu_allowed_vat_rate",
        sentence="$column values must be VAT rates in percent that $country applies",
        doc="Expect values to be VAT rates in percent that the given country applies.",
        params=(Param("country", "DE"),),
    ),
    Validator(
        name="expect_column_pair_values_to_be_valid_postal_code_for_country",
        kind="pair",
        judge="kmu_dataguard.validators.values:valid_postal_code_for_country",
        label_de="passt nicht zum Land",
        label_en="does not match the country",
        metric="column_pair_values.kmu_postal_code_for_country",
        sentence="$column_A values must be postal codes in the format of the country in $column_B",
        doc="Expect the postal code in column_A to have the format of the country in column_B.",
        suggests="postal_code",
    ),
    Validator(
        name="expect_column_pair_values_to_be_postal_code_matching_city",
        kind="pair",
        judge="kmu_dataguard.validators.postal_city:postal_code_matches_city",
        label_de="passt nicht zum Ort",
        label_en="does not match the city",
        metric="column_pair_values.kmu_postal_code_matching_city",
        sentence="$column_A values must be postal codes of the city in $column_B ($country)",
        doc=(
            "Expect the postal code in column_A to be one of the city's in column_B "
            "(DE, AT, CH; GeoNames list, tolerant of spelling)."
        ),
        params=(Param("country", "DE"),),
        suggests="postal_code",
    ),
    Validator(
        name="expect_column_pair_values_to_be_vat_prefix_matching_country",
        kind="pair",
        judge="kmu_dataguard.validators.values:vat_prefix_matches_country",
        label_de="passt nicht zum Land",
        label_en="does not match the country",
        metric="column_pair_values.kmu_vat_prefix_matching_country",
        sentence=(
            "$column_A values must start with the country prefix of $column_B (EL for Greece)"
        ),
        doc=(
            "Expect the VAT ID in column_A to carry the prefix of the country in column_B "
            "(BR-CO-9)."
        ),
    ),
    Validator(
        name="expect_column_pair_values_to_be_iban_matching_bic",
        kind="pair",
        judge="kmu_dataguard.validators.values:iban_bic_agree",
        label_de="passt nicht zur BIC",
        label_en="does not match the BIC",
        metric="column_pair_values.kmu_iban_matching_bic",
        sentence="$column_A (IBAN) and $column_B (BIC) must belong to the same country",
        doc="Expect the IBAN in column_A and the BIC in column_B to belong to the same country.",
    ),
    Validator(
        name="expect_column_pair_values_to_be_valid_phone_for_country",
        kind="pair",
        judge="kmu_dataguard.validators.values:valid_phone_for_country",
        label_de="passt nicht zum Land",
        label_en="does not match the country",
        metric="column_pair_values.kmu_phone_for_country",
        sentence="$column_A values must be valid phone numbers for the country in $column_B",
        doc="Expect the phone number in column_A to be valid for the country in column_B.",
        suggests="phone",
    ),
    Validator(
        name="expect_column_pair_values_to_be_allowed_vat_rate_for_country",
        kind="pair",
        judge="kmu_dataguard.validators.values:allowed_vat_rate_for_country",
        label_de="passt nicht zum Land",
        label_en="does not match the country",
        metric="column_pair_values.kmu_vat_rate_for_country",
        sentence="$column_A values must be VAT rates that the country in $column_B applies",
        doc="Expect the VAT rate in column_A to be one the country in column_B applies.",
    ),
    Validator(
        name="expect_table_rows_to_have_no_duplicate_partners",
        kind="table",
        judge="kmu_dataguard.consistency.duplicates:find_duplicates",
        label_de="mögliche Dublette",
        label_en="possible duplicate",
        metric="table.kmu_duplicate_partners",
        sentence="no two records may be the same business partner (name similarity $threshold)",
        doc="Expect no two records to be the same business partner.",
        row_local=False,
        gx_class="kmu_dataguard.consistency.expectations:ExpectTableRowsToHaveNoDuplicatePartners",
    ),
)

# --------------------------------------------------------------------------- other types

#: Suite expectations the runner judges against the run history (history/changes.py), never
#: GX: a suite may use them, the engine never sees them. Their failing values are "old → new",
#: masked when judged (the history keeps no raw value), so the outputs do not mask them again.
HISTORY_TYPES = frozenset({"expect_column_values_to_be_unchanged"})

#: Outcomes dataguard judges itself, outside GX (preconditions, references, the history): exact
#: types.
_OUTCOME_LABELS: dict[str, tuple[str, str]] = {
    "expect_source_to_have_rows": ("keine Datensätze", "no records"),
    "expect_source_row_count_to_be_at_least": ("zu wenige Datensätze", "too few records"),
    "expect_source_row_count_to_not_drop": ("Datensätze verschwunden", "records disappeared"),
    "expect_column_values_to_be_unchanged": ("geändert", "changed"),
    "expect_source_file_to_be_fresh": ("Export zu alt", "export too old"),
    "expect_column_newest_value_to_be_recent": ("Daten veraltet", "data out of date"),
    "expect_column_values_to_reference_existing_records": ("Verweis ins Leere", "broken reference"),
    "expect_column_pair_values_to_agree_across_sources": (
        "passt nicht zum verknüpften Datensatz",
        "disagrees with the linked record",
    ),
}
#: Built-in GX expectations by family: a fragment of the type, the first match wins.
_BUILTIN_LABELS: tuple[tuple[str, str, str], ...] = (
    ("to_not_be_null", "fehlt", "missing"),
    ("to_be_unique", "mehrfach vergeben", "used more than once"),
    ("to_match_regex", "falsches Format", "wrong format"),
    ("lengths_to_be_between", "falsche Länge", "wrong length"),
    ("to_be_in_set", "Wert nicht erlaubt", "value not allowed"),
    ("to_be_between", "außerhalb des erlaubten Bereichs", "out of the allowed range"),
)
_RULE_BROKEN = ("Regel verletzt", "rule broken")
#: Built-in map expectations whose condition looks at other rows: never validated in chunks.
_CROSS_ROW_BUILTINS = frozenset(
    {
        "expect_column_values_to_be_unique",
        "expect_compound_columns_to_be_unique",
        "expect_multicolumn_values_to_be_unique",
    }
)


def _index(catalog: Iterable[Validator]) -> dict[str, Validator]:
    found: dict[str, Validator] = {}
    for entry in catalog:
        if entry.name in found:
            raise ValueError(f"validator {entry.name!r} is declared twice")
        found[entry.name] = entry
    return found


_BY_NAME = _index(CATALOG)


def validator(name: str, catalog: Iterable[Validator] = CATALOG) -> Validator | None:
    """The catalog entry of expectation type ``name``, or None for any other type."""
    return (_BY_NAME if catalog is CATALOG else _index(catalog)).get(name)


def python_only_types(catalog: Iterable[Validator] = CATALOG) -> frozenset[str]:
    """Types a database cannot evaluate: the engine fetches their columns into pandas."""
    return frozenset(v.name for v in catalog if not v.sql_capable)


def row_local(name: str, catalog: Iterable[Validator] = CATALOG) -> bool | None:
    """Whether a type judges each row alone; None when only its GX class can tell."""
    entry = validator(name, catalog)
    if entry is not None:
        return entry.row_local
    return False if name in _CROSS_ROW_BUILTINS else None


def problem_label(name: str, lang: Lang, catalog: Iterable[Validator] = CATALOG) -> str:
    """What broke, in a few words: ``invalid``, ``missing``, ``possible duplicate`` ..."""
    entry = validator(name, catalog)
    if entry is not None:
        return entry.label(lang)
    labels = _OUTCOME_LABELS.get(name) or next(
        ((de, en) for fragment, de, en in _BUILTIN_LABELS if fragment in name), _RULE_BROKEN
    )
    return labels[0] if lang == "de" else labels[1]
