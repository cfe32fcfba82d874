"""``examples/n8n``: the workflow is well-formed n8n, and the request its HTTP Request node
describes, sent for real to ``dataguard serve``, is stopped on a block (409) and goes on on a
pass (200)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from kmu_dataguard.config import load_config
from tests.support.served import dataguard_serve

WORKFLOW = Path(__file__).parents[1] / "examples" / "n8n" / "invoicing-gate.workflow.json"
HTTP_NODE = "n8n-nodes-base.httpRequest"
TOKEN = "n8n-example-token-0815"

# n8n's generic credential types and the header each sends (n8n-nodes-base/credentials)
CREDENTIAL_HEADERS = {"httpBearerAuth": lambda token: ("Authorization", f"Bearer {token}")}


@pytest.fixture(scope="module")
def workflow() -> dict:
    return json.loads(WORKFLOW.read_text(encoding="utf-8"))


def _nodes(workflow: dict) -> dict[str, dict]:
    return {node["name"]: node for node in workflow["nodes"]}


def _gate_node(workflow: dict) -> dict:
    [node] = [n for n in workflow["nodes"] if n["type"] == HTTP_NODE]
    return node


def _reachable(workflow: dict, start: str, output: int | None = None) -> set[str]:
    """Nodes reached from ``start`` (through its ``output`` only, when given)."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        outputs = workflow["connections"].get(name, {}).get("main", [])
        if name == start and output is not None:
            outputs = outputs[output : output + 1]
        for branch in outputs:
            for link in branch:
                if link["node"] not in seen:
                    seen.add(link["node"])
                    todo.append(link["node"])
    return seen


def test_the_workflow_is_well_formed_n8n(workflow):
    nodes = _nodes(workflow)
    assert len(nodes) == len(workflow["nodes"]), "node names must be unique"
    for node in workflow["nodes"]:
        assert {"parameters", "id", "name", "type", "typeVersion", "position"} <= set(node)
        assert node["type"].startswith("n8n-nodes-base.") and len(node["position"]) == 2
    assert len({n["id"] for n in workflow["nodes"]}) == len(nodes)
    for source, kinds in workflow["connections"].items():
        assert source in nodes
        for branch in kinds["main"]:
            for link in branch:
                assert link["node"] in nodes and link["type"] == "main" and link["index"] == 0
    triggers = [n["name"] for n in workflow["nodes"] if n["type"].endswith("Trigger")]
    assert triggers and all(t in workflow["connections"] for t in triggers)
    assert workflow["settings"]["executionOrder"] == "v1"


def test_the_http_node_stops_the_flow_unless_the_gate_lets_through(workflow, world):
    node = _gate_node(workflow)
    params = node["parameters"]
    assert node["typeVersion"] >= 4 and params["method"] == "POST"
    # "Never Error" would turn a 409 into a success and let the import run
    assert "neverError" not in json.dumps(params["options"])
    assert params["authentication"] == "genericCredentialType"
    assert params["genericAuthType"] in CREDENTIAL_HEADERS
    assert set(node["credentials"]) == {params["genericAuthType"]}
    # the path is a real route, for a gate the demo configuration has
    scheme, host, path, _, _ = urlsplit(params["url"])
    assert (scheme, host) == ("http", "127.0.0.1:8765")  # dataguard serve's defaults
    _, v1, gates, gate, runs = path.split("/")
    assert (v1, gates, runs) == ("v1", "gates", "runs")
    assert gate in load_config(world.config).gates  # the demo's configuration

    nodes = _nodes(workflow)
    passed = _reachable(workflow, node["name"], output=0)
    assert any("Import" in name for name in passed)
    if node.get("onError") == "continueErrorOutput":
        # the error output notifies and ends in Stop and Error: the execution fails
        failed = _reachable(workflow, node["name"], output=1)
        assert failed and not failed & passed
        assert any(nodes[name]["type"] == "n8n-nodes-base.stopAndError" for name in failed)
    else:
        assert node.get("onError", "stopWorkflow") == "stopWorkflow"


def _request_of(node: dict, base: str, gate: str, token: str) -> httpx.Request:
    """The request the node sends, with the server's address and the gate swapped in."""
    params = node["parameters"]
    path = urlsplit(params["url"]).path.replace("/invoicing/", f"/{gate}/")
    query = {}
    if params.get("sendQuery"):
        query = {p["name"]: p["value"] for p in params["queryParameters"]["parameters"]}
    headers = dict([CREDENTIAL_HEADERS[params["genericAuthType"]](token)])
    if params.get("sendHeaders"):
        headers |= {p["name"]: p["value"] for p in params["headerParameters"]["parameters"]}
    return httpx.Request(params["method"], f"{base}{path}", params=query, headers=headers)


def test_the_node_s_request_is_409_on_a_block_and_200_on_a_pass(workflow, world):
    node = _gate_node(workflow)
    with dataguard_serve(world.config, TOKEN) as base, httpx.Client(timeout=300) as http:
        blocked = http.send(_request_of(node, base, "invoicing", TOKEN))
        passed = http.send(_request_of(node, base, "payments", TOKEN))
        refused = http.send(_request_of(node, base, "payments", "not-the-token"))
    assert blocked.status_code == 409 and blocked.json()["verdict"] == "blocked"
    assert passed.status_code == 200 and passed.json()["verdict"] in ("pass", "warn")
    assert refused.status_code == 401  # a wrong credential fails the node as well
