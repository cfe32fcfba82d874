"""Printing a result (or an error that prevented one) in the chosen format.

Data goes to stdout (or to ``--output FILE``, written atomically), messages to stderr. In JSON
and JUnit mode an error is still one document, so a script always gets something it can parse.
Personal values are masked unless ``--no-mask``.
"""

from __future__ import annotations

from collections.abc import Callable

import click

from kmu_dataguard.cli.options import OutputOptions
from kmu_dataguard.errors import DataguardError, RunStopped
from kmu_dataguard.exit_codes import ExitCode
from kmu_dataguard.results import GateResult

__all__ = ["emit_error", "emit_result", "error_documents"]


def emit_result(
    result: GateResult, output_format: str, outputs: OutputOptions | None = None
) -> int:
    outputs = outputs or OutputOptions()
    try:
        text = _render(result, output_format, outputs.mask)
    except RunStopped as stop:
        # Stopped before anything was printed: the error document replaces the result.
        stop.validated, stop.report = True, result.report_path
        return emit_error(stop, output_format, result.gate, outputs)
    if not _deliver(text, outputs.output):
        return int(ExitCode.UNAVAILABLE)  # nobody may rely on a result that was not delivered
    return int(result.exit_code)


def _render(result: GateResult, output_format: str, mask: bool) -> str:
    if mask:
        from kmu_dataguard.report.masking import mask_result

        result = mask_result(result)
    if output_format == "json":
        from kmu_dataguard.outputs.json_doc import render_json

        return render_json(result)
    if output_format == "junit":
        from kmu_dataguard.outputs.junit import render_junit

        return render_junit(result)
    from kmu_dataguard.outputs.text import render_text

    return render_text(result)


def emit_error(
    exc: DataguardError | RunStopped,
    output_format: str,
    gate: str | None = None,
    outputs: OutputOptions | None = None,
    fail_on: str | None = None,
) -> int:
    """Report an error (or a stop by a signal) that prevented a result; return its exit code."""
    outputs = outputs or OutputOptions()
    if output_format == "json":
        from kmu_dataguard.outputs.json_doc import render_error_json

        _deliver(render_error_json(str(exc), exc.exit_code, gate, fail_on), outputs.output)
    elif output_format == "junit":
        from kmu_dataguard.outputs.junit import render_junit_error

        _deliver(render_junit_error(str(exc), gate), outputs.output)
    kind = "" if isinstance(exc, RunStopped) else "error: "
    click.echo(f"dataguard: {kind}{exc}", err=True)
    return exc.exit_code


def _deliver(text: str, output: str | None) -> bool:
    """Print ``text`` or write it to ``output``; False when the file could not be written."""
    if output is None:
        click.echo(text)
        return True
    from kmu_dataguard.outputs.files import atomic_write_text

    try:
        atomic_write_text(output, text + "\n")
    except OSError as exc:
        # The result must not get lost: say so, and print it where it can still be read.
        click.echo(f"dataguard: error: cannot write {output}: {exc.strerror or exc}", err=True)
        click.echo(text)
        return False
    return True


def error_documents() -> dict[str, Callable[[str, int], str]]:
    """Commands whose JSON is not the result document: their own document for an error.

    ``gate`` and ``check`` answer with the result document (:func:`emit_error`).
    """
    from kmu_dataguard.cli.approve import approve_error_json
    from kmu_dataguard.outputs.history import render_history_error_json

    return {"history": render_history_error_json, "approve": approve_error_json}
