"""A real ``dataguard serve`` app under uvicorn in a thread, and a real HTTP client: the
fixtures ``serve`` and ``client`` of the service tests (a plugin of tests/conftest.py)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn

from kmu_dataguard.config import load_config
from kmu_dataguard.service.app import ServiceSettings, create_app
from kmu_dataguard.service.auth import Tokens

__all__ = ["client", "free_port", "no_traceback", "running_server", "serve"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(config: Path, tokens: Tokens, settings: ServiceSettings) -> Iterator[str]:
    app = create_app(load_config(config), tokens, settings)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def serve(world) -> Iterator[Callable[..., str]]:
    """Start servers on the demo world: ``serve(tokens=..., **settings)`` → base URL."""
    stack: list = []

    def start(tokens: Tokens | None = None, **settings: object) -> str:
        cm = running_server(world.config, tokens or Tokens(), ServiceSettings(**settings))  # type: ignore[arg-type]
        stack.append(cm)
        return cm.__enter__()

    yield start
    for cm in reversed(stack):
        cm.__exit__(None, None, None)


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=60) as http:
        yield http


def no_traceback(response: httpx.Response) -> httpx.Response:
    assert "Traceback" not in response.text and 'File "' not in response.text
    return response
