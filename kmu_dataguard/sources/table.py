"""The one thing every reader produces: a table of text columns and where it came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Table"]


@dataclass
class Table:
    """A source table read as text (``None`` for empty cells).

    ``origin`` describes the source for humans and never contains a password.
    """

    frame: pd.DataFrame
    origin: str
    key: str | None = None  # the record key the profile declares, if any

    @property
    def rows(self) -> int:
        return len(self.frame)

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]
