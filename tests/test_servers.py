"""The test-server helpers fail loudly when a server cannot be had."""

from __future__ import annotations

import pytest

from tests.support import server_fixtures as conftest
from tests.support.servers import PostgresServer, ServerUnavailable, _find_binary


class _NoServer(PostgresServer):
    @classmethod
    def start(cls) -> PostgresServer:
        _find_binary("pg_ctl-missing", ["/nonexistent/*/bin/pg_ctl"])
        raise AssertionError("unreachable")


def test_missing_binary_names_the_install_script() -> None:
    with pytest.raises(ServerUnavailable, match=r"pg_ctl-missing not found.*install-test-deps\.sh"):
        _find_binary("pg_ctl-missing", ["/nonexistent/*/bin/pg_ctl"])


def test_missing_server_fails_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATAGUARD_SKIP_SERVERS", raising=False)
    with pytest.raises(pytest.fail.Exception, match="PostgreSQL test server unavailable"):
        conftest._start(_NoServer, "PostgreSQL")


def test_skip_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAGUARD_SKIP_SERVERS", "1")
    with pytest.raises(pytest.skip.Exception, match="DATAGUARD_SKIP_SERVERS=1"):
        conftest._start(_NoServer, "PostgreSQL")


def test_server_is_stopped_and_removed() -> None:
    server = conftest._start(PostgresServer, "PostgreSQL")
    basedir = server.basedir
    assert (server.datadir / "postmaster.pid").exists()
    server.stop()
    assert not basedir.exists()
