"""Gate results to notify about, and small helpers, shared by the notification tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kmu_dataguard.exit_codes import ExitCode
from kmu_dataguard.notify import ChannelConfig
from kmu_dataguard.results import (
    CheckResult,
    ExpectationOutcome,
    GateResult,
    RecordContext,
    RunError,
    Severity,
    Verdict,
)
from tests.support.notify_servers import HttpServer

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
