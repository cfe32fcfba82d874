"""Judging matched pairs of a cross-source reference: which pairs break an agreement rule,
and why (without personal data in the reason). Both routes, the database join and the
streamed sides, end here, so they give the same verdicts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kmu_dataguard.consistency._reference_rules import Rule
from kmu_dataguard.consistency.normalize import (
    email_key,
    identifier_key,
    legal_form,
    name_conflict,
    name_key,
)
from kmu_dataguard.consistency.reasons import reason_text

__all__ = ["Failure", "judge"]


@dataclass(frozen=True)
class Failure:
    """A matched pair whose values disagree."""

    child_key: str | None
    parent_key: str | None
    source_value: str
    target_value: str
    score: float | None
    reason: str


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
