"""Delivery against real servers: an SMTP server (aiosmtpd, STARTTLS and AUTH required), an
HTTP server on localhost receiving the webhooks, and apprise."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import time

import pytest

from kmu_dataguard.notify import (
    ChannelConfig,
    Delivery,
    Event,
    build_message,
    deliver,
)
from tests.support.notify_results import (
    IBAN,
    Sleeps,
    blocked_result,
    webhook,
)
from tests.support.notify_servers import PASSWORD, HttpServer, SmtpServer, free_port

# --- e-mail over a real SMTP server ----------------------------------------------------------


def test_an_email_arrives_once_over_starttls_with_login(smtp: SmtpServer):
    delivery = deliver(
        "stewards", smtp.channel(), build_message(blocked_result("de"), Event.BLOCKED)
    )
    assert delivery == Delivery("stewards", ok=True, attempts=1, error=None)
    assert smtp.logins == [(b"dataguard", True)]
    [envelope] = smtp.messages
    assert envelope.mail_from == "dataguard@example.test"
    assert envelope.rcpt_tos == ["steward@example.test", "it@example.test"]
    mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert mail["Subject"] == "[dataguard] BLOCKIERT: Prüfpunkt invoicing"
    assert mail["Auto-Submitted"] == "auto-generated"
    body = mail.get_content()
    assert "Bankverbindung: ungültig [customers] – 7 Datensätze" in body
    assert "K10000 (E*** M***)" in body
    assert IBAN not in body and "Erika" not in body


def test_an_email_in_english(smtp: SmtpServer):
    channel = smtp.channel()
    assert deliver("it", channel, build_message(blocked_result(), Event.BLOCKED, lang="en")).ok
    [envelope] = smtp.messages
    mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert mail["Subject"] == "[dataguard] BLOCKED: gate invoicing"
    assert "The workflow has been stopped" in mail.get_content()


def test_a_wrong_password_is_not_retried_and_not_shown(smtp: SmtpServer):
    sleeps = Sleeps()
    channel = smtp.channel(password="wrong-" + PASSWORD)
    delivery = deliver("it", channel, build_message(blocked_result(), Event.BLOCKED), sleep=sleeps)
    assert (delivery.ok, delivery.attempts, sleeps) == (False, 1, [])
    assert delivery.error is not None
    assert "refused the login: check username and password" in delivery.error
    assert PASSWORD not in delivery.error and not smtp.messages


def test_an_untrusted_certificate_says_what_to_do(smtp: SmtpServer):
    channel = smtp.channel(cafile=None)
    delivery = deliver(
        "it", channel, build_message(blocked_result(), Event.BLOCKED), sleep=Sleeps()
    )
    assert (delivery.ok, delivery.attempts) == (False, 1)
    assert (
        delivery.error is not None and "certificate is not trusted (self-signed" in delivery.error
    )
    assert "cafile" in delivery.error and not smtp.messages


def test_an_unreachable_smtp_host_is_a_clear_failure_not_an_exception(
    caplog: pytest.LogCaptureFixture,
):
    channel = ChannelConfig.model_validate(
        {
            "email": {
                "host": "127.0.0.1",
                "port": free_port(),  # nothing listens there
                "username": "dataguard",
                "password": PASSWORD,
                "from": "dataguard@example.test",
                "to": ["it@example.test"],
            }
        }
    )
    sleeps = Sleeps()
    started = time.monotonic()
    delivery = deliver("it", channel, build_message(blocked_result(), Event.BLOCKED), sleep=sleeps)
    assert time.monotonic() - started < 3
    assert (delivery.ok, delivery.attempts, sleeps) == (False, 4, [0.5, 1.0, 2.0])
    assert delivery.error == (
        f"email to {channel.email.where} failed: "
        "connection refused: is the server running, are host and port right?"
    )
    assert [r.levelname for r in caplog.records if r.name == "kmu_dataguard"] == ["WARNING"]
    assert PASSWORD not in caplog.text


def test_a_server_that_never_answers_times_out():
    with socket.socket() as silent:  # accepts connections (the kernel does), never speaks
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        channel = ChannelConfig.model_validate(
            {
                "email": {
                    "host": "127.0.0.1",
                    "port": silent.getsockname()[1],
                    "from": "dataguard@example.test",
                    "to": ["it@example.test"],
                    "timeout": 0.3,
                },
                "retries": 1,
            }
        )
        started = time.monotonic()
        delivery = deliver(
            "it", channel, build_message(blocked_result(), Event.BLOCKED), sleep=Sleeps()
        )
        assert time.monotonic() - started < 3
    assert (delivery.ok, delivery.attempts) == (False, 2)
    assert delivery.error is not None and "no answer within 0.3 s" in delivery.error


# --- webhooks to a real HTTP server ----------------------------------------------------------


def test_a_json_webhook_posts_the_structured_form(http: HttpServer):
    channel = webhook(http, headers={"Authorization": "Bearer t0ken-value"})
    message = build_message(blocked_result(), Event.BLOCKED, run_id="run-17")
    assert deliver("ops", channel, message).ok
    [received] = http.received
    assert received.path == "/hook"
    assert received.headers["Authorization"] == "Bearer t0ken-value"
    assert received.headers["Content-Type"] == "application/json; charset=utf-8"
    payload = received.json()
    assert (payload["gate"], payload["verdict"], payload["event"]) == (
        "invoicing",
        "blocked",
        "blocked",
    )
    assert payload["text"] == message.body
    assert IBAN.encode() not in received.body


def test_a_slack_webhook_posts_text_and_blocks(http: HttpServer):
    assert deliver(
        "chat", webhook(http, format="slack"), build_message(blocked_result(), Event.BLOCKED)
    ).ok
    payload = http.received[0].json()
    assert payload["text"] == "[dataguard] BLOCKED: gate invoicing"
    texts = json.dumps(payload["blocks"], ensure_ascii=False)
    assert "gate invoicing" in texts and "K10000 (E*** M***)" in texts
    # data is plain text: no mrkdwn, so a key cannot ping the channel
    assert "mrkdwn" not in texts


def test_a_teams_webhook_posts_an_adaptive_card(http: HttpServer):
    message = build_message(blocked_result("de"), Event.BLOCKED)
    assert deliver("teams", webhook(http, format="teams"), message).ok
    payload = http.received[0].json()
    assert payload["type"] == "message"
    [attachment] = payload["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.4")
    assert card["body"][0] == {
        "type": "TextBlock",
        "text": "[dataguard] BLOCKIERT: Prüfpunkt invoicing",
        "weight": "Bolder",
        "size": "Medium",
        "color": "Attention",
        "wrap": True,
    }
    facts = next(b for b in card["body"] if b["type"] == "FactSet")["facts"]
    assert {"title": "Datensätze", "value": "60"} in facts


def test_a_server_error_is_retried_until_it_passes(http: HttpServer):
    http.answers = [500, 503]
    sleeps = Sleeps()
    delivery = deliver(
        "ops", webhook(http), build_message(blocked_result(), Event.BLOCKED), sleep=sleeps
    )
    assert delivery == Delivery("ops", ok=True, attempts=3, error=None)
    assert sleeps == [0.5, 1.0] and len(http.received) == 3


def test_too_many_requests_is_retried(http: HttpServer):
    http.answers = [429]
    delivery = deliver(
        "ops", webhook(http), build_message(blocked_result(), Event.BLOCKED), sleep=Sleeps()
    )
    assert (delivery.ok, delivery.attempts) == (True, 2)


def test_not_found_is_not_retried_and_the_token_not_shown(http: HttpServer):
    http.answers = [404]
    sleeps = Sleeps()
    channel = webhook(http, path="/services/T0001/XyZsecretToken42")
    delivery = deliver("ops", channel, build_message(blocked_result(), Event.BLOCKED), sleep=sleeps)
    assert (delivery.ok, delivery.attempts, sleeps) == (False, 1, [])
    assert delivery.error == (
        f"webhook to http://127.0.0.1:{http.port} failed: the server answered HTTP 404 Not Found"
    )
    assert len(http.received) == 1


def test_a_redirect_is_not_followed(http: HttpServer):
    http.answers = [302]
    delivery = deliver(
        "ops", webhook(http), build_message(blocked_result(), Event.BLOCKED), sleep=Sleeps()
    )
    assert not delivery.ok and delivery.error is not None
    assert "HTTP 302" in delivery.error and "give the final URL" in delivery.error
    assert [r.path for r in http.received] == ["/hook"]


def test_an_unreachable_webhook_fails_after_its_retries():
    channel = ChannelConfig.model_validate(
        {"webhook": {"url": f"http://127.0.0.1:{free_port()}/h"}, "retries": 2}
    )
    sleeps = Sleeps()
    delivery = deliver("ops", channel, build_message(blocked_result(), Event.BLOCKED), sleep=sleeps)
    assert (delivery.ok, delivery.attempts, sleeps) == (False, 3, [0.5, 1.0])
    assert delivery.error is not None and "connection refused" in delivery.error


# --- apprise ---------------------------------------------------------------------------------


def test_apprise_delivers_to_a_json_url(http: HttpServer):
    channel = ChannelConfig.model_validate(
        {"apprise": {"urls": [f"json://127.0.0.1:{http.port}/apprise"]}}
    )
    message = build_message(blocked_result(), Event.BLOCKED)
    assert deliver("chat", channel, message) == Delivery("chat", ok=True, attempts=1)
    [received] = http.received
    assert received.path == "/apprise"
    payload = received.json()
    assert payload["title"] == message.subject and payload["message"] == message.body


def test_apprise_retries_only_the_url_that_failed(http: HttpServer):
    http.answers = [200, 500]  # the first URL gets it, the second fails once
    channel = ChannelConfig.model_validate(
        {
            "apprise": {
                "urls": [
                    f"json://127.0.0.1:{http.port}/one",
                    f"json://127.0.0.1:{http.port}/two",
                ]
            }
        }
    )
    delivery = deliver(
        "chat", channel, build_message(blocked_result(), Event.BLOCKED), sleep=Sleeps()
    )
    assert (delivery.ok, delivery.attempts) == (True, 2)
    assert [r.path for r in http.received] == ["/one", "/two", "/two"]


def test_an_unknown_apprise_url_is_not_retried():
    channel = ChannelConfig.model_validate({"apprise": {"urls": ["nosuchservice://abcdefgh"]}})
    sleeps = Sleeps()
    delivery = deliver(
        "chat", channel, build_message(blocked_result(), Event.BLOCKED), sleep=sleeps
    )
    assert (delivery.ok, delivery.attempts, sleeps) == (False, 1, [])
    assert delivery.error is not None and "does not understand URL 1" in delivery.error
    assert "abcdefgh" not in delivery.error
