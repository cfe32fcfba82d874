"""Personal data is masked in every output that leaves the process, except the steward's lists."""

from __future__ import annotations

import csv
import json

import pytest

from kmu_dataguard.report.masking import column_kinds, mask_value, pii_kind

# The demo's seeded IBAN defect (K10024) and the contact with a broken e-mail (C00005).
BAD_IBAN = "DE86500105173067418668"


@pytest.mark.parametrize(
    ("column", "kind"),
    [
        ("email", "email"),
        ("E-Mail", "email"),
        ("iban", "iban"),
        ("vat_id", "tax"),
        ("USt-IdNr", "tax"),
        ("tax_number", "tax"),
        ("Steuernummer", "tax"),
        ("phone", "phone"),
        ("Telefon", "phone"),
        ("first_name", "name"),
        ("Nachname", "name"),
        ("customer_id", None),
        ("country", None),
        ("name", None),  # company names are not personal; person names have their own columns
    ],
)
def test_kind_by_column_name(column, kind):
    assert pii_kind(column) == kind


def test_kind_by_expectation_type_when_the_column_name_says_nothing():
    assert column_kinds("Bankverbindung", "expect_column_values_to_be_valid_iban") == ["iban"]
    assert column_kinds("vat_id,country", "expect_column_pair_values_to_be_vat_prefix") == [
        "tax",
        None,
    ]


@pytest.mark.parametrize(
    ("value", "kind", "masked"),
    [
        ("DE89370400440532013000", "iban", "DE89 **** **** **** 3000"),
        ("DE89 3704 0044 0532 0130 00", "iban", "DE89 **** **** **** 3000"),
        ("max.mustermann@example.de", "email", "m***@example.de"),
        ("buchhaltung(at)example.de", "email", "b***.de"),
        ("DE113866163", "tax", "DE******163"),
        ("22/815/08154", "tax", "**/***/**154"),
        ("+49 40 123456", "phone", "+49 ** ****56"),
        ("Jürgen Weiß", "name", "J*** W***"),
        ("K10024", None, "K10024"),
        (None, "iban", None),
    ],
)
def test_mask_value(value, kind, masked):
    assert mask_value(value, kind) == masked


def test_pair_values_are_masked_per_column():
    from kmu_dataguard.report.masking import mask_values
    from kmu_dataguard.results import ExpectationOutcome, Severity

    outcome = ExpectationOutcome(
        id="x",
        type="expect_column_pair_values_to_be_vat_prefix_matching_country",
        column="vat_id,country",
        severity=Severity.CRITICAL,
        success=False,
        failing_keys=["K1", "K2"],
        failing_values=["DE592815903 | Deutschland", "no separator here"],
    )
    assert mask_values(outcome) == ["DE******903 | Deutschland", "n* ********* ***e"]


def _all_outputs(world, dataguard, tmp_path, *extra):
    report = tmp_path / ("report" + "".join(extra))
    texts = {}
    for fmt in ("text", "json", "junit"):
        run = dataguard(
            "gate",
            "invoicing",
            "--config",
            str(world.config),
            "--format",
            fmt,
            "--report",
            str(report),
            *extra,
        )
        assert run.code == 1, run.err
        texts[fmt] = run.out
    texts["html"] = (report / "index.html").read_text(encoding="utf-8")
    run_dir = sorted((report / "runs").iterdir())[-1]
    return texts, run_dir


def test_outputs_mask_by_default_and_the_lists_keep_the_values(world, dataguard, tmp_path):
    texts, run_dir = _all_outputs(world, dataguard, tmp_path)
    for fmt in ("html", "junit"):
        assert BAD_IBAN not in texts[fmt], fmt
        assert "DE86 **** **** **** 8668" in texts[fmt], fmt
        assert "K10024" in texts[fmt], f"{fmt}: the business key stays visible"
    assert BAD_IBAN not in texts["json"] and BAD_IBAN not in texts["text"]
    json.loads(texts["json"])
    with (run_dir / "failing-records" / "customers.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f, delimiter=";"))
    iban_row = next(r for r in rows if r[0] == "K10024" and r[3] == "customers.iban_valid")
    assert iban_row[4] == "IBAN"
    assert any(BAD_IBAN in r for r in rows), "the steward's list is unmasked"


def test_no_mask_shows_the_values(world, dataguard, tmp_path):
    texts, _ = _all_outputs(world, dataguard, tmp_path, "--no-mask")
    assert BAD_IBAN in texts["html"]
    assert BAD_IBAN in texts["junit"]


def test_mask_result_masks_names_and_values_and_leaves_the_original_alone():
    from datetime import UTC, datetime

    from kmu_dataguard.exit_codes import ExitCode
    from kmu_dataguard.report.masking import mask_result
    from kmu_dataguard.results import (
        CheckResult,
        ExpectationOutcome,
        GateResult,
        RecordContext,
        Severity,
        Verdict,
    )

    outcome = ExpectationOutcome(
        id="c.email",
        type="expect_column_values_to_be_valid_email",
        column="email",
        severity=Severity.CRITICAL,
        success=False,
        failing_keys=["K1", "K2"],
        failing_values=["max.mustermann@example.de", None],
    )
    names = {"K1": ("Max Mustermann", "Köln"), "K2": ("Müller GmbH", "Bonn")}
    check = CheckResult(
        "c", "x.csv", "customers", "id", 2, [outcome], verdict=Verdict.BLOCKED,
        context=RecordContext("name", "city", dict(names)),
    )  # fmt: skip
    result = GateResult(
        None, Verdict.BLOCKED, ExitCode.BLOCKED, datetime.now(UTC), 1.0, Severity.CRITICAL,
        [check],
    )  # fmt: skip
    masked = mask_result(result)
    shown = masked.checks[0]
    assert shown.expectations[0].failing_values == ["m***@example.de", None]
    assert dict(shown.context.values) == {"K1": ("M*** M***", "Köln"), "K2": names["K2"]}
    assert shown.context.values.get("K1") == ("M*** M***", "Köln")
    assert "K3" not in shown.context.values
    # The original keeps the real values; the keys are shared, not copied.
    assert outcome.failing_values[0] == "max.mustermann@example.de"
    assert check.context.values == names
    assert shown.expectations[0].failing_keys is outcome.failing_keys
