"""The rules of a cross-source reference as ``dataguard.yml`` declares them, resolved: the
outcome types, and one :class:`Rule` per agreement rule with a unique outcome id."""

from __future__ import annotations

from dataclasses import dataclass

from kmu_dataguard.config import AgreeRule, ReferenceConfig
from kmu_dataguard.results import Severity

__all__ = ["AGREE_TYPE", "DEFAULT_SIMILARITY", "EXISTS_TYPE", "Rule", "resolve_rules"]

EXISTS_TYPE = "expect_column_values_to_reference_existing_records"
AGREE_TYPE = "expect_column_pair_values_to_agree_across_sources"
DEFAULT_SIMILARITY = 0.85


@dataclass(frozen=True)
class Rule:
    """One agreement rule, resolved: its outcome id, columns, comparison and severity."""

    id: str
    source_column: str  # in the referring check ("from")
    target_column: str  # in the referenced check ("to")
    compare: str
    threshold: float
    severity: Severity


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
