"""``dataguard gate NAME``: run a configured gate before a workflow."""

from __future__ import annotations

import click

from kmu_dataguard.cli.emit import emit_error, emit_result
from kmu_dataguard.cli.options import (
    OutputOptions,
    config_option,
    fail_on_option,
    format_option,
    history_option,
    output_options,
    report_options,
)
from kmu_dataguard.errors import DataguardError, RunStopped


@click.command()
@click.argument("name")
@config_option
@format_option
@report_options
@fail_on_option(None)
@history_option(
    "Record the run here: off, an SQLite file or an SQLAlchemy URL (docs/history.md). "
    "Default: history: in dataguard.yml, else DATAGUARD_HISTORY, else "
    ".dataguard/history.db beside dataguard.yml."
)
@output_options
def gate(
    name: str,
    config_path: str,
    output_format: str,
    report_dir: str | None,
    max_keys: int | None,
    fail_on: str | None,
    history_target: str | None,
    outputs: OutputOptions,
) -> int:
    """Run the checks of gate NAME; exit 0 pass, 1 blocked, 2 usage, 3 could not validate."""
    from kmu_dataguard.runner import run_gate

    try:
        result = run_gate(
            name,
            config_path,
            fail_on=fail_on,
            report_dir=report_dir,
            max_keys=max_keys,
            history=history_target,
            **outputs.run_kwargs(),
        )
    except (DataguardError, RunStopped) as exc:
        return emit_error(exc, output_format, gate=name, outputs=outputs, fail_on=fail_on)
    return emit_result(result, output_format, outputs)
