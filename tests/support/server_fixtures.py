"""Real PostgreSQL and MariaDB servers, one fresh database per test (a pytest plugin).

Session fixtures ``postgres_server`` and ``mariadb_server`` start a throw-away server on first
use (see :mod:`tests.support.servers`). If a server binary is missing, every test that needs
it FAILS with a message saying how to install it; set ``DATAGUARD_SKIP_SERVERS=1`` to skip
those tests instead (a local run without the servers).

Per-test fixtures return a :class:`tests.support.servers.ServerDatabase`:

* ``pg_database`` / ``mariadb_database``: an empty database on the real server;
* ``sql_database``: parametrized over sqlite, postgresql and mariadb, for code that must behave
  the same on every dialect.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from tests.support.servers import (
    SECRET_PASSWORD,
    MariaDBServer,
    PostgresServer,
    ServerDatabase,
    ServerUnavailable,
)

_Server = TypeVar("_Server", PostgresServer, MariaDBServer)


def _start(kind: type[_Server], label: str) -> _Server:
    if os.environ.get("DATAGUARD_SKIP_SERVERS") == "1":
        pytest.skip(f"{label} tests skipped: DATAGUARD_SKIP_SERVERS=1")
    try:
        return kind.start()
    except ServerUnavailable as err:
        pytest.fail(f"{label} test server unavailable: {err}", pytrace=False)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = _start(PostgresServer, "PostgreSQL")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def mariadb_server() -> Iterator[MariaDBServer]:
    server = _start(MariaDBServer, "MariaDB")
    try:
        yield server
    finally:
        server.stop()


def _server_database(server: PostgresServer | MariaDBServer, dialect: str) -> ServerDatabase:
    name = server.create_database()
    return ServerDatabase(
        dialect=dialect,
        name=name,
        url=server.url(name),
        secret_url=server.url(name, user="dg_secret", password=SECRET_PASSWORD),
        admin_url=server.admin_url(name),
    )


@pytest.fixture
def pg_database(postgres_server: PostgresServer) -> Iterator[ServerDatabase]:
    db = _server_database(postgres_server, "postgresql")
    try:
        yield db
    finally:
        db.close()
        postgres_server.drop_database(db.name)


@pytest.fixture
def mariadb_database(mariadb_server: MariaDBServer) -> Iterator[ServerDatabase]:
    db = _server_database(mariadb_server, "mariadb")
    try:
        yield db
    finally:
        db.close()
        mariadb_server.drop_database(db.name)


def _sqlite_database(path: Path) -> ServerDatabase:
    path.touch()  # the reader refuses a missing file, so the test creates it
    url = f"sqlite:///{path}"
    return ServerDatabase(dialect="sqlite", name=path.stem, url=url, secret_url=None, admin_url=url)


@pytest.fixture
def sqlite_database(tmp_path: Path) -> Iterator[ServerDatabase]:
    db = _sqlite_database(tmp_path / "source.db")
    try:
        yield db
    finally:
        db.close()


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def sql_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerDatabase]:
    """The same empty database on each dialect in turn."""
    if request.param == "sqlite":
        db = _sqlite_database(tmp_path / "source.db")
        try:
            yield db
        finally:
            db.close()
        return
    fixture = "pg_database" if request.param == "postgresql" else "mariadb_database"
    yield request.getfixturevalue(fixture)
