"""``dataguard approve GATE --check C --key K``: accept a changed value that blocks the gate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kmu_dataguard.cli.options import config_option, history_option, text_json_option
from kmu_dataguard.errors import DataguardError

if TYPE_CHECKING:
    from kmu_dataguard.config import Config


@click.command()
@click.argument("gate")
@click.option("--check", "check_name", required=True, help="The check that reported the change.")
@click.option("--key", required=True, help="The record whose changed value you accept.")
@click.option(
    "--column",
    default=None,
    help="Only this column's change (default: every changed column of the record).",
)
@click.option("--note", default=None, help="Why the change is right, e.g. how it was confirmed.")
@click.option("--by", default=None, help="Who approves (default: the operating system's user).")
@history_option(
    "The history store (default: history: in the configuration, then DATAGUARD_HISTORY, "
    "then .dataguard/history.db beside it)."
)
@config_option
@text_json_option("text for people; json prints the approvals as one JSON document.")
def approve(
    gate: str,
    check_name: str,
    key: str,
    column: str | None,
    note: str | None,
    by: str | None,
    history_target: str | None,
    config_path: str,
    output_format: str,
) -> int:
    """Accept the changed value of record KEY that blocks GATE (change detection).

    \b
    The next run of GATE compares with the accepted value; who approved what and when is
    recorded in the history. Runs of `dataguard check` are approved as GATE check:NAME.
    Exit 0 approved, 2 nothing to approve (or a wrong gate, check or option),
    3 the history cannot be used.

    \b
    Example:
      dataguard approve payments --check suppliers --key L70003 --note "Called them"
    """
    from kmu_dataguard.history.approval import approve_change

    try:
        cfg = _config(config_path, ad_hoc=gate.startswith("check:"))
        done = approve_change(
            cfg,
            gate,
            check=check_name,
            key=key,
            column=column,
            note=note,
            by=by,
            history=history_target,
        )
    except DataguardError as exc:
        if output_format == "json":
            click.echo(approve_error_json(str(exc), exc.exit_code))
        click.echo(f"dataguard: error: {exc}", err=True)
        return exc.exit_code
    if output_format == "json":
        doc = {"approved": [a.to_dict() for a in done]}
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return 0
    for a in done:
        click.echo(f"approved: {a.check} {a.key} {a.column}: {a.old} → {a.new} (by {a.by})")
    click.echo(f"The next run of {gate} accepts the new value.")
    return 0


def _config(path: str, *, ad_hoc: bool) -> Config:
    from kmu_dataguard.config import build_config, load_config

    if ad_hoc and not Path(path).exists():
        # `dataguard check` runs without a dataguard.yml record into the current folder.
        return build_config({}, origin=Path.cwd() / "(command line)", secrets=set())
    return load_config(path)


def approve_error_json(message: str, exit_code: int) -> str:
    """Nothing approved, and why: the JSON answer when approving failed."""
    doc = {"approved": [], "error": message, "exit_code": exit_code}
    return json.dumps(doc, ensure_ascii=False, indent=2)
