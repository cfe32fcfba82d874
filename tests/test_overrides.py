"""checks.<name>.overrides: one rule of a suite changed for one check, without copying the suite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kmu_dataguard.conditions import ConditionSyntaxError, parse_when
from kmu_dataguard.results import Severity
from kmu_dataguard.suites import OverrideError, SuiteCatalog, apply_overrides
from tests.conftest import write
from tests.test_suites_builtin import GOOD_AT, GOOD_DE

COLUMNS = list(GOOD_DE)

# K2 is a private customer: no company name and no VAT id. K3 is Austrian with a VAT id whose
# check digit is wrong; K4 is a company (VAT id) without a name.
ROWS = [
    dict(GOOD_DE, customer_id="K1"),
    dict(GOOD_DE, customer_id="K2", name=None, vat_id=None),
    dict(GOOD_AT, customer_id="K3", vat_id="ATU13585628"),
    dict(GOOD_DE, customer_id="K4", name=None),
]


def customers_csv(folder: Path, rows: list[dict] = ROWS) -> Path:
    lines = [";".join(["customer_id", *COLUMNS])]
    for row in rows:
        lines.append(";".join(row.get(c) or "" for c in ["customer_id", *COLUMNS]))
    return write(folder / "customers.csv", "\n".join(lines) + "\n")


def config(
    folder: Path,
    overrides: str,
    *,
    rows: list[dict] = ROWS,
    url: str | None = None,
    suite: str = "customers",
) -> Path:
    """dataguard.yml with gate ``g`` over one check ``customers``: ``rows`` in a CSV file, or
    the table ``customers`` of the database at ``url``."""
    source = f'{{url: "{url}"}}' if url else f"{{path: {customers_csv(folder, rows)}}}"
    text = f"sources:\n  erp: {source}\nchecks:\n  customers:\n    source: erp\n"
    text += "    table: customers\n" if url else ""
    text += f"    suite: {suite}\n    key: customer_id\n"
    if overrides:
        text += "    overrides:\n" + "".join(f"      {line}\n" for line in overrides.splitlines())
    text += "gates:\n  g: {checks: [customers]}\n"
    return write(folder / "dataguard.yml", text)


def run_gate(dataguard, cfg: Path, *extra: str) -> tuple[int, dict[str, dict]]:
    run = dataguard("gate", "g", "--config", str(cfg), "--format", "json", *extra)
    doc = run.json()
    assert doc["errors"] == [], doc["errors"]
    return run.code, {e["id"]: e for e in doc["checks"][0]["expectations"]}


# -- the pure function -----------------------------------------------------------------------


def builtin_customers():
    return SuiteCatalog().load("customers")


def test_apply_overrides_changes_only_the_named_rules_and_marks_them():
    spec = builtin_customers()
    done = apply_overrides(
        spec,
        {
            "customers.name_present": {"severity": "warning"},
            "customers.phone_valid_for_country": {"mostly": 0.95},
            "customers.leitweg_id_valid": {"enabled": False},
            "customers.vat_id_valid": {"when": "country == 'DE'"},
        },
    )
    by_id = {e.id: e for e in done.expectations}
    before = {e.id: e for e in spec.expectations}
    assert "customers.leitweg_id_valid" not in by_id
    assert len(done.expectations) == len(spec.expectations) - 1
    assert by_id["customers.name_present"].severity is Severity.WARNING
    assert by_id["customers.name_present"].meta["overridden"] == {"severity": "warning"}
    assert by_id["customers.phone_valid_for_country"].kwargs["mostly"] == 0.95
    assert by_id["customers.vat_id_valid"].kwargs["row_condition"] == {
        "type": "comparison",
        "column": {"name": "country"},
        "operator": "==",
        "parameter": "DE",
    }
    assert by_id["customers.id_present"] == before["customers.id_present"]
    # The suite itself is unchanged.
    assert before["customers.name_present"].severity is Severity.CRITICAL
    assert "overridden" not in before["customers.name_present"].meta
    assert "mostly" not in before["customers.phone_valid_for_country"].kwargs


def test_when_is_joined_with_the_suites_own_condition():
    done = apply_overrides(
        builtin_customers(), {"customers.tax_number_valid": {"when": "blocked != '1'"}}
    )
    (tax,) = [e for e in done.expectations if e.id == "customers.tax_number_valid"]
    assert tax.kwargs["row_condition"] == {
        "type": "and",
        "conditions": [
            {
                "type": "comparison",
                "column": {"name": "country"},
                "operator": "==",
                "parameter": "DE",
            },
            {
                "type": "comparison",
                "column": {"name": "blocked"},
                "operator": "!=",
                "parameter": "1",
            },
        ],
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"customers.name_presnt": {"severity": "warning"}}, "ids: customers.id_present, "),
        ({"customers.name_present": {"level": "warning"}}, "expected one of: severity, mostly"),
        ({"customers.name_present": {"when": "name = 'x'"}}, "allowed: column == 'text'"),
    ],
)
def test_apply_overrides_refuses_what_does_not_fit(overrides, message):
    with pytest.raises(OverrideError, match=message):
        apply_overrides(builtin_customers(), overrides)


def test_disabling_every_rule_is_refused():
    spec = builtin_customers()
    with pytest.raises(OverrideError, match="every expectation of suite 'customers' is disabled"):
        apply_overrides(spec, {e.id: {"enabled": False} for e in spec.expectations})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("country == 'DE'", {"type": "comparison", "column": {"name": "country"},
                             "operator": "==", "parameter": "DE"}),
        ('country != "D\'E"', {"type": "comparison", "column": {"name": "country"},
                               "operator": "!=", "parameter": "D'E"}),
        ("country in ['DE', 'AT']", {"type": "comparison", "column": {"name": "country"},
                                     "operator": "IN", "parameter": ["DE", "AT"]}),
        ("country not in ['CH']", {"type": "comparison", "column": {"name": "country"},
                                   "operator": "NOT_IN", "parameter": ["CH"]}),
        ("vat_id is empty", {"type": "nullity", "column": {"name": "vat_id"}, "is_null": True}),
        ("vat_id is not empty", {"type": "nullity", "column": {"name": "vat_id"},
                                 "is_null": False}),
        ("a == 'x' and b is empty", {"type": "and", "conditions": [
            {"type": "comparison", "column": {"name": "a"}, "operator": "==", "parameter": "x"},
            {"type": "nullity", "column": {"name": "b"}, "is_null": True}]}),
    ],
)  # fmt: skip
def test_when_grammar(text, expected):
    assert parse_when(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "country",
        "country = 'DE'",
        "country == DE",
        "country == 'DE' or country == 'AT'",
        "country in 'DE'",
        "country in ['DE' 'AT']",
        "country in []",
        "country is 'DE'",
        "__import__('os').system('x') == '1'",
        "and == 'x'",
        "country == 'DE' and",
    ],
)
def test_when_outside_the_grammar_is_refused(text):
    with pytest.raises(ConditionSyntaxError):
        parse_when(text)


# -- through dataguard.yml and the CLI -------------------------------------------------------


def test_private_customer_without_name_is_a_warning_with_a_severity_override(tmp_path, dataguard):
    code, before = run_gate(dataguard, config(tmp_path, "", rows=ROWS[:2]))
    assert code == 1 and before["customers.name_present"]["severity"] == "critical"
    assert before["customers.name_present"]["overridden"] is None

    cfg = config(tmp_path, "customers.name_present: {severity: warning}", rows=ROWS[:2])
    code, after = run_gate(dataguard, cfg)
    name = after["customers.name_present"]
    assert code == 0
    assert (name["success"], name["severity"], name["failing_keys"]) == (False, "warning", ["K2"])
    assert name["overridden"] == {"severity": "warning"}
    assert after["customers.id_present"]["overridden"] is None


def test_mostly_lets_a_share_of_failures_pass(tmp_path, dataguard):
    rows = [dict(GOOD_DE, customer_id=f"K{i}") for i in range(1, 5)]
    rows[3]["iban"] = "DE89 3704 0044 0532 0130 01"  # wrong check digits: 3 of 4 valid
    cfg = config(tmp_path, "customers.iban_valid: {mostly: 0.75}", rows=rows)
    code, outcomes = run_gate(dataguard, cfg)
    iban = outcomes["customers.iban_valid"]
    assert code == 0 and iban["success"] is True and iban["failing_keys"] == ["K4"]
    assert iban["overridden"] == {"mostly": 0.75}

    cfg = config(tmp_path, "customers.iban_valid: {mostly: 0.8}", rows=rows)
    code, outcomes = run_gate(dataguard, cfg)
    assert code == 1 and outcomes["customers.iban_valid"]["success"] is False


def test_disabled_rule_is_not_run_and_not_shown(tmp_path, dataguard):
    cfg = config(tmp_path, "customers.name_present: {enabled: false}", rows=ROWS[:2])
    code, outcomes = run_gate(dataguard, cfg)
    assert code == 0
    assert "customers.name_present" not in outcomes
    assert len(outcomes) == len(builtin_customers().expectations) - 1 + 1  # + rows present


WHEN = (
    "customers.vat_id_valid: {when: \"country in ['DE', 'CH']\"}\n"
    "customers.name_present: {when: vat_id is not empty}\n"
)


def assert_when_applies(dataguard, before: Path, after: Path) -> None:
    code, outcomes = run_gate(dataguard, before)
    assert outcomes["customers.vat_id_valid"]["failing_keys"] == ["K3"]
    assert outcomes["customers.name_present"]["failing_keys"] == ["K2", "K4"]

    code, outcomes = run_gate(dataguard, after)
    vat, name = outcomes["customers.vat_id_valid"], outcomes["customers.name_present"]
    assert vat["success"] is True and vat["failing_keys"] == []
    # Still checked where the condition holds: the company without a name fails.
    assert name["success"] is False and name["failing_keys"] == ["K4"]
    assert name["overridden"] == {"when": "vat_id is not empty"}
    assert code == 1


def test_when_limits_a_rule_to_matching_rows_of_a_file(tmp_path, dataguard):
    assert_when_applies(dataguard, config(tmp_path / "a", ""), config(tmp_path / "b", WHEN))


def test_when_limits_a_rule_to_matching_rows_in_the_database(tmp_path, dataguard, sql_database):
    """name_present runs as SQL (nullity condition), vat_id_valid on fetched rows (IN)."""
    import sqlalchemy as sa

    names = ["customer_id", *COLUMNS]
    with sql_database.admin_engine.begin() as conn:
        conn.exec_driver_sql(
            f"CREATE TABLE customers ({', '.join(f'{c} VARCHAR(60)' for c in names)})"
        )
        conn.execute(
            sa.text(f"INSERT INTO customers VALUES ({', '.join(':' + c for c in names)})"),
            [{c: row.get(c) for c in names} for row in ROWS],
        )
    before = config(tmp_path / "a", "", url=sql_database.url)
    after = config(tmp_path / "b", WHEN, url=sql_database.url)
    assert_when_applies(dataguard, before, after)


def test_overrides_apply_to_a_suite_given_as_a_json_path(tmp_path, dataguard):
    suite = write(
        tmp_path / "suites" / "mine.json",
        json.dumps(
            {
                "name": "mine",
                "expectations": [
                    {
                        "type": "expect_column_values_to_not_be_null",
                        "kwargs": {"column": "name"},
                        "meta": {"id": "mine.name"},
                    },
                    {
                        "type": "expect_column_values_to_not_be_null",
                        "kwargs": {"column": "customer_id"},
                    },
                ],
            }
        ),
    )
    cfg = config(tmp_path, "mine.name: {severity: warning}", rows=ROWS[:2], suite=str(suite))
    code, outcomes = run_gate(dataguard, cfg)
    assert code == 0
    assert outcomes["mine.name"]["severity"] == "warning"
    assert outcomes["mine.name"]["failing_keys"] == ["K2"]


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        (
            "customers.name_presnt: {severity: warning}",
            "dataguard.yml: checks.customers.overrides.customers.name_presnt: no expectation "
            "with this id in suite 'customers' (ids: customers.id_present, customers.id_unique,",
        ),
        (
            "customers.name_present: {level: warning}",
            "checks.customers.overrides.customers.name_present.level: unknown key in "
            "checks.customers.overrides.customers.name_present; "
            "expected one of: severity, mostly, enabled, when",
        ),
        ("customers.name_present: {mostly: true}", "mostly: expected a number, not true/false"),
        ("customers.name_present: {mostly: '0.9'}", "customers.name_present.mostly: "),
        ("customers.name_present: {mostly: 0}", "mostly: Input should be greater than 0"),
        ("customers.name_present: {mostly: 1.5}", "mostly: Input should be less than or equal"),
        ("customers.name_present: {enabled: 'no'}", "enabled: Input should be a valid boolean"),
        ("customers.name_present: {severity: info}", "severity: Input should be 'critical'"),
        ("customers.name_present: {}", "an override needs severity, mostly, enabled or when"),
        ("customers.name_present: {severity: null}", "an override needs severity, mostly"),
        (
            "customers.no_duplicate_partners: {mostly: 0.9}",
            "overrides.customers.no_duplicate_partners: "
            "expect_table_rows_to_have_no_duplicate_partners does not take mostly (",
        ),
        (
            "customers.name_present: {when: \"name = 'x'\"}",
            "customers.name_present.when: cannot read \"= 'x'\" "
            "(allowed: column == 'text', column != 'text',",
        ),
    ],
)
def test_override_problems_exit_2_before_anything_is_read(tmp_path, dataguard, override, expected):
    cfg = config(tmp_path, override)
    (tmp_path / "customers.csv").unlink()  # nothing is read: the error comes first
    run = dataguard("gate", "g", "--config", str(cfg))
    assert run.code == 2
    assert expected in run.err
    assert len(run.err.strip().splitlines()) == 1


def test_report_marks_overridden_rules(tmp_path):
    import kmu_dataguard

    overrides = (
        "customers.name_present: {severity: warning}\n"
        "customers.vat_id_valid: {when: \"country != '<b>'\"}\n"
    )
    report = tmp_path / "report"
    result = kmu_dataguard.run_gate(
        "g", config=config(tmp_path, overrides), report_dir=report, lang="en"
    )
    assert result.verdict == "blocked"  # K3's VAT id is still checked
    page = (report / "index.html").read_text(encoding="utf-8")
    assert "customers.name_present · changed in dataguard.yml (severity: warning)" in page
    assert "changed in dataguard.yml (when: country != &#39;&lt;b&gt;&#39;)" in page


_ANY = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=8,
)
_IDS = st.sampled_from(["customers.name_present", "customers.no_duplicate_partners", "x"])
_WHEN = st.text(alphabet="abc '\"[],=!\\ainotsempyd", max_size=40) | st.text(max_size=20)
_OVERRIDE = st.fixed_dictionaries(
    {},
    optional={
        "severity": st.sampled_from(["critical", "warning", "info"]) | _ANY,
        "mostly": st.floats(allow_nan=True) | _ANY,
        "enabled": _ANY,
        "when": _WHEN | _ANY,
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(overrides=st.dictionaries(_IDS | st.text(max_size=10), _OVERRIDE | _ANY, max_size=3))
def test_whatever_overrides_hold_the_only_failure_is_a_config_error(tmp_path_factory, overrides):
    from kmu_dataguard.config import build_config
    from kmu_dataguard.errors import ConfigError

    folder = tmp_path_factory.mktemp("fuzz")
    data = {
        "sources": {"erp": {"path": str(folder / "customers.csv")}},
        "checks": {"customers": {"source": "erp", "suite": "customers", "overrides": overrides}},
    }
    try:
        build_config(data, origin=folder / "dataguard.yml")
    except ConfigError as exc:
        assert "\n" not in str(exc)
