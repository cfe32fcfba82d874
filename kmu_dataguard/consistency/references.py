"""Cross-source references: a record's reference must exist in another check's table, and
the attributes both sides hold about the partner must agree.

A CRM contact whose company is not an ERP customer (or whose VAT ID differs) produces an order
the ERP cannot book. A reference declared in ``dataguard.yml`` names a column of one check
(``contacts.customer_id``) and the column of another check it points to
(``customers.customer_id``), maybe in another source (a CSV export and a database, two
databases). It becomes one :class:`~kmu_dataguard.results.CheckResult` with one outcome per
rule: ``exists`` and one per agreement rule.

Two routes, one verdict:

* both sides are queries on the **same database** (same URL) and the referring check has a key:
  the database joins them (:mod:`._references_sql`) and only the failing records and the matched
  pairs whose values differ as text travel to Python;
* otherwise both sides are **streamed** (SQL in chunks; files are in memory anyway) fetching
  only the key, the reference and the compared columns; memory grows with the distinct
  referenced keys (and their compared values), not with the referring rows.

Either way the candidate pairs are judged by :func:`._reference_judging.judge` and become
outcomes in :mod:`._reference_outcomes`; the rules are resolved in :mod:`._reference_rules`.
Keys are compared as text with surrounding spaces removed (``"10"`` in a CSV matches the
integer ``10`` in a database; ``"010"`` does not). An empty reference is not checked unless
``allow_empty: false``, and an agreement rule is not checked when either value is empty after
normalisation: completeness is the suites' job.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from kmu_dataguard.config import Config, ReferenceConfig
from kmu_dataguard.consistency._reference_outcomes import Findings, outcomes
from kmu_dataguard.consistency._reference_rules import Rule, resolve_rules
from kmu_dataguard.errors import SourceError
from kmu_dataguard.record_context import add_context
from kmu_dataguard.results import CheckResult
from kmu_dataguard.sources.table import SqlTable

__all__ = ["check_reference"]

log = logging.getLogger("kmu_dataguard")

CHUNKSIZE = 50_000
SUITE = "reference"


def check_reference(config: Config, name: str, *, max_keys: int | None = None) -> CheckResult:
    """Run reference ``name`` of ``config``; never raises for data or source problems.

    What could not be read is recorded in ``CheckResult.errors`` (the verdict is then
    ``error``, exit 3), so a reference that was not checked is never a pass.
    """
    from kmu_dataguard.sources.reading import read_check_table

    reference = config.references[name]
    source, target = reference.from_, reference.to
    result = CheckResult(
        name=name,
        source=f"{source.check}.{source.column} → {target.check}.{target.column or '(key)'}",
        suite=SUITE,
        key=config.checks[source.check].key,
    )
    tables: list[Any] = []
    try:
        child = read_check_table(config, config.checks[source.check])
        tables.append(child)
        parent = read_check_table(config, config.checks[target.check])
        tables.append(parent)
        for side, table in ((source.check, child), (target.check, parent)):
            if table.rows == 0 and not config.checks[side].allow_empty:
                raise SourceError(
                    f"reference {name!r}: check {side!r} read no records from {table.origin}; "
                    "an empty side is never a pass: export the data again (or set "
                    f"allow_empty: true on check {side!r} if empty is normal)"
                )
        child_key = config.checks[source.check].key or child.key
        parent_key = config.checks[target.check].key or parent.key
        target_column = target.column or parent_key
        if target_column is None:
            raise SourceError(
                f"reference {name!r}: check {target.check!r} has no key; "
                "name the referenced column in 'to.column'"
            )
        rules = resolve_rules(name, reference)
        _require(name, source.check, child, [child_key, source.column], rules, "source_column")
        _require(name, target.check, parent, [parent_key, target_column], rules, "target_column")
        result.key = child_key
        result.rows = child.rows
        result.source = f"{source.check}.{source.column} → {target.check}.{target_column}"
        joined = _same_database(child, parent) and child_key is not None
        log.info("reference %s: %s", name, "joining in the database" if joined else "streaming")
        find = _in_database if joined else _streamed
        findings = find(
            child, parent, reference, rules, child_key, parent_key or target_column, target_column
        )
        result.expectations = outcomes(name, reference, rules, findings, max_keys)
        # Name and city beside the referring records' keys (a contact's), looked up among the
        # referring records only: a customer number may equal a contact number. Only from a
        # table in memory: a reference joined in its database reads no rows into Python.
        result.source_headers = child.source_headers
        if not isinstance(child, SqlTable):
            referring = {k for o in result.expectations for k in o.failing_keys if k is not None}
            add_context(result, [(child, child_key)], keys=referring)
    finally:
        for table in tables:
            table.close()  # a database table disposes its reader engine
    return result


def _require(
    name: str, check: str, table: Any, columns: list[str | None], rules: list[Rule], side: str
) -> None:
    wanted = [c for c in columns if c is not None] + [getattr(r, side) for r in rules]
    missing = [c for c in dict.fromkeys(wanted) if c not in table.columns]
    if missing:
        raise SourceError(
            f"reference {name!r}: check {check!r} has no column "
            f"{', '.join(repr(c) for c in missing)} in {table.origin} "
            f"(columns present: {', '.join(table.columns) or 'none'})"
        )


def _same_database(child: Any, parent: Any) -> bool:

    if not (isinstance(child, SqlTable) and isinstance(parent, SqlTable)):
        return False
    return bool(
        child.reader.url.render_as_string(hide_password=False)
        == parent.reader.url.render_as_string(hide_password=False)
    )


def _in_database(
    child: Any,
    parent: Any,
    reference: ReferenceConfig,
    rules: list[Rule],
    child_key: str,
    parent_key: str,
    target_column: str,
) -> Findings:
    from kmu_dataguard.consistency import _references_sql as rsql

    spec = rsql.JoinSpec(
        child=rsql.SqlSide(
            child.query, child_key, reference.from_.column, tuple(r.source_column for r in rules)
        ),
        parent=rsql.SqlSide(
            parent.query, parent_key, target_column, tuple(r.target_column for r in rules)
        ),
        compares=tuple(r.compare for r in rules),
        allow_empty=reference.allow_empty,
        source_name=child.source_name,
    )
    engine = child.reader
    findings = Findings(checked=rsql.count_references(engine, spec))
    findings.missing = list(rsql.iter_missing(engine, spec))
    findings.pairs = rsql.count_pairs(engine, spec)
    findings.candidates = [[] for _ in rules]
    for row in rsql.iter_disagreements(engine, spec):
        for i, _ in enumerate(rules):
            a, b = row[2 + 2 * i], row[3 + 2 * i]
            if a and b and a != b:
                findings.candidates[i].append((row[0], row[1], a, b))
    return findings


def _streamed(
    child: Any,
    parent: Any,
    reference: ReferenceConfig,
    rules: list[Rule],
    child_key: str | None,
    parent_key: str,
    target_column: str,
) -> Findings:
    # The referenced side first: key → [(parent key, compared values...)], stripped text.
    index: dict[str, list[tuple[str | None, ...]]] = {}
    parent_columns = [target_column, parent_key, *(r.target_column for r in rules)]
    for row in _rows(parent, parent_columns):
        ref = _stripped(row[0])
        if not ref:
            continue
        entry = (row[1], *(_stripped(v) for v in row[2:])) if rules else ()
        found = index.get(ref)
        if found is None:
            index[ref] = [entry]
        elif rules and entry not in found:  # a duplicate key: each distinct record counts
            found.append(entry)

    findings = Findings(pairs=[0] * len(rules), candidates=[[] for _ in rules])
    columns = [child_key, reference.from_.column, *(r.source_column for r in rules)]
    for number, row in enumerate(_rows(child, columns), start=1):
        key = row[0] if child_key is not None else str(number)
        ref = _stripped(row[1])
        if not ref:
            if not reference.allow_empty:
                findings.checked += 1
                findings.missing.append((key, None if row[1] is None else ref))
            continue
        findings.checked += 1
        matches = index.get(ref)
        if matches is None:
            findings.missing.append((key, ref))
            continue
        for entry in matches:
            for i, _ in enumerate(rules):
                a, b = _stripped(row[2 + i]), entry[1 + i]
                if a and b:
                    findings.pairs[i] += 1
                    if a != b:
                        findings.candidates[i].append((key, entry[0], a, b))
    return findings


def _stripped(value: Any) -> str:
    """A value as the database-side join sees it: text without surrounding spaces."""
    if value is None:
        return ""
    return (value if isinstance(value, str) else str(value)).strip(" ")


def _rows(table: Any, columns: list[str | None]) -> Iterator[tuple[Any, ...]]:
    """The rows of ``columns`` (None: a column of Nones), streamed from SQL in chunks."""

    wanted = list(dict.fromkeys(c for c in columns if c is not None))
    if isinstance(table, SqlTable):
        from kmu_dataguard.sources.sql import iter_chunks

        chunks: Iterator[Any] = iter_chunks(
            table.reader,
            query=table.query,
            columns=wanted,
            source_name=table.source_name,
            chunksize=CHUNKSIZE,
        )
    else:
        chunks = iter([table.frame[wanted]])
    for chunk in chunks:
        data = {c: chunk[c].tolist() for c in wanted}
        nones = [None] * len(chunk)
        yield from zip(*(data[c] if c is not None else nones for c in columns), strict=True)
