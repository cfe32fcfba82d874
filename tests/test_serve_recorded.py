"""``GET /v1/runs/{run_id}`` after a restart: the run is answered from the history store."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from kmu_dataguard.service.auth import parse_tokens

HISTORY_SCHEMA = Path(__file__).parents[1] / "schemas" / "history-v1.schema.json"
TOKENS = "right-token-4711\nnarrow-token-0815 payments\n"


def test_a_run_from_before_a_restart_is_read_from_the_history(serve, client):
    first = serve()
    blocked = client.post(f"{first}/v1/gates/invoicing/runs")
    passed = client.post(f"{first}/v1/gates/payments/runs")
    service_id = blocked.headers["content-location"].rsplit("/", 1)[1]
    second = serve(tokens=parse_tokens(TOKENS, "test"))  # another server: an empty memory
    right = {"Authorization": "Bearer right-token-4711"}
    narrow = {"Authorization": "Bearer narrow-token-0815"}

    again = client.get(f"{second}/v1/runs/{blocked.json()['run_id']}", headers=right)
    assert again.status_code == 409
    document = again.json()
    jsonschema.validate(document, json.loads(HISTORY_SCHEMA.read_text(encoding="utf-8")))
    [run] = document["runs"]
    assert run["run_id"] == blocked.json()["run_id"] and run["verdict"] == "blocked"
    assert document["store"] is None and run["report_path"] is None  # no server paths
    assert sorted(c["name"] for c in run["checks"]) == sorted(
        c["name"] for c in blocked.json()["checks"]
    )

    ok = client.get(f"{second}/v1/runs/{passed.json()['run_id']}", headers=narrow)
    assert ok.status_code == 200 and ok.json()["runs"][0]["gate"] == "payments"
    other_gate = client.get(f"{second}/v1/runs/{blocked.json()['run_id']}", headers=narrow)
    assert other_gate.status_code == 403
    assert client.get(f"{second}/v1/runs/{blocked.json()['run_id']}").status_code == 401
    for unknown in (service_id, "20200101T000000Z-00000000", "x' OR '1'='1"):
        gone = client.get(f"{second}/v1/runs/{unknown}", headers=right)
        assert gone.status_code == 404, unknown
        assert gone.json()["error"].endswith("nor in its history")
