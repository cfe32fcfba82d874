"""The HTML report: one self-contained ``index.html`` (inline CSS, no network, auto-escaped).

Written atomically: the page is rendered into a temporary file in the target folder and renamed
into place, so a run that fails midway never leaves a half-written report behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kmu_dataguard.results import GateResult

__all__ = ["render_report", "write_report"]

#: Failing records listed per expectation in the page.
PAGE_KEYS = 200


def render_report(result: GateResult) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("kmu_dataguard.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html.j2").render(result=result, page_keys=PAGE_KEYS)


def write_report(result: GateResult, folder: Path) -> Path:
    """Write ``folder/index.html`` atomically and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    page = render_report(result)
    target = folder / "index.html"
    fd, tmp = tempfile.mkstemp(prefix=".index-", suffix=".html.tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(page)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
