"""What the run routes answer: a result document with its verdict's status, a run still
running (202), and the query parameters they share (``fail_on``, ``lang``, ``wait``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kmu_dataguard.exit_codes import ExitCode
from kmu_dataguard.results import GateResult
from kmu_dataguard.service.errors import ServiceError

__all__ = [
    "CHOICES",
    "RUN_STATUS",
    "choice",
    "result_response",
    "run_url",
    "running_response",
    "wants_wait",
]

#: the result's exit code → the HTTP status of a run (POST, and GET /v1/runs/{id} once done)
RUN_STATUS = {ExitCode.PASS: 200, ExitCode.BLOCKED: 409, ExitCode.UNAVAILABLE: 503}
#: the allowed values of the parameters that have a few
CHOICES = {
    "fail_on": ("critical", "warning"),
    "lang": ("de", "en"),
    "wait": ("true", "false"),
    "allow_empty": ("true", "false"),
}
#: seconds a poller is asked to wait before asking again about a running run
POLL_AFTER_S = 2


def choice(name: str, value: str | None) -> str | None:
    if value is not None and value not in CHOICES[name]:
        allowed = " or ".join(CHOICES[name])
        raise ServiceError(422, f"{name} must be {allowed}, not {value!r}")
    return value


def wants_wait(request: Request) -> bool:
    return choice("wait", request.query_params.get("wait")) != "false"


def run_url(service_id: str) -> str:
    return f"/v1/runs/{service_id}"


def result_response(result: GateResult, service_id: str | None = None) -> Response:
    """The result document v1, personal values masked as in the CLI's default output."""
    from kmu_dataguard.outputs.json_doc import render_json
    from kmu_dataguard.report.masking import mask_result

    text = render_json(mask_result(result))
    headers = {"Content-Location": run_url(service_id)} if service_id else None
    status = RUN_STATUS.get(result.exit_code, 503)
    return Response(text, status_code=status, media_type="application/json", headers=headers)


def running_response(request: Request, service_id: str) -> Response:
    """202: the run is admitted and not finished; poll ``url``. The Location header is the
    same URL made absolute from the request's Host (Power Automate's HTTP action follows it)."""
    url = run_url(service_id)
    body = {"id": service_id, "status": "running", "url": url}
    location = str(request.base_url).rstrip("/") + url
    headers = {"Location": location, "Retry-After": str(POLL_AFTER_S)}
    return JSONResponse(body, status_code=202, headers=headers)
