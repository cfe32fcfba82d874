"""Notification channels as configured, when to send (a table), and what the message says."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from kmu_dataguard.notify import (
    ChannelConfig,
    Event,
    Notified,
    build_message,
    decide,
)
from kmu_dataguard.results import Verdict
from tests.support.notify_results import (
    BAD_EMAIL,
    IBAN,
    NOW,
    blocked_result,
    error_result,
    passing_result,
)
from tests.support.notify_servers import PASSWORD

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
