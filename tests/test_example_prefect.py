"""``examples/prefect``: the Prefect 3 flow stops on a blocked gate and imports on a pass.

Run for real: the flow function is called (Prefect's local run) in a subprocess with a
temporary PREFECT_HOME, whose flow runs start Prefect's ephemeral API server on 127.0.0.1.
Prefect is not in the ``dev`` extra (it pins older apprise and python-dateutil than ours):
``make test-prefect`` installs it into ``.venv-prefect`` and runs this file there.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys

import pytest

from tests.support.orchestrator_env import prefect_environment
from tests.support.served import dataguard_serve

pytestmark = [
    pytest.mark.prefect,
    pytest.mark.skipif(
        importlib.util.find_spec("prefect") is None,
        reason="Prefect is not installed here; `make test-prefect` runs this test in .venv-prefect",
    ),
]

TOKEN = "prefect-example-token-4711"
BLOCKED = re.compile(
    r"gate 'invoicing': BLOCKED \((exit 1|HTTP 409)\); (\d+ expectation\(s\) failed, )?"
    r"(\d+) failing record\(s\)"
)


def test_the_flow_fails_on_a_blocked_gate_and_imports_on_a_pass(world, tmp_path):
    env = prefect_environment(tmp_path / "prefect-home")
    env["DATAGUARD_TOKEN"] = TOKEN
    with dataguard_serve(world.config, f"{TOKEN} invoicing,payments") as url:
        driver = ["-m", "tests.support.run_prefect_example", world.config, tmp_path / "imported"]
        proc = subprocess.run(
            [sys.executable, *map(str, driver), url],
            capture_output=True,
            text=True,
            env=env,
            timeout=900,
        )
    assert proc.returncode == 0, proc.stderr[-3000:]
    runs = {r["case"]: r for r in map(json.loads, proc.stdout.splitlines())}
    assert list(runs) == [
        "library-invoicing",
        "library-payments",
        "http-invoicing",
        "http-payments",
    ]

    counts = []
    for how in ("library", "http"):
        blocked, passed = runs[f"{how}-invoicing"], runs[f"{how}-payments"]
        assert blocked["state"] == "FAILED" and not blocked["imported"], blocked
        found = BLOCKED.search(blocked["message"])
        assert found, blocked["message"]
        counts.append(int(found.group(3)))
        assert passed["state"] == "COMPLETED" and passed["imported"], passed
    # both ways count the same failing records, and some do fail in the demo
    assert counts[0] == counts[1] > 0
    # no traceback and no token on the flow's output
    assert "Traceback" not in proc.stdout and TOKEN not in proc.stdout + proc.stderr
