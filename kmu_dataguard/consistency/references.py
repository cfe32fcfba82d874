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
  the database joins them (:mod:`references_sql`) and only the failing records and the matched
  pairs whose values differ as text travel to Python;
* otherwise both sides are **streamed** (SQL in chunks; files are in memory anyway) fetching
  only the key, the reference and the compared columns; memory grows with the distinct
  referenced keys (and their compared values), not with the referring rows.

Either way the candidate pairs are judged by :func:`judge`. Keys are compared as text with
surrounding spaces removed (``"10"`` in a CSV matches the integer ``10`` in a database;
``"010"`` does not). An empty reference is not checked unless ``allow_empty: false``, and an
agreement rule is not checked when either value is empty after normalisation: completeness
is the suites' job.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from kmu_dataguard.config import AgreeRule, Config, ReferenceConfig
from kmu_dataguard.consistency.normalize import (
    email_key,
    identifier_key,
    legal_form,
    name_conflict,
    name_key,
)
from kmu_dataguard.consistency.reasons import reason_text
from kmu_dataguard.entities import column_label
from kmu_dataguard.errors import SourceError
from kmu_dataguard.results import CheckResult, ExpectationOutcome, Group, Severity

__all__ = [
    "AGREE_TYPE",
    "EXISTS_TYPE",
    "Failure",
    "Rule",
    "check_reference",
    "judge",
    "resolve_rules",
]

log = logging.getLogger("kmu_dataguard")

EXISTS_TYPE = "expect_column_values_to_reference_existing_records"
AGREE_TYPE = "expect_column_pair_values_to_agree_across_sources"
DEFAULT_SIMILARITY = 0.85
CHUNKSIZE = 50_000
SUITE = "reference"


@dataclass(frozen=True)
class Rule:
    """One agreement rule, resolved: its outcome id, columns, comparison and severity."""

    id: str
    source_column: str  # in the referring check ("from")
    target_column: str  # in the referenced check ("to")
    compare: str
    threshold: float
    severity: Severity


@dataclass(frozen=True)
class Failure:
    """A matched pair whose values disagree."""

    child_key: str | None
    parent_key: str | None
    source_value: str
    target_value: str
    score: float | None
    reason: str


@dataclass
class _Findings:
    checked: int = 0  # referring records whose reference was looked up
    missing: list[tuple[str | None, str | None]] = field(default_factory=list)
    pairs: list[int] = field(default_factory=list)  # per rule: pairs with both values present
    candidates: list[list[tuple[str | None, str | None, str, str]]] = field(default_factory=list)


# ----------------------------------------------------------------------------- the rules


def resolve_rules(name: str, reference: ReferenceConfig) -> list[Rule]:
    """The agreement rules of ``reference`` with unique outcome ids (``NAME.agree_company``)."""
    rules: list[Rule] = []
    used: set[str] = set()
    default = Severity(reference.severity)
    for i, agree in enumerate(reference.agree):
        local = f"agree_{agree.from_}"
        if local in used:
            local = f"{local}_{agree.compare}"
        if local in used:
            local = f"{local}_{i}"
        used.add(local)
        rules.append(
            Rule(
                id=f"{name}.{local}",
                source_column=agree.from_,
                target_column=agree.to,
                compare=agree.compare,
                threshold=_threshold(agree),
                severity=Severity(agree.severity) if agree.severity else default,
            )
        )
    return rules


def _threshold(agree: AgreeRule) -> float:
    return agree.threshold if agree.threshold is not None else DEFAULT_SIMILARITY


def _personal(column: str) -> bool:
    from kmu_dataguard.report.masking import pii_kind

    return pii_kind(column) is not None


def _normal(compare: str, value: str) -> str | None:
    """The value as the rule compares it; None when there is nothing to compare."""
    if compare == "vat_id":
        return identifier_key(value)
    if compare == "email_domain":
        address = email_key(value)
        return address.rpartition("@")[2] if address else None
    if compare == "similar":
        return name_key(value) or None
    return " ".join(value.split()).casefold() or None


def judge(rule: Rule, pairs: Sequence[tuple[Any, Any, str, str]]) -> list[Failure]:
    """The pairs (child key, parent key, from value, to value) that break ``rule``."""
    if rule.compare == "similar":
        return _judge_similar(rule, pairs)
    shown = not _personal(rule.source_column) and not _personal(rule.target_column)
    col_a, col_b = rule.source_column, rule.target_column
    failures = []
    for child, parent, a, b in pairs:
        na, nb = _normal(rule.compare, a), _normal(rule.compare, b)
        if na is None or nb is None or na == nb:
            continue
        if rule.compare == "email_domain":
            reason = reason_text("email_domain", a=repr(na), b=repr(nb))
        elif shown and rule.compare == "equal":
            reason = reason_text("values", col_a=col_a, a=repr(a), col_b=col_b, b=repr(b))
        else:  # personal data stays out of the reason; the masked values show it
            reason = reason_text("differs", col_a=col_a, col_b=col_b)
        failures.append(Failure(child, parent, a, b, None, reason))
    return failures


def _judge_similar(rule: Rule, pairs: Sequence[tuple[Any, Any, str, str]]) -> list[Failure]:
    from kmu_dataguard.consistency._pair_scoring import name_similarity

    keyed = [(p, name_key(p[2]), name_key(p[3])) for p in pairs]
    keyed = [(p, ka, kb) for p, ka, kb in keyed if ka and kb]
    differing = [i for i, (_, ka, kb) in enumerate(keyed) if ka != kb]
    scores = [1.0] * len(keyed)
    if differing:
        computed = name_similarity(
            [keyed[i][1] for i in differing], [keyed[i][2] for i in differing]
        )
        for i, score in zip(differing, computed.tolist(), strict=True):
            scores[i] = float(score)
    shown = not _personal(rule.source_column) and not _personal(rule.target_column)
    failures = []
    for ((child, parent, a, b), ka, kb), score in zip(keyed, scores, strict=True):
        conflicts = []
        form_a, form_b = legal_form(a), legal_form(b)
        if form_a and form_b and form_a != form_b:
            conflicts.append(reason_text("legal_form", a=form_a, b=form_b))
        conflict = name_conflict(ka, kb)
        if conflict:
            conflicts.append(conflict)
        if score >= rule.threshold and not conflicts:
            continue
        cols = {"col_a": rule.source_column, "col_b": rule.target_column, "score": score}
        if shown:
            what = reason_text("similar_values", a=repr(a), b=repr(b), **cols)
        else:
            what = reason_text("similar", **cols)
        reason = "; ".join([what, *conflicts])
        failures.append(Failure(child, parent, a, b, score, reason))
    return failures


# ------------------------------------------------------------------------------- running


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
        if _same_database(child, parent) and child_key is not None:
            log.info("reference %s: joining in the database", name)
            findings = _in_database(
                child,
                parent,
                reference,
                rules,
                child_key,
                parent_key or target_column,
                target_column,
            )
        else:
            log.info("reference %s: streaming both sides", name)
            findings = _streamed(
                child,
                parent,
                reference,
                rules,
                child_key,
                parent_key or target_column,
                target_column,
            )
        result.expectations = _outcomes(name, reference, rules, findings, max_keys)
    finally:
        for table in tables:
            reader = getattr(table, "reader", None)
            if reader is not None:
                reader.dispose()
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
    from kmu_dataguard.sources.table import SqlTable

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
) -> _Findings:
    from kmu_dataguard.consistency import references_sql as rsql

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
    findings = _Findings(checked=rsql.count_references(engine, spec))
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
) -> _Findings:
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

    findings = _Findings(pairs=[0] * len(rules), candidates=[[] for _ in rules])
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
    from kmu_dataguard.sources.table import SqlTable

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


# ------------------------------------------------------------------------------ outcomes


def _outcomes(
    name: str,
    reference: ReferenceConfig,
    rules: list[Rule],
    findings: _Findings,
    max_keys: int | None,
) -> list[ExpectationOutcome]:
    source, target = reference.from_, reference.to
    described = reference.description
    # Sorted by key: the database returns rows in no particular order, and both routes must
    # report alike.
    missing = sorted(findings.missing, key=lambda m: (_natural(m[0]), _natural(m[1])))
    keys = [k for k, _ in missing]
    exists = ExpectationOutcome(
        id=f"{name}.exists",
        type=EXISTS_TYPE,
        column=source.column,
        severity=Severity(reference.severity),
        success=not missing,
        unexpected_count=len(missing),
        unexpected_percent=_percent(len(missing), findings.checked),
        failing_keys=_cap(keys, max_keys),
        failing_keys_truncated=max_keys is not None and len(keys) > max_keys,
        failing_values=_cap([v for _, v in missing], max_keys),
        kwargs={"column": source.column, "to": f"{target.check}.{target.column or '(key)'}"},
        meta={"protects": described or _exists_text(source.column, target.check)},
    )
    outcomes = [exists]
    for i, rule in enumerate(rules):
        failures = sorted(
            judge(rule, findings.candidates[i]),
            key=lambda f: (_natural(f.child_key), _natural(f.parent_key)),
        )
        keys = [f.child_key for f in failures]
        outcomes.append(
            ExpectationOutcome(
                id=rule.id,
                type=AGREE_TYPE,
                column=f"{rule.source_column},{target.check}.{rule.target_column}",
                severity=rule.severity,
                success=not failures,
                unexpected_count=len(failures),
                unexpected_percent=_percent(len(failures), findings.pairs[i]),
                failing_keys=_cap(keys, max_keys),
                failing_keys_truncated=max_keys is not None and len(keys) > max_keys,
                # "a | b": the masking splits column pairs there and masks each by its column.
                failing_values=_cap(
                    [f"{f.source_value} | {f.target_value}" for f in failures], max_keys
                ),
                kwargs={
                    "column_A": rule.source_column,
                    "column_B": f"{target.check}.{rule.target_column}",
                    "compare": rule.compare,
                    **({"threshold": rule.threshold} if rule.compare == "similar" else {}),
                },
                meta={"protects": described or _agree_text(rule, target.check)},
                groups=[
                    Group(
                        (f.child_key, f.parent_key),
                        None if f.score is None else round(f.score, 4),
                        f.reason,
                    )
                    for f in _cap(failures, max_keys)
                ],
            )
        )
    return outcomes


def _natural(key: str | None) -> tuple[int, int, str]:
    """Numbers in numeric order, then text; None last."""
    if key is None:
        return (2, 0, "")
    if key.isdigit():
        return (0, int(key), key)
    return (1, 0, key)


def _cap(items: list[Any], max_keys: int | None) -> list[Any]:
    return items if max_keys is None else items[:max_keys]


def _percent(count: int, total: int) -> float:
    return 100.0 * count / total if total else 0.0


def _exists_text(column: str, target: str) -> dict[str, str]:
    de, en = column_label(column, "de"), column_label(column, "en")
    return {
        "de": f"Der Verweis in {de} zeigt auf keinen Datensatz in {target}: das Zielsystem "
        "(z. B. das ERP, das den Auftrag bucht) kann ihn nicht zuordnen.",
        "en": f"The reference in {en} points to no record in {target}: the receiving system "
        "(e.g. the ERP booking the order) cannot match it.",
    }


_COMPARE_TEXT = {
    "equal": ("ist anders als", "differs from"),
    "similar": ("ähnelt nicht", "is not similar to"),
    "vat_id": ("ist eine andere USt-IdNr. als", "is another VAT ID than"),
    "email_domain": ("hat eine andere E-Mail-Domain als", "has another e-mail domain than"),
}


def _agree_text(rule: Rule, target: str) -> dict[str, str]:
    de, en = _COMPARE_TEXT[rule.compare]
    src, dst = rule.source_column, rule.target_column
    return {
        "de": f"{column_label(src, 'de')} {de} {column_label(dst, 'de')} des verknüpften "
        f"Datensatzes in {target}: Rechnung oder Auftrag gehen an den falschen Partner oder "
        "werden abgelehnt.",
        "en": f"{column_label(src, 'en')} {en} {column_label(dst, 'en')} of the referenced "
        f"record in {target}: the invoice or order goes to the wrong partner or is rejected.",
    }
