"""The ``dataguard`` command line: a thin layer over the library.

Commands return an exit code; :func:`main` is the one place that turns errors into exit codes
(see :mod:`kmu_dataguard.exit_codes`) and exits. Heavy libraries are imported inside commands so
``dataguard --help`` stays instant.
"""

from __future__ import annotations

import logging
import sys

import click

from kmu_dataguard.cli.approve import approve
from kmu_dataguard.cli.check import check
from kmu_dataguard.cli.demo import demo
from kmu_dataguard.cli.fix import fix
from kmu_dataguard.cli.gate import gate
from kmu_dataguard.cli.history import history
from kmu_dataguard.cli.init import init
from kmu_dataguard.cli.notify import notify
from kmu_dataguard.cli.profiles import profiles
from kmu_dataguard.cli.serve import serve
from kmu_dataguard.cli.signals import stop_on_signals
from kmu_dataguard.cli.sources import sources
from kmu_dataguard.cli.suites import suites
from kmu_dataguard.errors import ConfigError, DataguardError, RunStopped, one_line
from kmu_dataguard.exit_codes import ExitCode

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kmu-dataguard", prog_name="dataguard")
@click.option("-v", "--verbose", count=True, help="Log progress to stderr (-vv for debug).")
def cli(verbose: int) -> None:
    """kmu-dataguard: block automated workflows when master data is not fit.

    \b
    Exit codes: 0 pass (warnings allowed), 1 blocked (data failed a blocking
    expectation), 2 usage or configuration error, 3 could not validate,
    130/143 stopped by SIGINT/SIGTERM.
    """
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="dataguard: %(message)s")
    # -v and -vv concern our own messages; libraries stay at warnings.
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.getLogger("kmu_dataguard").setLevel(level)


_COMMANDS = (
    init,
    gate,
    check,
    fix,
    approve,
    history,
    notify,
    suites,
    profiles,
    sources,
    serve,
    demo,
)
for command in _COMMANDS:
    cli.add_command(command)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return the exit code (never a traceback, never 1 for a crash)."""
    with stop_on_signals():
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    try:
        code = cli.main(args=argv, prog_name="dataguard", standalone_mode=False)
    except RunStopped as stop:  # commands without a result document (suites, demo, …)
        click.echo(f"dataguard: {stop}", err=True)
        return stop.exit_code
    except click.exceptions.Exit as exc:  # --help, --version
        return int(exc.exit_code)
    except click.ClickException as exc:  # usage errors included
        args = argv if argv is not None else sys.argv[1:]
        wanted = _requested_format(args)
        if wanted in ("json", "junit"):
            # A script that asked for a document gets one, also for a wrong option: the
            # document of the command it called (see error_documents).
            from kmu_dataguard.cli.emit import emit_error, error_documents

            render = error_documents().get(_command_name(args) or "")
            if render is None or wanted == "junit":
                return emit_error(ConfigError(exc.format_message()), wanted)
            click.echo(render(exc.format_message(), int(ExitCode.USAGE)))
        exc.show()
        return int(ExitCode.USAGE)
    except click.Abort:  # end of input at a prompt
        click.echo("dataguard: aborted; nothing was validated", err=True)
        return int(ExitCode.UNAVAILABLE)
    except DataguardError as exc:
        click.echo(f"dataguard: error: {exc}", err=True)
        return exc.exit_code
    except Exception as exc:  # fail closed: an unexpected crash is "could not validate"
        message = one_line(exc)
        click.echo(f"dataguard: unexpected error ({type(exc).__name__}): {message}", err=True)
        return int(ExitCode.UNAVAILABLE)
    return int(code or 0)


def _requested_format(argv: list[str]) -> str | None:
    """The value of ``--format`` on a command line that click could not parse."""
    for i, arg in enumerate(argv):
        if arg == "--format" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--format="):
            return arg.partition("=")[2]
    return None


def _command_name(argv: list[str]) -> str | None:
    """The subcommand on a command line click could not parse (its first word)."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
