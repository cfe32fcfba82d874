"""The outcomes of a cross-source reference: ``exists`` and one per agreement rule, from
what either route found (:class:`Findings`), sorted alike for both routes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kmu_dataguard.config import ReferenceConfig
from kmu_dataguard.consistency._reference_judging import judge
from kmu_dataguard.consistency._reference_rules import AGREE_TYPE, EXISTS_TYPE, Rule
from kmu_dataguard.entities import column_label
from kmu_dataguard.results import ExpectationOutcome, Group, Severity

__all__ = ["Findings", "outcomes"]


@dataclass
class Findings:
    checked: int = 0  # referring records whose reference was looked up
    missing: list[tuple[str | None, str | None]] = field(default_factory=list)
    pairs: list[int] = field(default_factory=list)  # per rule: pairs with both values present
    candidates: list[list[tuple[str | None, str | None, str, str]]] = field(default_factory=list)


def outcomes(
    name: str,
    reference: ReferenceConfig,
    rules: list[Rule],
    findings: Findings,
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
