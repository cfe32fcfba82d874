"""Run the DAGs of ``examples/airflow`` for real with ``dag.test()`` in one process: blocked,
passed, and with a source gone. Prints one JSON line per DAG run after the marker ``MARK``:
``{"case", "dag", "state", "tasks": {task_id: state}, "imported": bool}``.
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

    export = Path(config).parent / "crm_contacts.csv"  # a source of the invoicing gate
    cases = [
        ("blocked", invoicing_dag.invoicing_import),
        ("passed", invoicing_dag.payment_run),
        ("source-gone", invoicing_dag.invoicing_import),
    ]
    for case, dag in cases:
        if case == "source-gone":
            export.unlink()
        out = Path(target) / case
        run = dag.test(run_conf={"config": config, "target": str(out)})
        tasks = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
        line = {
            "case": case,
            "dag": dag.dag_id,
            "state": str(run.state),
            "tasks": tasks,
            "imported": out.is_dir() and any(out.iterdir()),
        }
        print(MARK + json.dumps(line), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
