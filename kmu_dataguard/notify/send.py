"""Delivering a message to a channel: retried, explained in one line, logged, never raised.

A channel that fails must not change the gate's exit code, so :func:`deliver` returns a
:class:`Delivery` instead of raising. Its ``error`` says what went wrong and what to check,
in one line, with the channel's secrets blanked. What is retried is decided by
:data:`_RULES`: a refused connection or an HTTP 503 may pass, a wrong password or an HTTP 404
will not.
"""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
import time
import urllib.error
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from kmu_dataguard._secrets import redact
from kmu_dataguard.errors import one_line
from kmu_dataguard.notify.channels import ChannelConfig
from kmu_dataguard.notify.message import Message
from kmu_dataguard.notify.transports import Permanent, Transient, transport_for

__all__ = ["Delivery", "backoff", "deliver"]

log = logging.getLogger("kmu_dataguard")


@dataclass(frozen=True)
class Delivery:
    """What became of one message on one channel; ``error`` is set when ``ok`` is False
    (and, rarely, when it was delivered only in part)."""

    channel: str
    ok: bool
    attempts: int
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def backoff(attempt: int) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1-based): 0.5, 1, 2, … at most 8."""
    return float(min(0.5 * 2 ** (attempt - 1), 8.0))


# exception type, retried?, what to say ({exc}: its text; {timeout}: the channel's seconds).
# The first row whose type matches decides; subclasses come before their bases.
_RULES: list[tuple[type[BaseException], bool, str]] = [
    (Permanent, False, "{exc}"),
    (Transient, True, "{exc}"),
    (
        smtplib.SMTPAuthenticationError,
        False,
        "the server refused the login: check username and password",
    ),
    (
        smtplib.SMTPNotSupportedError,
        False,
        "the server does not offer STARTTLS: use its TLS port with 'ssl: true', or ask its admin",
    ),
    (smtplib.SMTPRecipientsRefused, False, "the server refused every recipient: {exc}"),
    (smtplib.SMTPServerDisconnected, True, "the server closed the connection: {exc}"),
    (
        ssl.SSLCertVerificationError,
        False,
        "the server's TLS certificate is not trusted ({exc}): for a private CA give 'cafile'",
    ),
    (ssl.SSLError, False, "TLS failed: {exc}"),
    (
        ConnectionRefusedError,
        True,
        "connection refused: is the server running, are host and port right?",
    ),
    (socket.gaierror, True, "the host name is not known ({exc})"),
    (TimeoutError, True, "no answer within {timeout} s"),
    (smtplib.SMTPException, False, "{exc}"),  # an OSError too: before it
    (OSError, True, "could not connect: {exc}"),
    (Exception, False, "{exc}"),  # unexpected: say it, but do not hammer the server
]


def _explain(exc: Exception, channel: ChannelConfig) -> tuple[str, bool]:
    """One line saying what went wrong, and whether another attempt may succeed."""
    if isinstance(exc, urllib.error.HTTPError):
        # 429 (too many requests) and 5xx pass; any other answer would come again.
        retry = exc.code == 429 or exc.code >= 500
        hint = " (a redirect: give the final URL)" if 300 <= exc.code < 400 else ""
        return f"the server answered HTTP {exc.code} {exc.reason}{hint}", retry
    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, Exception):
        exc = exc.reason  # urllib wraps the socket's error
    if isinstance(exc, smtplib.SMTPServerDisconnected) and isinstance(exc.__context__, OSError):
        exc = exc.__context__  # smtplib too, when a read fails (a timeout)
    if isinstance(exc, smtplib.SMTPResponseException) and not isinstance(
        exc, smtplib.SMTPAuthenticationError
    ):
        # 4xx is "try again later" in SMTP, 5xx is final (a refused sender, a too big mail)
        said = exc.smtp_error.decode("utf-8", "replace") if exc.smtp_error else ""
        return f"the server answered {exc.smtp_code} {said}", 400 <= exc.smtp_code < 500
    if isinstance(exc, ssl.SSLCertVerificationError) and exc.verify_message:
        reason = exc.verify_message
    else:
        reason = one_line(exc)
    timeout = getattr(channel.transport, "timeout", "")
    for kind, retry, text in _RULES:
        if isinstance(exc, kind):
            return text.format(exc=reason, timeout=timeout), retry
    raise AssertionError("the last rule matches every exception")  # pragma: no cover


def deliver(
    channel_name: str,
    channel: ChannelConfig,
    message: Message,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    """Send ``message`` on ``channel``: up to ``1 + channel.retries`` attempts; never raises
    (only a signal's ``BaseException`` passes through)."""
    send = transport_for(channel.transport)
    attempts = 0
    while True:
        attempts += 1
        try:
            note = send(message)
        except Exception as exc:
            try:
                text, retry = _explain(exc, channel)
            except Exception:  # an exception whose text cannot even be read
                text, retry = type(exc).__name__, False
            if isinstance(exc, urllib.error.HTTPError):
                exc.close()  # it holds the answer's socket
        else:
            if note is not None:
                note = _clean(note, channel)
                log.warning("notification %r delivered in part: %s", channel_name, note)
            return Delivery(channel_name, ok=True, attempts=attempts, error=note)
        text = _clean(text, channel)
        if not retry or attempts > channel.retries:
            break
        log.debug("notification %r: attempt %d failed: %s", channel_name, attempts, text)
        sleep(backoff(attempts))
    error = f"{channel.kind} to {channel.transport.where} failed: {text}"
    error = _clean(error, channel)
    log.warning("notification %r not sent (%d attempt(s)): %s", channel_name, attempts, error)
    return Delivery(channel_name, ok=False, attempts=attempts, error=error)


def _clean(text: str, channel: ChannelConfig) -> str:
    return one_line(redact(one_line(text), channel.secrets))
