"""``dataguard history [GATE]``: the recorded runs, newest first, with what changed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from kmu_dataguard.cli.options import config_option, history_option, lang_option, text_json_option
from kmu_dataguard.errors import ConfigError, DataguardError
from kmu_dataguard.exit_codes import ExitCode

if TYPE_CHECKING:
    from kmu_dataguard.config import Config
    from kmu_dataguard.history.query import RunListing

#: Runs listed without --limit (kmu_dataguard.history.query.DEFAULT_LIMIT; not imported here so
#: ``dataguard --help`` does not load SQLAlchemy).
_DEFAULT_LIMIT = 20


@click.command()
@click.argument("gate", required=False)
@click.option(
    "--since",
    default=None,
    metavar="DATE|AGE",
    help="Only runs started since then: a date (2026-12-01, 01.12.2026; local midnight), "
    "a date and time (2026-12-01T14:00) or an age (7d, 26h).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=_DEFAULT_LIMIT,
    show_default=True,
    help="List at most this many runs (the newest).",
)
@text_json_option(
    "text for people; json prints one JSON document (schemas/history-v1.schema.json)."
)
@lang_option("Language of the text output (default: config 'lang', then LANG/LC_ALL).")
@config_option
@history_option(
    "Read this store instead: an SQLite file or an SQLAlchemy URL. Default: history: in "
    "dataguard.yml, else DATAGUARD_HISTORY, else .dataguard/history.db beside dataguard.yml "
    "(without a dataguard.yml: in the current folder, where dataguard check records)."
)
@click.pass_context
def history(
    ctx: click.Context,
    gate: str | None,
    since: str | None,
    limit: int,
    output_format: str,
    lang: str | None,
    config_path: str,
    history_target: str | None,
) -> int:
    """List the recorded runs of GATE (default: all), newest first.

    \b
    Each run with its verdict, the records with problems and the change against
    the previous run of the same gate (new failing records, fixed ones); each
    check with its failing counts per expectation. Runs of `dataguard check`
    are named check:NAME, e.g. check:customers.

    \b
    Examples:
      dataguard history invoicing --since 7d
      dataguard history --format json --limit 100

    Exit 0 also when nothing was recorded yet; 2 for an unknown gate, a wrong
    --since or a history turned off; 3 when the store cannot be read.
    """
    from kmu_dataguard.history.query import RunListing, parse_since, read_history, read_store

    asked = RunListing(store=None, found=False, subject=gate, limit=limit)
    configured_lang = None
    try:
        if since is not None:
            try:
                asked.since = parse_since(since)
            except ValueError as err:
                raise ConfigError(f"--since {err}") from None
        cfg = _config(ctx, config_path)
        if cfg is None:
            # No dataguard.yml: where `dataguard check` records (the current folder).
            from kmu_dataguard.history.location import history_url

            url = history_url(history_target, Path.cwd())
            listing = read_store(url, gate, since=asked.since, limit=limit)
        else:
            if gate is not None:
                _known_gate(cfg, gate)
            configured_lang = cfg.lang
            listing = read_history(
                cfg, gate, since=asked.since, limit=limit, history=history_target
            )
    except DataguardError as exc:
        return _failed(exc, output_format, asked)
    if output_format == "json":
        from kmu_dataguard.outputs.history import render_history_json

        click.echo(render_history_json(listing))
    else:
        from kmu_dataguard.outputs.history import render_history_text
        from kmu_dataguard.report.i18n import resolve_lang

        click.echo(render_history_text(listing, resolve_lang(lang, configured_lang)))
    return int(ExitCode.PASS)


def _config(ctx: click.Context, config_path: str) -> Config | None:
    """dataguard.yml; None when there is none and no --config was given (loading no
    configuration keeps the answer fast)."""
    given = ctx.get_parameter_source("config_path") != click.core.ParameterSource.DEFAULT
    if not given and not Path(config_path).exists():
        return None
    from kmu_dataguard.config import load_config

    return load_config(config_path)


def _known_gate(cfg: Config, gate: str) -> None:
    """ConfigError (listing the gates) for a gate dataguard.yml does not define."""
    from kmu_dataguard.history.recording import CHECK_PREFIX

    if not gate.startswith(CHECK_PREFIX):
        cfg.gate(gate)


def _failed(exc: DataguardError, output_format: str, asked: RunListing) -> int:
    """The message on stderr; in JSON mode also the document, empty, with ``error`` set."""
    if output_format == "json":
        from kmu_dataguard.outputs.history import render_history_json

        click.echo(render_history_json(asked, error=str(exc)))
    click.echo(f"dataguard: error: {exc}", err=True)
    return exc.exit_code
