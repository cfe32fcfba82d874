"""Notifications wired into real gate runs: dataguard.yml channels, run_gate, the history."""

from __future__ import annotations

import email
import email.policy
import json
import sqlite3

from kmu_dataguard.exit_codes import ExitCode
from kmu_dataguard.results import Verdict
from tests.support.notify_servers import PASSWORD, HttpServer, SmtpServer

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
