"""``dataguard serve`` against a real uvicorn server and a real HTTP client, on the demo world.

Most tests run the server in a thread of the test process (Great Expectations is imported
once); the tests of the command itself (exit 2, tokens kept out of logs) start a subprocess.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from kmu_dataguard.service.auth import parse_tokens
from tests.support.service_server import free_port, no_traceback

TOKENS = "right-token-4711 \nnarrow-token-0815 payments\n"


def test_a_gate_run_answers_with_its_verdict_as_status(serve, client):
    base = serve()
    passed = no_traceback(client.post(f"{base}/v1/gates/payments/runs"))
    assert passed.status_code == 200
    assert passed.json()["verdict"] == "pass" and passed.json()["gate"] == "payments"
    blocked = client.post(f"{base}/v1/gates/invoicing/runs", params={"lang": "de"})
    assert blocked.status_code == 409 and blocked.json()["verdict"] == "blocked"
    unknown = no_traceback(client.post(f"{base}/v1/gates/nope/runs"))
    assert unknown.status_code == 404
    assert unknown.json() == {"error": "no gate named 'nope' (see GET /v1/gates)", "status": 404}
    for params in ({"fail_on": "sometimes"}, {"lang": "fr"}):
        bad = no_traceback(client.post(f"{base}/v1/gates/payments/runs", params=params))
        assert bad.status_code == 422 and bad.json()["status"] == 422
    lost = no_traceback(client.get(f"{base}/nowhere"))
    assert lost.json() == {"error": "Not Found", "status": 404}


def test_a_served_run_can_be_read_again_with_its_report(serve, client):
    base = serve()
    run = client.post(f"{base}/v1/gates/payments/runs").json()
    again = client.get(f"{base}/v1/runs/{run['run_id']}")
    assert again.status_code == 200 and again.json() == run
    report = client.get(f"{base}/v1/runs/{run['run_id']}/report")
    assert report.status_code == 200 and "payments" in report.text
    assert report.headers["content-type"].startswith("text/html")
    assert client.get(f"{base}/v1/runs/unknown").status_code == 404
    assert client.get(f"{base}/v1/runs/unknown/report").status_code == 404


def test_gates_health_and_readiness(serve, client):
    base = serve()
    gates = client.get(f"{base}/v1/gates").json()["gates"]
    assert [g["name"] for g in gates] == ["invoicing", "payments"]
    assert gates[1]["checks"] == ["suppliers"]
    assert client.get(f"{base}/healthz").json() == {"status": "ok"}
    ready = client.get(f"{base}/readyz")
    assert ready.status_code == 200 and all(s["ok"] for s in ready.json()["sources"])


def test_readiness_fails_when_a_source_is_gone(serve, client, world):
    base = serve()
    world.database.unlink()
    ready = no_traceback(client.get(f"{base}/readyz"))
    assert ready.status_code == 503
    assert ready.json()["status"] == 503 and "erp" in ready.json()["error"]


def test_tokens_guard_every_gate(serve, client):
    base = serve(tokens=parse_tokens(TOKENS, "test"))
    url = f"{base}/v1/gates/payments/runs"
    missing = client.post(url)
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    assert client.post(url, headers={"Authorization": "Bearer wrong"}).status_code == 401
    narrow = {"Authorization": "Bearer narrow-token-0815"}
    forbidden = client.post(f"{base}/v1/gates/invoicing/runs", headers=narrow)
    assert forbidden.status_code == 403 and forbidden.json()["status"] == 403
    assert client.post(url, headers=narrow).status_code == 200
    right = {"Authorization": "Bearer right-token-4711"}
    assert client.post(f"{base}/v1/gates/invoicing/runs", headers=right).status_code == 409
    listed = client.get(f"{base}/v1/gates", headers=narrow).json()["gates"]
    assert [g["name"] for g in listed] == ["payments"]
    assert client.get(f"{base}/healthz").status_code == 200  # probes need no token


def test_equal_requests_at_once_share_one_run(serve, client):
    base = serve()

    async def twenty() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=60) as http:
            url = f"{base}/v1/gates/invoicing/runs"
            return await asyncio.gather(*(http.post(url) for _ in range(20)))

    responses = asyncio.run(twenty())
    assert {r.status_code for r in responses} == {409}
    assert len({r.json()["run_id"] for r in responses}) == 1
    assert client.get(f"{base}/healthz").status_code == 200


def test_beyond_the_run_limit_a_caller_is_told_to_retry(serve):
    base = serve(max_runs=1, queue_s=0.05)

    async def both() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=60) as http:
            urls = [f"{base}/v1/gates/{gate}/runs" for gate in ("invoicing", "payments")]
            return await asyncio.gather(*(http.post(url) for url in urls))

    statuses = {r.status_code: r for r in asyncio.run(both())}
    assert 429 in statuses
    assert statuses[429].headers["retry-after"] == "1"
    assert statuses[429].json()["status"] == 429


def test_a_slow_run_answers_504_and_the_server_goes_on(serve, client):
    base = serve(timeout_s=0.01)
    slow = no_traceback(client.post(f"{base}/v1/gates/invoicing/runs"))
    assert slow.status_code == 504 and slow.json()["status"] == 504
    assert client.get(f"{base}/healthz").status_code == 200


def test_a_client_that_leaves_does_not_harm_the_server(serve, client):
    base = serve()
    with httpx.Client(timeout=0.05) as impatient, pytest.raises(httpx.TimeoutException):
        impatient.post(f"{base}/v1/gates/invoicing/runs")
    after = client.post(f"{base}/v1/gates/invoicing/runs")
    assert after.status_code == 409


def test_an_unexpected_error_is_one_json_line(serve, client, monkeypatch):
    from kmu_dataguard import runner
    from kmu_dataguard.config.models import Config

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom hunter2\n  in a deep frame")

    monkeypatch.setattr(runner, "run_gate", broken)
    monkeypatch.setattr(Config, "secrets", property(lambda self: frozenset({"hunter2"})))
    base = serve()
    crashed = no_traceback(client.post(f"{base}/v1/gates/payments/runs"))
    assert crashed.status_code == 500
    assert crashed.json() == {
        "error": "internal error (RuntimeError: boom *** in a deep frame)",
        "status": 500,
    }


def _dataguard(*args: str, env_extra: dict[str, str]) -> subprocess.Popen[str]:
    root = str(Path(__file__).parents[1])
    env = {k: v for k, v in os.environ.items() if k != "DATAGUARD_TOKENS"}
    env.update(env_extra, PYTHONPATH=root)
    return subprocess.Popen(
        [sys.executable, "-m", "kmu_dataguard", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_serve_refuses_other_hosts_without_tokens(world):
    proc = _dataguard("--config", str(world.config), "--host", "0.0.0.0", env_extra={})
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "configure bearer tokens" in err


def test_serve_keeps_tokens_out_of_answers_and_logs(world, tmp_path):
    port = free_port()
    tokens_file = tmp_path / "tokens"
    tokens_file.write_text("file-token-1234 payments\n", encoding="utf-8")
    proc = _dataguard(
        *("--config", str(world.config), "--port", str(port), "--tokens-file", str(tokens_file)),
        *("--max-upload-mb", "1", "--max-upload-rows", "5"),
        env_extra={"DATAGUARD_TOKENS": "env-token-5678"},
    )
    base = f"http://127.0.0.1:{port}"
    bodies = []
    try:
        with httpx.Client(timeout=60) as http:
            for _ in range(300):
                try:
                    http.get(f"{base}/healthz")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            for token, gate in [
                ("file-token-1234", "payments"),
                ("file-token-1234", "invoicing"),
                ("env-token-5678", "invoicing"),
                ("env-token-567", "payments"),
            ]:
                response = http.post(
                    f"{base}/v1/gates/{gate}/runs", headers={"Authorization": f"Bearer {token}"}
                )
                bodies.append((response.status_code, response.text))
            for body in (b"x" * (1024 * 1024 + 1), b"id\n" + b"1\n" * 10):  # the upload limits
                response = http.post(
                    f"{base}/v1/check?suite=contacts",
                    files={"file": ("k.csv", body)},
                    headers={"Authorization": "Bearer env-token-5678"},
                )
                bodies.append((response.status_code, response.text))
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=60)
    assert [status for status, _ in bodies] == [200, 403, 409, 401, 413, 413]
    assert "--max-upload-mb 1 MB" in bodies[4][1] and "--max-upload-rows 5 " in bodies[5][1]
    for text in [body for _, body in bodies] + [out, err]:
        assert "token-1234" not in text and "token-567" not in text
        assert "Traceback" not in text
    assert "POST /v1/gates/payments/runs" in out + err  # the access log was there
    assert proc.returncode == 143 and "dataguard: server stopped by SIGTERM" in err


def test_different_gates_at_once_each_get_their_own_verdict(serve):
    base = serve(max_runs=4)

    async def mixed() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=60) as http:
            gates = ["invoicing", "payments"] * 3
            return await asyncio.gather(*(http.post(f"{base}/v1/gates/{g}/runs") for g in gates))

    responses = asyncio.run(mixed())
    assert [r.status_code for r in responses] == [409, 200] * 3
