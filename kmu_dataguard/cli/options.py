"""Options shared by several commands, as decorator factories."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def format_option(f: F) -> F:
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["text", "json", "junit"]),
        default="text",
        show_default=True,
        help="text for people; json prints exactly one JSON document (schema v1) on stdout; "
        "junit prints JUnit XML for CI systems.",
    )(f)


def text_json_option(help_text: str) -> Callable[[F], F]:
    """``--format text|json`` for commands without a JUnit form (the help names the JSON)."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help=help_text,
    )


def lang_option(help_text: str) -> Callable[[F], F]:
    """``--lang de|en``; the help says what it defaults to for the command."""
    return click.option("--lang", type=click.Choice(["de", "en"]), default=None, help=help_text)


config_option = click.option(
    "--config",
    "config_path",
    default="dataguard.yml",
    show_default=True,
    help="The configuration file.",
)


def history_option(help_text: str) -> Callable[[F], F]:
    """``--history TARGET``: the run history's store for this command (off, a path, a URL)."""
    return click.option(
        "--history",
        "history_target",
        default=None,
        metavar="off|PATH|URL",
        callback=_history_target,
        help=help_text,
    )


def _history_target(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """A path typed on the command line is relative to the current folder, not to
    dataguard.yml's (where ``history:`` in the file is relative to): made absolute here."""
    from kmu_dataguard.history.location import history_url, is_off

    if value is None or is_off(value):
        return value
    return history_url(value, Path.cwd(), environ={})


def suites_dir_option(help_text: str) -> Callable[[F], F]:
    """``--suites-dir``: a folder of the user's own suites (the help says how it is used)."""
    return click.option(
        "--suites-dir", type=click.Path(file_okay=False, exists=True), default=None, help=help_text
    )


def connectors_dir_option(help_text: str) -> Callable[[F], F]:
    """``--connectors-dir``: a folder of the user's own connector profiles."""
    return click.option(
        "--connectors-dir",
        type=click.Path(file_okay=False, exists=True),
        default=None,
        help=help_text,
    )


@dataclass(frozen=True)
class OutputOptions:
    """The output options of gate and check, bundled so commands take one parameter."""

    output: str | None = None
    lang: str | None = None
    mask: bool = True
    data_docs: str | None = None

    def run_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``run_gate`` / ``run_check``."""
        return {"lang": self.lang, "mask": self.mask, "data_docs_dir": self.data_docs}


def mapping_options(f: F) -> F:
    """How a file is mapped onto a suite: --profile, --entity, --sheet and the user's folders
    (the same on ``check`` and ``fix``)."""
    for option in reversed(
        [
            click.option(
                "--profile", default=None, help="Connector profile (see `dataguard profiles`)."
            ),
            click.option(
                "--entity", default=None, help="Canonical entity the profile maps (customers, …)."
            ),
            click.option("--sheet", default=None, help="Excel sheet name or 0-based index."),
            connectors_dir_option("Folder with your own connector profiles."),
            suites_dir_option(
                "Folder with your own suites (they override built-in ones of the same name)."
            ),
        ]
    ):
        f = option(f)
    return f


def output_options(f: F) -> F:
    """--output, --lang, --no-mask and --data-docs, passed to the command as ``outputs``."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        kwargs["outputs"] = OutputOptions(
            output=kwargs.pop("output_file"),
            lang=kwargs.pop("lang"),
            mask=kwargs.pop("mask"),
            data_docs=kwargs.pop("data_docs_dir"),
        )
        return f(*args, **kwargs)

    decorated: Any = wrapper
    for option in (
        click.option(
            "--output",
            "output_file",
            # Not writable=True: an output that cannot be written fails closed at write time
            # (exit 3, the result still printed), not as a usage error without a document.
            type=click.Path(dir_okay=False),
            default=None,
            help="Write the text, JSON or JUnit output to this file (atomically) "
            "instead of stdout.",
        ),
        click.option(
            "--lang",
            type=click.Choice(["de", "en"]),
            default=None,
            help="Language of the text output, report and lists; JSON stays language-neutral "
            "(default: config 'lang', then LANG/LC_ALL).",
        ),
        click.option(
            "--mask/--no-mask",
            "mask",
            default=True,
            help="Mask personal data (e-mail, phone, IBAN, tax IDs, names) in every output "
            "except the failing-records lists (default: mask). --no-mask for trusted use.",
        ),
        click.option(
            "--data-docs",
            "data_docs_dir",
            type=click.Path(file_okay=False, writable=True),
            default=None,
            help="Also build Great Expectations' Data Docs (for engineers) in this folder.",
        ),
    ):
        decorated = option(decorated)
    return decorated  # type: ignore[no-any-return]


def report_options(f: F) -> F:
    f = click.option(
        "--report",
        "report_dir",
        # Not writable=True: see --output; the report store reports why it could not write.
        type=click.Path(file_okay=False),
        default=None,
        help="Write the HTML report (index.html, failing-records lists) into this folder.",
    )(f)
    return click.option(
        "--max-keys",
        type=click.IntRange(min=1),
        default=None,
        help="List at most this many failing keys per expectation (default: all).",
    )(f)


def fail_on_option(default: str | None) -> Callable[[F], F]:
    def decorate(f: F) -> F:
        return click.option(
            "--fail-on",
            type=click.Choice(["critical", "warning"]),
            default=default,
            show_default=default is not None,
            help="What blocks: failed critical expectations only, or warnings too.",
        )(f)

    return decorate
