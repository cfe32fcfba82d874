"""Real servers receiving notifications in the tests: SMTP (aiosmtpd with STARTTLS and a login
required, a self-signed certificate) and HTTP (recording every POST), both on 127.0.0.1."""

from __future__ import annotations

import ipaddress
import json
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from kmu_dataguard.notify import ChannelConfig

__all__ = ["PASSWORD", "HttpServer", "Received", "SmtpServer", "free_port"]

PASSWORD = "s3cret-Pa55word"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1: (cert, key), made by cryptography or openssl."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    try:
        _make_certificate(cert, key)
    except ImportError:
        if shutil.which("openssl") is None:
            pytest.skip("a test certificate needs the cryptography package or the openssl CLI")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-days", "1", "-subj", "/CN=localhost", "-keyout", str(key),
             "-out", str(cert), "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
            check=True, capture_output=True,
        )  # fmt: skip
    return cert, key


def _make_certificate(cert: Path, key: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    public = private.public_key()
    built = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(built.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


@dataclass
class SmtpServer:
    port: int
    cafile: Path
    messages: list[Any] = field(default_factory=list)
    logins: list[tuple[bytes, bool]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> Any:
        ok = (
            isinstance(data, _aiosmtpd_smtp().LoginPassword)
            and data.login == b"dataguard"
            and data.password == PASSWORD.encode()
        )
        self.logins.append((getattr(data, "login", b""), ok))
        return _aiosmtpd_smtp().AuthResult(success=ok, handled=False)  # aiosmtpd answers 535

    def channel(self, **email: Any) -> ChannelConfig:
        settings = {
            "host": "127.0.0.1",
            "port": self.port,
            "username": "dataguard",
            "password": PASSWORD,
            "from": "dataguard@example.test",
            "to": ["steward@example.test", "it@example.test"],
            "cafile": str(self.cafile),
            "timeout": 5,
            **email,
        }
        return ChannelConfig.model_validate({"email": settings})


@pytest.fixture
def smtp(certificate: tuple[Path, Path]) -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 that requires STARTTLS and a login."""
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = SmtpServer(port=free_port(), cafile=cert)
    controller = _aiosmtpd_controller().Controller(
        server,
        hostname="127.0.0.1",
        port=server.port,
        tls_context=context,
        require_starttls=True,
        auth_required=True,
        auth_require_tls=True,
        authenticator=server.authenticate,
    )
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class _Recorder(BaseHTTPRequestHandler):
    server: HttpServer

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.received.append(Received(self.path, dict(self.headers), body))
        status = self.server.answers.pop(0) if self.server.answers else 200
        self.send_response(status)
        if 300 <= status < 400:
            self.send_header("Location", f"http://127.0.0.1:{self.server.port}/elsewhere")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: Any) -> None:  # keep the test output clean
        pass


class HttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Recorder)
        self.received: list[Received] = []
        self.answers: list[int] = []  # status codes to answer, in turn; then 200

    @property
    def port(self) -> int:
        return self.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def http() -> Iterator[HttpServer]:
    """A real HTTP server on 127.0.0.1 recording every POST."""
    server = HttpServer()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _aiosmtpd_smtp() -> Any:
    return pytest.importorskip("aiosmtpd.smtp")


def _aiosmtpd_controller() -> Any:
    return pytest.importorskip("aiosmtpd.controller")
