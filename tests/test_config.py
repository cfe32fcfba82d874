"""dataguard.yml is validated strictly; every error names the file and the key path."""

from __future__ import annotations

from pathlib import Path

import pytest

from kmu_dataguard.config import load_config
from kmu_dataguard.errors import ConfigError
from tests.conftest import write

GOOD = """\
version: 1
sources:
  erp: {url: "sqlite:///erp.db"}
  crm: {path: contacts.csv}
checks:
  customers: {source: erp, table: customers, suite: customers, key: customer_id}
  contacts: {source: crm, suite: contacts, key: contact_id}
gates:
  invoicing: {checks: [customers, contacts]}
"""


def load(tmp_path: Path, text: str):
    return load_config(write(tmp_path / "dataguard.yml", text))


def test_good_config_loads_with_defaults(tmp_path):
    cfg = load(tmp_path, GOOD)
    assert cfg.gate("invoicing").fail_on == "critical"
    assert cfg.sources["crm"].kind == "file"
    assert cfg.resolve_path("contacts.csv") == tmp_path.resolve() / "contacts.csv"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "suite: contacts, key",
            "suite: contacts, sorce: crm, key",
            "checks.contacts.sorce: unknown key",
        ),
        ("source: crm,", "source: nowhere,", "checks.contacts.source: no source named 'nowhere'"),
        ("suite: contacts,", "suite: no_such_suite,", "checks.contacts.suite: no suite named"),
        (
            "[customers, contacts]",
            "[customers, ghosts]",
            "gates.invoicing.checks.1: no check named 'ghosts'",
        ),
        (
            "[customers, contacts]",
            "customers",
            "gates.invoicing.checks: Input should be a valid list",
        ),
        (
            "invoicing: {checks:",
            "invoicing: {fail_on: sometimes, checks:",
            "gates.invoicing.fail_on",
        ),
        ("version: 1", "version: 7", "version"),
        ("erp: {url", "erp: {path: x.csv, url", "give exactly one of 'path'"),
        ("table: customers, ", "", "say which 'table'"),
        ("gates:", "gatez:", "gatez: unknown key; expected one of"),
    ],
)
def test_config_errors_name_file_and_key_path(tmp_path, old, new, expected):
    assert old in GOOD
    with pytest.raises(ConfigError) as info:
        load(tmp_path, GOOD.replace(old, new, 1))
    message = str(info.value)
    assert str(tmp_path / "dataguard.yml") in message
    assert expected in message
    assert "\n" not in message


def test_yaml_syntax_error_names_the_line(tmp_path):
    with pytest.raises(
        ConfigError, match=r"dataguard.yml: line 4, column 1: (did not find )?expected"
    ):
        load(tmp_path, "version: 1\nsources:\n  erp: [unclosed\n")


def test_env_interpolation_and_missing_variable(tmp_path, monkeypatch):
    text = GOOD.replace('"sqlite:///erp.db"', '"postgresql://erp:${ERP_PW}@db.local/erp"')
    with pytest.raises(ConfigError, match=r"sources\.erp\.url: environment variable ERP_PW"):
        load(tmp_path, text)
    monkeypatch.setenv("ERP_PW", "S3cr3t-pw!")
    cfg = load(tmp_path, text)
    assert cfg.sources["erp"].url == "postgresql://erp:S3cr3t-pw!@db.local/erp"
    assert "S3cr3t-pw!" in cfg.secrets
    assert (
        load(tmp_path, GOOD.replace("contacts.csv", "'${NOPE:-fallback.csv}'")).sources["crm"].path
        == "fallback.csv"
    )


def test_secret_from_environment_never_shown_in_config_errors(tmp_path, monkeypatch):
    monkeypatch.setenv("FAIL_ON", "S3cr3t-pw!")
    with pytest.raises(ConfigError) as info:
        load(tmp_path, GOOD.replace("{checks:", "{fail_on: '${FAIL_ON}', checks:"))
    assert "S3cr3t-pw!" not in str(info.value)
    assert "gates.invoicing.fail_on" in str(info.value)


def test_password_never_appears_when_database_refuses(tmp_path, dataguard):
    text = GOOD.replace(
        '"sqlite:///erp.db"', '"postgresql+psycopg2://erp:S3cr3t-pw!@127.0.0.1:9/erp"'
    )
    config = write(tmp_path / "dataguard.yml", text)
    write(tmp_path / "contacts.csv", "contact_id;last_name;email;country\n1;A;a@b.de;DE\n")
    for fmt in ("text", "json"):
        run = dataguard("gate", "invoicing", "--config", str(config), "--format", fmt)
        assert run.code == 3
        assert "S3cr3t-pw!" not in run.out + run.err
        assert "127.0.0.1" in run.out


def test_top_level_must_be_a_mapping(tmp_path):
    with pytest.raises(ConfigError, match="mapping"):
        load(tmp_path, "- a\n- b\n")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("version: 1", "version: true", "version: expected a number, not true/false"),
        ("version: 1", "version: 1\nreport_keep: yes", "report_keep: expected a number"),
        (
            "  invoicing:",
            '  "invoicing\\n":',
            r"gates.invoicing\n: names may use letters, digits",
        ),
        ("  crm: {", "  -crm: {", "sources.-crm: names may use"),
        ("  invoicing:", f"  {'g' * 65}:", "name of 65 characters; use at most 64"),
    ],
)
def test_strict_values_and_names(tmp_path, old, new, expected):
    assert old in GOOD
    with pytest.raises(ConfigError) as info:
        load(tmp_path, GOOD.replace(old, new, 1))
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


def test_name_of_the_maximum_length_is_accepted(tmp_path):
    name = "g" * 64
    assert name in load(tmp_path, GOOD.replace("  invoicing:", f"  {name}:")).gates


@pytest.mark.parametrize("key", ["suites_dir", "connectors_dir"])
def test_missing_or_non_folder_dirs_are_refused(tmp_path, key):
    with pytest.raises(ConfigError) as info:
        load(tmp_path, f"{key}: my_folder\n" + GOOD)
    assert f"dataguard.yml: {key}: {tmp_path / 'my_folder'} does not exist" in str(info.value)
    write(tmp_path / "my_folder", "a file\n")
    with pytest.raises(ConfigError, match=f"{key}: .*my_folder is a file, not a folder"):
        load(tmp_path, f"{key}: my_folder\n" + GOOD)
    (tmp_path / "my_folder").unlink()
    (tmp_path / "my_folder").mkdir()
    assert load(tmp_path, f"{key}: my_folder\n" + GOOD).path == tmp_path / "dataguard.yml"


def test_duplicate_key_in_config_is_refused(tmp_path):
    text = GOOD + "checks:\n  other: {source: crm, suite: contacts}\n"
    first = GOOD.splitlines().index("checks:") + 1
    second = GOOD.count("\n") + 1
    with pytest.raises(ConfigError) as info:
        load(tmp_path, text)
    assert f"line {second}, column 1: duplicate key 'checks' (first at line {first})" in str(
        info.value
    )


def test_interpolation_keeps_shared_nodes_shared(monkeypatch):
    from kmu_dataguard.config.environment import interpolate

    monkeypatch.setenv("HOST", "db.local")
    node: object = ["${HOST}"]
    for _ in range(60):  # 2**60 strings when copied out: only possible if done once per node
        node = [node, node]
    secrets: set[str] = set()
    done = interpolate({"x": node}, secrets, Path("dataguard.yml"), ())["x"]
    assert done[0] is done[1]
    while isinstance(done[0], list):
        done = done[0]
    assert done == ["db.local"]
    assert secrets == {"db.local"}


def test_anchors_with_env_values_load(tmp_path, monkeypatch):
    monkeypatch.setenv("CSV_DELIMITER", ";")
    text = GOOD.replace(
        "  crm: {path: contacts.csv}",
        "  crm: &file {path: contacts.csv, delimiter: '${CSV_DELIMITER}'}\n"
        "  crm2: {<<: *file, path: other.csv}",
    )
    cfg = load(tmp_path, text)
    assert cfg.sources["crm2"].delimiter == ";"
    assert cfg.sources["crm2"].path == "other.csv"


@pytest.mark.parametrize("suite", ["s" * 300, "a/" * 2000 + "x.json", '"a\\0b"'])
def test_suite_name_the_system_cannot_look_up_is_a_config_error(tmp_path, suite):
    # Found by tests/test_config_fuzz.py: a name longer than a file name escaped as OSError.
    with pytest.raises(ConfigError, match=r"checks\.contacts\.suite: no suite named"):
        load(tmp_path, GOOD.replace("suite: contacts", f"suite: {suite}"))
