"""``DataguardGateOperator``: a dataguard gate as an Airflow task (Airflow 3, Task SDK).

Put the gate in front of the task it protects::

    gate = DataguardGateOperator(task_id="gate", gate="invoicing", config="/etc/dataguard.yml")
    gate >> import_invoices()

- pass or warnings only: the task succeeds and pushes a small summary as its XCom
  (``gate``, ``verdict``, ``run_id``, ``failing_records``), and the next task runs;
- blocked (exit 1): ``AirflowFailException``, the task fails at once without retries (the
  data will not fix itself) and the downstream tasks are ``upstream_failed``;
- could not validate (exit 3, a source down, an export too old): ``AirflowException``, so the
  task's ``retries`` apply.

The message names the gate and counts the failing records, e.g.
``gate 'invoicing': BLOCKED (exit 1); 14 expectation(s) failed, 13 failing record(s)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow.sdk import BaseOperator
from airflow.sdk.exceptions import AirflowException, AirflowFailException

from kmu_dataguard import ExitCode, GateBlocked


class DataguardGateOperator(BaseOperator):
    """Run gate ``gate`` of ``config`` (both templated); fail the task unless it lets through."""

    template_fields: Sequence[str] = ("gate", "config", "report_dir")
    ui_color = "#fce8b2"

    def __init__(
        self,
        *,
        gate: str,
        config: str = "dataguard.yml",
        fail_on: str | None = None,
        report_dir: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.gate = gate
        self.config = config
        self.fail_on = fail_on
        self.report_dir = report_dir

    def execute(self, context: Any) -> dict[str, Any]:
        import kmu_dataguard  # Great Expectations is imported here, not when the DAG is parsed

        result = kmu_dataguard.run_gate(
            self.gate, self.config, fail_on=self.fail_on, report_dir=self.report_dir or None
        )
        records, _ = result.failing_records()
        if result.exit_code == ExitCode.BLOCKED:
            raise AirflowFailException(str(GateBlocked(result)))
        if not result.passed:
            raise AirflowException(str(GateBlocked(result)))
        self.log.info("%s", result.summary())
        return {
            "gate": result.gate,
            "verdict": str(result.verdict),
            "run_id": result.run_id,
            "failing_records": records,
        }
