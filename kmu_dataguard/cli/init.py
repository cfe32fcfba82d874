"""``dataguard init SOURCE``: propose the entity and column mapping of a new export."""

from __future__ import annotations

import json
import shlex
import sys

import click

from kmu_dataguard.cli.options import lang_option, text_json_option
from kmu_dataguard.errors import ConfigError
from kmu_dataguard.exit_codes import ExitCode
from kmu_dataguard.report.i18n import Lang

_ENTITIES = ("auto", "customers", "suppliers", "articles", "contacts")


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
@click.option("--sheet", default=None, help="Excel sheet name or 0-based index (default: first).")
@click.option("--force", is_flag=True, help="Overwrite files --write would replace.")
@click.option(
    "--yes",
    "-y",
    is_flag=True,
    help="With --write at a terminal: write without asking to confirm the mapping first.",
)
@lang_option("Language of the text output (default: LANG/LC_ALL).")
@text_json_option("text for people; json prints one JSON document (schema v1) on stdout.")
def init(
    source: str,
    entity: str,
    write_dir: str | None,
    table: str | None,
    sheet: str | None,
    force: bool,
    yes: bool,
    lang: str | None,
    output_format: str,
) -> int:
    """Propose how the export SOURCE maps onto a canonical entity.

    SOURCE is a CSV, Excel or DATEV file, or an SQLAlchemy URL with --table. Each column is
    matched by its header (German and English names, the names of lexoffice, sevDesk, Shopware,
    Business Central, HubSpot, Salesforce, DATEV, Odoo, SAP B1) and by its content (IBAN, VAT
    ID, e-mail, phone, postal code, country and currency codes, GTIN, Leitweg-ID, BIC; a postal
    code and city in one field becomes a split rule); content wins over a misleading header.

    With --write at a terminal, the mapping is shown and written once you confirm it (--yes
    skips the question; scripts and pipes are never asked).

    \b
    Examples:
      dataguard init Kunden.csv
      dataguard init Kunden.csv --write .
      dataguard init artikel.xlsx --entity articles --format json
      dataguard init sqlite:///erp.db --table kunden --write .

    Exit 2 when no entity is recognised or a file to write exists (use --force).
    """
    from kmu_dataguard.onboarding import propose, read_source, read_table, write_setup
    from kmu_dataguard.report.i18n import resolve_lang

    language = resolve_lang(lang)
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
        chosen: str | int = int(sheet) if sheet is not None and sheet.isdigit() else sheet or 0
        frame, fmt = read_source(source, entity=wanted, sheet=chosen)
        if sheet is not None and fmt != "excel":
            raise ConfigError(f"--sheet is for Excel workbooks; {source} is {fmt}")
        proposal = propose(frame, source=source, entity=wanted)
        proposal.file_format = fmt
        proposal.sheet = None if sheet is None else chosen
    if write_dir and output_format == "text" and not yes and _at_terminal():
        click.echo(_text(proposal, [], None, language, asking=True))
        if not _confirmed(language):
            click.echo(_T["not_written"][language])
            return int(ExitCode.PASS)
    written = [str(p) for p in write_setup(proposal, write_dir, force=force)] if write_dir else []
    if output_format == "json":
        click.echo(json.dumps(proposal.to_json(written), ensure_ascii=False, indent=2))
    else:
        click.echo(_text(proposal, written, write_dir, language))
    return int(ExitCode.PASS)


def _confirmed(lang: Lang) -> bool:
    """Ask once; "j"/"ja" (German) and "y"/"yes" both say yes, anything else is no."""
    hint = "[j/N]" if lang == "de" else "[y/N]"
    answer = click.prompt(f"{_T['confirm'][lang]} {hint}", default="", show_default=False)
    return str(answer).strip().casefold() in ("j", "ja", "y", "yes")


def _at_terminal() -> bool:
    """Ask only a person: stdin and stdout both a terminal (cron, pipes and CI never are)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


# key: {lang: text}; the table's headings and the sentences around it
_T: dict[str, dict[str, str]] = {
    "head": {
        "de": "{source}: {entity} (Sicherheit {confidence}, {rows} Zeilen angesehen)",
        "en": "{source}: {entity} (confidence {confidence}, {rows} rows looked at)",
    },
    "columns": {
        "de": "Spalte in der Datei|-> Feld|Bedeutung|Sicherheit|erkannt an",
        "en": "Column in the file|-> field|Meaning|Confidence|found by",
    },
    "unused": {"de": "(nicht verwendet)", "en": "(not used)"},
    "unsure": {
        "de": "Unsicher, ob das {entity} sind: wenn nicht, noch einmal mit "
        "--entity customers|suppliers|articles|contacts",
        "en": "Unsure whether this is {entity}: if it is not, run again with "
        "--entity customers|suppliers|articles|contacts",
    },
    "computed": {
        "de": "Name (für Privatkunden berechnet): {first}, sonst {joined}",
        "en": "Name (computed for private customers): {first}, else {joined}",
    },
    "missing": {
        "de": "Nicht gefunden (bleibt leer): {columns}",
        "en": "Not found (stays empty): {columns}",
    },
    "written": {"de": "Geschrieben: {paths}", "en": "Written: {paths}"},
    "next_gate": {
        "de": "Weiter: cd {dir} && dataguard gate {name}",
        "en": "Next: cd {dir} && dataguard gate {name}",
    },
    "next_write": {
        "de": "Weiter: Zuordnung prüfen, dann: dataguard init {source} --write .",
        "en": "Next: check the mapping, then: dataguard init {source} --write .",
    },
    "next_write_sql": {
        "de": "Weiter: Zuordnung prüfen, dann denselben Befehl mit --write . ausführen",
        "en": "Next: check the mapping, then run the same command with --write .",
    },
    "confirm": {
        "de": "Stimmt die Zuordnung? Profil und dataguard.yml jetzt schreiben",
        "en": "Is the mapping right? Write the profile and dataguard.yml now",
    },
    "not_written": {
        "de": "Nichts geschrieben. Passen Sie die Zuordnung mit --entity an oder schreiben Sie "
        "sie und korrigieren Sie danach connectors/*.yml (docs/profiles.md).",
        "en": "Nothing written. Adjust with --entity, or write it and correct "
        "connectors/*.yml afterwards (docs/profiles.md).",
    },
}
# The content detectors' reasons (onboarding/content.py, onboarding/mapping.py) in German.
_WHY_DE = {
    "valid IBANs": "gültige IBANs",
    "valid VAT IDs": "gültige USt-IdNrn.",
    "Leitweg-IDs": "Leitweg-IDs",
    "valid e-mail addresses": "gültige E-Mail-Adressen",
    "valid GTIN/EAN (check digit)": "gültige GTIN/EAN (Prüfziffer)",
    "valid BICs": "gültige BICs",
    "ISO 4217 currency codes": "ISO-4217-Währungscodes",
    "ISO 3166 country codes": "ISO-3166-Ländercodes",
    "valid phone numbers": "gültige Telefonnummern",
    "postal codes (4-5 digits)": "Postleitzahlen (4-5 Ziffern)",
    "postal code and city in one field: split": "PLZ und Ort in einem Feld: wird geteilt",
    "unique values in every row": "eindeutige Werte in jeder Zeile",
}
_EVIDENCE = {
    "de": {"header": "Spaltenname", "content": "Inhalt", "both": "Name + Inhalt", "none": "-"},
    "en": {"header": "header", "content": "content", "both": "header + content", "none": "-"},
}


def _text(
    proposal: object,
    written: list[str],
    write_dir: str | None,
    lang: Lang,
    *,
    asking: bool = False,
) -> str:
    from kmu_dataguard.entities import column_label
    from kmu_dataguard.onboarding.mapping import Proposal
    from kmu_dataguard.onboarding.writing import person_name, profile_name
    from kmu_dataguard.report.i18n import format_number

    assert isinstance(proposal, Proposal)
    confidence = format_number(proposal.confidence, lang, 2)
    rows_seen = format_number(proposal.rows, lang)
    lines = [
        _T["head"][lang].format(
            source=proposal.source, entity=proposal.entity, confidence=confidence, rows=rows_seen
        ),
        "",
    ]
    rows = [tuple(_T["columns"][lang].split("|"))]
    for c in proposal.columns:
        targets = c.split or ((c.canonical,) if c.canonical else ())
        label = " + ".join(column_label(t, lang) for t in targets) or _T["unused"][lang]
        rows.append(
            (
                c.source,
                " + ".join(targets) or "-",
                label,
                format_number(c.confidence, lang, 2) if c.canonical else "",
                _EVIDENCE[lang][c.evidence] + (f" ({_why(c.why, lang)})" if c.why else ""),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        lines.append("  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4])
    lines.append("")
    if proposal.confidence < 0.5:
        lines.append(_T["unsure"][lang].format(entity=proposal.entity))
    computed = person_name(proposal, proposal.mapping()) if proposal.sql is None else None
    if computed:
        first = ", ".join(computed.get("first_of") or [])  # type: ignore[arg-type]
        joined = " + ".join(computed["else_join"])  # type: ignore[arg-type]
        lines.append(_T["computed"][lang].format(first=first or "-", joined=joined))
    if proposal.missing:
        missing = ", ".join(column_label(c, lang) for c in proposal.missing)
        lines.append(_T["missing"][lang].format(columns=missing))
    if asking:
        return "\n".join(lines)
    if written:
        lines.append(_T["written"][lang].format(paths=", ".join(written)))
        name = profile_name(proposal.source, proposal.sql.table if proposal.sql else None)
        lines.append(_T["next_gate"][lang].format(dir=shlex.quote(str(write_dir)), name=name))
    elif proposal.sql is None:
        lines.append(_T["next_write"][lang].format(source=shlex.quote(proposal.source)))
    else:
        lines.append(_T["next_write_sql"][lang])
    return "\n".join(lines)


def _why(why: str, lang: Lang) -> str:
    return _WHY_DE.get(why, why) if lang == "de" else why
