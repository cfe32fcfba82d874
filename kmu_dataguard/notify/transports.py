"""One attempt to hand a message to a channel: SMTP, an HTTP POST, or apprise.

Each transport raises on failure and returns a note on partial success (None otherwise);
:func:`kmu_dataguard.notify.send.deliver` retries, explains and logs. E-mail and webhooks use
the standard library (``smtplib``, ``urllib.request``); apprise is imported on first use.
"""

from __future__ import annotations

import json
import logging
import smtplib
import ssl
import urllib.request
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from kmu_dataguard.notify.channels import AppriseChannel, EmailChannel, WebhookChannel
from kmu_dataguard.notify.message import Message
from kmu_dataguard.notify.payloads import PAYLOADS

__all__ = ["Permanent", "Transient", "Transport", "transport_for"]

#: One attempt: None when delivered, a note when delivered only in part; raises otherwise.
Transport = Callable[[Message], str | None]

# A webhook's answer is read (so the connection closes cleanly) but not kept.
_MAX_ANSWER = 64 * 1024


class Permanent(Exception):
    """A failure that the same attempt would meet again: not retried."""


class Transient(Exception):
    """A failure that may pass: retried."""


def send_email(channel: EmailChannel, message: Message) -> str | None:
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = channel.from_
    mail["To"] = ", ".join(channel.to)
    mail["Date"] = formatdate(localtime=True)
    # A domain of our own: make_msgid would otherwise ask DNS for this machine's name.
    mail["Message-ID"] = make_msgid(domain=channel.from_.rpartition("@")[2])
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    mail.set_content(message.body)
    context = ssl.create_default_context(cafile=channel.cafile)
    smtp: smtplib.SMTP
    if channel.ssl:
        smtp = smtplib.SMTP_SSL(
            channel.host, channel.smtp_port, timeout=channel.timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(channel.host, channel.smtp_port, timeout=channel.timeout)
    with smtp:
        if channel.use_starttls:
            smtp.starttls(context=context)
        if channel.username is not None and channel.password is not None:
            smtp.login(channel.username, channel.password)
        refused = smtp.send_message(mail)
    if refused:  # the others have it: sending again would send it twice
        return f"the server refused {', '.join(sorted(refused))}"
    return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is a failure: urllib would repeat a POST as a GET without its body, and
    send the Authorization header along to wherever it points."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def post_webhook(channel: WebhookChannel, message: Message) -> str | None:
    body = json.dumps(PAYLOADS[channel.format](message), ensure_ascii=False).encode("utf-8")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "kmu-dataguard",
        **channel.headers,
    }
    request = urllib.request.Request(channel.url, data=body, headers=headers, method="POST")
    context = ssl.create_default_context(cafile=channel.cafile)
    opener = urllib.request.build_opener(
        _NoRedirect(), urllib.request.HTTPSHandler(context=context)
    )
    with opener.open(request, timeout=channel.timeout) as answer:
        answer.read(_MAX_ANSWER)
    return None


class _AppriseSend:
    """Apprise, one URL at a time: a retry goes only to the services that did not get it."""

    def __init__(self, channel: AppriseChannel) -> None:
        self.pending = list(enumerate(channel.urls, 1))

    def __call__(self, message: Message) -> str | None:
        import apprise

        failed = []
        for number, url in list(self.pending):
            service = apprise.Apprise()
            if not service.add(url):
                scheme = url.partition("://")[0]
                raise Permanent(f"apprise does not understand URL {number} ({scheme}://…)")
            with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:
                sent = service.notify(body=message.body, title=message.subject)
            if sent:
                self.pending.remove((number, url))
            else:
                said = [line for line in captured.getvalue().splitlines() if line.strip()]
                failed.append(f"URL {number}: {said[-1] if said else 'not delivered'}")
        if failed:
            raise Transient("; ".join(failed))
        return None


def transport_for(channel: EmailChannel | WebhookChannel | AppriseChannel) -> Transport:
    """The transport of one delivery (it may remember what an earlier attempt achieved)."""
    if isinstance(channel, EmailChannel):
        return lambda message: send_email(channel, message)
    if isinstance(channel, WebhookChannel):
        return lambda message: post_webhook(channel, message)
    return _AppriseSend(channel)
