"""Throw-away PostgreSQL and MariaDB servers for the test suite.

Each server lives in its own temporary directory, listens on 127.0.0.1 on a free port and is
stopped (and its directory removed) by :meth:`stop`. Nothing of the machine's own database
services is touched.

Running as root (CI and the dev machines run as root): PostgreSQL refuses to run as root, so
``initdb``/``pg_ctl`` run as the ``postgres`` system user that Debian's package creates (else
``nobody``), through ``subprocess``'s ``user=``/``group=``; ``mariadbd`` is started with
``--user=root``.

Accounts on both servers:

* an admin (PostgreSQL ``dg_admin``, trusted; MariaDB ``root`` over the unix socket) used by the
  fixtures to create databases and load tables;
* ``dg_reader`` without a password (trust on PostgreSQL, empty password on MariaDB), the account
  the code under test reads with;
* ``dg_secret`` with the password :data:`SECRET_PASSWORD`, for the login and redaction tests.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

__all__ = [
    "SECRET_PASSWORD",
    "MariaDBServer",
    "PostgresServer",
    "ServerDatabase",
    "ServerUnavailable",
    "free_port",
]

SECRET_PASSWORD = "S3cr3t-pw!"
_START_TIMEOUT_S = 60


class ServerUnavailable(RuntimeError):
    """A server binary is missing or the server did not start; the message says what to do."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _find_binary(name: str, patterns: list[str]) -> str:
    """The newest of ``patterns`` (versioned Debian dirs) or ``name`` on PATH."""
    candidates = sorted(
        (p for pattern in patterns for p in glob.glob(pattern) if os.access(p, os.X_OK)),
        key=_version_key,
    )
    if candidates:
        return candidates[-1]
    found = shutil.which(name)
    if found:
        return found
    raise ServerUnavailable(
        f"{name} not found (looked in {', '.join(patterns)} and PATH); "
        "install the database servers with: sudo bash .ci/install-test-deps.sh "
        "(or set DATAGUARD_SKIP_SERVERS=1 to skip the tests that need them)"
    )


def _version_key(path: str) -> tuple[int, ...]:
    parts = [p for p in Path(path).parts if p.isdigit()]
    return tuple(int(p) for p in parts)


def _unix_socket_accepts(path: Path) -> bool:
    if not path.exists():
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        try:
            sock.connect(str(path))
        except OSError:
            return False
    return True


@dataclass
class PostgresServer:
    """A PostgreSQL cluster made with ``initdb`` and run with ``pg_ctl``."""

    port: int = 0
    host: str = "127.0.0.1"
    admin_user: str = "dg_admin"
    basedir: Path = field(default_factory=Path)
    _bindir: str = ""
    _run_as: tuple[int, int] | None = None
    _databases: int = 0

    @classmethod
    def start(cls) -> PostgresServer:
        pg_ctl = _find_binary("pg_ctl", ["/usr/lib/postgresql/*/bin/pg_ctl"])
        bindir = str(Path(pg_ctl).resolve().parent)
        server = cls(port=free_port(), _bindir=bindir)
        # /tmp, not pytest's tmp_path: that one is private to root and the server user
        # must be able to enter it.
        server.basedir = Path(tempfile.mkdtemp(prefix="dg-pg-"))
        if os.geteuid() == 0:
            user = _unprivileged_user()
            server._run_as = (user.pw_uid, user.pw_gid)
            os.chown(server.basedir, user.pw_uid, user.pw_gid)
        try:
            server._init_and_start()
        except BaseException:
            server.stop()
            raise
        return server

    @property
    def datadir(self) -> Path:
        return self.basedir / "data"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        kwargs: dict[str, object] = {}
        if self._run_as is not None:
            kwargs.update(user=self._run_as[0], group=self._run_as[1], extra_groups=[])
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LC_ALL": "C",
            "HOME": str(self.basedir),
        }
        return subprocess.run(
            list(args),
            check=check,
            capture_output=True,
            text=True,
            env=env,
            cwd=self.basedir,
            timeout=_START_TIMEOUT_S,
            **kwargs,  # type: ignore[arg-type]
        )

    def _init_and_start(self) -> None:
        bindir = Path(self._bindir)
        try:
            self._run(
                str(bindir / "initdb"),
                "-D",
                str(self.datadir),
                "-U",
                self.admin_user,
                "-E",
                "UTF8",
                "--locale=C",
                "--auth=trust",
            )
        except subprocess.CalledProcessError as err:
            raise ServerUnavailable(f"initdb failed: {err.stderr.strip()[-500:]}") from err
        # Trust for everybody except the password account, which must log in with its password.
        (self.datadir / "pg_hba.conf").write_text(
            "local all all trust\n"
            "host all dg_secret 127.0.0.1/32 scram-sha-256\n"
            "host all all 127.0.0.1/32 trust\n"
        )
        log = self.basedir / "server.log"
        opts = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.basedir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        result = self._run(
            str(bindir / "pg_ctl"),
            "-D",
            str(self.datadir),
            "-l",
            str(log),
            "-o",
            opts,
            "-w",
            "-t",
            str(_START_TIMEOUT_S),
            "start",
            check=False,
        )
        if result.returncode != 0:
            tail = log.read_text(errors="replace")[-800:] if log.exists() else result.stderr
            raise ServerUnavailable(f"PostgreSQL did not start: {tail.strip()}")
        self.admin_execute(
            "postgres",
            "CREATE ROLE dg_reader LOGIN",
            f"CREATE ROLE dg_secret LOGIN PASSWORD '{SECRET_PASSWORD}'",
        )

    def stop(self) -> None:
        if self.datadir.joinpath("postmaster.pid").exists():
            with contextlib.suppress(Exception):
                self._run(
                    str(Path(self._bindir) / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate",
                    "-w", "stop", check=False,
                )  # fmt: skip
        if self.basedir != Path() and self.basedir.exists():
            shutil.rmtree(self.basedir, ignore_errors=True)

    # --- URLs and databases -------------------------------------------------------------

    def url(self, database: str, user: str = "dg_reader", password: str | None = None) -> str:
        auth = user if password is None else f"{user}:{quote_plus(password)}"
        return f"postgresql+psycopg2://{auth}@{self.host}:{self.port}/{database}"

    def admin_url(self, database: str) -> str:
        return self.url(database, user=self.admin_user)

    def admin_execute(self, database: str, *statements: str) -> None:
        """Run statements as the admin, each in autocommit (CREATE DATABASE needs that)."""
        import psycopg2

        conn = psycopg2.connect(
            host=self.host, port=self.port, user=self.admin_user, dbname=database
        )
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                for statement in statements:
                    cur.execute(statement)
        finally:
            conn.close()

    def create_database(self, prefix: str = "dg") -> str:
        """Create an empty database ``dg_reader`` and ``dg_secret`` may use; return its name."""
        self._databases += 1
        name = f"{prefix}_{os.getpid()}_{self._databases}"
        self.admin_execute("postgres", f'CREATE DATABASE "{name}"')
        self.admin_execute(
            name,
            # Full rights on purpose: the tests prove that the read-only *session* stops writes.
            "GRANT ALL ON SCHEMA public TO dg_reader, dg_secret",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO dg_reader, dg_secret",
        )
        return name

    def drop_database(self, name: str) -> None:
        self.admin_execute("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _unprivileged_user() -> pwd.struct_passwd:
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise ServerUnavailable("running as root but neither user 'postgres' nor 'nobody' exists")


@dataclass
class MariaDBServer:
    """A MariaDB server made with ``mariadb-install-db`` and run as a child ``mariadbd``."""

    port: int = 0
    host: str = "127.0.0.1"
    basedir: Path = field(default_factory=Path)
    _proc: subprocess.Popen[bytes] | None = None
    _databases: int = 0

    @classmethod
    def start(cls) -> MariaDBServer:
        install_db = _find_binary(
            "mariadb-install-db", ["/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db"]
        )
        mariadbd = _find_binary("mariadbd", ["/usr/sbin/mariadbd", "/usr/sbin/mysqld"])
        server = cls(port=free_port(), basedir=Path(tempfile.mkdtemp(prefix="dg-maria-")))
        try:
            server._init_and_start(install_db, mariadbd)
        except BaseException:
            server.stop()
            raise
        return server

    @property
    def datadir(self) -> Path:
        return self.basedir / "data"

    @property
    def socket_path(self) -> Path:
        return self.basedir / "mysqld.sock"

    def _init_and_start(self, install_db: str, mariadbd: str) -> None:
        root = ["--user=root"] if os.geteuid() == 0 else []
        try:
            subprocess.run(
                [
                    install_db,
                    "--no-defaults",
                    f"--datadir={self.datadir}",
                    "--auth-root-authentication-method=normal",
                    "--skip-test-db",
                    *root,
                ],
                check=True,
                capture_output=True,
                text=True,
                timeout=_START_TIMEOUT_S * 2,
            )
        except subprocess.CalledProcessError as err:
            tail = (err.stderr or err.stdout or "").strip()[-800:]
            raise ServerUnavailable(f"mariadb-install-db failed: {tail}") from err
        log = self.basedir / "server.log"
        self._proc = subprocess.Popen(
            [
                mariadbd,
                "--no-defaults",
                f"--datadir={self.datadir}",
                f"--port={self.port}",
                "--bind-address=127.0.0.1",
                f"--socket={self.socket_path}",
                f"--pid-file={self.basedir / 'mariadbd.pid'}",
                f"--log-error={log}",
                "--skip-name-resolve",
                "--innodb-buffer-pool-size=64M",
                "--innodb-flush-log-at-trx-commit=0",
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_unicode_ci",
                *root,
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_ready(log)
        self.admin_execute(
            None,
            "CREATE USER 'dg_reader'@'%' IDENTIFIED BY ''",
            f"CREATE USER 'dg_secret'@'%' IDENTIFIED BY '{SECRET_PASSWORD}'",
        )

    def _wait_ready(self, log: Path) -> None:
        import pymysql

        deadline = time.monotonic() + _START_TIMEOUT_S
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                break
            # Probe with a plain socket first: a refused pymysql.connect leaks its socket.
            if not _unix_socket_accepts(self.socket_path):
                time.sleep(0.1)
                continue
            try:
                pymysql.connect(unix_socket=str(self.socket_path), user="root").close()
                return
            except pymysql.err.MySQLError as err:
                last = err
                time.sleep(0.2)
        tail = log.read_text(errors="replace")[-800:] if log.exists() else str(last)
        raise ServerUnavailable(f"MariaDB did not start: {tail.strip()}")

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()  # SIGTERM: mariadbd shuts down cleanly
            try:
                self._proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=10)
        if self.basedir != Path() and self.basedir.exists():
            shutil.rmtree(self.basedir, ignore_errors=True)

    def url(self, database: str, user: str = "dg_reader", password: str | None = None) -> str:
        auth = user if password is None else f"{user}:{quote_plus(password)}"
        return f"mariadb+pymysql://{auth}@{self.host}:{self.port}/{database}?charset=utf8mb4"

    def admin_url(self, database: str) -> str:
        sock = quote_plus(str(self.socket_path))
        return f"mariadb+pymysql://root@localhost/{database}?unix_socket={sock}&charset=utf8mb4"

    def admin_execute(self, database: str | None, *statements: str) -> None:
        import pymysql

        conn = pymysql.connect(
            unix_socket=str(self.socket_path),
            user="root",
            database=database,
            autocommit=True,
            charset="utf8mb4",
        )
        try:
            with conn.cursor() as cur:
                for statement in statements:
                    cur.execute(statement)
        finally:
            conn.close()

    def create_database(self, prefix: str = "dg") -> str:
        """Create an empty database ``dg_reader`` and ``dg_secret`` may use; return its name."""
        self._databases += 1
        name = f"{prefix}_{os.getpid()}_{self._databases}"
        self.admin_execute(
            None,
            f"CREATE DATABASE `{name}`",
            # Full rights on purpose: the tests prove that the read-only *session* stops writes.
            f"GRANT ALL ON `{name}`.* TO 'dg_reader'@'%', 'dg_secret'@'%'",
        )
        return name

    def drop_database(self, name: str) -> None:
        self.admin_execute(None, f"DROP DATABASE IF EXISTS `{name}`")


@dataclass
class ServerDatabase:
    """One empty database for one test: where the code under test reads, and how to fill it.

    ``url`` is what a user would put into dataguard.yml (the ``dg_reader`` account, which has full
    rights so that tests prove the read-only *session* is what stops writes); ``secret_url`` logs
    in as ``dg_secret`` with :data:`SECRET_PASSWORD`; ``admin_engine`` is a plain writable
    SQLAlchemy engine for loading test tables.
    """

    dialect: str  # "postgresql", "mariadb" or "sqlite"
    name: str
    url: str
    secret_url: str | None
    admin_url: str

    @property
    def admin_engine(self) -> Any:
        import sqlalchemy as sa

        engine = getattr(self, "_admin_engine", None)
        if engine is None:
            engine = sa.create_engine(self.admin_url, poolclass=sa.pool.NullPool)
            self._admin_engine = engine
        return engine

    def close(self) -> None:
        engine = getattr(self, "_admin_engine", None)
        if engine is not None:
            engine.dispose()
