"""``kmu_dataguard.guard``: the gate before a block of Python, as ``with`` and as a decorator."""

from __future__ import annotations

import pytest

import kmu_dataguard
from kmu_dataguard import GateBlocked


def test_a_passing_gate_runs_the_body(world):
    ran = []
    with kmu_dataguard.guard("payments", config=world.config) as result:
        ran.append(result.verdict)
    assert ran == ["pass"]

    @kmu_dataguard.guard("payments", config=world.config)
    def pay() -> str:
        return "paid"

    assert pay() == "paid"


def test_a_blocked_gate_raises_and_skips_the_body(world):
    ran = []
    with pytest.raises(GateBlocked) as blocked, kmu_dataguard.guard("invoicing", world.config):
        ran.append("with")
    assert blocked.value.exit_code == 1
    assert blocked.value.result.gate == "invoicing"
    # the one line an orchestrator shows names the gate and how many records fail
    records, complete = blocked.value.result.failing_records()
    keys = {k for c in blocked.value.result.checks for k in c.failing_record_keys()[0]}
    assert complete and records >= len(keys) > 0
    assert str(blocked.value).startswith("gate 'invoicing': BLOCKED (exit 1); ")
    assert f", {records} failing record(s)" in str(blocked.value)

    @kmu_dataguard.guard("invoicing", config=world.config, fail_on="critical")
    def send_invoices() -> None:
        ran.append("decorated")

    with pytest.raises(GateBlocked) as again:
        send_invoices()
    assert again.value.exit_code == 1
    assert ran == []


def test_guard_is_exported_lazily():
    assert "guard" in kmu_dataguard.__all__
    from kmu_dataguard.preflight import guard

    assert kmu_dataguard.guard is guard
