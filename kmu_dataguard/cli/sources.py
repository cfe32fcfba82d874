"""``dataguard sources test [NAME]``: can the sources be read, and what do they hold?"""

from __future__ import annotations

import json

import click

from kmu_dataguard.cli.emit import emit_error
from kmu_dataguard.cli.options import config_option, format_option
from kmu_dataguard.errors import DataguardError
from kmu_dataguard.exit_codes import ExitCode


@click.group()
def sources() -> None:
    """Inspect the sources of dataguard.yml."""


@sources.command("test")
@click.argument("names", nargs=-1)
@config_option
@format_option
def test(names: tuple[str, ...], config_path: str, output_format: str) -> int:
    """Connect to each source (or NAMES), show tables, row counts and mapped columns.

    Exits 0 when every source and check could be read, 3 when one could not, 2 for a
    configuration error.
    """
    from kmu_dataguard.config import load_config
    from kmu_dataguard.sources.probe import probe_sources

    try:
        probes = probe_sources(load_config(config_path), list(names) or None)
    except DataguardError as exc:
        return emit_error(exc, output_format)
    code = ExitCode.PASS if all(p.ok for p in probes) else ExitCode.UNAVAILABLE
    if output_format == "json":
        doc = {"exit_code": int(code), "sources": [p.to_dict() for p in probes]}
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return int(code)
    for p in probes:
        status = "ok" if p.ok else "FAILED"
        profile = f", profile {p.profile}" if p.profile else ""
        click.echo(f"{p.name}: {status}  ({p.kind}: {p.location}{profile})")
        if p.error:
            click.echo(f"  error: {p.error}")
        details = p.details
        if details:
            ro = {True: "read-only session", False: "NOT read-only", None: "read-only unknown"}
            click.echo(
                f"  {details['dialect']} {details['server_version']}, "
                f"{ro[details['read_only_session']]}, {len(details['tables'])} table(s): "
                f"{', '.join(details['tables'][:15])}{' …' if len(details['tables']) > 15 else ''}"
            )
        for c in p.checks:
            what = f" (entity {c.entity})" if c.entity else ""
            if c.error:
                click.echo(f"  check {c.check}{what}: error: {c.error}")
                continue
            click.echo(f"  check {c.check}{what}: {c.rows} rows, columns: {', '.join(c.columns)}")
            if c.not_provided:
                click.echo(f"    not provided by the source (empty): {', '.join(c.not_provided)}")
    return int(code)
