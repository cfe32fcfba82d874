"""kmu-dataguard: a master-data quality gate for the automated workflows of KMU.

Call it as a pre-flight step::

    import kmu_dataguard

    result = kmu_dataguard.run_gate("invoicing", config="dataguard.yml")
    result.raise_for_verdict()  # raises GateBlocked unless the workflow may run

    with kmu_dataguard.guard("invoicing", config="dataguard.yml"):  # or @guard(...)
        send_invoices()

Heavy dependencies (pandas, Great Expectations) are imported on first use.
"""

from __future__ import annotations

from kmu_dataguard.errors import (
    ConfigError,
    DataguardError,
    EngineError,
    GateBlocked,
    SourceError,
    SuiteError,
    ValidationUnavailable,
)
from kmu_dataguard.exit_codes import ExitCode
from kmu_dataguard.results import (
    CheckResult,
    ExpectationOutcome,
    GateResult,
    RunError,
    Severity,
    Verdict,
)

__all__ = [
    "CheckResult",
    "ConfigError",
    "DataguardError",
    "EngineError",
    "ExitCode",
    "ExpectationOutcome",
    "GateBlocked",
    "GateResult",
    "RunError",
    "Severity",
    "SourceError",
    "SuiteError",
    "ValidationUnavailable",
    "Verdict",
    "guard",
    "run_check",
    "run_gate",
]


def __getattr__(name: str) -> object:
    # run_gate/run_check pull in the config loader; import them when first asked for.
    if name in ("run_gate", "run_check"):
        from kmu_dataguard import runner

        return getattr(runner, name)
    if name == "guard":
        from kmu_dataguard.preflight import guard

        return guard
    raise AttributeError(f"module 'kmu_dataguard' has no attribute {name!r}")
