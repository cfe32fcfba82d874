"""Every row of the exit-code table, produced by real runs of the CLI."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import write
from tests.support.fixing import fix_defects


def test_blocked_demo_exits_1_and_names_every_seeded_defect(world, dataguard):
    run = dataguard("gate", "invoicing", "--config", str(world.config))
    assert run.code == 1
    assert run.out.startswith("BLOCKED")
    for defect in world.defects:
        assert defect.key in run.out, defect


def test_fixed_demo_exits_0(world, dataguard):
    fix_defects(world)
    run = dataguard("gate", "invoicing", "--config", str(world.config))
    assert run.code == 0, run.out
    assert run.out.startswith(("PASS", "WARN"))


def test_warnings_pass_unless_fail_on_warning(world, dataguard):
    fix_defects(world)
    with sqlite3.connect(world.database) as conn:
        conn.execute("UPDATE customers SET email = 'kaputt' WHERE customer_id = 'K10002'")
    conn.close()
    run = dataguard("gate", "invoicing", "--config", str(world.config))
    assert run.code == 0
    assert run.out.startswith("WARN")
    assert "K10002" in run.out
    strict = dataguard("gate", "invoicing", "--config", str(world.config), "--fail-on", "warning")
    assert strict.code == 1


def test_config_errors_exit_2(world, dataguard, tmp_path: Path):
    assert dataguard("gate", "nope", "--config", str(world.config)).code == 2
    assert dataguard("gate", "invoicing", "--config", str(tmp_path / "missing.yml")).code == 2
    assert dataguard("gate", "invoicing", "--bogus-option").code == 2
    assert dataguard("gate", "invoicing", "--fail-on", "sometimes").code == 2
    assert dataguard("no-such-command").code == 2


def test_unreachable_source_exits_3(world, dataguard):
    world.database.unlink()
    run = dataguard("gate", "invoicing", "--config", str(world.config))
    assert run.code == 3
    assert "erp.db" in run.out
    assert not world.database.exists(), "a missing SQLite file must not be created"


def test_unreadable_file_exits_3(world, dataguard):
    world.contacts_csv.write_bytes(b"\x00\x01\x02\xff\xfe" * 100)
    run = dataguard("gate", "invoicing", "--config", str(world.config), "--format", "json")
    assert run.code == 3
    doc = run.json()
    assert doc["verdict"] == "error"
    assert any(e["check"] == "contacts" for e in doc["errors"])


def test_broken_suite_exits_3_and_names_the_expectation(world, dataguard):
    suites = world.folder / "suites"
    write(
        suites / "contacts.json",
        '{"name": "contacts", "expectations": ['
        '{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "contact_id"}},'
        '{"type": "expect_column_values_to_be_a_unicorn", "kwargs": {"column": "email"}}]}',
    )
    text = world.config.read_text().replace("version: 1", "version: 1\nsuites_dir: suites")
    world.config.write_text(text)
    run = dataguard("gate", "invoicing", "--config", str(world.config))
    assert run.code == 3
    assert "expect_column_values_to_be_a_unicorn" in run.out
    assert "contacts.json" in run.out


def test_missing_column_exits_3_and_lists_columns(world, dataguard):
    text = world.contacts_csv.read_text(encoding="cp1252").replace("email", "e_mail", 1)
    world.contacts_csv.write_text(text, encoding="cp1252")
    run = dataguard("gate", "invoicing", "--config", str(world.config))
    assert run.code == 3
    assert "'email' not in" in run.out
    assert "e_mail" in run.out


def test_unexpected_exception_exits_3_without_traceback(world, dataguard, monkeypatch):
    import kmu_dataguard.engine as engine

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(engine, "validate_table", explode)
    run = dataguard("gate", "invoicing", "--config", str(world.config))
    assert run.code == 3
    assert "disk on fire" in run.out
    assert "Traceback" not in run.out + run.err


def test_crash_outside_checks_exits_3(dataguard, monkeypatch, world):
    import kmu_dataguard.runner as runner

    monkeypatch.setattr(runner, "load_config", lambda *_: 1 / 0)
    run = dataguard("gate", "invoicing", "--config", str(world.config))
    assert run.code == 3
    assert "ZeroDivisionError" in run.err
    assert "Traceback" not in run.err


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_empty_suite_is_not_a_pass(tmp_path: Path, dataguard, fmt):
    data = write(tmp_path / "x.csv", "id;name\n1;a\n")
    suite = write(tmp_path / "empty.json", '{"name": "empty", "expectations": []}')
    run = dataguard("check", str(data), "--suite", str(suite), "--format", fmt)
    assert run.code == 3
