"""Great Expectations' own Data Docs, for engineers, built from the results a run kept."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from kmu_dataguard.engine.gx_internals import build_docs_site
from kmu_dataguard.errors import EngineError, one_line

__all__ = ["build_data_docs"]

_DOCS_SITE = "dataguard"


def build_data_docs(validations: list[Any], folder: str | os.PathLike[str]) -> Path:
    """Build Great Expectations' own Data Docs for engineers in ``folder``; return its index.

    ``validations`` are GX's results as kept by ``validate_table(keep_validations=...)``. They
    go into the (in-memory) validation store of our ephemeral context only for the build and
    are removed afterwards, so a long-running process does not accumulate them. Data Docs show
    the raw failing values: they are for engineers, not for sharing.
    """
    target = Path(folder).resolve()
    target.mkdir(parents=True, exist_ok=True)
    try:
        build_docs_site(validations, target, _DOCS_SITE)
    except OSError:
        raise
    except Exception as exc:  # GX raises many unrelated types while rendering
        raise EngineError(f"Data Docs could not be built in {target}: {one_line(exc)}") from exc
    return target / "index.html"
