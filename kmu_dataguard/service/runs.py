"""Running gates and checks for the service: a limit on concurrent runs, equal gate requests
coalesced, runs that answer at once (``?wait=false``) and the last results kept in memory for
``GET /v1/runs/{id}``.

A run is blocking and CPU-bound: it goes to a worker thread. Two requests for the same gate with
the same parameters while one is running share that run (and its ids). The run is shielded from
its callers: a caller that times out or disconnects does not stop it for others.

Every run gets a service id (``svc-20261207T191520Z-3f9a2c1b``) the moment it is admitted, so
that it can be polled before it ends and also when the history is off (the result's own
``run_id`` comes from the history and exists only once the run is recorded). Both ids find it.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import anyio.to_thread

from kmu_dataguard.results import GateResult
from kmu_dataguard.service.errors import ServiceError

__all__ = ["ID_PREFIX", "Job", "Pending", "RunKey", "Runs"]

#: (gate, fail_on, lang): requests with the same key share one run
RunKey = tuple[str, str | None, str | None]
#: a run that is not a gate's (an uploaded file's check): never shared
Job = Callable[[], GateResult]
#: service ids start with this, history ids with a digit: the two cannot be mixed up
ID_PREFIX = "svc-"


def _service_id() -> str:
    from kmu_dataguard.history import new_run_id

    return ID_PREFIX + new_run_id(datetime.now(UTC))


@dataclass
class Pending:
    """A run admitted or waiting to be: its service id and the task that yields its result."""

    id: str
    gate: str | None  # None: an upload's check
    task: asyncio.Task[GateResult]
    admitted: asyncio.Event


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
        self._in_flight: dict[RunKey, Pending] = {}
        self._running: dict[str, Pending] = {}
        #: finished runs by service id: the result, or the error to answer
        self._recent: OrderedDict[str, tuple[str | None, GateResult | Exception]] = OrderedDict()
        self._by_run_id: dict[str, str] = {}  # the history's run_id → the service id

    def start(self, key: RunKey) -> Pending:
        """The gate run for ``key``: a running one if there is, else a new one."""
        pending = self._in_flight.get(key)
        if pending is None:
            pending = self._start(lambda: self._run(key), key[0])
            self._in_flight[key] = pending
            pending.task.add_done_callback(lambda _: self._in_flight.pop(key, None))
        return pending

    def start_job(self, job: Job) -> Pending:
        """A run of its own for ``job`` (an upload's check)."""
        return self._start(job, None)

    async def wait(self, pending: Pending, timeout: float) -> GateResult:
        """The run's result, waited for at most ``timeout`` seconds (then 504; it goes on)."""
        try:
            return await asyncio.wait_for(asyncio.shield(pending.task), timeout)
        except TimeoutError:
            raise ServiceError(504, f"the run did not finish within {timeout:g} s") from None

    async def admitted(self, pending: Pending) -> None:
        """Return once the run has a place (it may still wait its turn at the engine); raise
        its error (429 when no place became free) when it ended before."""
        waiter = asyncio.ensure_future(pending.admitted.wait())
        try:
            await asyncio.wait({pending.task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
        if pending.task.done() and not pending.task.cancelled():
            error = pending.task.exception()
            if isinstance(error, ServiceError) and error.status == 429:
                raise error

    def lookup(self, run_id: str) -> tuple[str | None, GateResult | Exception | Pending] | None:
        """A run by its service id or its history run_id, with its gate (None: a check):
        running (Pending), finished (the result or its error), or None when this server does
        not know it (any more)."""
        service_id = self._by_run_id.get(run_id, run_id)
        if service_id in self._running:
            pending = self._running[service_id]
            return pending.gate, pending
        return self._recent.get(service_id)

    def _start(self, job: Job, gate: str | None) -> Pending:
        admitted = asyncio.Event()
        task = asyncio.create_task(self._limited(job, admitted))
        pending = Pending(_service_id(), gate, task, admitted)
        self._running[pending.id] = pending
        pending.task.add_done_callback(lambda _: self._finished(pending))
        return pending

    async def _limited(self, job: Job, admitted: asyncio.Event) -> GateResult:
        try:
            await asyncio.wait_for(self._slots.acquire(), self._queue_s)
        except TimeoutError:
            retry = str(max(1, round(self._queue_s)))
            raise ServiceError(
                429, "too many runs at once; try again later", {"Retry-After": retry}
            ) from None
        admitted.set()
        try:
            return await anyio.to_thread.run_sync(job)
        finally:
            self._slots.release()

    def _finished(self, pending: Pending) -> None:
        self._running.pop(pending.id, None)
        task = pending.task
        if task.cancelled():
            return
        outcome: GateResult | BaseException | None = task.exception()  # retrieved: no warning
        if isinstance(outcome, ServiceError) and outcome.status == 429:
            return  # never admitted: not a run
        if outcome is None:
            outcome = task.result()
            if outcome.run_id:
                self._by_run_id[outcome.run_id] = pending.id
        if not isinstance(outcome, GateResult | Exception):
            return  # a BaseException (a stop): nothing to answer
        self._recent[pending.id] = (pending.gate, outcome)
        while len(self._recent) > self._keep:
            _, (_, old) = self._recent.popitem(last=False)
            if isinstance(old, GateResult) and old.run_id:
                self._by_run_id.pop(old.run_id, None)
