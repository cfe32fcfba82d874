"""--format junit: valid against the Jenkins xUnit junit-10.xsd, one suite per check."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

SCHEMA = xmlschema.XMLSchema(str(Path(__file__).parent / "data" / "junit-10.xsd"))


def _doc(text: str) -> ET.Element:
    SCHEMA.validate(text)
    return ET.fromstring(text.encode("utf-8"))


def test_junit_validates_and_carries_counts_and_keys(world, dataguard):
    run = dataguard("gate", "invoicing", "--config", str(world.config), "--format", "junit")
    assert run.code == 1
    root = _doc(run.out)
    suites = root.findall("testsuite")
    names = [s.get("name") for s in suites]
    assert names == ["customers", "articles", "contacts", "contacts_have_customer"]
    customers = suites[0]
    cases = {c.get("name"): c for c in customers.findall("testcase")}
    from kmu_dataguard.suites import SuiteCatalog

    # the suite's expectations and the source's own checks (rows present, min_rows in the demo)
    suite = {e.id for e in SuiteCatalog().load("customers").expectations}
    assert set(cases) == suite | {"source.rows_present", "source.min_rows"}
    assert len(cases) == int(customers.get("tests"))
    failures = [c for c in cases.values() if c.find("failure") is not None]
    assert int(customers.get("failures")) == len(failures) == 8
    failure = cases["customers.name_present"].find("failure")
    assert failure.get("type") == "critical"
    assert "1 record(s)" in failure.get("message") and "K10004" in failure.get("message")
    assert "K10004" in failure.text
    warning = cases["customers.email_valid"].find("failure")
    assert warning.get("type") == "warning" and "does not block" in warning.get("message")
    assert cases["customers.id_present"].find("failure") is None
    assert int(root.get("failures")) == sum(int(s.get("failures")) for s in suites)
    props = {p.get("name"): p.get("value") for p in customers.iter("property")}
    assert props["verdict"] == "blocked" and props["rows"] == "60"


def test_unreadable_source_is_an_error_element(world, dataguard):
    world.contacts_csv.unlink()
    run = dataguard("gate", "invoicing", "--config", str(world.config), "--format", "junit")
    assert run.code == 3
    root = _doc(run.out)
    contacts = next(s for s in root.findall("testsuite") if s.get("name") == "contacts")
    errors = contacts.findall("testcase/error")
    assert errors and int(contacts.get("errors")) >= 1
    assert "crm_contacts.csv" in errors[0].get("message")


def test_config_error_is_still_a_junit_document(world, dataguard):
    run = dataguard("gate", "ghost", "--config", str(world.config), "--format", "junit")
    assert run.code == 2
    root = _doc(run.out)
    (error,) = root.iter("error")
    assert "ghost" in error.get("message")


def test_control_characters_from_the_data_stay_valid_xml(world, dataguard):
    import sqlite3

    with sqlite3.connect(world.database) as conn:
        conn.execute(
            "UPDATE customers SET currency = ? WHERE customer_id = 'K10030'", ("E\x01U\x1bR]]>",)
        )
    conn.close()
    run = dataguard(
        "gate", "invoicing", "--config", str(world.config), "--format", "junit", "--no-mask"
    )
    root = _doc(run.out)
    assert any("K10030" in (f.text or "") for f in root.iter("failure"))


@pytest.mark.parametrize("fmt", ["junit", "json", "text"])
def test_output_file_is_written_atomically_instead_of_stdout(world, dataguard, tmp_path, fmt):
    target = tmp_path / f"result.{fmt}"
    target.write_text("previous")
    run = dataguard(
        "gate",
        "invoicing",
        "--config",
        str(world.config),
        "--format",
        fmt,
        "--output",
        str(target),
    )
    assert run.code == 1
    assert run.out == ""
    text = target.read_text(encoding="utf-8")
    assert "K10004" in text
    if fmt == "junit":
        _doc(text)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_output_that_cannot_be_written_is_not_a_silent_result(world, dataguard, tmp_path):
    target = tmp_path / "missing-folder" / "result.xml"
    run = dataguard(
        "gate",
        "invoicing",
        "--config",
        str(world.config),
        "--format",
        "junit",
        "--output",
        str(target),
    )
    assert run.code == 3
    assert "cannot write" in run.err
    _doc(run.out)  # the result is printed instead, so it is not lost
