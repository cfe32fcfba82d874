"""``dataguard serve``: the gates as an HTTP API for n8n, Power Automate and schedulers."""

from __future__ import annotations

import ipaddress
import signal

import click

from kmu_dataguard.cli.options import config_option
from kmu_dataguard.errors import RunStopped

__all__ = ["serve"]


@click.command()
@config_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--tokens-file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Bearer tokens, one per line, optionally 'TOKEN gate1,gate2' (also DATAGUARD_TOKENS).",
)
@click.option(
    "--max-runs", default=2, show_default=True, type=click.IntRange(1), help="Concurrent runs."
)
@click.option(
    "--timeout",
    "timeout_s",
    default=300.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds a request waits for its run (then 504).",
)
@click.option(
    "--max-upload-mb",
    default=50,
    show_default=True,
    type=click.IntRange(1),
    help="Largest file POST /v1/check accepts (then 413).",
)
@click.option(
    "--max-upload-rows",
    default=1_000_000,
    show_default=True,
    type=click.IntRange(1),
    help="Most rows (lines of a text file) POST /v1/check accepts (then 413).",
)
def serve(
    config_path: str,
    host: str,
    port: int,
    tokens_file: str | None,
    max_runs: int,
    timeout_s: float,
    max_upload_mb: int,
    max_upload_rows: int,
) -> int:
    """Serve the gates over HTTP (docs/service.md): POST /v1/gates/NAME/runs answers 200 pass,
    409 blocked, 503 could not validate. Binds to 127.0.0.1 unless tokens are configured."""
    from kmu_dataguard.config import load_config
    from kmu_dataguard.service.auth import load_tokens

    tokens = load_tokens(tokens_file)
    if not tokens.enabled and not _is_loopback(host):
        raise click.UsageError(
            f"--host {host} is reachable from other machines: configure bearer tokens "
            "(--tokens-file or DATAGUARD_TOKENS) first, or bind to 127.0.0.1"
        )
    cfg = load_config(config_path)  # a configuration error exits 2 before binding

    import uvicorn

    from kmu_dataguard.service.app import ServiceSettings, create_app

    settings = ServiceSettings(
        max_runs=max_runs,
        timeout_s=timeout_s,
        max_upload_mb=max_upload_mb,
        max_upload_rows=max_upload_rows,
    )
    app = create_app(cfg, tokens, settings)
    click.echo(f"dataguard: serving {len(cfg.gates)} gate(s) on http://{host}:{port}", err=True)
    try:
        uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)
    except RunStopped as stop:  # uvicorn shut down, then passed the signal on to our handler
        click.echo(f"dataguard: server stopped by {signal.Signals(stop.signum).name}", err=True)
        return stop.exit_code
    return 0


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: may resolve to anything
