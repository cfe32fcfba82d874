"""Run the DAGs of ``examples/airflow`` for real with ``dag.test()`` in one process and print
one JSON line per DAG run: ``{"dag": ..., "state": ..., "tasks": {task_id: state}, "imported":
bool}``, after the marker ``MARK``.
Usage: ``python -m tests.support.run_airflow_example CONFIG TARGET``.

The environment (tests/support/orchestrator_env.py) points AIRFLOW_HOME at a temporary folder
and the DAGs folder at ``examples/airflow``; the metadata database (SQLite) is created here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

#: starts each result line (Airflow logs to the same stdout)
MARK = "AIRFLOW-EXAMPLE-RESULT "


def main(config: str, target: str) -> None:
    from airflow.utils.db import initdb

    initdb()
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples" / "airflow"))
    import invoicing_dag

    for dag in (invoicing_dag.invoicing_import, invoicing_dag.payment_run):
        out = Path(target) / dag.dag_id
        run = dag.test(run_conf={"config": config, "target": str(out)})
        tasks = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
        line = {
            "dag": dag.dag_id,
            "state": str(run.state),
            "tasks": tasks,
            "imported": out.is_dir() and any(out.iterdir()),
        }
        print(MARK + json.dumps(line), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
