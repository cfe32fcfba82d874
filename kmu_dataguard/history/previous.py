"""What a check is compared with: the previous run that validated it, its failing keys, the change.

One definition for both sides: the live comparison of a run (:func:`~.recording.compare`, via
:meth:`~.store.HistoryStore.previous_check`) and ``dataguard history`` (:mod:`.query`), which
looks the previous run up for many checks in one query (the same select, correlated).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any

import sqlalchemy as sa

from kmu_dataguard.history import schema
from kmu_dataguard.history.keys import unpack_key_list

__all__ = ["change_counts", "failing_keys", "key_change", "previous_run"]


def previous_run(subject: Any, check: Any, before: Any, *columns: str) -> sa.Select[Any]:
    """The latest run of ``subject`` before ``before`` that validated ``check``.

    A check that could not be validated (verdict ``error``) has no keys to compare with, so it
    is skipped. The arguments are values, or columns of an outer query (then this is correlated
    per row: one index seek on ``dg_runs_subject_started`` each). ``columns`` are names of
    ``dg_runs`` or ``dg_checks`` columns to select.
    """
    r = schema.runs.alias("prev_run")
    c = schema.checks.alias("prev_check")
    chosen = [r.c[name] if name in r.c else c.c[name] for name in columns]
    return (
        sa.select(*chosen)
        .select_from(r.join(c, c.c.run_id == r.c.run_id))
        .where(r.c.subject == subject, c.c.name == check, c.c.verdict != "error")
        .where(r.c.started_at < before)
        .order_by(r.c.started_at.desc())
        .limit(1)
    )


def failing_keys(
    conn: sa.Connection, checks: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], set[str]]:
    """The failing keys of each ``(run_id, check)``: its failing expectations' keys, unpacked.

    One query for all of them (by the primary key's first column); checks without failing keys
    map to an empty set.
    """
    wanted = set(checks)
    lists: dict[tuple[str, str], list[list[str]]] = {pair: [] for pair in wanted}
    if wanted:
        e = schema.expectations
        query = sa.select(e.c.run_id, e.c.check_name, e.c.failing_keys).where(
            e.c.run_id.in_(sorted({run for run, _ in wanted})),
            e.c.success.is_(False),
            e.c.failing_keys.is_not(None),
        )
        for run_id, check, blob in conn.execute(query):
            if (run_id, check) in wanted:
                lists[(run_id, check)].append(unpack_key_list(blob))
    return {pair: set(chain.from_iterable(found)) for pair, found in lists.items()}


def key_change(before: set[str], now: set[str]) -> tuple[set[str], set[str]]:
    """(failing now but not before: new, failing before but not now: fixed)."""
    return now - before, before - now


def change_counts(before: set[str], now: set[str]) -> tuple[int, int]:
    """:func:`key_change` counted: (new, fixed) from one intersection, without building the
    two differences (a third of the time at 125 000 keys)."""
    common = len(before & now)
    return len(now) - common, len(before) - common
