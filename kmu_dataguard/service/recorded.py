"""``GET /v1/runs/{run_id}`` for a run this server does not hold (it ran before a restart, or
by ``dataguard gate``): its summary from the run history, found by the history's run_id.

The answer is the history document v1 (``schemas/history-v1.schema.json``, as
``dataguard history --format json`` prints it) holding that one run, with the status of its
verdict. Server paths (the store, the report) are left out of it.
"""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from kmu_dataguard.config.models import Config
from kmu_dataguard.history.query import RunListing
from kmu_dataguard.service.responses import RUN_STATUS
from kmu_dataguard.service.runs import ID_PREFIX

__all__ = ["read_recorded", "recorded_response"]


def read_recorded(cfg: Config, run_id: str) -> RunListing | None:
    """The recorded run ``run_id`` (blocking: call it in a worker thread); None when the
    history is off or does not hold it. A store that cannot be read raises HistoryError."""
    from kmu_dataguard.history.query import read_store
    from kmu_dataguard.history.recording import store_url

    url = store_url(cfg)
    if url is None or run_id.startswith(ID_PREFIX):  # a service id is never recorded
        return None
    listing = read_store(url, run_id=run_id, limit=1, secrets=cfg.secrets)
    return listing if listing.runs else None


def recorded_response(listing: RunListing) -> Response:
    [run] = listing.runs
    listing.store = None
    run.report_path = None
    status = RUN_STATUS.get(run.exit_code, 503)  # an IntEnum key equals its int
    return JSONResponse(listing.to_dict(), status_code=status)
