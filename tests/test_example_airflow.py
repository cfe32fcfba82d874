"""``examples/airflow``: ``DataguardGateOperator`` fails the DAG run on a blocked gate (the
import is ``upstream_failed``) and lets it run on a pass, run for real with ``dag.test()``.

The DAGs run in a subprocess with a temporary AIRFLOW_HOME (SQLite metadata database).
Airflow is not in the ``dev`` extra (about 95 more packages and minutes of install):
``make test-airflow`` installs it into ``.venv-airflow`` and runs this file there.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.orchestrator_env import airflow_environment
from tests.support.run_airflow_example import MARK

pytestmark = [
    pytest.mark.airflow,
    pytest.mark.skipif(
        importlib.util.find_spec("airflow") is None,
        reason="Apache Airflow is not installed here; `make test-airflow` runs this test "
        "in .venv-airflow",
    ),
]

DAGS = Path(__file__).parents[1] / "examples" / "airflow"


def test_the_gate_operator_stops_the_dag_on_a_block_and_lets_it_run_on_a_pass(world, tmp_path):
    env = airflow_environment(tmp_path / "airflow-home", dags=DAGS)
    driver = ["-m", "tests.support.run_airflow_example", world.config, tmp_path / "imported"]
    proc = subprocess.run(
        [sys.executable, *map(str, driver)], capture_output=True, text=True, env=env, timeout=900
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-3000:]
    lines = [line[len(MARK) :] for line in proc.stdout.splitlines() if line.startswith(MARK)]
    runs = {r["case"]: r for r in map(json.loads, lines)}

    blocked = runs["blocked"]
    assert blocked["dag"] == "invoicing_import"
    assert blocked["state"] == "failed" and not blocked["imported"]
    assert blocked["tasks"] == {"dataguard_gate": "failed", "import_export": "upstream_failed"}
    # the task's failure names the gate and counts the failing records; no retries on a block
    found = re.search(
        r"AirflowFailException: gate 'invoicing': BLOCKED \(exit 1\); "
        r"\d+ expectation\(s\) failed, (\d+) failing record\(s\)",
        output,
    )
    assert found and int(found.group(1)) > 0, output[-3000:]

    passed = runs["passed"]
    assert passed["dag"] == "payment_run"
    assert passed["state"] == "success" and passed["imported"]
    assert passed["tasks"] == {"dataguard_gate": "success", "import_export": "success"}

    # a source that is gone could not be validated: a retryable AirflowException, exit 3
    gone = runs["source-gone"]
    assert gone["state"] == "failed" and not gone["imported"]
    assert gone["tasks"] == {"dataguard_gate": "failed", "import_export": "upstream_failed"}
    retryable = re.compile(r"\.AirflowException: gate 'invoicing': ERROR \(exit 3\)")
    assert retryable.search(output), output[-3000:]
