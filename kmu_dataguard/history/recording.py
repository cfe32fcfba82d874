"""The history side of one run: open the store first, compare with the last run, record at the end.

The runner calls :func:`open_history` before it reads anything, :func:`compare` once every check
has run (each check gets a :class:`~kmu_dataguard.results.CheckHistory` for the outputs), and
:func:`record` after the outputs are written, so the run's row holds the report path.
"""

from __future__ import annotations

import hashlib
import json
import secrets as _random
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata
from typing import TYPE_CHECKING

import sqlalchemy as sa

from kmu_dataguard._secrets import redact
from kmu_dataguard.errors import HistoryError
from kmu_dataguard.history.baselines import BaselineUpdate, value_salt, write_updates
from kmu_dataguard.history.location import history_url
from kmu_dataguard.history.previous import key_change
from kmu_dataguard.history.store import HistoryStore, open_store
from kmu_dataguard.preconditions import PreviousRows
from kmu_dataguard.results import CheckHistory, GateResult, Verdict

if TYPE_CHECKING:
    from kmu_dataguard.config import Config

__all__ = [
    "CHECK_PREFIX",
    "RunHistory",
    "compare",
    "config_hash",
    "new_run_id",
    "open_history",
    "previous_rows",
    "record",
    "store_url",
    "subject_of",
]

#: how many earlier runs the report's trend shows
TREND_RUNS = 20


def new_run_id(started: datetime) -> str:
    """Sortable and readable: ``20261207T191520Z-3f9a2c1b``."""
    return f"{started:%Y%m%dT%H%M%SZ}-{_random.token_hex(4)}"


#: How ``dataguard check`` runs are named in the history: ``check:customers``.
CHECK_PREFIX = "check:"


def subject_of(gate: str | None, check_names: list[str]) -> str:
    """What runs are compared by: the gate, or for ``dataguard check`` the checked table."""
    return gate if gate is not None else CHECK_PREFIX + ",".join(check_names)


def open_history(cfg: Config, override: str | bool | None = None) -> HistoryStore | None:
    """The configured store, opened and migrated; None when the history is off.

    ``override`` (``--history``) wins over ``history:`` in the file, which wins over
    ``DATAGUARD_HISTORY``, which wins over the default beside dataguard.yml.
    """
    url = store_url(cfg, override)
    if url is None:
        return None
    return open_store(url, cfg.secrets)


def store_url(cfg: Config, override: str | bool | None = None) -> str | None:
    """The URL of the configured store (see :func:`open_history`); None when it is off."""
    configured = override if override is not None else cfg.history
    return history_url(configured, cfg.base_dir)


class RunHistory:
    """The history side of one run, as a context manager that closes the store.

    A store that cannot be opened is not raised at once: the run still validates (the steward
    still gets the report) and :attr:`error` makes it exit 3. Each step raises HistoryError.
    """

    def __init__(self, cfg: Config, setting: str | bool | None, subject: str) -> None:
        self.cfg = cfg
        self.subject = subject
        self.error: str | None = None
        self.store: HistoryStore | None = None
        #: what change detection moves when the run is recorded (history/changes.py)
        self.baseline_updates: list[BaselineUpdate] = []
        self._salt: bytes | None = None
        try:
            self.store = open_history(cfg, setting)
        except HistoryError as exc:
            self.error = redact(str(exc), cfg.secrets)

    def __enter__(self) -> RunHistory:
        return self

    def __exit__(self, *_: object) -> None:
        if self.store is not None:
            self.store.close()

    def run_id(self, started: datetime) -> str | None:
        return new_run_id(started) if self.store is not None else None

    def compare(self, result: GateResult) -> None:
        if self.store is not None:
            compare(self.store, result, self.subject)

    def record(self, result: GateResult) -> None:
        if self.store is not None:
            record(self.store, result, self.cfg, self.subject, self.baseline_updates)

    def salt(self) -> bytes:
        """The store's salt for value hashes, read once per run."""
        if self._salt is None:
            assert self.store is not None
            self._salt = value_salt(self.store)
        return self._salt


def previous_rows(history: RunHistory | None, check: str) -> PreviousRows:
    """The rows of ``check`` in the previous recorded run of its subject, for max_row_drop."""
    if history is None or history.store is None:
        if history is not None and history.error is not None:
            return PreviousRows(unavailable="the run history cannot be used (see the run's errors)")
        return PreviousRows(unavailable="the run history is turned off (history: off)")
    try:
        found = history.store.previous_check(history.subject, check, datetime.now(UTC))
    except HistoryError as exc:
        return PreviousRows(unavailable=redact(str(exc), history.cfg.secrets))
    return PreviousRows() if found is None else PreviousRows(found.rows, found.run_id)


def compare(store: HistoryStore, result: GateResult, subject: str) -> None:
    """Give every check its comparison with the last run that validated it, and its trend."""
    trends = store.trend(subject, TREND_RUNS)
    for check in result.checks:
        history = CheckHistory(previous_run=None, trend=trends.get(check.name, []))
        check.history = history
        if check.verdict == Verdict.ERROR:
            # Not validated (or not all of it): a key it did not list is not fixed.
            continue
        previous = store.previous_check(subject, check.name, result.started_at)
        if previous is not None:
            now, complete = check.failing_record_keys()
            new, fixed = key_change(previous.keys, now)
            history.previous_run = previous.run_id
            history.previous_rows = previous.rows
            history.new_keys = new
            history.fixed = len(fixed)
            history.complete = previous.complete and complete


def record(
    store: HistoryStore,
    result: GateResult,
    cfg: Config,
    subject: str,
    baseline_updates: Sequence[BaselineUpdate] = (),
) -> None:
    """Record the run, and in the same transaction the baselines its change detection moved."""
    also = None
    if baseline_updates and result.run_id is not None:
        run_id = result.run_id

        def also(conn: sa.Connection) -> None:
            write_updates(conn, baseline_updates, run_id)

    store.record(
        result, subject=subject, config_hash=config_hash(cfg), version=_version(), also=also
    )


def config_hash(cfg: Config) -> str:
    """A short hash of the configuration as loaded, secrets blanked (which config ran?)."""
    text = json.dumps(cfg.model_dump(mode="json", by_alias=True), sort_keys=True, default=str)
    return hashlib.sha256(redact(text, cfg.secrets).encode("utf-8")).hexdigest()[:16]


def _version() -> str:
    try:
        return metadata.version("kmu-dataguard")
    except metadata.PackageNotFoundError:
        return "unknown"
