"""The hook through which held_reasons.xlsx shows a suggested correction per held record.

Suggested corrections (issue #18, item 2) are computed elsewhere and carried on the result as
an optional ``suggestions`` list per expectation (items with ``key``, ``value``,
``suggestion``, ``reason``, as objects or dicts). Until a result carries one, every suggestion
is empty: the column is there so the list keeps its layout when they arrive.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kmu_dataguard.results import CheckResult, ExpectationOutcome

__all__ = ["suggestions_for"]


def suggestions_for(check: CheckResult, outcome: ExpectationOutcome) -> dict[str, str]:
    """Record key → suggested value for ``outcome`` of ``check`` ({} when none is known)."""
    del check  # the suggestions travel on the outcome; the check is for lookups to come
    found: dict[str, str] = {}
    for item in getattr(outcome, "suggestions", None) or ():
        key, suggestion = _field(item, "key"), _field(item, "suggestion")
        if key is not None and suggestion is not None:
            found[str(key)] = str(suggestion)
    return found


def _field(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)
