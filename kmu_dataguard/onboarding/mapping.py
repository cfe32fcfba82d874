"""Propose how a table maps onto a canonical entity: header, content and entity evidence combined.

:func:`propose` is the library entry point: it reads nothing and writes nothing, so it works on
any DataFrame (a file read by :func:`read_source`, a database table).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from kmu_dataguard.entities import CANONICAL
from kmu_dataguard.errors import ConfigError
from kmu_dataguard.onboarding.content import (
    STRONG_SHARE,
    detect,
    looks_like_key,
    postal_city_share,
    sample,
    verify,
)
from kmu_dataguard.onboarding.entity import decide_entity
from kmu_dataguard.onboarding.headers import KEY, match_header

__all__ = [
    "ColumnMatch",
    "Evidence",
    "Proposal",
    "SqlOrigin",
    "propose",
    "read_source",
    "read_table",
]

Evidence = Literal["header", "content", "both", "none"]
_RANK = {"both": 3, "content": 2, "header": 1, "none": 0}
_KEYS = {"customers": "customer_id", "suppliers": "supplier_id", "articles": "article_id",
         "contacts": "contact_id"}  # fmt: skip
#: Per entity: a column found under one name that the entity calls otherwise.
_ALIASES = {
    "customers": {"company": "name"},
    "suppliers": {"company": "name"},
    "contacts": {"name": "company"},
    "articles": {},
}


@dataclass
class ColumnMatch:
    """One source column and the canonical column it holds (None: not mapped)."""

    source: str
    canonical: str | None
    confidence: float
    evidence: Evidence
    why: str = ""
    #: a combined field ("01067 Dresden") the profile splits into these canonical columns
    split: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "source": self.source,
            "canonical": self.canonical,
            "confidence": self.confidence,
            "evidence": self.evidence,
        }
        if self.split:
            found["split"] = list(self.split)
        return found


@dataclass(frozen=True)
class SqlOrigin:
    """Where a proposal's table came from when it was read from a database."""

    url: str  # as given: may hold a password, never print it
    table: str
    query: str  # SELECT * FROM the table, quoted for the dialect


@dataclass
class Proposal:
    """The entity of a table and the mapping of its columns."""

    source: str
    entity: str
    confidence: float
    columns: list[ColumnMatch]
    rows: int = 0
    file_format: str = "csv"
    scores: dict[str, float] = field(default_factory=dict)
    sql: SqlOrigin | None = None
    sheet: str | int | None = None  # the Excel sheet read, when not the first

    @property
    def key(self) -> str | None:
        key = _KEYS[self.entity]
        return key if any(c.canonical == key for c in self.columns) else None

    @property
    def missing(self) -> list[str]:
        mapped = {c.canonical for c in self.columns} | {s for c in self.columns for s in c.split}
        return [c for c in CANONICAL[self.entity] if c not in mapped]

    def mapping(self) -> dict[str, str]:
        """canonical column → source header, in canonical order."""
        by_canonical = {c.canonical: c.source for c in self.columns if c.canonical}
        return {c: by_canonical[c] for c in CANONICAL[self.entity] if c in by_canonical}

    def to_json(self, written: list[str] | None = None) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "source": self.source,
            "entity": self.entity,
            "confidence": self.confidence,
            "columns": [c.to_dict() for c in self.columns],
            "missing": self.missing,
            "written": list(written or []),
        }


def _judge_column(name: str, column: pd.Series) -> ColumnMatch:
    header = match_header(name)
    values = sample(column)
    combined = postal_city_share(values)
    if combined >= STRONG_SHARE:
        named = header is not None and header.canonical in ("postal_code", "city")
        why = "postal code and city in one field: split"
        conf = round(0.6 + 0.4 * combined if named else 0.9 * combined, 2)
        evidence: Evidence = "both" if named else "content"
        return ColumnMatch(name, "postal_code", conf, evidence, why, ("postal_code", "city"))
    hit = detect(values)
    if hit is not None and hit.strong:
        if header is not None and header.canonical == hit.canonical:
            conf = 0.6 + 0.4 * max(header.confidence, hit.share)
            return ColumnMatch(name, hit.canonical, round(conf, 2), "both", hit.why)
        return ColumnMatch(name, hit.canonical, round(0.95 * hit.share, 2), "content", hit.why)
    if header is not None:
        share = verify(header.canonical, values)
        if share is not None and share < 0.2 and hit is not None:
            # The header names something the values are not; the values name something else.
            return ColumnMatch(name, hit.canonical, round(0.8 * hit.share, 2), "content", hit.why)
        conf = header.confidence * (0.9 if header.canonical == KEY else 1.0)
        if share is not None and share >= 0.8:
            return ColumnMatch(name, header.canonical, round(min(1.0, conf + 0.05), 2), "both")
        if share is not None and share < 0.5:
            conf *= 0.6  # the header says so, most values do not
        return ColumnMatch(name, header.canonical, round(conf, 2), "header")
    if hit is not None:
        return ColumnMatch(name, hit.canonical, round(0.8 * hit.share, 2), "content", hit.why)
    return ColumnMatch(name, None, 0.0, "none")


def _fit_entity(matches: list[ColumnMatch], entity: str) -> None:
    """Turn candidates into the entity's columns, each canonical column taken at most once."""
    allowed = set(CANONICAL[entity])
    for m in matches:
        if m.canonical == KEY:
            m.canonical = _KEYS[entity]
        m.canonical = _ALIASES[entity].get(m.canonical or "", m.canonical)
        if m.canonical not in allowed:
            m.canonical, m.confidence, m.evidence = None, 0.0, "none"
    best: dict[str, ColumnMatch] = {}
    for m in matches:
        if m.canonical is None:
            continue
        held = best.get(m.canonical)
        if held is None or (_RANK[m.evidence], m.confidence) > (
            _RANK[held.evidence],
            held.confidence,
        ):
            best[m.canonical] = m
    for m in matches:
        if m.canonical is not None and best[m.canonical] is not m:
            m.canonical, m.confidence, m.evidence = None, 0.0, "none"
        if m.canonical is None:
            m.split, m.why = (), ""
        elif m.split and "city" in best:  # the city has a column of its own
            m.split = ("postal_code",)


def propose(frame: pd.DataFrame, *, source: str, entity: str | None = None) -> Proposal:
    """Map every column of ``frame`` onto the entity's canonical columns (or none).

    ``entity`` None decides it from the columns found; raises :class:`ConfigError` when no
    entity is recognised (nothing is guessed).
    """
    if entity is not None and entity not in CANONICAL:
        raise ConfigError(f"unknown entity {entity!r}; use one of {', '.join(CANONICAL)}")
    matches = [_judge_column(str(col), frame[col]) for col in frame.columns]
    scores: dict[str, float] = {}
    if entity is None:
        found = {m.canonical for m in matches if m.canonical and m.canonical != KEY}
        entity, confidence, scores = decide_entity(found)
        if entity is None:
            headers = ", ".join(repr(str(c)) for c in list(frame.columns)[:12])
            raise ConfigError(
                f"{source}: no customers, suppliers, articles or contacts recognised in its "
                f"columns ({headers}); is it master data? If it is, name the entity with "
                "--entity customers (or suppliers, articles, contacts)"
            )
    else:
        confidence = 1.0
    _fit_entity(matches, entity)
    key = _KEYS[entity]
    if all(m.canonical != key for m in matches):
        for m, col in zip(matches, frame.columns, strict=True):
            if m.canonical is None and looks_like_key(sample(frame[col]), len(frame)):
                m.canonical, m.confidence, m.evidence = key, 0.6, "content"
                m.why = "unique values in every row"
                break
    return Proposal(source, entity, confidence, matches, rows=len(frame), scores=scores)


#: A CSV is read only this far: the proposal looks at a sample, and a large file stays fast.
SAMPLE_ROWS = 20_000


def read_source(
    path: str | os.PathLike[str],
    *,
    entity: str | None = None,
    sheet: str | int = 0,
    max_rows: int | None = SAMPLE_ROWS,
) -> tuple[pd.DataFrame, str]:
    """(table, file format) of a CSV, Excel or DATEV file, every value as text.

    A CSV is read up to ``max_rows`` data rows (None: all of it), checked like any export as
    far as it is read; Excel and DATEV files are read whole.
    """
    from kmu_dataguard.sources.formats import file_format

    p = Path(path)
    fmt = file_format(p, None)
    if fmt == "excel":
        from kmu_dataguard.sources.excel import read_excel

        return read_excel(p, sheet=sheet), fmt
    if fmt == "datev":
        from kmu_dataguard.sources.datev import read_datev

        if entity not in (None, "customers", "suppliers"):
            raise ConfigError(
                f"{p}: a DATEV Debitoren/Kreditoren file holds customers and suppliers; "
                "use --entity customers or --entity suppliers"
            )
        return read_datev(p).table(entity or "customers"), fmt
    from kmu_dataguard.sources.delimited import read_delimited

    return read_delimited(p, max_rows=max_rows), fmt


def read_table(url: str, table: str) -> tuple[pd.DataFrame, SqlOrigin, str]:
    """(rows of ``table`` as text, where they came from, a password-free label) from ``url``.

    The table is read whole through the read-only engine of ``dataguard check``.
    """
    from kmu_dataguard.sources.sql import open_engine, redact_url, table_query
    from kmu_dataguard.sources.sql import read_table as read_sql_table

    label = f"{redact_url(url)} (table {table})"
    engine = open_engine(url)
    try:
        query, _schema, _name = table_query(engine, table, source_name=label)
        query = " ".join(query.splitlines())  # one line in the written profile
        frame = read_sql_table(engine, query=query, source_name=label)
    finally:
        engine.dispose()
    return frame, SqlOrigin(url, table, query), label
