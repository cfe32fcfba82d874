"""``dataguard fix SOURCE --suite S --out FILE``: a corrected copy with the safe suggestions."""

from __future__ import annotations

import json
from typing import Any

import click

from kmu_dataguard.cli.check import parse_map
from kmu_dataguard.cli.options import (
    fail_on_option,
    lang_option,
    mapping_options,
    text_json_option,
)
from kmu_dataguard.errors import DataguardError
from kmu_dataguard.exit_codes import ExitCode

# Checks of the copy that may apply further fixes (each one a full check of the copy).
_ROUNDS = 3

_TEXTS = {
    "de": {
        "written": "Korrigierte Kopie: {out} (Änderungen: {log})",
        "changed": "{values} Werte in {records} Datensätzen geändert; "
        "{without} fehlerhafte Werte ohne sichere Korrektur (unverändert).",
        "copy": "Prüfung der Kopie: {verdict}",
        "remaining": "  verbleibend {rule} ({column}): {count}",
        "error": "dataguard fix: {source}: nicht prüfbar, keine Kopie geschrieben: {detail}",
    },
    "en": {
        "written": "Corrected copy: {out} (changes: {log})",
        "changed": "{values} values changed in {records} records; "
        "{without} failing values without a safe fix (left as they are).",
        "copy": "Check of the copy: {verdict}",
        "remaining": "  remaining {rule} ({column}): {count}",
        "error": "dataguard fix: {source}: could not be checked, no copy written: {detail}",
    },
}


@click.command()
@click.argument("source")
@click.option("--suite", default=None, help="Suite name or a .json file (as for check).")
@click.option("--key", default=None, help="Column identifying each record (default: row number).")
@mapping_options
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="HEADER=COLUMN,…",
    help="Rename the file's columns onto the suite's (as for check). Repeatable.",
)
@click.option("--out", "out", required=True, metavar="FILE", help="The corrected copy to write.")
@click.option(
    "--log",
    "log",
    default=None,
    metavar="FILE",
    help="The change log (.csv or .xlsx): key, column, old, new, reason "
    "(default: OUT's name with .changes.csv).",
)
@text_json_option("text for people; json prints one JSON document (docs/fix.md).")
@fail_on_option("critical")
@lang_option("Language of the text output and the change log (default: config, then LANG).")
def fix(
    source: str,
    suite: str | None,
    key: str | None,
    profile: str | None,
    entity: str | None,
    sheet: str | None,
    connectors_dir: str | None,
    suites_dir: str | None,
    maps: tuple[str, ...],
    out: str,
    log: str | None,
    output_format: str,
    fail_on: str,
    lang: str | None,
) -> int:
    """Write a corrected copy of SOURCE to --out: each failing value that has one safe
    suggestion (Deutschland -> DE, EURO -> EUR, IBAN/VAT-ID spacing, phone E.164, 1067 ->
    01067 in Dresden) is replaced; nothing else changes. SOURCE is never touched.

    \b
    Examples:
      dataguard fix kunden.csv --suite customers --key customer_id --out kunden_korrigiert.csv
      dataguard fix crm.csv --suite contacts --out crm_fixed.csv --log changes.xlsx

    Exit 0 when the copy is written (the output names what remains failing without a safe
    fix), 2 usage error, 3 the source could not be checked or the copy not written.
    """
    from kmu_dataguard.fixing import fix_target, write_fix
    from kmu_dataguard.runner import run_check

    mapping = parse_map(maps)
    options: dict[str, Any] = {
        "key": key,
        "profile": profile,
        "entity": entity,
        "sheet": int(sheet) if sheet is not None and sheet.isdigit() else sheet,
        "suites_dir": suites_dir,
        "connectors_dir": connectors_dir,
        "fail_on": fail_on,
        "lang": lang,
        "mapping": mapping,
        "history": "off",
    }
    try:
        out_path, log_path = fix_target(out, log, source)
        kept: list[Any] = []
        result = run_check(source, suite, keep_source=kept, **options)
        texts = _TEXTS["de" if result.lang == "de" else "en"]
        if result.errors or not kept:
            detail = "; ".join(e.message for e in result.errors) or "not a file"
            message = texts["error"].format(source=source, detail=detail)
            return _error(message, int(ExitCode.UNAVAILABLE), output_format)
        summary = write_fix(result.checks[0], kept[0], out_path, log_path, result.lang)
        # A fix can make a rule apply that did not before (PLZ rules once the country is
        # DE): the copy is checked and fixed again until nothing more changes.
        for _ in range(_ROUNDS):
            kept = []
            copy = run_check(str(out_path), suite, keep_source=kept, **options)
            if copy.errors or not kept:
                break
            before = summary.changed_values
            summary = write_fix(
                copy.checks[0], kept[0], out_path, log_path, result.lang, earlier=summary
            )
            if summary.changed_values == before:
                break
        else:
            copy = run_check(str(out_path), suite, **options)
    except DataguardError as exc:
        return _error(f"dataguard fix: {exc}", int(exc.exit_code), output_format)
    remaining = [
        {"id": o.id, "column": o.column, "failing": o.unexpected_count}
        for c in copy.checks
        for o in c.expectations
        if not o.success
    ]
    if output_format == "json":
        document = {
            "source": source,
            **summary.to_dict(),
            "source_verdict": str(result.verdict),
            "copy_verdict": str(copy.verdict),
            "copy_exit_code": int(copy.exit_code),
            "remaining": remaining,
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return int(ExitCode.PASS)
    click.echo(texts["written"].format(out=summary.out, log=summary.log))
    click.echo(
        texts["changed"].format(
            values=summary.changed_values,
            records=summary.changed_records,
            without=summary.without_fix,
        )
    )
    click.echo(texts["copy"].format(verdict=f"{copy.verdict} (exit {int(copy.exit_code)})"))
    for item in remaining:
        click.echo(
            texts["remaining"].format(rule=item["id"], column=item["column"], count=item["failing"])
        )
    return int(ExitCode.PASS)


def _error(message: str, code: int, output_format: str) -> int:
    """The message on stderr; in JSON mode also one document on stdout, nothing written."""
    click.echo(message, err=True)
    if output_format == "json":
        click.echo(json.dumps({"error": message, "exit_code": code}, ensure_ascii=False))
    return code
