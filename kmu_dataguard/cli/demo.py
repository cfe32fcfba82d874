"""``dataguard demo``: build the embedded demo world and run its invoicing gate."""

from __future__ import annotations

from pathlib import Path

import click

from kmu_dataguard.cli.options import format_option
from kmu_dataguard.exit_codes import ExitCode


@click.command()
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False),
    default="dataguard-demo",
    show_default=True,
    help="Folder for the demo world (ERP database, CRM export, dataguard.yml, report).",
)
@format_option
def demo(folder: str, output_format: str) -> int:
    """Create a small KMU world with seeded defects and show the gate blocking on it.

    Exits 0 when the demo worked, i.e. the gate blocked and named every seeded defect.
    """
    from kmu_dataguard.demo.world import build_world
    from kmu_dataguard.outputs.json_doc import render_json
    from kmu_dataguard.outputs.text import render_text
    from kmu_dataguard.runner import run_gate

    world = build_world(Path(folder))
    result = run_gate("invoicing", world.config)
    found = {(c.name, k) for c in result.checks for e in c.expectations for k in e.failing_keys}
    missed = [d for d in world.defects if (d.check, d.key) not in found]
    if output_format == "json":
        click.echo(render_json(result))
    else:
        click.echo(f"Demo world written to {world.folder}/ (seeded defects: DEFECTS.md)\n")
        click.echo(render_text(result))
        click.echo(
            f"\nThe gate exits {int(result.exit_code)}: an automation calling "
            f"`dataguard gate invoicing --config {world.config}` would stop here."
        )
    if result.verdict != "blocked" or missed:
        click.echo(
            f"dataguard: error: the demo did not behave as designed (verdict {result.verdict}, "
            f"{len(missed)} seeded defect(s) not found)",
            err=True,
        )
        return int(ExitCode.UNAVAILABLE)
    return int(ExitCode.PASS)
