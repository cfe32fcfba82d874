"""The engine's entry: a suite built for GX, a table validated with it, one outcome each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kmu_dataguard.engine.database import validate_in_database
from kmu_dataguard.engine.frame import validate_frame
from kmu_dataguard.engine.gx_internals import META_ID, gx_context, new_expectation, new_suite
from kmu_dataguard.engine.outcomes import error_outcome, finish
from kmu_dataguard.errors import SuiteError, one_line
from kmu_dataguard.results import ExpectationOutcome
from kmu_dataguard.sources.table import SqlTable
from kmu_dataguard.suites import SuiteSpec
from kmu_dataguard.validators.catalog import HISTORY_TYPES

if TYPE_CHECKING:
    from kmu_dataguard.sources.table import Table

__all__ = ["build_suite", "validate_table"]


def build_suite(spec: SuiteSpec) -> Any:
    """Build the GX suite; an expectation GX cannot load is a SuiteError naming it.

    GX's own suite loader silently drops an expectation of an unknown type, which would let a
    gate pass without checking it; each expectation is therefore built one by one.
    """
    gx_context()  # registers our custom expectations first
    expectations = []
    for index, exp in enumerate(spec.expectations):
        if exp.type in HISTORY_TYPES:
            raise SuiteError(
                f"{spec.path}: expectations[{index}] ({exp.type}, id {exp.id!r}) is judged "
                "against the run history by the runner (history.changes), not by the engine"
            )
        try:
            expectations.append(new_expectation(exp))
        except Exception as exc:  # GX raises several unrelated types here
            detail = one_line(exc)
            raise SuiteError(
                f"{spec.path}: expectations[{index}] ({exp.type}, id {exp.id!r}) "
                f"cannot be loaded: {detail}"
            ) from exc
    suite = new_suite(spec.name, expectations)
    if len(suite.expectations) != len(spec.expectations):
        raise SuiteError(
            f"{spec.path}: only {len(suite.expectations)} of {len(spec.expectations)} "
            "expectations could be loaded"
        )
    return suite


def validate_table(
    table: Table | SqlTable,
    spec: SuiteSpec,
    *,
    key: str | None,
    max_keys: int | None = None,
    keep_validations: list[Any] | None = None,
) -> list[ExpectationOutcome]:
    """Validate ``table`` with the suite; one outcome per expectation, in suite order.

    An in-memory table is validated with pandas. A table left in its database is validated
    there, except the expectations that need the values in Python (custom validators, or what
    the dialect cannot do): for those only the needed columns are fetched, in chunks.
    ``keep_validations`` (opt-in, for :func:`build_data_docs`) receives GX's own results.
    """
    suite = build_suite(spec)
    present = set(table.columns)
    # Missing columns are reported by us, clearly, rather than as GX exception dumps.
    missing = {
        e.id: [c for c in e.columns() if c not in present]
        for e in spec.expectations
        if any(c not in present for c in e.columns())
    }
    runnable = {e.meta[META_ID]: e for e in suite.expectations if e.meta[META_ID] not in missing}
    if isinstance(table, SqlTable):
        tallies = validate_in_database(table, spec.name, runnable, key, keep_validations)
    else:
        tallies = validate_frame(
            table.frame, spec.name, table.origin, runnable, key, keep=keep_validations
        )

    outcomes = []
    for exp in spec.expectations:
        if exp.id in missing:
            outcomes.append(
                error_outcome(
                    exp,
                    f"column {', '.join(map(repr, missing[exp.id]))} not in {table.origin} "
                    f"(columns present: {', '.join(table.columns) or 'none'})",
                )
            )
        elif exp.id not in tallies:
            # Fail closed: an expectation without a result was not checked.
            outcomes.append(error_outcome(exp, "the engine returned no result for it"))
        else:
            outcomes.append(finish(exp, tallies[exp.id], max_keys))
    return outcomes
