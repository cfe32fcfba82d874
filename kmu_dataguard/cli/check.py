"""``dataguard check SOURCE --suite SUITE``: check one export or table ad hoc."""

from __future__ import annotations

import click

from kmu_dataguard.cli.emit import emit_error, emit_result
from kmu_dataguard.cli.options import (
    OutputOptions,
    fail_on_option,
    format_option,
    history_option,
    mapping_options,
    output_options,
    report_options,
)
from kmu_dataguard.errors import DataguardError, RunStopped


@click.command()
@click.argument("source")
@click.option(
    "--suite",
    default=None,
    help="Suite name (see `dataguard suites`) or a .json file; default: the --entity's suite.",
)
@click.option("--key", default=None, help="Column identifying each record (default: row number).")
@click.option("--table", default=None, help="Table to check when SOURCE is a database URL.")
@click.option("--query", default=None, help="Read-only SELECT to check when SOURCE is a URL.")
@mapping_options
@click.option(
    "--min-rows",
    type=click.IntRange(min=1),
    default=None,
    help="Fewer records than this is a cut-off export: could not validate (exit 3).",
)
@click.option(
    "--max-row-drop",
    default=None,
    metavar="SHARE",
    help="More records missing than this share of the previous recorded run (20%, 0.2) is "
    "a cut-off export: could not validate (exit 3).",
)
@click.option(
    "--allow-empty",
    is_flag=True,
    help="Accept a source without records (by default no records is exit 3, never a pass).",
)
@click.option(
    "--max-age",
    default=None,
    help="A file last changed longer ago than this (26h, 2d, 90m) is an old export: exit 3.",
)
@click.option(
    "--fresh",
    default=None,
    metavar="COLUMN=AGE",
    help="The newest date/time in COLUMN must be at most AGE old, e.g. updated_at=26h.",
)
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="HEADER=COLUMN,…",
    help="Rename the file's columns onto the suite's, e.g. --map \"PLZ=postal_code,Firma=name\"; "
    "quote a header with a comma: --map '\"Straße, Nr.=street\"'. Repeatable.",
)
@click.option(
    "--split",
    "split_dir",
    default=None,
    metavar="DIR",
    help="Write DIR/accepted.<ext> and DIR/held.<ext> (the records, in the file's own format) "
    "and DIR/held_reasons.xlsx; the exit code stays the verdict (docs/split.md).",
)
@click.option(
    "--split-force",
    is_flag=True,
    help="Allow --split DIR to be the source's own folder (never the source file itself).",
)
@format_option
@report_options
@fail_on_option("critical")
@history_option(
    "Record the run here: off, an SQLite file or an SQLAlchemy URL (docs/history.md). "
    "Default: DATAGUARD_HISTORY, else .dataguard/history.db in the current folder."
)
@output_options
def check(
    source: str,
    suite: str | None,
    key: str | None,
    table: str | None,
    query: str | None,
    profile: str | None,
    entity: str | None,
    sheet: str | None,
    connectors_dir: str | None,
    suites_dir: str | None,
    min_rows: int | None,
    max_row_drop: str | None,
    allow_empty: bool,
    max_age: str | None,
    fresh: str | None,
    maps: tuple[str, ...],
    split_dir: str | None,
    split_force: bool,
    output_format: str,
    report_dir: str | None,
    max_keys: int | None,
    fail_on: str,
    history_target: str | None,
    outputs: OutputOptions,
) -> int:
    """Check SOURCE ad hoc: a CSV, Excel or DATEV file, or an SQLAlchemy URL.

    \b
    Examples:
      dataguard check export.csv --suite customers --key customer_id
      dataguard check kunden.csv --suite customers --map "Kundennummer=customer_id,PLZ=postal_code"
      dataguard check EXTF_Debitoren.csv --profile datev --entity customers
      dataguard check sqlite:///odoo.db --profile odoo --entity customers
      dataguard check postgresql://guard@db/erp --table res_partner --key id --suite customers
      dataguard check kunden.csv --suite customers --key customer_id --split import/

    Same verdicts and exit codes as `dataguard gate`.
    """
    from kmu_dataguard.runner import run_check

    if split_force and split_dir is None:
        raise click.BadParameter("needs --split DIR", param_hint="--split-force")
    fresh_column, sep, fresh_age = (fresh or "").rpartition("=")
    if fresh is not None and not (sep and fresh_column.strip() and fresh_age.strip()):
        raise click.BadParameter(
            f"{fresh!r}: write COLUMN=AGE, e.g. updated_at=26h", param_hint="--fresh"
        )
    try:
        result = run_check(
            source,
            suite,
            key=key,
            table=table,
            query=query,
            profile=profile,
            entity=entity,
            sheet=int(sheet) if sheet is not None and sheet.isdigit() else sheet,
            suites_dir=suites_dir,
            connectors_dir=connectors_dir,
            fail_on=fail_on,
            report_dir=report_dir,
            max_keys=max_keys,
            allow_empty=allow_empty,
            min_rows=min_rows,
            max_row_drop=max_row_drop,
            max_age=max_age,
            fresh={"column": fresh_column.strip(), "max_age": fresh_age.strip()} if fresh else None,
            mapping=parse_map(maps),
            history=history_target,
            split=split_dir,
            split_force=split_force,
            **outputs.run_kwargs(),
        )
    except (DataguardError, RunStopped) as exc:
        return emit_error(exc, output_format, outputs=outputs, fail_on=fail_on)
    return emit_result(result, output_format, outputs)


def parse_map(values: tuple[str, ...]) -> dict[str, str] | None:
    """``--map`` values → {header: column} (see :mod:`kmu_dataguard.header_map`)."""
    from kmu_dataguard.header_map import parse_header_map

    try:
        return parse_header_map(values)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--map") from None
