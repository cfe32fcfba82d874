"""The run history: every gate and check run recorded, compared with the last one, queried.

* :mod:`.location` — where the store is (``history:``, ``DATAGUARD_HISTORY``, the default);
* :mod:`.schema` — the tables and their versioned migrations;
* :mod:`.keys` — failing keys packed into one blob per expectation;
* :mod:`.store` — the store: open and migrate, record a run, read the previous one and trends;
* :mod:`.recording` — what the runner calls around a run;
* :mod:`.baselines` — the accepted values of change detection, moved by runs and approvals;
* :mod:`.changes` — ``expect_column_values_to_be_unchanged``, judged against the baselines;
* :mod:`.approval` — ``dataguard approve``: accept a pending change.
"""

from kmu_dataguard.history.location import DEFAULT_HISTORY, ENV_VAR, history_url
from kmu_dataguard.history.recording import (
    RunHistory,
    compare,
    config_hash,
    new_run_id,
    open_history,
    previous_rows,
    record,
    subject_of,
)
from kmu_dataguard.history.store import HistoryStore, PreviousCheck, open_store

__all__ = [
    "DEFAULT_HISTORY",
    "ENV_VAR",
    "HistoryStore",
    "PreviousCheck",
    "RunHistory",
    "compare",
    "config_hash",
    "history_url",
    "new_run_id",
    "open_history",
    "open_store",
    "previous_rows",
    "record",
    "subject_of",
]
