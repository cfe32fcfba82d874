"""``dataguard serve`` on a warm server: the demo gates under concurrent clients, beside the CLI.

    PYTHONPATH=. .venv/bin/python bench/serve_bench.py [--clients 8] [--requests 10]

Builds the demo world (as ``dataguard demo`` does) in a temporary folder, starts a real
``dataguard serve`` (uvicorn, a child process) on a free port, warms it with a few runs of
each gate, then lets ``--clients`` threads, each with its own HTTP connection, send
``--requests`` requests one after the other: first all for the demo gate (``invoicing``, the
gate ``make demo`` shows), then for ``payments``, then both gates at once (half the clients
each). Latency is measured at the client (request sent → answer read); the server coalesces
requests for the same gate that arrive while it runs, so "runs" counts the validations done.

Beside it: the CLI's cold time (``dataguard gate NAME``, a new process each, as a scheduler
calls it) and a ``--upload-rows`` (10 000) customers CSV: uploaded to ``POST /v1/check`` by
the clients when the server has that endpoint, otherwise checked in this process with
``run_check`` after a warm-up (the stand-in is marked as such in the output).

The issue's targets (#17) are printed as PASS/MISS lines: p50 < 300 ms and p99 < 1 s for the
demo gate under 8 clients. Timings are printed, never asserted (the tests do not time).
"""

from __future__ import annotations

import argparse
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
DEMO_GATE = "invoicing"
TARGET_P50_S = 0.300
TARGET_P99_S = 1.0


@dataclass
class Sample:
    """The answers of one scenario: latencies (s), statuses and the run ids served."""

    latencies: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    run_ids: set[str] = field(default_factory=set)
    wall_s: float = 0.0

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile of the latencies."""
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    def line(self, label: str) -> str:
        n = len(self.latencies)
        codes = ",".join(f"{c}×{self.statuses.count(c)}" for c in sorted(set(self.statuses)))
        return (
            f"{label:<28} n={n:<4} p50 {_ms(self.percentile(50))}  p95 {_ms(self.percentile(95))}"
            f"  p99 {_ms(self.percentile(99))}  max {_ms(max(self.latencies))}"
            f"  {n / self.wall_s:5.1f} req/s  runs {len(self.run_ids):<3} status {codes}"
        )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:6.0f} ms"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


class Server:
    """A real ``dataguard serve`` child process on a free port."""

    def __init__(self, config: Path, max_runs: int, log: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "kmu_dataguard", "serve", "--config", str(config)]
        command += ["--port", str(self.port), "--max-runs", str(max_runs)]
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            command, cwd=config.parent, env=_env(), stdout=self._log, stderr=subprocess.STDOUT
        )

    def wait_ready(self, timeout_s: float = 120.0) -> float:
        start = time.perf_counter()
        while time.perf_counter() - start < timeout_s:
            if self.process.poll() is not None:
                raise SystemExit(f"dataguard serve exited {self.process.returncode}; see its log")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return time.perf_counter() - start
            except httpx.TransportError:
                time.sleep(0.1)
        raise SystemExit(f"dataguard serve did not answer /healthz within {timeout_s:g} s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


def _post_gate(client: httpx.Client, gate: str) -> tuple[int, str | None]:
    answer = client.post(f"/v1/gates/{gate}/runs")
    run_id = answer.json().get("run_id") if answer.status_code in (200, 409, 503) else None
    return answer.status_code, run_id


def clients(
    base_url: str, n_clients: int, n_requests: int, job_for: Callable[[int], Callable]
) -> Sample:
    """``n_clients`` threads, each sending ``n_requests`` requests one after the other."""
    sample = Sample()
    lock = threading.Lock()
    barrier = threading.Barrier(n_clients)

    def client_loop(index: int) -> None:
        job = job_for(index)
        with httpx.Client(base_url=base_url, timeout=300) as client:
            client.get("/healthz")  # the connection is open before the clock starts
            barrier.wait()
            for _ in range(n_requests):
                start = time.perf_counter()
                status, run_id = job(client)
                took = time.perf_counter() - start
                with lock:
                    sample.latencies.append(took)
                    sample.statuses.append(status)
                    if run_id:
                        sample.run_ids.add(run_id)

    threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(n_clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sample.wall_s = time.perf_counter() - start
    return sample


def cli_cold(config: Path, gate: str, runs: int) -> list[float]:
    """Wall time of ``dataguard gate NAME`` in a new process, ``runs`` times."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "kmu_dataguard", "gate", gate, "--config", str(config)],
            cwd=config.parent,
            env=_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        times.append(time.perf_counter() - start)
    return times


def customers_csv(rows: int, folder: Path) -> Path:
    """A customers export of ``rows`` rows with the benchmark's seeded defects."""
    sys.path.insert(0, str(ROOT / "bench"))
    from perf_data import make_table

    frame, _ = make_table(rows)
    path = folder / f"customers_{rows}.csv"
    frame.to_csv(path, index=False)
    return path


# ----------------------------------------------------------------------------------------------
# The upload case. HOOK: POST /v1/check is added by another branch (svc-upload). When the server
# answers it, the clients upload the CSV; until then the same check runs in this process.
# ----------------------------------------------------------------------------------------------


def upload_case(base_url: str, csv: Path, n_clients: int, n_requests: int) -> Sample | None:
    """The clients upload ``csv`` to ``POST /v1/check``; None when the server has no such route."""
    form = {"suite": "customers", "key": "customer_id"}
    content = csv.read_bytes()
    probe = httpx.post(
        f"{base_url}/v1/check", data=form, files={"file": (csv.name, content)}, timeout=300
    )
    if probe.status_code in (404, 405):
        return None

    def upload(client: httpx.Client) -> tuple[int, str | None]:
        answer = client.post("/v1/check", data=form, files={"file": (csv.name, content)})
        body = answer.json() if answer.headers.get("content-type", "").endswith("json") else {}
        return answer.status_code, body.get("run_id")

    return clients(base_url, n_clients, n_requests, lambda i: upload)


def upload_stand_in(csv: Path, runs: int) -> Sample:
    """``run_check`` on ``csv`` in this process, warm (the first run imports GX, not timed)."""
    from kmu_dataguard.runner import run_check

    history = str(csv.parent / "upload-history.db")
    run_check(csv, "customers", key="customer_id", history=history)
    sample = Sample()
    start = time.perf_counter()
    for _ in range(runs):
        began = time.perf_counter()
        result = run_check(csv, "customers", key="customer_id", history=history)
        sample.latencies.append(time.perf_counter() - began)
        sample.statuses.append(int(result.exit_code))
    sample.wall_s = time.perf_counter() - start
    return sample


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=10, help="per client and scenario")
    parser.add_argument("--max-runs", type=int, default=2, help="dataguard serve --max-runs")
    parser.add_argument("--cli-runs", type=int, default=3, help="cold CLI runs per gate")
    parser.add_argument("--upload-rows", type=int, default=10_000)
    parser.add_argument("--upload-requests", type=int, default=2, help="per client")
    args = parser.parse_args()

    from kmu_dataguard.demo.world import build_world

    with tempfile.TemporaryDirectory(prefix="serve-bench-") as tmp:
        folder = Path(tmp)
        world = build_world(folder / "demo")
        print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} (1 min)")
        server = Server(world.config, args.max_runs, folder / "serve.log")
        try:
            print(f"server up in {server.wait_ready():.1f} s on {server.url}")
            with httpx.Client(base_url=server.url, timeout=300) as client:
                warm: dict[str, list[float]] = {}
                for gate in ("payments", DEMO_GATE):  # payments first notes the bank details
                    _post_gate(client, gate)  # the first run imports GX
                    warm[gate] = []
                    for _ in range(5):
                        start = time.perf_counter()
                        _post_gate(client, gate)
                        warm[gate].append(time.perf_counter() - start)
            for gate, times in warm.items():
                print(f"warm, 1 client, {gate:<10} median {_ms(statistics.median(times))}")

            samples: dict[str, Sample] = {}
            n, r = args.clients, args.requests
            for gate in (DEMO_GATE, "payments"):
                samples[gate] = clients(
                    server.url, n, r, lambda i, g=gate: lambda c: _post_gate(c, g)
                )
                print(samples[gate].line(f"{gate}, {n} clients"))
            both = clients(
                server.url,
                n,
                r,
                lambda i: lambda c: _post_gate(c, DEMO_GATE if i % 2 == 0 else "payments"),
            )
            print(both.line(f"both gates, {n} clients"))

            csv = customers_csv(args.upload_rows, folder)
            uploaded = upload_case(server.url, csv, n, args.upload_requests)
            if uploaded is not None:
                label = f"upload {args.upload_rows} rows, {n} cl."
                print(uploaded.line(label))
        finally:
            server.stop()

        if uploaded is None:
            stand_in = upload_stand_in(csv, max(3, args.upload_requests))
            print(
                stand_in.line(f"check {args.upload_rows} rows in-proc")
                + "  (STAND-IN: POST /v1/check not on this server; run_check warm, 1 client)"
            )

        print()
        for gate in (DEMO_GATE, "payments"):
            cold = cli_cold(world.config, gate, args.cli_runs)
            p50 = samples[gate].percentile(50)
            print(
                f"CLI cold `dataguard gate {gate}`: median {_ms(statistics.median(cold))}"
                f" (min {_ms(min(cold))}) vs served p50 {_ms(p50)}:"
                f" {statistics.median(cold) / p50:.1f}x"
            )

        demo = samples[DEMO_GATE]
        print()
        for name, value, target in (
            ("p50", demo.percentile(50), TARGET_P50_S),
            ("p99", demo.percentile(99), TARGET_P99_S),
        ):
            verdict = "PASS" if value < target else "MISS"
            print(f"{verdict} {DEMO_GATE} {n} clients {name} {_ms(value)} < {_ms(target)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
