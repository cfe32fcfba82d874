"""Gates run side by side in threads (as ``dataguard serve`` runs them) judge as one by one.

Before each thread had its own GX data source, two validations at once shared one execution
engine and mixed up their batches ("Unable to find batch").
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from kmu_dataguard.config import load_config
from kmu_dataguard.demo.world import DemoWorld
from kmu_dataguard.results import GateResult
from kmu_dataguard.runner import run_gate

ROUNDS = 6


def _judged(result: GateResult) -> tuple[Any, ...]:
    """What a run decided: verdict, errors, and per check and expectation what failed."""
    checks = tuple(
        (
            check.name,
            check.rows,
            tuple(check.errors),
            tuple(
                (e.id, e.success, e.error, tuple(sorted(map(str, e.failing_keys))))
                for e in check.expectations
            ),
        )
        for check in result.checks
    )
    return str(result.verdict), tuple(str(e) for e in result.errors), checks


def test_two_gates_in_threads_judge_as_one_after_the_other(world: DemoWorld) -> None:
    cfg = load_config(world.config)
    gates = ["invoicing", "payments"]
    run_gate("payments", cfg)  # notes the suppliers' bank details: later runs compare
    sequential = {g: _judged(run_gate(g, cfg)) for g in gates}
    assert sequential["invoicing"][0] == "blocked"
    assert sequential["payments"][0] == "pass"

    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(ROUNDS):
            # Each gate twice at once, so also a gate beside itself.
            futures = [(g, pool.submit(run_gate, g, cfg)) for g in gates * 2]
            for gate, future in futures:
                assert _judged(future.result()) == sequential[gate]
