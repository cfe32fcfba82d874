"""The Python API that automation code calls as a pre-flight step."""

from __future__ import annotations

import pytest

import kmu_dataguard
from kmu_dataguard import ExitCode, GateBlocked, Verdict
from tests.support.fixing import fix_defects


def test_run_gate_returns_a_result_and_raise_for_verdict_blocks(world):
    result = kmu_dataguard.run_gate("invoicing", config=world.config)
    assert result.verdict is Verdict.BLOCKED
    assert result.exit_code is ExitCode.BLOCKED
    assert not result.passed
    customers = next(c for c in result.checks if c.name == "customers")
    failing = {k for e in customers.expectations for k in e.failing_keys}
    assert {d.key for d in world.defects if d.entity == "customers"} <= failing
    with pytest.raises(GateBlocked) as info:
        result.raise_for_verdict()
    assert info.value.exit_code == 1
    assert info.value.result is result
    assert "BLOCKED" in str(info.value)


def test_fixed_data_passes(world):
    fix_defects(world)
    result = kmu_dataguard.run_gate("invoicing", config=world.config)
    assert result.passed
    assert result.raise_for_verdict() is result


COLUMNS = (
    "customer_id;name;street;postal_code;city;country;vat_id;tax_number;email;phone;iban;bic;"
    "currency;payment_terms_days;leitweg_id;blocked"
)


def test_run_check_on_a_csv_keeps_leading_zeros(tmp_path):
    data = tmp_path / "export.csv"
    data.write_text(
        f"{COLUMNS}\n"
        "000123;Müller GmbH;Hauptstr. 1;01067;Dresden;DE;;;;;;;EUR;30;;0\n"
        "000124;Schmidt KG;Ring 2;1067;Dresden;DE;;;;;;;EUR;30;;0\n",
        encoding="utf-8-sig",
    )
    result = kmu_dataguard.run_check(data, "customers", key="customer_id")
    failing = {e.id: e.failing_keys for e in result.checks[0].expectations if not e.success}
    assert failing == {"customers.postal_code_matches_country": ["000124"]}
    assert result.verdict is Verdict.BLOCKED


def test_public_surface_is_explicit():
    for name in kmu_dataguard.__all__:
        assert getattr(kmu_dataguard, name) is not None
    with pytest.raises(AttributeError):
        _ = kmu_dataguard.no_such_thing  # type: ignore[attr-defined]
