"""``dataguard check SOURCE --suite SUITE``: check one export or table ad hoc."""

from __future__ import annotations

import click

from kmu_dataguard.cli.emit import emit_error, emit_result
from kmu_dataguard.cli.options import (
    OutputOptions,
    fail_on_option,
    format_option,
    output_options,
    report_options,
)
from kmu_dataguard.errors import DataguardError


@click.command()
@click.argument("source")
@click.option("--suite", required=True, help="Suite name (see `dataguard suites`) or a .json file.")
@click.option("--key", default=None, help="Column identifying each record (default: row number).")
@click.option("--table", default=None, help="Table to check when SOURCE is a database URL.")
@click.option(
    "--suites-dir",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    help="Folder with your own suites (they override built-in ones of the same name).",
)
@format_option
@report_options
@fail_on_option("critical")
@output_options
def check(
    source: str,
    suite: str,
    key: str | None,
    table: str | None,
    suites_dir: str | None,
    output_format: str,
    report_dir: str | None,
    max_keys: int | None,
    fail_on: str,
    outputs: OutputOptions,
) -> int:
    """Check SOURCE (a CSV file or an SQLAlchemy URL with --table) with one suite.

    Same verdicts and exit codes as `dataguard gate`.
    """
    from kmu_dataguard.runner import run_check

    try:
        result = run_check(
            source,
            suite,
            key=key,
            table=table,
            suites_dir=suites_dir,
            fail_on=fail_on,
            report_dir=report_dir,
            max_keys=max_keys,
            **outputs.run_kwargs(),
        )
    except DataguardError as exc:
        return emit_error(exc, output_format, outputs=outputs)
    return emit_result(result, output_format, outputs)
