"""``dataguard profiles``: list the connector profiles (built-in and the user's)."""

from __future__ import annotations

import json

import click

from kmu_dataguard.cli.options import connectors_dir_option, format_option


@click.command()
@connectors_dir_option("Folder with your own connector profiles (they override built-ins by name).")
@format_option
def profiles(connectors_dir: str | None, output_format: str) -> int:
    """List the connector profiles and the entities each maps."""
    from kmu_dataguard.sources.profiles import list_profiles

    found = list_profiles([connectors_dir] if connectors_dir else [])
    if output_format == "json":
        rows = [
            {
                "name": p.name,
                "title": p.title,
                "kind": p.kind,
                "entities": list(p.entities),
                "path": str(p.path),
            }
            for p in found
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    width = max((len(p.name) for p in found), default=0)
    for p in found:
        click.echo(f"{p.name:<{width}}  {p.kind:<5}  {', '.join(p.entities):<40}  {p.title}")
    return 0
