"""Running gates for the service: a limit on concurrent runs, equal requests coalesced, and
the last results kept in memory for ``GET /v1/runs/{id}``.

A gate run is blocking and CPU-bound: it goes to a worker thread. Two requests for the same
gate with the same parameters while one is running share that run (and its run id). The run is
shielded from its callers: a caller that times out or disconnects does not stop it for others.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable

import anyio.to_thread

from kmu_dataguard.results import GateResult
from kmu_dataguard.service.errors import ServiceError

__all__ = ["RunKey", "Runs"]

#: (gate, fail_on, lang): requests with the same key share one run
RunKey = tuple[str, str | None, str | None]


class Runs:
    def __init__(
        self,
        run: Callable[[RunKey], GateResult],
        *,
        max_runs: int = 2,
        queue_s: float = 5.0,
        keep: int = 100,
    ) -> None:
        self._run = run
        self._slots = asyncio.Semaphore(max_runs)
        self._queue_s = queue_s
        self._keep = keep
        self._in_flight: dict[RunKey, asyncio.Task[GateResult]] = {}
        self._recent: OrderedDict[str, GateResult] = OrderedDict()

    async def result(self, key: RunKey, timeout: float) -> GateResult:
        """The result of a run for ``key``: a running one if there is, else a new one."""
        task = self._in_flight.get(key)
        if task is None:
            task = asyncio.create_task(self._limited(key))
            self._in_flight[key] = task
            task.add_done_callback(lambda done: self._finished(key, done))
        try:
            return await asyncio.wait_for(asyncio.shield(task), timeout)
        except TimeoutError:
            raise ServiceError(504, f"the run did not finish within {timeout:g} s") from None

    def recent(self, run_id: str) -> GateResult | None:
        return self._recent.get(run_id)

    async def _limited(self, key: RunKey) -> GateResult:
        try:
            await asyncio.wait_for(self._slots.acquire(), self._queue_s)
        except TimeoutError:
            retry = str(max(1, round(self._queue_s)))
            raise ServiceError(
                429, "too many runs at once; try again later", {"Retry-After": retry}
            ) from None
        try:
            return await anyio.to_thread.run_sync(self._run, key)
        finally:
            self._slots.release()

    def _finished(self, key: RunKey, task: asyncio.Task[GateResult]) -> None:
        self._in_flight.pop(key, None)
        if task.cancelled() or task.exception() is not None:  # retrieved: no "never retrieved"
            return
        result = task.result()
        if result.run_id:
            self._recent[result.run_id] = result
            while len(self._recent) > self._keep:
                self._recent.popitem(last=False)
