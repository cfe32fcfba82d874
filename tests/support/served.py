"""``dataguard serve`` as its users start it: the real command in a subprocess on a free port
of 127.0.0.1, for the orchestrator and no-code examples that call it over HTTP."""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support.cli_process import command, environment


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def dataguard_serve(config: Path, tokens: str, startup_s: float = 180) -> Iterator[str]:
    """Serve ``config`` with bearer ``tokens`` (``DATAGUARD_TOKENS`` syntax); yield the base URL."""
    port = free_port()
    env = environment()
    env["DATAGUARD_TOKENS"] = tokens
    base = f"http://127.0.0.1:{port}"
    # the server's log goes to a file: a pipe nobody reads could fill up and block it
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        proc = subprocess.Popen(
            command("serve", "--config", config, "--port", str(port)),
            stdout=subprocess.DEVNULL,
            stderr=log,
            text=True,
            env=env,
        )
        try:
            deadline = time.monotonic() + startup_s
            while not _healthy(base):
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.terminate()
                    proc.wait(timeout=60)
                    log.seek(0)
                    raise RuntimeError(f"dataguard serve did not start: {log.read()[-2000:]}")
                time.sleep(0.2)
            yield base
        finally:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=60)


def _healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=5).status_code == 200
    except httpx.TransportError:
        return False
