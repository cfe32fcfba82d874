"""``dataguard init SOURCE``: propose the entity and column mapping of a new export."""

from __future__ import annotations

import json
import shlex

import click

from kmu_dataguard.errors import ConfigError
from kmu_dataguard.exit_codes import ExitCode

_ENTITIES = ("auto", "customers", "suppliers", "articles", "contacts")
_EVIDENCE_DE = {"header": "Spaltenname", "content": "Inhalt", "both": "Name + Inhalt", "none": "-"}


@click.command()
@click.argument("source")
@click.option(
    "--entity",
    type=click.Choice(_ENTITIES),
    default="auto",
    show_default=True,
    help="What the file holds; auto decides from its columns.",
)
@click.option(
    "--write",
    "write_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Write connectors/<name>.yml and dataguard.yml into this folder.",
)
@click.option("--table", default=None, help="Table to read when SOURCE is a database URL.")
@click.option("--force", is_flag=True, help="Overwrite files --write would replace.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people; json prints one JSON document (schema v1) on stdout.",
)
def init(
    source: str,
    entity: str,
    write_dir: str | None,
    table: str | None,
    force: bool,
    output_format: str,
) -> int:
    """Propose how the export SOURCE maps onto a canonical entity.

    SOURCE is a CSV, Excel or DATEV file, or an SQLAlchemy URL with --table. Each column is
    matched by its header (German and English names, the names of lexoffice, sevDesk, Shopware,
    Business Central, HubSpot, Salesforce, DATEV, Odoo, SAP B1) and by its content (IBAN, VAT
    ID, e-mail, phone, postal code, country and currency codes, GTIN, Leitweg-ID, BIC); content
    wins over a misleading header.

    \b
    Examples:
      dataguard init Kunden.csv
      dataguard init Kunden.csv --write .
      dataguard init artikel.xlsx --entity articles --format json
      dataguard init sqlite:///erp.db --table kunden --write .

    Exit 2 when no entity is recognised or a file to write exists (use --force).
    """
    from kmu_dataguard.onboarding import propose, read_source, read_table, write_setup

    wanted = None if entity == "auto" else entity
    if "://" in source:
        if not table:
            raise ConfigError("a database URL needs --table NAME (the table to look at)")
        frame, origin, label = read_table(source, table)
        proposal = propose(frame, source=label, entity=wanted)
        proposal.sql = origin
    else:
        if table:
            raise ConfigError("--table is for database URLs; SOURCE is a file")
        frame, fmt = read_source(source, entity=wanted)
        proposal = propose(frame, source=source, entity=wanted)
        proposal.file_format = fmt
    written = [str(p) for p in write_setup(proposal, write_dir, force=force)] if write_dir else []
    if output_format == "json":
        click.echo(json.dumps(proposal.to_json(written), ensure_ascii=False, indent=2))
    else:
        click.echo(_text(proposal, written, write_dir))
    return int(ExitCode.PASS)


def _text(proposal: object, written: list[str], write_dir: str | None) -> str:
    from kmu_dataguard.entities import column_label
    from kmu_dataguard.onboarding.mapping import Proposal
    from kmu_dataguard.onboarding.writing import profile_name

    assert isinstance(proposal, Proposal)
    lines = [
        f"{proposal.source}: {proposal.entity} (confidence {proposal.confidence:.2f}, "
        f"{proposal.rows} rows looked at)",
        "",
    ]
    rows = [("Spalte in der Datei", "-> Feld", "Bedeutung", "Sicherheit", "erkannt an")]
    for c in proposal.columns:
        label = column_label(c.canonical, "de") if c.canonical else "(nicht verwendet)"
        rows.append(
            (
                c.source,
                c.canonical or "-",
                label,
                f"{c.confidence:.2f}" if c.canonical else "",
                _EVIDENCE_DE[c.evidence] + (f" ({c.why})" if c.why else ""),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        lines.append("  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4])
    lines.append("")
    if proposal.confidence < 0.5:
        lines.append(
            f"Unsure whether this is {proposal.entity}: if it is not, run again with "
            "--entity customers|suppliers|articles|contacts"
        )
    if proposal.missing:
        lines.append(f"Not found (stay empty): {', '.join(proposal.missing)}")
    if written:
        lines.append("Written: " + ", ".join(written))
        name = profile_name(proposal.source, proposal.sql.table if proposal.sql else None)
        lines.append(f"Next: cd {shlex.quote(str(write_dir))} && dataguard gate {name}")
    elif proposal.sql is None:
        source = shlex.quote(proposal.source)
        lines.append(f"Next: check the mapping, then: dataguard init {source} --write .")
    else:
        lines.append("Next: check the mapping, then run the same command with --write .")
    return "\n".join(lines)
