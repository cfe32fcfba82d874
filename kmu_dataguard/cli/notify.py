"""``dataguard notify test [NAMES]``: send a test message on the channels of dataguard.yml."""

from __future__ import annotations

import json

import click

from kmu_dataguard.cli.emit import emit_error
from kmu_dataguard.cli.options import config_option, lang_option, text_json_option
from kmu_dataguard.errors import ConfigError, DataguardError
from kmu_dataguard.exit_codes import ExitCode


@click.group()
def notify() -> None:
    """Notification channels of dataguard.yml (docs/notifications.md)."""


@notify.command("test")
@click.argument("names", nargs=-1)
@config_option
@lang_option("Language of the test message (default: the channel's lang, then config, locale).")
@text_json_option("text for people; json prints one document with each channel's delivery.")
def test(names: tuple[str, ...], config_path: str, lang: str | None, output_format: str) -> int:
    """Send a test message on every channel (or NAMES), as a gate's message would go.

    Exits 0 when every message was delivered, 3 when one could not be (the line says why),
    2 for a configuration error or an unknown channel.
    """
    from kmu_dataguard.config import load_config
    from kmu_dataguard.notify import deliver
    from kmu_dataguard.notify.message import test_message
    from kmu_dataguard.report.i18n import resolve_lang

    try:
        cfg = load_config(config_path)
        _check_names(cfg.notify, names, config_path)
    except DataguardError as exc:
        return emit_error(exc, output_format)
    deliveries = []
    for name in names or tuple(cfg.notify):
        channel = cfg.notify[name]
        language = resolve_lang(lang or channel.lang, cfg.lang)
        deliveries.append(deliver(name, channel, test_message(name, language)))
    code = ExitCode.PASS if all(d.ok for d in deliveries) else ExitCode.UNAVAILABLE
    if output_format == "json":
        doc = {"exit_code": int(code), "channels": [d.to_dict() for d in deliveries]}
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return int(code)
    for d in deliveries:
        tries = f"{d.attempts} attempt{'s' if d.attempts != 1 else ''}"
        if d.ok:
            click.echo(f"{d.channel}: sent ({tries})")
        else:
            click.echo(f"{d.channel}: FAILED after {tries}: {d.error}")
    return int(code)


def _check_names(channels: dict[str, object], names: tuple[str, ...], config_path: str) -> None:
    if not channels:
        raise ConfigError(f"{config_path}: no channels under notify: (docs/notifications.md)")
    unknown = [n for n in names if n not in channels]
    if unknown:
        raise ConfigError(
            f"{config_path}: no notify channel named {unknown[0]!r} "
            f"(channels defined: {', '.join(sorted(channels))})"
        )
