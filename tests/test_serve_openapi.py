"""The OpenAPI document of ``dataguard serve`` is true to the app: the same routes and methods,
examples that validate, real answers that fit their schemas, every path in docs/service.md."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from starlette.routing import Route

from kmu_dataguard.config import load_config
from kmu_dataguard.service.app import create_app
from kmu_dataguard.service.auth import Tokens
from kmu_dataguard.service.openapi import openapi_document

DOCS = Path(__file__).parents[1] / "docs" / "service.md"
_BASE = "urn:dataguard:openapi"


def _validator(document: dict[str, Any], schema: dict[str, Any]) -> jsonschema.Validator:
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    registry = Registry().with_resource(_BASE, resource).crawl()
    if "$ref" in schema and schema["$ref"].startswith("#/"):
        schema = {"$ref": _BASE + schema["$ref"]}
    return jsonschema.Draft202012Validator(schema, registry=registry)


def _media(document: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, answer in operation["responses"].items():
                for media in answer.get("content", {}).values():
                    yield path, method, status, media


def test_every_route_is_documented_and_nothing_else(world):
    app = create_app(load_config(world.config), Tokens())
    served = {
        (route.path, method.lower())
        for route in app.routes
        if isinstance(route, Route)
        for method in route.methods or ()
        if method != "HEAD"  # Starlette adds HEAD to every GET
    }
    document = openapi_document()
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert served == documented
    for path, item in document["paths"].items():
        for operation in item.values():
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            assert names == [part[1:-1] for part in path.split("/") if part.startswith("{")]


def test_the_document_is_openapi_31_and_its_examples_validate():
    from openapi_spec_validator import OpenAPIV31SpecValidator

    document = openapi_document()
    assert document["openapi"].startswith("3.1")
    OpenAPIV31SpecValidator(document).validate()  # raises on the first violation
    jsonschema.Draft202012Validator.check_schema(document["components"]["schemas"]["Result"])
    examples = 0
    for path, method, status, media in _media(document):
        if "example" in media:
            _validator(document, media["schema"]).validate(media["example"])
            examples += 1
        if status.startswith(("4", "5")) and status not in ("409", "503"):  # verdicts
            assert media["schema"] == {"$ref": "#/components/schemas/Error"}, (path, method)
    assert examples >= 20


def test_real_answers_fit_their_schemas(serve, client, world):
    base = serve()
    document = client.get(f"{base}/openapi.json").json()
    assert document == openapi_document()

    def fits(schema: str, body: object) -> None:
        _validator(document, {"$ref": f"#/components/schemas/{schema}"}).validate(body)

    fits("Result", client.post(f"{base}/v1/gates/invoicing/runs").json())
    fits("Error", client.post(f"{base}/v1/gates/nope/runs").json())
    fits("Gates", client.get(f"{base}/v1/gates").json())
    fits("Health", client.get(f"{base}/healthz").json())
    fits("Ready", client.get(f"{base}/readyz").json())
    fits("Running", client.post(f"{base}/v1/gates/payments/runs?wait=false").json())
    upload = client.post(
        f"{base}/v1/check",
        params={"suite": "contacts"},
        files={"file": ("crm_contacts.csv", world.contacts_csv.read_bytes())},
    )
    fits("Result", upload.json())


def test_every_path_is_in_the_docs():
    text = DOCS.read_text(encoding="utf-8")
    for path in openapi_document()["paths"]:
        assert path in text, f"{path} is not in docs/service.md"


def test_every_serve_option_is_in_the_docs_table():
    from kmu_dataguard.cli.serve import serve

    text = DOCS.read_text(encoding="utf-8")
    for param in serve.params:
        for option in param.opts:
            if option.startswith("--"):
                assert f"| `{option}` |" in text, f"{option} is not in docs/service.md's table"
