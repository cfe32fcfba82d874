"""The Great Expectations adapter: suites built for GX, tables validated, results translated.

It turns a :class:`~kmu_dataguard.suites.SuiteSpec` into a GX suite, validates a table with it
and translates GX's results into :class:`~kmu_dataguard.results.ExpectationOutcome` objects.
Nothing outside this package touches GX objects (custom expectations in ``validators/`` and
``consistency/`` aside), and inside it only ``gx_internals`` (and its ``gx_speedups``) import
``great_expectations``.

Modules, in the order a validation passes through them:

- ``validation``: the entry, :func:`build_suite` and :func:`validate_table`;
- ``frame``: an in-memory table validated with pandas;
- ``database``: a table left in its database, which expectations run there and which on
  columns fetched in chunks;
- ``columns``: which columns an expectation reads (only those are copied or fetched);
- ``gx_internals``: the GX context and every call into GX (pinned to the minor version tested);
- ``gx_speedups``: faster equivalents of GX's kwargs helpers, which dominate a small table's
  validation on a warm server (tested against GX's own);
- ``outcomes``: GX's results translated into outcomes;
- ``data_docs``: GX's own Data Docs from the results a run kept.

How GX is driven, and why:
- ``import great_expectations`` costs seconds, so it happens on the first validation
  (importing this package does not import GX).
- Results are requested as ``COMPLETE`` *without* ``unexpected_index_column_names``: GX then
  returns the failing rows' positions cheaply, and we map positions to business keys with one
  vectorised lookup (GX's own per-row key building is ~10x slower on a million rows).
- ``batch.validate`` is used instead of ``ValidationDefinition.run`` because the latter stores
  every result (deep copies and serialisation) for a Data Context we do not need.
- An expectation that raised inside GX comes back as an unsuccessful result with
  ``exception_info``; that is "could not validate", never a data failure and never a pass.
"""

from __future__ import annotations

from kmu_dataguard.engine.data_docs import build_data_docs
from kmu_dataguard.engine.validation import build_suite, validate_table

__all__ = ["build_data_docs", "build_suite", "validate_table"]
