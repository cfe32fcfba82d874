"""``dataguard demo``: build the embedded demo world and run its invoicing gate."""

from __future__ import annotations

import shlex
import shutil
import sys
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
    """Create a small KMU world with seeded defects and show the gates blocking on it.

    The invoicing gate blocks on the seeded defects; the payments gate notes the suppliers'
    bank details, then blocks on an IBAN changed behind its back until someone approves it.
    Exits 0 when the demo worked, i.e. both gates blocked on exactly what was seeded.
    """
    from kmu_dataguard.demo.world import build_world, change_supplier_iban
    from kmu_dataguard.history import DEFAULT_HISTORY
    from kmu_dataguard.outputs.json_doc import render_json
    from kmu_dataguard.outputs.text import render_text
    from kmu_dataguard.runner import run_gate

    world = build_world(Path(folder))
    # The demo's history lives in its folder (a new world starts a new one), where
    # `dataguard approve` and `dataguard history` run there find it. Absolute: a relative
    # history path would be taken relative to dataguard.yml's folder.
    history = str((world.folder / DEFAULT_HISTORY).resolve())
    # The payments gate first, so that the report's front page is the invoicing run.
    noted = run_gate("payments", world.config, history=history)
    supplier = "L70003"
    change_supplier_iban(world, supplier)
    payments = run_gate("payments", world.config, history=history)
    result = run_gate("invoicing", world.config, history=history)
    found = {(c.name, k) for c in result.checks for e in c.expectations for k in e.failing_keys}
    missed = [d for d in world.defects if (d.check, d.key) not in found]
    changed = {
        k for c in payments.checks for e in c.expectations if not e.success for k in e.failing_keys
    }
    if output_format == "json":
        click.echo(render_json(result))
    else:
        command = invoked_as()
        click.echo(f"Demo world written to {world.folder}/ (seeded defects: DEFECTS.md)\n")
        click.echo(render_text(result))
        click.echo(
            f"\nThe gate exits {int(result.exit_code)}: an automation calling "
            f"`{command} gate invoicing --config {world.config}` would stop here.\n"
        )
        click.echo(
            f"The payments gate noted the suppliers' bank details (exit {int(noted.exit_code)}). "
            f"Then supplier {supplier}'s IBAN was changed in the ERP, as a forged "
            "'new bank details' letter would have it:\n"
        )
        payments.report_path = None  # the front page shows the invoicing run (runs/ has this)
        click.echo(render_text(payments))  # the change shows masked
        click.echo(
            f"\nOnce someone has confirmed the new IBAN with the supplier (by phone, not with "
            "the number in the letter):\n"
            f"  cd {world.folder} && {command} approve payments --check suppliers "
            f'--key {supplier} --note "Bank change confirmed by phone"'
        )
    if result.verdict != "blocked" or missed or noted.verdict != "pass" or changed != {supplier}:
        click.echo(
            f"dataguard: error: the demo did not behave as designed (invoicing {result.verdict}, "
            f"{len(missed)} seeded defect(s) not found; payments {noted.verdict}, then "
            f"{payments.verdict} on {sorted(changed)})",
            err=True,
        )
        return int(ExitCode.UNAVAILABLE)
    return int(ExitCode.PASS)


def invoked_as() -> str:
    """How to type this command again from any folder: ``dataguard`` when it is on PATH,
    else the full path of the script that ran (``make demo`` runs ``.venv/bin/dataguard``)."""
    script = Path(sys.argv[0])
    on_path = shutil.which("dataguard")
    if on_path and script.name == "dataguard" and Path(on_path).resolve() == script.resolve():
        return "dataguard"
    if script.name == "dataguard" and script.is_file():
        return shlex.quote(str(script.resolve()))
    return "dataguard" if on_path else f"{shlex.quote(sys.executable)} -m kmu_dataguard"
