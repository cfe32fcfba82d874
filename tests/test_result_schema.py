"""The shipped JSON Schema of result documents: valid itself, strict, and met by every document."""

from __future__ import annotations

import json

import jsonschema
import pytest

from kmu_dataguard.outputs.json_doc import RESULT_SCHEMA
from tests.conftest import validate_result_document


def test_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(json.loads(RESULT_SCHEMA.read_text()))


def test_demo_gate_document_is_valid_and_the_schema_is_strict(world, dataguard):
    doc = dataguard("gate", "invoicing", "--config", str(world.config), "--format", "json").json()
    assert doc["checks"] and any(e["groups"] for c in doc["checks"] for e in c["expectations"])
    broken = json.loads(json.dumps(doc))
    broken["checks"][0]["expectations"][0]["surprise"] = 1
    with pytest.raises(jsonschema.ValidationError):
        validate_result_document(broken)
    del broken["checks"][0]["expectations"][0]["surprise"]
    broken["verdict"] = "maybe"
    with pytest.raises(jsonschema.ValidationError):
        validate_result_document(broken)


def test_error_documents_carry_fail_on(tmp_path, dataguard):
    """A run that never got to a result still prints a complete v1 document (issue 15)."""
    missing = tmp_path / "nowhere.yml"
    run = dataguard("gate", "g", "--config", str(missing), "--format", "json")
    assert run.code == 2
    doc = run.json()
    assert doc["fail_on"] == "critical" and doc["verdict"] == "error" and doc["exit_code"] == 2
    run = dataguard(
        "gate", "g", "--config", str(missing), "--format", "json", "--fail-on", "warning"
    )
    assert run.json()["fail_on"] == "warning"
    run = dataguard("check", str(tmp_path / "none.csv"), "--format", "json", "--suite", "x")
    assert run.code in (2, 3) and run.json()["checks"] == []
