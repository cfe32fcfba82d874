"""`dataguard suites` and `dataguard check` with built-in and user suites."""

from __future__ import annotations

import json

from tests.conftest import write


def test_suites_lists_builtin_with_description(dataguard):
    run = dataguard("suites")
    assert run.code == 0
    names = [line.split()[0] for line in run.out.splitlines()]
    assert {"customers", "suppliers", "articles", "contacts"} <= set(names)
    assert "built-in" in run.out
    listed = dataguard("suites", "--format", "json").json()
    assert all(s["description"] and s["expectations"] > 0 for s in listed)


def test_user_suite_overrides_builtin(tmp_path, dataguard):
    folder = tmp_path / "mine"
    write(
        folder / "customers.json",
        json.dumps(
            {
                "name": "customers",
                "meta": {"description": {"en": "my own"}},
                "expectations": [
                    {
                        "type": "expect_column_values_to_not_be_null",
                        "kwargs": {"column": "customer_id"},
                    }
                ],
            }
        ),
    )
    listed = dataguard("suites", "--suites-dir", str(folder), "--format", "json").json()
    mine = next(s for s in listed if s["name"] == "customers")
    assert mine["builtin"] is False and mine["expectations"] == 1
    data = write(tmp_path / "c.csv", "customer_id,name\n1,\n,x\n")
    run = dataguard(
        "check", str(data), "--suite", "customers", "--suites-dir", str(folder), "--format", "json"
    )
    assert run.code == 1
    rows, exp = run.json()["checks"][0]["expectations"]  # the source's rows, then the suite's
    assert rows["id"] == "source.rows_present" and rows["observed_value"] == 2
    assert exp["failing_keys"] == ["2"]  # no key column: the data row number


def test_check_unknown_suite_is_usage_error(tmp_path, dataguard):
    data = write(tmp_path / "c.csv", "a\n1\n")
    run = dataguard("check", str(data), "--suite", "nonsense")
    assert run.code == 2
    assert "no suite named 'nonsense'" in run.err


def test_check_warning_only_passes(tmp_path, dataguard):
    data = write(
        tmp_path / "contacts.csv",
        "contact_id;first_name;last_name;company;email;phone;country;customer_id\n"
        "C1;;Weber;Weber GmbH;weber@weber.de;;DE;K1\n",
    )
    run = dataguard("check", str(data), "--suite", "contacts", "--key", "contact_id")
    assert run.code == 0
    assert run.out.startswith("WARN")
    assert "C1" in run.out
