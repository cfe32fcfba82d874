"""The routes of ``dataguard serve``: each reads the request, calls the library, answers JSON.

Status codes follow the CLI's exit codes so an HTTP node stops a flow on a block by default:
200 pass or warn, 409 blocked, 503 could not validate. Errors are ``{"error", "status"}``
with one line, the configuration's secrets blanked; never a traceback.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from kmu_dataguard._secrets import redact
from kmu_dataguard.config.models import Config
from kmu_dataguard.errors import DataguardError, one_line
from kmu_dataguard.results import GateResult
from kmu_dataguard.service.auth import Tokens
from kmu_dataguard.service.errors import ServiceError, error_response
from kmu_dataguard.service.responses import (
    choice,
    result_response,
    running_response,
    wants_wait,
)
from kmu_dataguard.service.runs import Pending, RunKey, Runs
from kmu_dataguard.service.upload import CHECK_GRANT, UploadLimits, check_endpoint
from kmu_dataguard.sources.limits import MB

__all__ = ["ServiceSettings", "create_app"]

log = logging.getLogger(__name__)

Handler = Callable[[Request], Awaitable[Response]]

#: Runs of different gates go side by side in worker threads: the engine gives each thread
#: its own GX data source and changes GX's shared context under its own lock
#: (engine/gx_internals.py); --max-runs bounds the runs admitted at once.


@dataclass(frozen=True)
class ServiceSettings:
    max_runs: int = 2
    timeout_s: float = 300.0
    queue_s: float = 5.0
    keep_runs: int = 100
    #: POST /v1/check: the largest file and the most rows accepted
    max_upload_mb: int = 50
    max_upload_rows: int = 1_000_000
    #: where uploads are kept while they are checked (None: the system's temporary folder)
    upload_dir: str | None = None


def create_app(cfg: Config, tokens: Tokens, settings: ServiceSettings | None = None) -> Starlette:
    """The ASGI app serving the gates of the loaded configuration ``cfg``."""
    settings = settings or ServiceSettings()
    secrets = cfg.secrets

    def run(key: RunKey) -> GateResult:
        from kmu_dataguard.runner import run_gate

        gate, fail_on, lang = key
        return run_gate(gate, cfg, fail_on=fail_on, lang=lang)

    runs = Runs(run, max_runs=settings.max_runs, queue_s=settings.queue_s, keep=settings.keep_runs)
    upload_limits = UploadLimits(
        settings.max_upload_mb * MB, settings.max_upload_rows, settings.upload_dir
    )

    def answers_json(handler: Handler) -> Handler:
        """Turn every failure into a JSON error of one redacted line (no traceback leaves)."""

        @functools.wraps(handler)
        async def wrapped(request: Request) -> Response:
            try:
                return await handler(request)
            except ServiceError as exc:
                return error_response(exc.status, redact(exc.message, secrets), exc.headers)
            except DataguardError as exc:
                return error_response(503, redact(one_line(exc), secrets))
            except Exception as exc:  # the catch-all: log one line, answer one line
                message = redact(f"{type(exc).__name__}: {one_line(exc)}", secrets)
                log.error("%s %s failed: %s", request.method, request.url.path, message)
                return error_response(500, f"internal error ({message})")

        return wrapped

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    @answers_json
    async def readyz(request: Request) -> Response:
        from kmu_dataguard.sources.probe import probe_sources

        probes = await run_in_threadpool(probe_sources, cfg)
        sources = [
            {"name": p.name, "ok": p.ok, "error": redact(p.error, secrets) if p.error else None}
            for p in probes
        ]
        failed = [s for s in sources if not s["ok"]]
        if failed:
            message = f"source {failed[0]['name']!r} not reachable: {failed[0]['error']}"
            return JSONResponse(
                {"error": message, "status": 503, "sources": sources}, status_code=503
            )
        return JSONResponse({"status": "ready", "sources": sources})

    @answers_json
    async def list_gates(request: Request) -> Response:
        allowed = tokens.gates_for(request.headers.get("authorization"))
        gates = [
            {"name": name, "description": gate.description, "checks": gate.checks,
             "references": gate.references, "fail_on": gate.fail_on}
            for name, gate in cfg.gates.items()
            if allowed is None or name in allowed
        ]  # fmt: skip
        return JSONResponse({"gates": gates})

    @answers_json
    async def run_gate(request: Request) -> Response:
        name = request.path_params["name"]
        tokens.require(request.headers.get("authorization"), name)
        if name not in cfg.gates:
            raise ServiceError(404, f"no gate named {name!r} (see GET /v1/gates)")
        query = request.query_params
        key = (name, choice("fail_on", query.get("fail_on")), choice("lang", query.get("lang")))
        wait = wants_wait(request)  # a bad parameter is refused before anything runs
        pending = runs.start(key)
        if not wait:
            await runs.admitted(pending)
            return running_response(request, pending.id)
        return result_response(await runs.wait(pending, settings.timeout_s), pending.id)

    @answers_json
    async def get_run(request: Request) -> Response:
        run = _known_run(request)
        if run is None:  # not in memory (a restart): the history's summary of it
            from kmu_dataguard.service.recorded import read_recorded, recorded_response

            listing = await run_in_threadpool(read_recorded, cfg, request.path_params["run_id"])
            if listing is None:
                message = "no such run among the recent runs of this server nor in its history"
                raise ServiceError(404, message)
            gate = listing.runs[0].gate
            tokens.require(request.headers.get("authorization"), gate or CHECK_GRANT)
            return recorded_response(listing)
        if isinstance(run, Pending):
            return running_response(request, run.id)
        return result_response(run)

    @answers_json
    async def get_report(request: Request) -> Response:
        result = _known_run(request)
        if result is None:
            raise ServiceError(404, "no such run among the recent runs of this server")
        if isinstance(result, Pending):
            return running_response(request, result.id)
        path = Path(result.report_path) if result.report_path else None
        if path is not None and path.is_dir():
            path = path / "index.html"
        if path is None or not path.is_file():
            raise ServiceError(404, "this run wrote no HTML report (report_dir in dataguard.yml)")
        return FileResponse(path, media_type="text/html")

    def _known_run(request: Request) -> GateResult | Pending | None:
        """The run in memory, running or finished (None: unknown); its error raised. A check
        is the grant ``check``."""
        tokens.gates_for(request.headers.get("authorization"))  # 401 before saying what exists
        found = runs.lookup(request.path_params["run_id"])
        if found is None:
            return None
        gate, run = found
        tokens.require(request.headers.get("authorization"), gate or CHECK_GRANT)
        if isinstance(run, Exception):
            raise run
        return run

    async def openapi(request: Request) -> Response:
        from kmu_dataguard.service.openapi import openapi_document

        return JSONResponse(openapi_document())

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        detail = exc.detail if isinstance(exc, HTTPException) else "internal error"
        return error_response(status, str(detail))

    routes = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/v1/gates", list_gates),
        Route("/v1/gates/{name}/runs", run_gate, methods=["POST"]),
        Route("/v1/runs/{run_id}", get_run),
        Route("/v1/runs/{run_id}/report", get_report),
        Route(
            "/v1/check",
            answers_json(check_endpoint(cfg, tokens, runs, upload_limits, settings.timeout_s)),
            methods=["POST"],
        ),
        Route("/openapi.json", openapi),
    ]
    return Starlette(
        routes=routes, exception_handlers={HTTPException: http_error, Exception: http_error}
    )
