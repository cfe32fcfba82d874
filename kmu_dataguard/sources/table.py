"""What every reader produces: a table of text columns, in memory or left in its database."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from types import TracebackType

    import pandas as pd
    from sqlalchemy.engine import Engine

__all__ = ["SqlTable", "Table"]


class _Closing:
    """``with table:`` closes the table however the block ends."""

    def close(self) -> None:
        """Release what the table holds (nothing, for a table in memory)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@dataclass
class Table(_Closing):
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

    @property
    def not_provided(self) -> list[str]:
        """Canonical columns the source does not have (added empty)."""
        return list(self.frame.attrs.get("not_provided", []))

    @property
    def source_headers(self) -> dict[str, str]:
        """Canonical column -> the source's own header it was read from (profile, ``--map``)."""
        return dict(self.frame.attrs.get("source_headers", {}))


@dataclass
class SqlTable(_Closing):
    """A table left in its database: a read-only SELECT that the engine validates in place.

    ``engine_url`` and ``engine_kwargs`` open the validation engine's own read-only session
    (the URL holds the password: never print it); ``reader`` is our read-only SQLAlchemy
    engine for fetching the columns that must be validated in Python. Whoever holds the table
    closes it (:meth:`close`, or ``with table:``), which disposes the reader.
    """

    query: str
    origin: str
    rows: int
    columns: list[str]
    engine_url: str = field(repr=False)
    engine_kwargs: dict[str, Any] = field(repr=False)
    reader: Engine = field(repr=False)
    source_name: str = "source"
    key: str | None = None
    not_provided: list[str] = field(default_factory=list)
    #: canonical column -> the database's own column name, where a profile says so
    source_headers: dict[str, str] = field(default_factory=dict)
    #: (schema or None, table) when the check names a table rather than a query
    table: tuple[str | None, str] | None = None

    def close(self) -> None:
        """Dispose the reader engine (its connections); closing twice does no harm."""
        self.reader.dispose()
