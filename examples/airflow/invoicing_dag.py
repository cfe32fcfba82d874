"""Two DAGs guarded by dataguard gates: the invoice import and the supplier payment run.

Each starts with ``DataguardGateOperator``; its stand-in import task runs only when the gate
lets through. The configuration and the import's target folder are DAG params (trigger with
``{"config": "/etc/dataguard/dataguard.yml", "target": "/srv/import"}``); their defaults come
from ``DATAGUARD_CONFIG`` and ``DATAGUARD_IMPORT_DIR``.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from airflow.sdk import DAG, Param, task

sys.path.insert(0, str(Path(__file__).parent))  # the operator beside this file
from dataguard_operator import DataguardGateOperator


@task(task_id="import_export")
def import_export(config: str, target: str) -> str:
    """Stand-in for the real import: copies the CRM export into the target folder."""
    export = Path(config).parent / "crm_contacts.csv"
    Path(target).mkdir(parents=True, exist_ok=True)
    return str(shutil.copy2(export, Path(target) / export.name))


def guarded_dag(dag_id: str, gate: str) -> DAG:
    params = {
        "config": Param(os.environ.get("DATAGUARD_CONFIG", "dataguard.yml"), type="string"),
        "target": Param(os.environ.get("DATAGUARD_IMPORT_DIR", "imported"), type="string"),
    }
    with DAG(dag_id, schedule=None, catchup=False, params=params, tags=["dataguard"]) as dag:
        checked = DataguardGateOperator(
            task_id="dataguard_gate", gate=gate, config="{{ params.config }}"
        )
        checked >> import_export("{{ params.config }}", "{{ params.target }}")
    return dag


invoicing_import = guarded_dag("invoicing_import", "invoicing")
payment_run = guarded_dag("payment_run", "payments")
