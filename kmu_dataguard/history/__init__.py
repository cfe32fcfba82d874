"""The run history: every gate and check run recorded, compared with the last one, queried.

* :mod:`.location` — where the store is (``history:``, ``DATAGUARD_HISTORY``, the default);
* :mod:`.schema` — the tables and their versioned migrations;
* :mod:`.keys` — failing keys packed into one blob per expectation;
* :mod:`.store` — the store: open and migrate, record a run, read the previous one and trends;
* :mod:`.previous` — which earlier run a check is compared with, its keys, the change;
* :mod:`.recording` — what the runner calls around a run;
* :mod:`.baselines` — the accepted values of change detection, moved by runs and approvals;
* :mod:`.changes` — ``expect_column_values_to_be_unchanged``, judged against the baselines;
* :mod:`.approval` — ``dataguard approve``: accept a pending change.
* :mod:`.query` — the recorded runs as ``dataguard history`` lists them.
"""

from kmu_dataguard.history.location import DEFAULT_HISTORY, ENV_VAR, history_url
from kmu_dataguard.history.query import RunListing, list_runs, parse_since, read_history
from kmu_dataguard.history.recording import (
    CHECK_PREFIX,
    RunHistory,
    compare,
    config_hash,
    new_run_id,
    open_history,
    previous_rows,
    record,
    subject_of,
)
from kmu_dataguard.history.store import HistoryStore, PreviousCheck, open_existing, open_store

__all__ = [
    "CHECK_PREFIX",
    "DEFAULT_HISTORY",
    "ENV_VAR",
    "HistoryStore",
    "PreviousCheck",
    "RunHistory",
    "RunListing",
    "compare",
    "config_hash",
    "history_url",
    "list_runs",
    "new_run_id",
    "open_existing",
    "open_history",
    "open_store",
    "parse_since",
    "previous_rows",
    "read_history",
    "record",
    "subject_of",
]
