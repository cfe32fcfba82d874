"""Change detection and the row-count guard, against the run history.

The done-when of issue #16 item 4: a supplier IBAN changed between two runs blocks the
payment-run gate until ``dataguard approve``. Real demo world (SQLite ERP), real SQLite and
PostgreSQL history stores, the CLI run in-process.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from kmu_dataguard.demo.world import DemoWorld, change_supplier_iban
from kmu_dataguard.history import ENV_VAR, open_store, schema
from kmu_dataguard.history.approval import approve_change, current_user
from kmu_dataguard.history.baselines import pending
from kmu_dataguard.history.changes import FIRST_RUN, normalise
from kmu_dataguard.runner import run_gate
from kmu_dataguard.units import parse_share
from tests.conftest import write

CHANGED = "L70003"  # the supplier change_supplier_iban changes


def masked(iban: str) -> str:
    return f"{iban[:4]} **** **** **** {iban[-4:]}"


def outcome(doc: dict, check: str, ident: str) -> dict:
    found = next(c for c in doc["checks"] if c["name"] == check)
    return next(e for e in found["expectations"] if e["id"] == ident)


def store_bytes() -> bytes:
    """Every byte of the test's SQLite history store (the WAL too: not yet checkpointed)."""
    path = Path(os.environ[ENV_VAR])
    parts = [path, path.with_name(path.name + "-wal")]
    return b"".join(p.read_bytes() for p in parts if p.exists())


# --------------------------------------------------------------------------- the done-when


def test_a_changed_iban_blocks_the_payment_run_until_approved(
    world: DemoWorld, dataguard, tmp_path: Path
) -> None:
    gate = ("gate", "payments", "--config", str(world.config))
    first = dataguard(*gate, "--format", "json")
    assert first.code == 0, first.out + first.err
    assert outcome(first.json(), "suppliers", "payment_run.iban_unchanged")["observed_value"] == (
        FIRST_RUN
    )

    old, new = change_supplier_iban(world)
    blocked = dataguard(*gate, "--format", "json", "--report", str(tmp_path / "report"))
    assert blocked.code == 1
    doc = blocked.json()
    iban = outcome(doc, "suppliers", "payment_run.iban_unchanged")
    assert iban["verdict"] == "blocked" and iban["failing_keys"] == [CHANGED]
    assert iban["observed_value"]["changed"] == [
        {"key": CHANGED, "old": masked(old), "new": masked(new)}
    ]
    assert outcome(doc, "suppliers", "payment_run.vat_id_unchanged")["success"] is True
    assert old not in blocked.out and new not in blocked.out
    (run_folder,) = (tmp_path / "report" / "runs").iterdir()
    page = (run_folder / "index.html").read_text(encoding="utf-8")
    assert f"{masked(old)} → {masked(new)}" in page and new not in page
    stored = store_bytes()
    assert new.encode() not in stored and old.encode() not in stored
    assert masked(new).encode() in stored  # what it keeps instead

    again = dataguard(*gate)  # the text the steward reads; the block stays until approved
    assert again.code == 1
    assert f"IBAN: changed – 1 record (6.7 %): {CHANGED}" in again.out
    assert f"{CHANGED}: {masked(old)} → {masked(new)}" in again.out

    note = "Bank change confirmed by phone"
    approved = dataguard(
        "approve", "payments", "--check", "suppliers", "--key", CHANGED,
        "--note", note, "--config", str(world.config), "--format", "json",
    )  # fmt: skip
    assert approved.code == 0, approved.err
    (record,) = json.loads(approved.out)["approved"]
    assert record["approved_by"] == current_user() and record["note"] == note
    assert (record["column"], record["old"], record["new"]) == ("iban", masked(old), masked(new))

    after = dataguard(*gate, "--format", "json")
    assert after.code == 0
    assert outcome(after.json(), "suppliers", "payment_run.iban_unchanged")["success"] is True
    with open_store(f"sqlite:///{os.environ[ENV_VAR]}") as store, store.reading("t") as conn:
        rows = conn.execute(sa.select(schema.approvals)).all()
        last_blocked = conn.execute(
            sa.select(schema.runs.c.run_id)
            .where(schema.runs.c.verdict == "blocked")
            .order_by(schema.runs.c.started_at.desc())
        ).first()
    assert [(r.record_key, r.approved_by, r.note) for r in rows] == [
        (CHANGED, current_user(), note)
    ]
    assert last_blocked is not None and rows[0].run_id == last_blocked.run_id


def test_reformatting_an_iban_is_no_change(world: DemoWorld) -> None:
    run_gate("payments", world.config)
    with sqlite3.connect(world.database) as conn:
        (iban,) = conn.execute("SELECT iban FROM suppliers WHERE supplier_id = 'L70001'").fetchone()
        spaced = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)).lower()
        conn.execute("UPDATE suppliers SET iban = ? WHERE supplier_id = 'L70001'", (spaced,))
        conn.execute(
            "UPDATE suppliers SET vat_id = ' ' || lower(vat_id) WHERE supplier_id = 'L70002'"
        )
    conn.close()
    assert normalise(spaced) == normalise(iban) != normalise(iban[:-1] + "0")
    result = run_gate("payments", world.config)
    assert result.exit_code == 0, result.summary()


def test_approve_with_nothing_pending_exits_2_and_says_what_is_pending(
    world: DemoWorld, dataguard
) -> None:
    config = ("--config", str(world.config))
    run_gate("payments", world.config)
    nothing = dataguard("approve", "payments", "--check", "suppliers", "--key", "L70001", *config)
    assert nothing.code == 2
    assert "nothing to approve for record 'L70001'" in nothing.err
    assert "no change of check 'suppliers' waits for approval" in nothing.err

    change_supplier_iban(world)
    run_gate("payments", world.config)
    other = dataguard("approve", "payments", "--check", "suppliers", "--key", "L70001", *config)
    assert other.code == 2 and f"changes waiting: {CHANGED} (iban)" in other.err
    wrong_column = dataguard(
        "approve", "payments", "--check", "suppliers", "--key", CHANGED, "--column", "vat_id",
        *config,
    )  # fmt: skip
    assert wrong_column.code == 2
    wrong_check = dataguard(
        "approve", "payments", "--check", "customers", "--key", CHANGED, *config
    )
    assert wrong_check.code == 2 and "gate 'payments' has no check 'customers'" in wrong_check.err
    wrong_gate = dataguard("approve", "nightly", "--check", "suppliers", "--key", CHANGED, *config)
    assert wrong_gate.code == 2 and "no gate named 'nightly'" in wrong_gate.err
    with open_store(f"sqlite:///{os.environ[ENV_VAR]}") as store:
        assert [p.key for p in pending(store, "payments")] == [CHANGED]  # nothing was approved
    as_json = dataguard(
        "approve", "payments", "--check", "suppliers", "--key", "L70001", *config,
        "--format", "json",
    )  # fmt: skip
    assert as_json.code == 2
    assert json.loads(as_json.out) == {
        "approved": [], "error": as_json.err.strip().removeprefix("dataguard: error: "),
        "exit_code": 2,
    }  # fmt: skip
    usage = dataguard("approve", "payments", "--format", "json", "--bogus")
    assert usage.code == 2 and json.loads(usage.out)["error"] == "No such option '--bogus'."


def test_history_off_cannot_evaluate_change_detection(
    world: DemoWorld, dataguard, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_VAR)
    text = world.config.read_text(encoding="utf-8")
    world.config.write_text("history: off\n" + text, encoding="utf-8")
    run = dataguard("gate", "payments", "--config", str(world.config), "--format", "json")
    assert run.code == 3
    iban = outcome(run.json(), "suppliers", "payment_run.iban_unchanged")
    assert iban["verdict"] == "error"
    assert "needs the run history (history: off)" in iban["error"]
    assert outcome(run.json(), "suppliers", "payment_run.iban_valid")["success"] is True
    approve = dataguard(
        "approve", "payments", "--check", "suppliers", "--key", CHANGED,
        "--config", str(world.config),
    )  # fmt: skip
    assert approve.code == 2 and "history: off" in approve.err


@pytest.mark.parametrize("fixture", ["pg_database", "mariadb_database"])
def test_a_server_store(world: DemoWorld, fixture: str, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue(fixture).url
    text = world.config.read_text(encoding="utf-8")
    world.config.write_text(f"history: '{url}'\n" + text, encoding="utf-8")
    assert run_gate("payments", world.config).exit_code == 0
    old, new = change_supplier_iban(world)
    blocked = run_gate("payments", world.config)
    assert blocked.exit_code == 1
    (iban,) = [e for e in blocked.checks[0].expectations if not e.success]
    assert iban.failing_values == [f"{masked(old)} → {masked(new)}"]
    assert run_gate("payments", world.config).exit_code == 1

    from kmu_dataguard.config import load_config

    (done,) = approve_change(
        load_config(world.config), "payments", check="suppliers", key=CHANGED, by="Anna"
    )
    assert (done.by, done.new) == ("Anna", masked(new))
    assert run_gate("payments", world.config).exit_code == 0


# --------------------------------------------------------------------------- the rules


SUITE = {
    "name": "bank",
    "meta": {"description": {"en": "bank details unchanged"}},
    "expectations": [
        {"type": "expect_column_values_to_be_unchanged", "kwargs": {"column": "iban"}},
    ],
}


def check_csv(dataguard, folder: Path, rows: str, *more: str):
    data = write(folder / "lieferanten.csv", "id;iban\n" + rows)
    args = ["check", str(data), "--suite", str(folder / "bank.json"), "--key", "id"]
    return dataguard(*args, "--format", "json", *more)


def test_revert_removal_reappearance_and_empty_values(tmp_path: Path, dataguard) -> None:
    write(tmp_path / "bank.json", json.dumps(SUITE))
    first = check_csv(dataguard, tmp_path, "A;DE89370400440532013000\nB;AT611904300234573201\nC;\n")
    assert first.code == 0 and first.json()["checks"][0]["expectations"][1]["observed_value"] == (
        FIRST_RUN
    )
    # A changed; B is gone; C got an IBAN (a new bank account is a change too); D is new.
    second = check_csv(
        dataguard, tmp_path, "A;DE12500105170648489890\nC;DE02120300000000202051\nD;X\n"
    )
    exp = second.json()["checks"][0]["expectations"][1]
    assert second.code == 1 and exp["failing_keys"] == ["A", "C"]
    assert [c["old"] for c in exp["observed_value"]["changed"]] == [
        masked("DE89370400440532013000"),
        "–",
    ]
    assert exp["observed_value"]["new_records"] == 1
    # A back at its value: the pending change is dropped; B is back with another IBAN.
    third = check_csv(
        dataguard, tmp_path, "A;DE89370400440532013000\nB;DE12500105170648489890\nC;\nD;X\n"
    )
    exp = third.json()["checks"][0]["expectations"][1]
    assert exp["failing_keys"] == ["B"], "a removed record keeps its baseline"
    with open_store(f"sqlite:///{os.environ[ENV_VAR]}") as store:
        assert [p.key for p in pending(store, "check:lieferanten")] == ["B"]


def test_a_key_on_two_rows_is_judged_by_both_values(tmp_path: Path, dataguard) -> None:
    write(tmp_path / "bank.json", json.dumps(SUITE))
    rows = "A;DE89370400440532013000\nA;AT611904300234573201\n"
    assert check_csv(dataguard, tmp_path, rows).code == 0
    # the same two values in the other order: no change
    swapped = "A;AT611904300234573201\nA;DE89370400440532013000\n"
    assert check_csv(dataguard, tmp_path, swapped).code == 0
    one = check_csv(dataguard, tmp_path, "A;AT611904300234573201\n")
    changed = one.json()["checks"][0]["expectations"][1]["observed_value"]["changed"]
    assert changed[0]["old"].count("|") == 1 and one.code == 1


def test_a_user_suite_with_an_unknown_column_or_without_key(tmp_path: Path, dataguard) -> None:
    present = {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id"}}
    typo = {"type": "expect_column_values_to_be_unchanged", "kwargs": {"column": "ibna"}}
    write(tmp_path / "bank.json", json.dumps(dict(SUITE, expectations=[present, typo])))
    run = check_csv(dataguard, tmp_path, "A;DE89370400440532013000\n")
    assert run.code == 3
    assert "column 'ibna' not in" in run.json()["checks"][0]["expectations"][2]["error"]
    write(tmp_path / "bank.json", json.dumps(SUITE))
    data = tmp_path / "lieferanten.csv"
    keyless = dataguard(
        "check", str(data), "--suite", str(tmp_path / "bank.json"), "--format", "json"
    )
    assert keyless.code == 3 and "needs a key column" in keyless.out


def test_mostly_or_when_on_change_detection_is_a_configuration_error(
    world: DemoWorld, dataguard
) -> None:
    text = world.config.read_text(encoding="utf-8").replace(
        "    suite: payment_run",
        "    suite: payment_run\n    overrides:\n      payment_run.iban_unchanged: {mostly: 0.9}",
    )
    world.config.write_text(text, encoding="utf-8")
    run = dataguard("gate", "payments", "--config", str(world.config))
    assert run.code == 2
    assert "payment_run.iban_unchanged" in run.err and "does not take mostly" in run.err


# --------------------------------------------------------------------------- max_row_drop


def test_half_the_customers_missing_is_could_not_validate(world: DemoWorld, dataguard) -> None:
    url = f"sqlite:///{world.database}"
    args = ["check", url, "--table", "customers", "--suite", "customers", "--key", "customer_id"]
    args += ["--max-row-drop", "20 %", "--format", "json"]
    first = dataguard(*args)
    assert first.code == 1  # the seeded defects; nothing to compare the rows with yet
    assert outcome(first.json(), "customers", "source.max_row_drop")["success"] is True

    with sqlite3.connect(world.database) as conn:  # three customers archived: 5 %
        conn.execute("DELETE FROM customers WHERE customer_id IN ('K10058','K10059','K10060')")
    conn.close()
    small = dataguard(*args)
    assert outcome(small.json(), "customers", "source.max_row_drop")["success"] is True

    with sqlite3.connect(world.database) as conn:  # the export broke off half-way
        conn.execute("DELETE FROM customers WHERE rowid > 30")
    conn.close()
    half = dataguard(*args)
    assert half.code == 3
    drop = outcome(half.json(), "customers", "source.max_row_drop")
    assert drop["verdict"] == "error"
    assert "holds 30 records, 57 in the previous run" in drop["error"]
    assert "47.4 % fewer, more than max_row_drop 20 %" in drop["error"]
    assert "export it again completely" in drop["error"]
    # Still cut off: compared with the last run that validated, not with the broken one.
    assert (
        "57 in the previous run"
        in outcome(dataguard(*args).json(), "customers", "source.max_row_drop")["error"]
    )


def test_max_row_drop_needs_the_history(world: DemoWorld, dataguard) -> None:
    text = world.config.read_text(encoding="utf-8")
    text = text.replace("    min_rows: 10 ", "    max_row_drop: 20 %\n    min_rows: 10 ")
    world.config.write_text("history: off\n" + text, encoding="utf-8")
    run = dataguard("gate", "invoicing", "--config", str(world.config), "--format", "json")
    assert run.code == 3
    drop = outcome(run.json(), "customers", "source.max_row_drop")
    assert "max_row_drop compares with the previous run" in drop["error"]
    assert "history: off" in drop["error"]


@pytest.mark.parametrize(
    ("given", "share"),
    [("20 %", 0.2), ("20%", 0.2), ("12,5 %", 0.125), (0.2, 0.2), ("0.2", 0.2), (0, 0.0)],
)
def test_max_row_drop_forms(given: object, share: float) -> None:
    assert parse_share(given) == pytest.approx(share)


@pytest.mark.parametrize("given", [20, "20", "100 %", 1.5, True, "-5 %", "viel"])
def test_max_row_drop_refuses_what_could_mean_two_things(given: object) -> None:
    with pytest.raises(ValueError, match="write a percentage below 100"):
        parse_share(given)


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda p: p.write_bytes(b"this is not a database" * 100), "damaged"),
        (lambda p: _newer_store(p), "newer kmu-dataguard"),
    ],
    ids=["corrupt", "newer"],
)
def test_approve_on_a_store_that_cannot_be_used_exits_3_and_keeps_it(
    world: DemoWorld, dataguard, damage, expected: str, tmp_path: Path
) -> None:
    store = tmp_path / "bad.db"
    damage(store)
    before = store.read_bytes()
    run = dataguard(
        "approve", "payments", "--check", "suppliers", "--key", CHANGED,
        "--config", str(world.config), "--history", str(store),
    )  # fmt: skip
    assert run.code == 3
    assert str(store) in run.err and expected in run.err
    assert store.read_bytes() == before


def _newer_store(path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        schema.meta.create(conn)
        version = str(schema.SCHEMA_VERSION + 1)
        conn.execute(sa.insert(schema.meta).values(key="schema_version", value=version))
    engine.dispose()
