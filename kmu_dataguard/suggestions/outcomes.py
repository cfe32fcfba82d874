"""Suggestions on a check's failing outcomes: what the result (and its JSON) carries.

For each failing outcome whose validator names a suggestion kind (``Validator.suggests``), the
failing values get their safe corrections as :class:`~kmu_dataguard.results.SuggestedFix`. The
kind's inputs come from the outcome itself, never from another read of the source: the value
(the first part of a pair's ``"a | b"``), the record fields a kind reads from the pair's second
column, from the expectation's options (``country``, ``default_region``) or from the record
context (``city``).

Personal values (IBANs, VAT IDs, phone numbers) get their suggestions too: the outputs that
mask (JSON, text, the HTML page, the service) mask value and suggestion like the column
(``report.masking.mask_result``); the failing-records lists and held_reasons.xlsx show them
unmasked, as they show the values.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from kmu_dataguard.results import CheckResult, ExpectationOutcome, SuggestedFix

__all__ = ["add_suggestions", "outcome_suggestions"]

log = logging.getLogger("kmu_dataguard")

# Options of an expectation that give a record field a kind reads: field → option names.
_FROM_OPTIONS: dict[str, tuple[str, ...]] = {"country": ("country", "default_region")}
_PAIR = " | "


def outcome_suggestions(
    outcome: ExpectationOutcome, cities: dict[str, tuple[str | None, str | None]] | None = None
) -> list[SuggestedFix]:
    """The suggestions for ``outcome``'s failing values (``cities``: key → (name, city) of the
    record context); empty when its validator has no suggestion kind."""
    from kmu_dataguard.suggestions import KINDS, suggest
    from kmu_dataguard.validators.catalog import validator

    entry = validator(outcome.type)
    if (
        entry is None
        or entry.suggests is None
        or outcome.success
        or outcome.error is not None
        or not outcome.failing_values
    ):
        return []
    kind = KINDS[entry.suggests]
    keys = list(outcome.failing_keys)[: len(outcome.failing_values)]
    values = list(outcome.failing_values)[: len(keys)]
    second = outcome.kwargs.get("column_B") if entry.kind == "pair" else None
    firsts: list[Any] = []
    seconds: list[Any] = []
    for value in values:
        if entry.kind == "pair":
            parts = [] if value is None else str(value).split(_PAIR)
            first, other = parts if len(parts) == 2 else (None, None)
            firsts.append(first)
            seconds.append(other)
        else:
            firsts.append(value)
    # The expectation's options, with the validator's defaults (default_region "DE").
    options = {p.name: p.default for p in entry.params} | dict(outcome.kwargs)
    context: dict[str, pd.Series] = {}
    for name in kind.context:
        given = [options[o] for o in _FROM_OPTIONS.get(name, ()) if options.get(o)]
        if name == second:
            context[name] = pd.Series(seconds, dtype=object)
        elif given:
            context[name] = pd.Series([given[0]] * len(keys), dtype=object)
        elif name == "city" and cities:
            context[name] = pd.Series([(cities.get(k) or (None, None))[1] for k in keys])
    found = suggest(entry.suggests, pd.Series(firsts, dtype=object), context)
    return [
        SuggestedFix(key, s.value, s.suggestion, s.reason)
        for key, s in zip(keys, found.tolist(), strict=True)
        if s is not None
    ]


def add_suggestions(result: CheckResult) -> None:
    """Put the suggestions on every failing outcome of ``result`` that has a kind. A failure
    here is logged and leaves the outcome without suggestions: the verdict never depends on
    them."""
    cities = result.context.values if result.context is not None else None
    for outcome in result.expectations:
        try:
            outcome.suggestions = outcome_suggestions(outcome, cities)
        except Exception as exc:  # never let a suggestion cost the run
            log.warning("no suggestions for %s: %s", outcome.id, type(exc).__name__)
            outcome.suggestions = []
