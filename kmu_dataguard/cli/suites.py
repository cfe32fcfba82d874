"""``dataguard suites``: list the suites available (built-in and the user's)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kmu_dataguard.cli.options import format_option, suites_dir_option


@click.command()
@suites_dir_option(
    "Folder with your own suites (default: suites_dir of dataguard.yml, if present)."
)
@format_option
def suites(suites_dir: str | None, output_format: str) -> int:
    """List the expectation suites with a one-line description."""
    from kmu_dataguard.suites import SuiteCatalog

    folders = [Path(suites_dir)] if suites_dir else _configured_dirs()
    catalog = SuiteCatalog(folders)
    specs = catalog.all()
    if output_format == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "name": s.name,
                        "builtin": s.builtin,
                        "path": str(s.path),
                        "expectations": len(s.expectations),
                        "description": s.description,
                    }
                    for s in specs
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    width = max((len(s.name) for s in specs), default=0)
    for s in specs:
        origin = "built-in" if s.builtin else "yours"
        text = s.description.get("en") or s.description.get("de") or ""
        click.echo(f"{s.name:<{width}}  {origin:<8}  {len(s.expectations):>3} expectations  {text}")
    return 0


def _configured_dirs() -> list[Path]:
    """The user's suites folder from ./dataguard.yml, when there is a readable one."""
    if not Path("dataguard.yml").is_file():
        return []
    from kmu_dataguard.config import load_config
    from kmu_dataguard.errors import ConfigError

    try:
        return load_config("dataguard.yml").user_suite_dirs()
    except ConfigError:
        return []
