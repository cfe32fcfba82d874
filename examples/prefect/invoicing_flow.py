"""A Prefect 3 flow that runs the ``invoicing`` gate first and imports only when it lets through.

The gate is the flow's first task. On a block the task raises ``GateBlocked``, whose message
names the gate and counts the failing records; Prefect marks the task and the flow Failed
with that message and the import task never runs. On a pass (or warnings only) the flow goes
on to the import.

Run it where ``dataguard.yml`` lives (``dataguard demo --dir demo`` makes one)::

    python examples/prefect/invoicing_flow.py --config demo/dataguard.yml --target out/

Two ways to run the gate, the same verdict:

- ``run_gate_task`` calls the library in the flow's own process (``kmu_dataguard.run_gate``):
  no server needed, but every run pays the Great Expectations import.
- ``run_gate_over_http`` asks a running ``dataguard serve`` (``--url``, token from
  ``DATAGUARD_TOKEN``): answers in well under a second on a warm server; 409 is a block.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

import httpx
from prefect import flow, task
from prefect.cache_policies import NONE

import kmu_dataguard


@task(name="dataguard gate", cache_policy=NONE)
def run_gate_task(gate: str, config: str) -> dict:
    """Run the gate here; a block raises ``GateBlocked`` and so fails the flow."""
    result = kmu_dataguard.run_gate(gate, config=config)
    result.raise_for_verdict()  # "gate 'invoicing': BLOCKED (exit 1); …, 12 failing record(s)"
    return result.to_dict()


class GateBlockedOverHttp(RuntimeError):
    """``dataguard serve`` answered something other than 200 for a gate run."""


@task(name="dataguard gate (HTTP)", cache_policy=NONE)
def run_gate_over_http(gate: str, url: str, token: str | None) -> dict:
    """Ask ``dataguard serve`` at ``url``; 200 goes on, anything else fails the flow."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(f"{url.rstrip('/')}/v1/gates/{gate}/runs", headers=headers, timeout=330)
    if response.status_code == 200:
        return response.json()
    json_answer = response.headers.get("content-type", "").startswith("application/json")
    doc = response.json() if json_answer else {}
    if response.status_code == 409:
        # counted as GateResult.failing_records counts: distinct failing keys per check
        records = sum(
            len({k for e in c["expectations"] if _failed(e) for k in e["failing_keys"]})
            for c in doc.get("checks", [])
        )
        raise GateBlockedOverHttp(f"gate {gate!r}: BLOCKED (HTTP 409); {records} failing record(s)")
    reason = doc.get("error") or doc.get("verdict") or response.reason_phrase
    raise GateBlockedOverHttp(f"gate {gate!r}: HTTP {response.status_code}: {reason}")


def _failed(expectation: dict) -> bool:
    return not expectation["success"] and expectation.get("error") is None


@task(name="import invoices")
def import_invoices(source: Path, target: Path) -> Path:
    """Stand-in for the real import: copies the export into the target folder."""
    target.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy2(source, target / source.name))


@flow(name="invoicing-import", log_prints=True)
def invoicing_import(
    config: str = "dataguard.yml",
    target: str = "imported",
    gate: str = "invoicing",
    url: str | None = None,
) -> str:
    """Gate first, import second; ``url`` set: the gate runs on ``dataguard serve``."""
    if url:
        verdict = run_gate_over_http(gate, url, os.environ.get("DATAGUARD_TOKEN"))
    else:
        verdict = run_gate_task(gate, config)
    print(f"gate {gate!r}: {verdict['verdict']}, importing")
    export = Path(config).parent / "crm_contacts.csv"
    return str(import_invoices(export, Path(target)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="dataguard.yml")
    parser.add_argument("--target", default="imported")
    parser.add_argument("--gate", default="invoicing")
    parser.add_argument("--url", help="base URL of dataguard serve (default: run in process)")
    args = parser.parse_args(argv)
    state = invoicing_import(args.config, args.target, args.gate, args.url, return_state=True)
    print(f"{state.type.value}: {state.message}", file=sys.stderr)
    return 0 if state.is_completed() else 1


if __name__ == "__main__":
    sys.exit(main())
