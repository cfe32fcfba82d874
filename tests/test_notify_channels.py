"""Notifications against real servers: an SMTP server (aiosmtpd, STARTTLS and AUTH required)
and an HTTP server on localhost receiving the webhooks; the decide policy as a table."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from kmu_dataguard.exit_codes import ExitCode
from kmu_dataguard.notify import (
    ChannelConfig,
    Delivery,
    Event,
    Notified,
    build_message,
    decide,
    deliver,
)
from kmu_dataguard.results import (
    CheckResult,
    ExpectationOutcome,
    GateResult,
    RecordContext,
    RunError,
    Severity,
    Verdict,
)
from tests.support.notify_servers import PASSWORD, HttpServer, SmtpServer, free_port

IBAN = "DE89370400440532013000"
BAD_EMAIL = "erika.mustermann@@example"
NOW = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)


# --- results to notify about -----------------------------------------------------------------


def blocked_result(lang: str = "en", report: str | None = "/srv/dataguard/report/index.html"):
    """A blocked gate: 7 bad IBANs (one a person's, one a company's), one bad e-mail (warning)."""
    keys = [f"K1000{i}" for i in range(7)]
    iban = ExpectationOutcome(
        id="customers.iban_valid",
        type="expect_column_values_to_be_valid_iban",
        column="iban",
        severity=Severity.CRITICAL,
        success=False,
        unexpected_count=7,
        unexpected_percent=11.7,
        failing_keys=keys,
        failing_values=[IBAN] * 7,
        verdict=Verdict.BLOCKED,
    )
    mail = ExpectationOutcome(
        id="customers.email_valid",
        type="expect_column_values_to_be_valid_email",
        column="email",
        severity=Severity.WARNING,
        success=False,
        unexpected_count=1,
        unexpected_percent=1.7,
        failing_keys=["K10009"],
        failing_values=[BAD_EMAIL],
        verdict=Verdict.WARN,
    )
    named = ExpectationOutcome(
        id="customers.name_present",
        type="expect_column_values_to_not_be_null",
        column="name",
        severity=Severity.CRITICAL,
        success=True,
        verdict=Verdict.PASS,
    )
    context = RecordContext(
        name_column="name",
        city_column="city",
        values={"K10000": ("Erika Mustermann", "Köln"), "K10001": ("Muster Bau GmbH", "Bonn")},
    )
    check = CheckResult(
        name="customers",
        source="erp",
        suite="customers",
        key="customer_id",
        rows=60,
        expectations=[mail, iban, named],
        verdict=Verdict.BLOCKED,
        source_headers={"iban": "Bankverbindung"},
        context=context,
    )
    return GateResult(
        gate="invoicing",
        verdict=Verdict.BLOCKED,
        exit_code=ExitCode.BLOCKED,
        started_at=NOW,
        duration_s=1.5,
        fail_on=Severity.CRITICAL,
        checks=[check],
        report_path=report,
        lang=lang,
    )


def passing_result(lang: str = "en") -> GateResult:
    check = CheckResult(
        name="customers", source="erp", suite="customers", key="customer_id", rows=60,
        verdict=Verdict.PASS,
    )  # fmt: skip
    return GateResult(
        gate="invoicing",
        verdict=Verdict.PASS,
        exit_code=ExitCode.PASS,
        started_at=NOW,
        duration_s=1.0,
        fail_on=Severity.CRITICAL,
        checks=[check],
        report_path="/srv/dataguard/report/index.html",
        lang=lang,
    )


def error_result() -> GateResult:
    return GateResult(
        gate="invoicing",
        verdict=Verdict.ERROR,
        exit_code=ExitCode.UNAVAILABLE,
        started_at=NOW,
        duration_s=0.2,
        fail_on=Severity.CRITICAL,
        errors=[RunError("customers", "source 'erp': database is locked")],
    )


# --- helpers ---------------------------------------------------------------------------------


class Sleeps(list[float]):
    """An injected sleep: remembers the waits instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def webhook(server: HttpServer, path: str = "/hook", **settings: Any) -> ChannelConfig:
    return ChannelConfig.model_validate({"webhook": {"url": server.url(path), **settings}})


# --- the channel models ----------------------------------------------------------------------


def test_a_channel_reads_the_documented_keys():
    channel = ChannelConfig.model_validate(
        {
            "email": {
                "host": "smtp.example.de",
                "username": "dataguard",
                "password": PASSWORD,
                "from": "dataguard@example.de",
                "to": ["steward@example.de"],
            },
            "remind_every": "24h",
            "lang": "de",
        }
    )
    assert channel.kind == "email"
    assert channel.email is not None
    assert (channel.email.smtp_port, channel.email.use_starttls) == (587, True)
    assert channel.retries == 3
    assert channel.reminder == timedelta(hours=24)
    assert PASSWORD in channel.secrets
    implicit = ChannelConfig.model_validate(
        {"email": {"host": "h", "ssl": True, "from": "a@b.de", "to": ["c@d.de"]}}
    )
    assert implicit.email is not None
    assert (implicit.email.smtp_port, implicit.email.use_starttls) == (465, False)
    # a port from ${SMTP_PORT} arrives as text
    from_env = ChannelConfig.model_validate(
        {"email": {"host": "h", "port": "2525", "from": "a@b.de", "to": ["c@d.de"]}}
    )
    assert from_env.email is not None and from_env.email.smtp_port == 2525


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ({}, "exactly one of"),
        (
            {"webhook": {"url": "https://x.de/h"}, "apprise": {"urls": ["ntfy://t"]}},
            "exactly one of",
        ),
        ({"webhook": {"url": "file:///etc/passwd"}}, "https://"),
        ({"webhook": {"url": "https://x.de/h", "format": "discord"}}, "format"),
        ({"webhook": {"url": "https://x.de/h", "colour": "red"}}, "colour"),
        ({"webhook": {"url": "https://x.de/h"}, "remind_every": "daily"}, "not an age"),
        ({"webhook": {"url": "https://x.de/h"}, "retries": True}, "not true/false"),
        ({"email": {"host": "h", "from": "a@b.de", "to": []}}, "to"),
        ({"email": {"host": "h", "from": "Ops <a@b.de>", "to": ["c@d.de"]}}, "not an e-mail"),
        (
            {"email": {"host": "h", "from": "a@b.de", "to": ["c@d.de"], "password": "x"}},
            "both 'username' and 'password'",
        ),
        (
            {
                "email": {
                    "host": "h", "starttls": False, "username": "u", "password": "p",
                    "from": "a@b.de", "to": ["c@d.de"],
                }
            },
            "encrypted connection",
        ),
        (
            {"email": {"host": "h", "ssl": True, "starttls": True, "from": "a@b.de",
                       "to": ["c@d.de"]}},
            "not both",
        ),
        ({"apprise": {"urls": []}}, "urls"),
    ],
)  # fmt: skip
def test_a_wrong_channel_is_refused_with_a_reason(entry: dict[str, Any], says: str):
    with pytest.raises(ValidationError, match=says):
        ChannelConfig.model_validate(entry)


def test_the_secrets_of_a_webhook_are_its_token_and_header_values():
    channel = ChannelConfig.model_validate(
        {
            "webhook": {
                "url": "https://hooks.slack.com/services/T0001/B0002/XyZsecretToken42",
                "headers": {"Authorization": "Bearer abc.def.ghi"},
            }
        }
    )
    assert {"XyZsecretToken42", "Bearer abc.def.ghi"} <= channel.secrets
    assert "services" not in channel.secrets  # short words stay readable in messages
    assert channel.webhook is not None and channel.webhook.where == "https://hooks.slack.com"


# --- when to send ----------------------------------------------------------------------------

P, W, B, E = Verdict.PASS, Verdict.WARN, Verdict.BLOCKED, Verdict.ERROR
DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("previous", "verdict", "ago", "remind", "event"),
    [
        # first run ever
        (None, P, None, None, None),
        (None, W, None, None, None),
        (None, B, None, None, Event.BLOCKED),
        (None, E, None, None, Event.ERROR),
        # healthy before (the last message was a recovery)
        (P, P, DAY, DAY, None),
        (W, P, DAY, None, None),
        (P, W, DAY, None, None),
        (P, B, DAY, None, Event.BLOCKED),
        (W, E, DAY, None, Event.ERROR),
        # a repeated block sends nothing
        (B, B, timedelta(hours=1), None, None),
        (B, B, 30 * DAY, None, None),
        (E, E, timedelta(hours=1), None, None),
        # recovery sends once (and then the previous state is healthy: see above)
        (B, P, DAY, None, Event.RECOVERED),
        (B, W, DAY, None, Event.RECOVERED),
        (E, P, DAY, DAY, Event.RECOVERED),
        # a change between the two bad states is news
        (B, E, timedelta(minutes=5), None, Event.ERROR),
        (E, B, timedelta(minutes=5), None, Event.BLOCKED),
        # reminders once the interval has passed since the last message
        (B, B, timedelta(hours=23), DAY, None),
        (B, B, DAY, DAY, Event.REMINDER),
        (E, E, 3 * DAY, DAY, Event.REMINDER),
    ],
)
def test_decide(
    previous: Verdict | None,
    verdict: Verdict,
    ago: timedelta | None,
    remind: timedelta | None,
    event: Event | None,
):
    told = None if previous is None else Notified(previous, NOW - (ago or timedelta()))
    assert decide(told, verdict, NOW, remind) == event


# --- the message -----------------------------------------------------------------------------


def test_the_message_names_gate_verdict_counts_problems_and_report():
    message = build_message(blocked_result(), Event.BLOCKED, run_id="run-17")
    assert message.subject == "[dataguard] BLOCKED: gate invoicing"
    body = message.body
    assert "The workflow has been stopped" in body
    assert "Checks: 1" in body and "Records: 60" in body
    assert "Records with problems: 8" in body and "Problems: 8" in body
    assert "Run: run-17" in body
    # the blocking problem first, by the source's header; five keys at most, then a count
    lines = [line for line in body.splitlines() if line.startswith("- ")]
    assert lines[0].startswith("- Bankverbindung: invalid [customers] – 7 records: K10000")
    assert lines[0].endswith("K10004 and 2 more")
    assert "warning" not in lines[0] and "K10009" in lines[1]
    assert "Report: /srv/dataguard/report/index.html" in body


def test_the_message_masks_personal_data():
    for lang in ("en", "de"):
        body = build_message(blocked_result(lang), Event.BLOCKED).body
        assert IBAN not in body and BAD_EMAIL not in body
        assert "Erika" not in body and "K10000 (E*** M***)" in body
        assert "K10001 (Muster Bau GmbH)" in body  # a company keeps its name


def test_the_message_in_german():
    message = build_message(blocked_result("de"), Event.BLOCKED)
    assert message.subject == "[dataguard] BLOCKIERT: Prüfpunkt invoicing"
    assert "Der Ablauf wurde angehalten" in message.body
    assert "Bankverbindung: ungültig [customers] – 7 Datensätze" in message.body
    # the channel's language wins over the run's
    assert build_message(blocked_result("de"), Event.BLOCKED, lang="en").lang == "en"


def test_recovered_reminder_and_error_messages():
    recovered = build_message(passing_result(), Event.RECOVERED)
    assert recovered.subject == "[dataguard] PASSES AGAIN: gate invoicing"
    assert "passes again" in recovered.body and not recovered.problems
    reminder = build_message(blocked_result("de"), Event.REMINDER)
    assert reminder.subject == "[dataguard] WEITERHIN BLOCKIERT: Prüfpunkt invoicing"
    failed = build_message(error_result(), Event.ERROR)
    assert failed.subject == "[dataguard] ERROR: gate invoicing"
    assert "- customers: source 'erp': database is locked" in failed.body
    assert "No report was written; run with --report DIR" in failed.body


def test_the_structured_form():
    data = build_message(blocked_result(), Event.BLOCKED, run_id="run-17").data
    assert json.loads(json.dumps(data)) == data
    assert {k: data[k] for k in ("schema_version", "event", "gate", "verdict", "exit_code")} == {
        "schema_version": 1,
        "event": "blocked",
        "gate": "invoicing",
        "verdict": "blocked",
        "exit_code": 1,
    }
    assert data["run_id"] == "run-17" and data["started_at"] == "2026-11-28T06:00:00+00:00"
    assert data["counts"] == {
        "checks": 1,
        "records": 60,
        "records_failing": 8,
        "records_failing_truncated": False,
        "problems": 8,
    }
    assert data["top_problems"][0] == {
        "check": "customers",
        "expectation": "customers.iban_valid",
        "text": "Bankverbindung: invalid",
        "failing_records": 7,
        "keys": ["K10000", "K10001", "K10002", "K10003", "K10004"],
    }
    assert data["report"] == "/srv/dataguard/report/index.html"
    assert IBAN not in json.dumps(data) and "Erika" not in json.dumps(data)


def test_a_real_blocked_run_leaks_no_failing_value(world):
    from kmu_dataguard.runner import run_gate

    result = run_gate("invoicing", world.config)
    assert result.verdict == Verdict.BLOCKED
    message = build_message(result, Event.BLOCKED)
    text = message.body + json.dumps(message.data, ensure_ascii=False)
    values = {
        str(v)
        for check in result.checks
        for outcome in check.expectations
        for v in outcome.failing_values
        if v is not None and len(str(v)) > 3
    }
    assert values and not [v for v in values if v in text]


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


# --- the done-when of issue #16 --------------------------------------------------------------
# The real wiring: the demo's payments gate with two channels in dataguard.yml, run by run_gate,
# what was told remembered in the history store.


def _break_a_supplier(world, iban: str) -> str:
    with sqlite3.connect(world.database) as conn:
        key, old = conn.execute("SELECT supplier_id, iban FROM suppliers LIMIT 1").fetchone()
        conn.execute("UPDATE suppliers SET iban = ? WHERE supplier_id = ?", (iban, key))
    return old


def _with_channels(world, smtp: SmtpServer, http: HttpServer, monkeypatch) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)
    text = world.config.read_text(encoding="utf-8")
    text = text.replace(
        "    checks: [suppliers]", "    checks: [suppliers]\n    notify: [stewards, teams]"
    )
    text += f"""
notify:
  stewards:
    email:
      host: 127.0.0.1
      port: {smtp.port}
      username: dataguard
      password: ${{SMTP_PASSWORD}}
      from: dataguard@example.test
      to: [steward@example.test]
      cafile: {smtp.cafile}
  teams:
    webhook:
      url: {http.url("/teams")}
      format: teams
"""
    world.config.write_text(text, encoding="utf-8")


def test_a_block_sends_one_email_and_one_webhook_a_recovery_one_more_a_repeat_none(
    world, smtp: SmtpServer, http: HttpServer, monkeypatch
):
    from kmu_dataguard.runner import run_gate

    _with_channels(world, smtp, http, monkeypatch)
    assert run_gate("payments", world.config).verdict == Verdict.PASS
    assert (len(smtp.messages), len(http.received)) == (0, 0)

    good = _break_a_supplier(world, "DE00123456780000000000")
    blocked = run_gate("payments", world.config)
    assert blocked.exit_code == ExitCode.BLOCKED
    assert (len(smtp.messages), len(http.received)) == (1, 1)
    mail = email.message_from_bytes(smtp.messages[0].content, policy=email.policy.default)
    assert "payments" in mail["Subject"]
    assert PASSWORD not in mail.get_content() and "DE00123456780000000000" not in mail.get_content()
    assert http.received[0].json()["type"] == "message"

    assert run_gate("payments", world.config).exit_code == ExitCode.BLOCKED
    assert (len(smtp.messages), len(http.received)) == (1, 1), "a repeated block sends nothing"

    _break_a_supplier(world, good)
    assert run_gate("payments", world.config).exit_code == ExitCode.PASS
    assert (len(smtp.messages), len(http.received)) == (2, 2)
    last = email.message_from_bytes(smtp.messages[-1].content, policy=email.policy.default)
    assert "payments" in last["Subject"] and "BLOCK" not in last["Subject"]


def test_a_channel_that_fails_keeps_the_exit_code_and_is_told_again_next_run(
    world, smtp: SmtpServer, http: HttpServer, monkeypatch
):
    from kmu_dataguard.history import open_store, schema
    from kmu_dataguard.runner import run_gate

    _with_channels(world, smtp, http, monkeypatch)
    _break_a_supplier(world, "DE00123456780000000000")
    http.answers = [500] * 4  # the first delivery fails all its attempts (1 + 3 retries)
    monkeypatch.setattr("kmu_dataguard.notify.send.time.sleep", lambda _s: None)
    first = run_gate("payments", world.config)
    assert first.exit_code == ExitCode.BLOCKED  # the failed channel changes nothing
    assert (len(smtp.messages), len(http.received)) == (1, 4)

    second = run_gate("payments", world.config)
    assert second.exit_code == ExitCode.BLOCKED
    assert (len(smtp.messages), len(http.received)) == (1, 5), "the webhook is told again"

    import os

    import sqlalchemy as sa

    with (
        open_store(f"sqlite:///{os.environ['DATAGUARD_HISTORY']}") as store,
        store.reading("test") as conn,
    ):
        rows = conn.execute(
            sa.select(
                schema.notifications.c.channel,
                schema.notifications.c.ok,
                schema.notifications.c.attempts,
                schema.notifications.c.error,
            ).order_by(schema.notifications.c.id)
        ).all()
    assert [(r.channel, r.ok, r.attempts) for r in rows] == [
        ("stewards", True, 1),
        ("teams", False, 4),
        ("teams", True, 1),
    ]
    assert "500" in rows[1].error


def test_a_gate_naming_an_unknown_channel_is_a_configuration_error(world, dataguard):
    text = world.config.read_text(encoding="utf-8")
    world.config.write_text(
        text.replace("    checks: [suppliers]", "    checks: [suppliers]\n    notify: [stewards]"),
        encoding="utf-8",
    )
    run = dataguard("gate", "payments", "--config", str(world.config))
    assert run.code == 2
    assert "gates.payments.notify.0: no notify channel named 'stewards'" in run.err


def test_a_mistyped_channel_key_lists_the_keys_allowed_there(world, dataguard):
    text = world.config.read_text(encoding="utf-8")
    text += (
        "notify:\n  it:\n    email:\n      host: smtp.example.de\n      usr: dataguard\n"
        "      from: dataguard@example.de\n      to: [a@example.de]\n"
    )
    world.config.write_text(text, encoding="utf-8")
    run = dataguard("gate", "payments", "--config", str(world.config))
    assert run.code == 2
    assert "notify.it.email.usr: unknown key" in run.err and "username" in run.err


def test_notify_test_sends_one_message_per_channel_and_says_which_failed(
    world, smtp: SmtpServer, http: HttpServer, monkeypatch, dataguard
):
    _with_channels(world, smtp, http, monkeypatch)
    run = dataguard("notify", "test", "--config", str(world.config), "--lang", "de")
    assert run.code == 0, run.out + run.err
    assert "stewards: sent (1 attempt)" in run.out and "teams: sent" in run.out
    [envelope] = smtp.messages
    mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert mail["Subject"] == "[dataguard] TEST: Kanal stewards"
    assert "der Kanal funktioniert" in mail.get_content()
    assert http.received[0].json()["type"] == "message"

    http.answers = [404]
    failed = dataguard("notify", "test", "teams", "--config", str(world.config), "--format", "json")
    assert failed.code == 3
    [teams] = json.loads(failed.out)["channels"]
    assert (teams["channel"], teams["ok"]) == ("teams", False) and "404" in teams["error"]

    unknown = dataguard("notify", "test", "nobody", "--config", str(world.config))
    assert unknown.code == 2 and "channels defined: stewards, teams" in unknown.err
