"""Names in ``dataguard.yml``: what a source, check, reference or gate may be called.

Names become file names (reports, JUnit), so they are short ASCII; :func:`safe_name` makes
one from any text (a file stem, a table) for the checks that ``dataguard check`` builds.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from kmu_dataguard.errors import ConfigError, one_line

if TYPE_CHECKING:
    from kmu_dataguard.config.models import Config

__all__ = ["MAX_NAME", "check_names", "one_line_key", "safe_name"]

_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")  # whole name: fullmatch, no trailing "\n"
MAX_NAME = 64  # names become file names (reports, JUnit) and must stay readable


_UMLAUTS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


def safe_name(text: str) -> str:
    """A valid check name made from any text (a file stem, a table): ASCII, at most MAX_NAME.

    German umlauts are transliterated (Ü → Ue, ß → ss), other accents dropped (é → e), every run
    of other characters becomes one '_'; never empty.
    """
    text = text.translate(_UMLAUTS)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_.-")
    return text[:MAX_NAME].rstrip("_.-") or "input"


def one_line_key(name: object) -> str:
    """A user's key as it can appear in a one-line message (escaped, shortened)."""
    text = one_line(str(name))
    return text if len(text) <= 40 else text[:40] + "…"


def check_names(config: Config, file: Path) -> None:
    """Every name in the four named sections is short and made of letters, digits, '_-.'."""
    for section in ("sources", "checks", "references", "gates"):
        for name in getattr(config, section):
            where = f"{file}: {section}.{one_line_key(name)}"
            if len(name) > MAX_NAME:
                raise ConfigError(
                    f"{where}: name of {len(name)} characters; use at most {MAX_NAME}"
                )
            if not _NAME.fullmatch(name):
                raise ConfigError(
                    f"{where}: names may use letters, digits, '_', '-' and '.' "
                    "(not '.' or '-' first)"
                )
