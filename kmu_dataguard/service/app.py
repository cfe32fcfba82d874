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
from kmu_dataguard.exit_codes import ExitCode
from kmu_dataguard.results import GateResult
from kmu_dataguard.service.auth import Tokens
from kmu_dataguard.service.errors import ServiceError, error_response
from kmu_dataguard.service.runs import RunKey, Runs

__all__ = ["ServiceSettings", "create_app"]

log = logging.getLogger(__name__)

#: the result's exit code → the HTTP status of ``POST /v1/gates/{name}/runs``
RUN_STATUS = {ExitCode.PASS: 200, ExitCode.BLOCKED: 409, ExitCode.UNAVAILABLE: 503}
_CHOICES = {"fail_on": ("critical", "warning"), "lang": ("de", "en")}

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


def create_app(cfg: Config, tokens: Tokens, settings: ServiceSettings | None = None) -> Starlette:
    """The ASGI app serving the gates of the loaded configuration ``cfg``."""
    settings = settings or ServiceSettings()
    secrets = cfg.secrets

    def run(key: RunKey) -> GateResult:
        from kmu_dataguard.runner import run_gate

        gate, fail_on, lang = key
        return run_gate(gate, cfg, fail_on=fail_on, lang=lang)

    runs = Runs(run, max_runs=settings.max_runs, queue_s=settings.queue_s, keep=settings.keep_runs)

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
        key = (name, _choice(request, "fail_on"), _choice(request, "lang"))
        result = await runs.result(key, settings.timeout_s)
        return _result_response(result, RUN_STATUS.get(result.exit_code, 503))

    @answers_json
    async def get_run(request: Request) -> Response:
        result = _known_run(request)
        return _result_response(result, 200)

    @answers_json
    async def get_report(request: Request) -> Response:
        result = _known_run(request)
        path = Path(result.report_path) if result.report_path else None
        if path is not None and path.is_dir():
            path = path / "index.html"
        if path is None or not path.is_file():
            raise ServiceError(404, "this run wrote no HTML report (report_dir in dataguard.yml)")
        return FileResponse(path, media_type="text/html")

    def _known_run(request: Request) -> GateResult:
        tokens.gates_for(request.headers.get("authorization"))  # 401 before saying what exists
        result = runs.recent(request.path_params["run_id"])
        if result is None:
            raise ServiceError(404, "no such run among the recent runs of this server")
        tokens.require(request.headers.get("authorization"), result.gate)
        return result

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
    ]
    return Starlette(
        routes=routes, exception_handlers={HTTPException: http_error, Exception: http_error}
    )


def _choice(request: Request, name: str) -> str | None:
    value = request.query_params.get(name)
    if value is not None and value not in _CHOICES[name]:
        allowed = " or ".join(_CHOICES[name])
        raise ServiceError(422, f"{name} must be {allowed}, not {value!r}")
    return value


def _result_response(result: GateResult, status: int) -> Response:
    from kmu_dataguard.outputs.json_doc import render_json
    from kmu_dataguard.report.masking import mask_result

    # Personal values masked as in the CLI's default output; the document is the result v1.
    text = render_json(mask_result(result))
    return Response(text, status_code=status, media_type="application/json")
