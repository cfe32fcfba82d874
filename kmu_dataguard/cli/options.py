"""Options shared by several commands, as decorator factories."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def format_option(f: F) -> F:
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="text for people; json prints exactly one JSON document (schema v1) on stdout.",
    )(f)


def report_options(f: F) -> F:
    f = click.option(
        "--report",
        "report_dir",
        type=click.Path(file_okay=False, writable=True),
        default=None,
        help="Write the HTML report (index.html) into this folder.",
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
