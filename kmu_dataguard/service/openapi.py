"""The OpenAPI 3.1 document of ``dataguard serve``, served at ``GET /openapi.json``.

Written by hand from the routes (tests/test_serve_openapi.py holds the two together: every route
of the app is here and nothing else, and every example validates against its schema). The
result document is the published JSON Schema ``schemas/result-v1.schema.json``, embedded with
its references rewritten to point into this document.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from kmu_dataguard.service.responses import CHOICES, POLL_AFTER_S

__all__ = ["openapi_document"]

_JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str, example: str, status: int, headers: dict[str, Any] | None = None):
    answer: dict[str, Any] = {
        "description": description,
        "content": {
            _JSON: {"schema": _ref("Error"), "example": {"error": example, "status": status}}
        },
    }
    if headers:
        answer["headers"] = headers
    return answer


def _header(description: str, type_: str = "string") -> dict[str, Any]:
    return {"description": description, "schema": {"type": type_}}


def _query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    if schema is None:
        schema = {"type": "string", "enum": list(CHOICES[name])} if name in CHOICES else {}
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


_UNAUTHORIZED = _error(
    "missing or unknown bearer token",
    "missing bearer token",
    401,
    {"WWW-Authenticate": _header('Bearer realm="dataguard"')},
)
_FORBIDDEN = _error(
    "the token may not use this gate", "this token may not use gate 'payments'", 403
)
_TOO_MANY = _error(
    "--max-runs runs are admitted already; retry after the seconds given",
    "too many runs at once; try again later",
    429,
    {"Retry-After": _header("seconds to wait", "integer")},
)
_TIMEOUT = _error(
    "the run did not finish within --timeout (it finishes and is kept, see the run's id)",
    "the run did not finish within 300 s",
    504,
)
_INTERNAL = _error("an unexpected failure, in one line", "internal error (RuntimeError: …)", 500)
_WAIT = _query(
    "wait",
    "false: answer 202 at once with the run's URL to poll (default true: wait for the result)",
)


def _verdicts(what: str) -> dict[str, Any]:
    """200/409/503 with the result document, and the 202 of a run still running."""
    result = {_JSON: {"schema": _ref("Result")}}
    location = {"Content-Location": _header("/v1/runs/{id}: where the run can be read again")}
    return {
        "200": {"description": f"{what}: pass or warn", "content": result, "headers": location},
        "202": {
            "description": f"the run is admitted and still running; poll its url (every "
            f"{POLL_AFTER_S} s, Retry-After)",
            "headers": {
                "Location": _header("the url, absolute (scheme and host of the request)"),
                "Retry-After": _header("seconds before polling again", "integer"),
            },
            "content": {_JSON: {"schema": _ref("Running"), "example": _RUNNING_EXAMPLE}},
        },
        "409": {"description": f"{what}: blocked", "content": result, "headers": location},
        "503": {
            "description": f"{what}: could not validate (a source unreachable, a suite broken); "
            "also an error of the configuration",
            "content": {_JSON: {"schema": {"oneOf": [_ref("Result"), _ref("Error")]}}},
        },
    }


_RUNNING_EXAMPLE = {
    "id": "svc-20261207T191520Z-3f9a2c1b",
    "status": "running",
    "url": "/v1/runs/svc-20261207T191520Z-3f9a2c1b",
}

_CHECK_PARAMETERS = [
    ("suite", "suite name (GET /v1/gates does not list suites: see `dataguard suites`)"),
    ("profile", "connector profile that maps the file's headers (datev, lexware, …)"),
    ("entity", "the entity the profile maps (customers, suppliers, …); default suite"),
    ("key", "column identifying each record (default: the row number)"),
    ("sheet", "Excel sheet name or 0-based index (default: the first)"),
    ("map", 'rename headers onto the suite\'s columns: "PLZ=postal_code,Firma=name"'),
]


def _check_operation() -> dict[str, Any]:
    text = {"type": "string"}
    form_fields = {name: {**text, "description": about} for name, about in _CHECK_PARAMETERS}
    for name in ("fail_on", "lang", "allow_empty"):
        form_fields[name] = {"type": "string", "enum": list(CHOICES[name])}
    form_fields["min_rows"] = {"type": "string", "pattern": "^[0-9]+$"}
    form_fields["file"] = {
        "type": "string",
        "contentMediaType": "application/octet-stream",
        "description": "the export: CSV/TXT (any delimiter and encoding), XLSX or DATEV EXTF",
    }
    parameters = [_query(name, about) for name, about in _CHECK_PARAMETERS]
    parameters += [
        _query("fail_on", "block on critical failures (default) or on warnings too"),
        _query("lang", "language of the HTML report"),
        _query("allow_empty", "true: a file without records is no error"),
        _query("min_rows", "fewer records is a cut-off export (503)", {"type": "integer"}),
        _WAIT,
    ]
    responses = _verdicts("the file's verdict")
    responses |= {
        "401": _UNAUTHORIZED,
        "403": _error(
            "the token is restricted to gates and does not list `check`",
            "this token may not use gate 'check'",
            403,
        ),
        "413": _error(
            "the file is larger than --max-upload-mb or has more rows than --max-upload-rows",
            "kunden.csv: larger than --max-upload-mb 50 MB allows; split the export or raise "
            "the limit",
            413,
        ),
        "422": _error(
            "a bad parameter, no file, or a file that cannot be read (named as uploaded)",
            "kunden.xlsx: is not an .xlsx workbook or a broken one (BadZipFile: File is not a "
            "zip file); if it is a CSV file, read it as delimited text, else save it again "
            "from Excel as .xlsx",
            422,
        ),
        "429": _TOO_MANY,
        "500": _INTERNAL,
        "504": _TIMEOUT,
    }
    return {
        "summary": "check an uploaded export with a suite (as `dataguard check`)",
        "operationId": "checkUpload",
        "parameters": parameters,
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": form_fields,
                    }
                }
            },
        },
        "responses": responses,
    }


def _paths() -> dict[str, Any]:
    gate = {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
    run_id = {
        "name": "run_id",
        "in": "path",
        "required": True,
        "description": "the service id (svc-…, from a 202 or Content-Location) or the "
        "result's run_id",
        "schema": {"type": "string"},
    }
    unknown_run = _error(
        "no such run among the recent runs of this server",
        "no such run among the recent runs of this server",
        404,
    )
    no_auth: list[dict[str, list[str]]] = []
    run_responses = _verdicts("the gate's verdict") | {
        "401": _UNAUTHORIZED,
        "403": _FORBIDDEN,
        "404": _error("no such gate", "no gate named 'nope' (see GET /v1/gates)", 404),
        "422": _error("a bad parameter", "lang must be de or en, not 'fr'", 422),
        "429": _TOO_MANY,
        "500": _INTERNAL,
        "504": _TIMEOUT,
    }
    poll_responses = _verdicts("the run's verdict")
    for status in ("200", "409", "503"):  # a run from before a restart: its history summary
        kinds = [_ref("Result"), _ref("History")] + ([_ref("Error")] if status == "503" else [])
        poll_responses[status]["content"] = {_JSON: {"schema": {"oneOf": kinds}}}
    poll_responses |= {
        "401": _UNAUTHORIZED,
        "403": _FORBIDDEN,
        "404": unknown_run,
        "413": _error("an upload's file had too many rows", "kunden.csv: …", 413),
        "422": _error("an upload's file could not be read", "kunden.csv: …", 422),
        "500": _INTERNAL,
    }
    return {
        "/healthz": {
            "get": {
                "summary": "liveness: the server answers (reads nothing)",
                "operationId": "health",
                "security": no_auth,
                "responses": {"200": _ok("Health", {"status": "ok"})},
            }
        },
        "/readyz": {
            "get": {
                "summary": "readiness: every source of the configuration is reachable",
                "operationId": "ready",
                "security": no_auth,
                "responses": {
                    "200": _ok("Ready", _READY_EXAMPLE),
                    "503": {
                        "description": "a source is not reachable",
                        "content": {_JSON: {"schema": _ref("NotReady")}},
                    },
                },
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "this document",
                "operationId": "openapi",
                "security": no_auth,
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1",
                        "content": {_JSON: {"schema": {"type": "object"}}},
                    }
                },
            }
        },
        "/v1/gates": {
            "get": {
                "summary": "the gates the token may use",
                "operationId": "listGates",
                "responses": {
                    "200": _ok("Gates", _GATES_EXAMPLE),
                    "401": _UNAUTHORIZED,
                },
            }
        },
        "/v1/gates/{name}/runs": {
            "post": {
                "summary": "run a gate; the status is its verdict",
                "operationId": "runGate",
                "parameters": [
                    gate,
                    _query("fail_on", "override the gate's fail_on"),
                    _query("lang", "language of the HTML report"),
                    _WAIT,
                ],
                "responses": run_responses,
            }
        },
        "/v1/check": {"post": _check_operation()},
        "/v1/runs/{run_id}": {
            "get": {
                "summary": "a run of this server: 202 while it runs, then its result with the "
                "verdict's status (or the error it ended with); a run it no longer holds, by "
                "its history run_id: the history document v1 with that run",
                "operationId": "getRun",
                "parameters": [run_id],
                "responses": poll_responses,
            }
        },
        "/v1/runs/{run_id}/report": {
            "get": {
                "summary": "the run's HTML report (report_dir in dataguard.yml)",
                "operationId": "getReport",
                "parameters": [run_id],
                "responses": {
                    "200": {"description": "the report", "content": {"text/html": {}}},
                    "202": _verdicts("")["202"],
                    "401": _UNAUTHORIZED,
                    "403": _FORBIDDEN,
                    "404": _error(
                        "unknown run, or no report written",
                        "this run wrote no HTML report (report_dir in dataguard.yml)",
                        404,
                    ),
                },
            }
        },
    }


def _ok(schema: str, example: dict[str, Any]) -> dict[str, Any]:
    return {"description": "OK", "content": {_JSON: {"schema": _ref(schema), "example": example}}}


_READY_EXAMPLE = {"status": "ready", "sources": [{"name": "erp", "ok": True, "error": None}]}
_GATES_EXAMPLE = {
    "gates": [
        {
            "name": "payments",
            "description": None,
            "checks": ["suppliers"],
            "references": [],
            "fail_on": "critical",
        }
    ]
}


def _schemas() -> dict[str, Any]:
    from kmu_dataguard.paths import builtin_dir

    def embedded(name: str, file: str) -> dict[str, Any]:
        """A published schema without its $id, its references pointing into this document:
        tools that resolve references only within the document (most OpenAPI tools) can."""
        text = (builtin_dir("schemas") / file).read_text("utf-8")
        schema = json.loads(text.replace('"#/$defs/', f'"#/components/schemas/{name}/$defs/'))
        schema.pop("$id", None)
        schema.pop("$schema", None)
        return schema

    source = {
        "type": "object",
        "required": ["name", "ok", "error"],
        "properties": {
            "name": {"type": "string"},
            "ok": {"type": "boolean"},
            "error": {"type": ["string", "null"]},
        },
    }
    return {
        "Error": {
            "type": "object",
            "required": ["error", "status"],
            "additionalProperties": False,
            "properties": {
                "error": {"type": "string", "description": "one line, secrets blanked"},
                "status": {"type": "integer", "minimum": 400, "maximum": 599},
            },
        },
        "Running": {
            "type": "object",
            "required": ["id", "status", "url"],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "string", "pattern": "^svc-"},
                "status": {"const": "running"},
                "url": {"type": "string", "pattern": "^/v1/runs/svc-"},
            },
        },
        "Health": {
            "type": "object",
            "required": ["status"],
            "properties": {"status": {"const": "ok"}},
        },
        "Ready": {
            "type": "object",
            "required": ["status", "sources"],
            "properties": {
                "status": {"const": "ready"},
                "sources": {"type": "array", "items": source},
            },
        },
        "NotReady": {
            "type": "object",
            "required": ["error", "status", "sources"],
            "properties": {
                "error": {"type": "string"},
                "status": {"const": 503},
                "sources": {"type": "array", "items": source},
            },
        },
        "Gates": {
            "type": "object",
            "required": ["gates"],
            "properties": {
                "gates": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["name", "checks", "references", "fail_on"],
                        "properties": {
                            "name": {"type": "string"},
                            "description": {"type": ["string", "null"]},
                            "checks": {"type": "array", "items": {"type": "string"}},
                            "references": {"type": "array", "items": {"type": "string"}},
                            "fail_on": {"enum": list(CHOICES["fail_on"])},
                        },
                    },
                }
            },
        },
        "Result": embedded("Result", "result-v1.schema.json"),
        "History": embedded("History", "history-v1.schema.json"),
    }


@functools.cache
def _document() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        package_version = version("kmu-dataguard")
    except PackageNotFoundError:  # a source tree without installing
        package_version = "0"
    document = {
        "openapi": "3.1.0",
        "info": {
            "title": "kmu-dataguard",
            "version": package_version,
            "description": "Master-data quality gates over HTTP (docs/service.md). A run's "
            "status is its verdict: 200 pass or warn, 409 blocked, 503 could not validate. "
            "Every error is {error, status}.",
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "security": [{"bearer": []}],
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "a token of --tokens-file or DATAGUARD_TOKENS; without "
                    "configured tokens (loopback only) none is needed",
                }
            },
        },
    }
    return json.dumps(document)


def openapi_document() -> dict[str, Any]:
    """The document as a fresh dict (built once; callers may change their copy)."""
    return json.loads(_document())
