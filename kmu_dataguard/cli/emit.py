"""Printing a result (or an error that prevented one) in the chosen format.

Data goes to stdout, messages to stderr. In JSON mode an error is still one JSON document, so
a script always gets something it can parse.
"""

from __future__ import annotations

from datetime import UTC, datetime

import click

from kmu_dataguard.errors import DataguardError
from kmu_dataguard.results import GateResult

__all__ = ["emit_error", "emit_result"]


def emit_result(result: GateResult, output_format: str) -> int:
    if output_format == "json":
        from kmu_dataguard.outputs.json_doc import render_json

        click.echo(render_json(result))
    else:
        from kmu_dataguard.outputs.text import render_text

        click.echo(render_text(result))
    return int(result.exit_code)


def emit_error(exc: DataguardError, output_format: str, gate: str | None = None) -> int:
    """Report an error that prevented a result; return its exit code."""
    if output_format == "json":
        import json

        verdict = {
            "schema_version": 1,
            "gate": gate,
            "verdict": "error",
            "exit_code": exc.exit_code,
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "duration_s": 0.0,
            "checks": [],
            "errors": [{"check": None, "message": str(exc)}],
        }
        click.echo(json.dumps(verdict, ensure_ascii=False, indent=2))
    click.echo(f"dataguard: error: {exc}", err=True)
    return exc.exit_code
