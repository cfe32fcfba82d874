"""Suggestions in the result and its JSON: computed for failing values only, personal ones masked
where the values are."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from kmu_dataguard.cli import main
from kmu_dataguard.results import CheckResult, ExpectationOutcome, RecordContext, Severity
from kmu_dataguard.suggestions.outcomes import add_suggestions, outcome_suggestions
from tests.conftest import validate_result_document

HEADER = (
    "customer_id,name,street,postal_code,city,country,vat_id,tax_number,email,phone,iban,bic,"
    "currency,payment_terms_days,leitweg_id,blocked"
)
GOOD = "K1,Muster GmbH,Hauptstr. 1,01067,Dresden,DE,,,,,,,EUR,30,,0"
ROWS = [
    GOOD,
    "K2,Alpha GmbH,Hauptstr. 2,01067,Dresden,Deutschland,,,,,,,EURO,30,,0",
    "K3,Beta GmbH,Hauptstr. 3,1067,Dresden,DE,,,,,,,EUR,30,,0",
    "K4,Gamma GmbH,Hauptstr. 4,2045,Hamburg,DE,,,,,,,$,30,,0",
    "K5,Delta GmbH,Hauptstr. 5,01067,Dresden,DE,,,,0351 4567890x,"
    "DE89 3704 0044 0532 0130 01,,€,30,,0",
]


def _outcome(type_: str, column: str, values: list[str], **kwargs: object) -> ExpectationOutcome:
    return ExpectationOutcome(
        id="x",
        type=type_,
        column=column,
        severity=Severity.CRITICAL,
        success=False,
        unexpected_count=len(values),
        failing_keys=[f"K{i}" for i in range(len(values))],
        failing_values=values,
        kwargs=dict(kwargs),
    )


def test_outcome_suggestions_read_pairs_options_and_context() -> None:
    country = _outcome(
        "expect_column_values_to_be_valid_country_code", "country", ["Deutschland", "$"]
    )
    assert [(s.key, s.suggestion) for s in outcome_suggestions(country)] == [("K0", "DE")]
    postal = _outcome(
        "expect_column_pair_values_to_be_valid_postal_code_for_country",
        "postal_code,country",
        ["1067 | DE", "2045 | DE", "1067 | AT"],
        column_A="postal_code",
        column_B="country",
    )
    cities = {"K0": ("A", "Dresden"), "K1": ("B", "Hamburg"), "K2": ("C", "Dresden")}
    fixes = outcome_suggestions(postal, cities)
    assert [(s.key, s.value, s.suggestion) for s in fixes] == [("K0", "1067", "01067")]
    assert outcome_suggestions(postal, None) == []  # no city known: no guess


def test_personal_values_get_suggestions_masked_where_values_are() -> None:
    from kmu_dataguard.exit_codes import ExitCode
    from kmu_dataguard.report.masking import mask_result
    from kmu_dataguard.results import GateResult, Verdict

    iban = _outcome(
        "expect_column_values_to_be_valid_iban", "iban", ["de89 3704 0044 0532 0130 00"]
    )
    phone = _outcome("expect_column_values_to_be_valid_phone_number", "phone", ["0351 4567890"])
    [fix_iban] = outcome_suggestions(iban)
    assert fix_iban.suggestion == "DE89370400440532013000"  # the lists show it as it is
    [fix_phone] = outcome_suggestions(phone)
    assert fix_phone.suggestion == "+493514567890"
    iban.suggestions, phone.suggestions = [fix_iban], [fix_phone]
    check = CheckResult(name="c", source="s", suite="customers", key="customer_id")
    check.expectations = [iban, phone]
    result = GateResult(
        gate="g", verdict=Verdict.BLOCKED, exit_code=ExitCode.BLOCKED, fail_on=Severity.CRITICAL,
        started_at=datetime.now(UTC), duration_s=0.0, checks=[check],
    )  # fmt: skip
    masked = mask_result(result)
    shown = [s for e in masked.checks[0].expectations for s in e.suggestions]
    assert [s.suggestion for s in shown] == ["DE89 **** **** **** 3000", "+49********90"]
    assert "0532" not in json.dumps([s.to_dict() for s in shown])
    assert iban.suggestions == [fix_iban], "the result itself stays unmasked"


def test_passing_outcomes_and_kinds_without_suggestions_get_none() -> None:
    passing = _outcome("expect_column_values_to_be_valid_country_code", "country", ["Deutschland"])
    passing.success = True
    assert outcome_suggestions(passing) == []
    other = _outcome("expect_column_values_to_not_be_null", "country", ["Deutschland"])
    assert outcome_suggestions(other) == []


def test_add_suggestions_survives_a_broken_outcome() -> None:
    broken = _outcome("expect_column_values_to_be_valid_country_code", "country", ["Deutschland"])
    broken.failing_values = [object()]  # nothing a kind can read
    result = CheckResult(name="c", source="s", suite="customers", key="customer_id")
    result.expectations = [broken]
    result.context = RecordContext("name", "city")
    add_suggestions(result)
    assert broken.suggestions == []


def test_check_json_carries_suggestions(tmp_path, capsys) -> None:
    path = tmp_path / "kunden.csv"
    path.write_text(HEADER + "\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
    code = main(
        ["check", str(path), "--suite", "customers", "--key", "customer_id", "--format", "json"]
    )
    assert code == 1
    doc = json.loads(capsys.readouterr().out)
    validate_result_document(doc)
    [check] = doc["checks"]
    found = {
        e["id"]: [(s["key"], s["value"], s["suggestion"]) for s in e["suggestions"]]
        for e in check["expectations"]
        if "suggestions" in e
    }
    assert found == {
        "customers.country_valid": [("K2", "Deutschland", "DE")],
        "customers.currency_valid": [("K2", "EURO", "EUR"), ("K5", "€", "EUR")],
        "customers.postal_code_matches_country": [("K3", "1067", "01067")],
    }, found
    # Personal values (the IBAN with a wrong check digit, the phone) carry none, and every
    # expectation that passed has no suggestions key at all.
    for e in check["expectations"]:
        assert "suggestions" not in e or not e["success"]
    reasons = {s["reason"] for e in check["expectations"] for s in e.get("suggestions", [])}
    assert reasons == {
        "country name as ISO 3166 code",
        "currency name or symbol as ISO 4217 code",
        "leading zero restored: the postal code of this city",
    }
