"""The JSON document (schema v1) printed by ``--format json``: exactly one document.

Results and errors that prevented a result go through the same serialiser, so every document
has the same keys (``schemas/result-v1.schema.json``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from kmu_dataguard.exit_codes import ExitCode
from kmu_dataguard.paths import builtin_dir
from kmu_dataguard.results import GateResult, RunError, Severity, Verdict

__all__ = ["RESULT_SCHEMA", "render_error_json", "render_json"]

#: The JSON Schema of every document below (shipped with the package; the tests validate every
#: document the CLI prints against it).
RESULT_SCHEMA = builtin_dir("schemas") / "result-v1.schema.json"


def render_json(result: GateResult) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2)


def render_error_json(
    message: str, exit_code: int, gate: str | None = None, fail_on: str | None = None
) -> str:
    """The document of a run that never got to a result (configuration error, stop, ...).

    ``fail_on`` is the policy asked for on the command line, else ``critical`` (the gate's own
    setting may not even have been read).
    """
    result = GateResult(
        gate=gate,
        verdict=Verdict.ERROR,
        exit_code=ExitCode.UNAVAILABLE,
        started_at=datetime.now(UTC),
        duration_s=0.0,
        fail_on=Severity(fail_on or Severity.CRITICAL),
        errors=[RunError(None, message)],
    )
    document = result.to_dict()
    # 2 for a usage error; 130/143 for a stop by a signal, which is no verdict (no ExitCode)
    document["exit_code"] = int(exit_code)
    return json.dumps(document, ensure_ascii=False, indent=2)
