"""``dataguard history``: the recorded runs, newest first, with what changed; ``--history``.

Real runs of the demo gate into real stores (SQLite files, a throw-away PostgreSQL server);
every JSON document printed is validated against ``schemas/history-v1.schema.json``.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
import sqlalchemy as sa

from kmu_dataguard.demo.world import DemoWorld
from kmu_dataguard.history import (
    ENV_VAR,
    history_url,
    list_runs,
    open_existing,
    open_store,
    parse_since,
    query,
    schema,
)
from kmu_dataguard.runner import run_check, run_gate
from tests.support.fixing import fix_defect
from tests.support.history_stores import store_of_version
from tests.support.servers import SECRET_PASSWORD


@functools.cache
def _validator() -> object:
    import jsonschema

    from kmu_dataguard.outputs.history import HISTORY_SCHEMA

    document = json.loads(HISTORY_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(document)
    return jsonschema.Draft202012Validator(
        document, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


@pytest.fixture(autouse=True)
def _every_history_document_matches_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    from kmu_dataguard.outputs import history as output

    render = output.render_history_json

    def render_and_validate(*args: object, **kwargs: object) -> str:
        text = render(*args, **kwargs)  # type: ignore[arg-type]
        _validator().validate(json.loads(text))  # type: ignore[attr-defined]
        return text

    monkeypatch.setattr(output, "render_history_json", render_and_validate)


def history(dataguard: Callable[..., object], *args: str) -> tuple[int, dict]:
    """``dataguard history ARGS --format json``: the exit code and the document."""
    run = dataguard("history", *args, "--format", "json")
    return run.code, json.loads(run.out)  # type: ignore[attr-defined]


def check_of(run: dict, name: str) -> dict:
    return next(c for c in run["checks"] if c["name"] == name)


@pytest.fixture
def two_runs(world: DemoWorld) -> Iterator[tuple[str, str]]:
    """The demo gate run twice, one customer's currency fixed in between: the two run ids."""
    first = run_gate("invoicing", world.config)
    fix_defect(world, "customers", "currency")
    second = run_gate("invoicing", world.config)
    assert first.run_id and second.run_id
    yield first.run_id, second.run_id


def test_the_runs_newest_first_with_the_fixed_record(
    world: DemoWorld, two_runs: tuple[str, str], dataguard
) -> None:
    first, second = two_runs
    code, doc = history(dataguard, "invoicing", "--config", str(world.config))
    assert code == 0 and doc["error"] is None and doc["store_found"] is True
    assert [r["run_id"] for r in doc["runs"]] == [second, first]
    newest, oldest = doc["runs"]
    assert newest["gate"] == newest["subject"] == "invoicing"
    assert newest["verdict"] == "blocked" and newest["exit_code"] == 1
    assert newest["started_at"] >= oldest["started_at"]

    now, before = check_of(newest, "customers"), check_of(oldest, "customers")
    assert now["previous_run"] == first
    assert (now["new_failing"], now["fixed"], now["complete"]) == (0, 1, True)
    assert now["failing_records"] == before["failing_records"] - 1
    currency = "customers.currency_valid"
    assert now["expectations"][currency] == before["expectations"][currency] - 1
    assert now["expectations"]["customers.id_present"] == 0  # passing ones are listed too
    assert (newest["new_failing"], newest["fixed"]) == (0, 1)
    assert newest["failing_records"] == oldest["failing_records"] - 1
    # the oldest run has nothing to compare with
    assert before["previous_run"] is None and before["new_failing"] is None
    assert oldest["new_failing"] is None and oldest["fixed"] is None


@pytest.mark.parametrize(
    ("lang", "title", "run_words", "check_words", "first"),
    [
        (
            "de",
            "Verlauf von invoicing: 2 Läufe, neueste zuerst",
            "BLOCKIERT (exit 1)  12 Datensätze mit Fehlern, +0 neu, 1 behoben",
            "customers  BLOCKIERT  6 von 60 Datensätzen mit Fehlern, +0 neu, 1 behoben; ",
            "13 Datensätze mit Fehlern, erster Lauf",
        ),
        (
            "en",
            "Run history of invoicing: 2 runs, newest first",
            "BLOCKED (exit 1)  12 records with problems, +0 new, 1 fixed",
            "customers  BLOCKED  6 of 60 records with problems, +0 new, 1 fixed; ",
            "13 records with problems, first run",
        ),
    ],
)
def test_the_text_in_german_and_english(
    world: DemoWorld,
    two_runs: tuple[str, str],
    dataguard,
    lang: str,
    title: str,
    run_words: str,
    check_words: str,
    first: str,
) -> None:
    run = dataguard("history", "invoicing", "--config", str(world.config), "--lang", lang)
    assert run.code == 0 and run.err == ""
    lines = run.out.splitlines()
    assert lines[0].startswith(title + " (")
    runs = [line for line in lines if line.endswith("]")]
    assert len(runs) == 2
    date = r"\d\d\.\d\d\.\d{4} \d\d:\d\d" if lang == "de" else r"\d{4}-\d\d-\d\d \d\d:\d\d"
    assert re.match(date + r" \S+  invoicing  ", runs[0]), runs[0]
    assert run_words in runs[0] and f"[{two_runs[1]}]" in runs[0]
    assert first in runs[1]
    customers = next(line for line in lines if line.startswith("    customers  "))
    assert customers.startswith("    " + check_words), customers
    # the check's name is not repeated before each id; five are named, then how many more
    assert "; name_present 1, country_valid 1, " in customers
    assert customers.endswith(" 2 weitere" if lang == "de" else " 2 more")


def test_since_and_limit(world: DemoWorld, two_runs: tuple[str, str], dataguard) -> None:
    first, second = two_runs
    store = Path(_env_store())
    with sqlite3.connect(store) as conn:  # the first run ten days ago
        conn.execute(
            "UPDATE dg_runs SET started_at = ? WHERE run_id = ?",
            ((datetime.now(UTC) - timedelta(days=10)).strftime("%Y-%m-%d %H:%M:%S.%f"), first),
        )
    conn.close()
    config = ["--config", str(world.config)]
    for since, expected in [
        ("7d", [second]),
        ("240h", [second]),
        ("11d", [second, first]),
        ((datetime.now() - timedelta(days=11)).strftime("%Y-%m-%d"), [second, first]),
        ((datetime.now() - timedelta(days=11)).strftime("%d.%m.%Y"), [second, first]),
        ((datetime.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"), []),
    ]:
        code, doc = history(dataguard, "invoicing", *config, "--since", since)
        assert code == 0 and [r["run_id"] for r in doc["runs"]] == expected, since
    code, doc = history(dataguard, "invoicing", *config, "--since", "7d")
    assert doc["since"] is not None and doc["more"] is False
    # the previous run of a shown run may lie before --since: the change is still there
    assert check_of(doc["runs"][0], "customers")["fixed"] == 1

    code, doc = history(dataguard, *config, "--limit", "1")
    assert code == 0 and [r["run_id"] for r in doc["runs"]] == [second] and doc["more"] is True

    code, doc = history(dataguard, *config, "--since", "yesterday")
    assert code == 2 and doc["runs"] == [] and "--since 'yesterday'" in doc["error"]


def test_the_help_states_the_limit_the_listing_uses() -> None:
    command = importlib.import_module("kmu_dataguard.cli.history")
    assert command._DEFAULT_LIMIT == query.DEFAULT_LIMIT  # kept apart so --help loads no SQL


def test_since_reads_local_time_and_ages() -> None:
    now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    assert parse_since("7d", now) == now - timedelta(days=7)
    assert parse_since("2026-12-01T14:00+01:00") == datetime(2026, 12, 1, 13, tzinfo=UTC)
    local = datetime(2026, 12, 1).astimezone()
    assert parse_since("2026-12-01") == parse_since("1.12.2026") == local.astimezone(UTC)
    with pytest.raises(ValueError, match="neither a date nor an age"):
        parse_since("7")


def test_a_relative_sqlite_url_is_relative_like_a_path(tmp_path: Path) -> None:
    expected = f"sqlite:///{(tmp_path / 'h.db').resolve()}"
    assert history_url("sqlite:///h.db", tmp_path, {}) == history_url("h.db", tmp_path, {})
    assert history_url("sqlite:///h.db", tmp_path, {}) == expected
    url = "postgresql://guard:pw@db/dataguard"
    assert history_url(url, tmp_path, {}) == url


def test_no_history_yet_is_an_empty_answer_and_creates_nothing(
    dataguard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "none" / "history.db"
    code, doc = history(dataguard, "--history", str(store))
    assert code == 0 and doc["runs"] == [] and doc["store_found"] is False
    assert doc["store"] == f"sqlite:///{store}"
    assert not store.parent.exists()

    # Without dataguard.yml: where `dataguard check` records, in the current folder.
    monkeypatch.delenv(ENV_VAR)
    monkeypatch.chdir(tmp_path)
    run = dataguard("history", "--lang", "en")
    assert run.code == 0
    default = tmp_path / ".dataguard" / "history.db"
    assert run.out.strip() == (
        f"No history yet at sqlite:///{default}: run a gate first (dataguard gate NAME)."
    )
    assert not default.parent.exists()


def test_an_empty_store_file_is_no_history_and_stays_empty(dataguard, tmp_path: Path) -> None:
    store = tmp_path / "history.db"
    store.touch()
    code, doc = history(dataguard, "--history", str(store))
    assert code == 0 and doc["store_found"] is False
    assert store.stat().st_size == 0


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda p: p.write_bytes(b"this is not a database" * 100), "the file is damaged"),
        (lambda p: store_of_version(p, schema.SCHEMA_VERSION + 1), "newer kmu-dataguard"),
    ],
    ids=["corrupt", "newer"],
)
def test_a_store_that_cannot_be_read_exits_3_with_one_line(
    dataguard, tmp_path: Path, damage: Callable[[Path], None], expected: str
) -> None:
    store = tmp_path / "history.db"
    damage(store)
    before = store.read_bytes()
    run = dataguard("history", "--history", str(store), "--lang", "en")
    assert run.code == 3 and run.out == ""
    assert len(run.err.splitlines()) == 1
    assert run.err.startswith(f"dataguard: error: history store sqlite:///{store}")
    assert expected in run.err
    code, doc = history(dataguard, "--history", str(store))
    assert code == 3 and doc["runs"] == [] and expected in doc["error"]
    assert store.read_bytes() == before, "nothing lost: the store is left as it was"


def test_an_older_store_is_read_without_migrating_it(
    world: DemoWorld, dataguard, tmp_path: Path
) -> None:
    store = tmp_path / "v1.db"
    store_of_version(store, 1)
    engine = sa.create_engine(f"sqlite:///{store}")
    with engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
    engine.dispose()
    code, doc = history(dataguard, "--history", str(store))
    assert code == 0 and doc["store_found"] is True and doc["runs"] == []
    engine = sa.create_engine(f"sqlite:///{store}")
    with engine.connect() as conn:
        assert set(sa.inspect(conn).get_table_names()) == tables
        assert conn.execute(sa.text("SELECT value FROM dg_meta")).scalar() == "1"
    engine.dispose()


def test_gates_unknown_known_without_runs_and_history_off(
    world: DemoWorld, two_runs: tuple[str, str], dataguard, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = ["--config", str(world.config)]
    run = dataguard("history", "invocing", *config)
    assert run.code == 2
    assert "no gate named 'invocing' (gates defined: invoicing, payments)" in run.err
    code, doc = history(dataguard, "payments", *config)
    assert code == 0 and doc["runs"] == [] and doc["store_found"] is True

    code, doc = history(dataguard, *config, "--history", "off")
    assert code == 2 and "the history is off" in doc["error"]
    monkeypatch.setenv(ENV_VAR, "off")
    assert dataguard("history", *config).code == 2


def test_a_check_that_could_not_be_validated_is_not_compared(world: DemoWorld, dataguard) -> None:
    """A check whose source could not be read has no "fixed" records: nothing was checked.
    The next run compares with the last run that validated it."""
    first = run_gate("invoicing", world.config)
    saved = world.contacts_csv.read_bytes()
    world.contacts_csv.unlink()
    broken = run_gate("invoicing", world.config)
    contacts = next(c for c in broken.checks if c.name == "contacts")
    assert contacts.verdict == "error" and broken.exit_code == 3
    assert contacts.history is not None and contacts.history.to_dict() is None
    world.contacts_csv.write_bytes(saved)
    third = run_gate("invoicing", world.config)

    code, doc = history(dataguard, "invoicing", "--config", str(world.config))
    assert code == 0
    assert [r["run_id"] for r in doc["runs"]] == [third.run_id, broken.run_id, first.run_id]
    now, errored, _ = (check_of(r, "contacts") for r in doc["runs"])
    assert errored["verdict"] == "error" and errored["previous_run"] is None
    assert errored["new_failing"] is None and errored["fixed"] is None
    assert now["previous_run"] == first.run_id and (now["new_failing"], now["fixed"]) == (0, 0)
    customers = check_of(doc["runs"][0], "customers")
    assert customers["previous_run"] == broken.run_id  # customers was validated in between


def test_ad_hoc_checks_are_listed_as_check_name(world: DemoWorld, dataguard) -> None:
    result = run_check(world.contacts_csv, "contacts", key="contact_id")
    assert result.run_id
    code, doc = history(dataguard, "check:crm_contacts", "--config", str(world.config))
    assert code == 0 and [r["run_id"] for r in doc["runs"]] == [result.run_id]
    assert doc["runs"][0]["gate"] is None and doc["runs"][0]["subject"] == "check:crm_contacts"
    assert doc["gate"] == "check:crm_contacts"


def test_history_option_of_gate_and_check_records_where_it_says(
    world: DemoWorld, dataguard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run = dataguard("gate", "invoicing", "--config", str(world.config), "--history", "mine.db")
    assert run.code == 1
    assert (tmp_path / "mine.db").is_file(), "a path on the command line is relative to the cwd"
    run = dataguard("check", str(world.contacts_csv), "--suite", "contacts", "--history", "mine.db")
    assert run.code == 1
    code, doc = history(dataguard, "--history", "mine.db")
    assert code == 0
    assert [r["subject"] for r in doc["runs"]] == ["check:crm_contacts", "invoicing"]
    assert not Path(_env_store()).exists(), "nothing went to the default store"

    run = dataguard(
        "gate", "invoicing", "--config", str(world.config), "--history", "off", "--format", "json"
    )
    assert run.code == 1 and run.json()["run_id"] is None


def test_the_listing_queries_do_not_grow_with_the_runs_shown(world: DemoWorld) -> None:
    """No query per run or per check: a fixed few, and one per batch of runs whose failing
    keys are compared (batches bound the memory at 125 000 keys per check)."""
    result = run_gate("invoicing", world.config)
    with open_store(_env_store_url()) as store:  # the same run recorded again and again
        for n in range(6 * query.KEY_BATCH):  # the oldest shown has a previous run too
            result.run_id = f"copy-{n:03d}"
            result.started_at += timedelta(minutes=1)
            store.record(result, subject="invoicing", config_hash="x", version="x")
    few, many = _statements(query.KEY_BATCH), _statements(6 * query.KEY_BATCH)
    assert few <= 6
    assert many == few + 5


def _statements(limit: int) -> int:
    seen: list[str] = []

    def count(_conn, _cursor, statement: str, *_: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    store = open_existing(_env_store_url())
    assert store is not None
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", count)
    try:
        with store:
            listing = list_runs(store, "invoicing", limit=limit)
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", count)
    assert listing.runs
    return len(seen)


def test_a_postgresql_store_works_the_same_and_hides_its_password(
    world: DemoWorld, dataguard, pg_database
) -> None:
    url = pg_database.secret_url
    config = ["--config", str(world.config), "--history", url]
    assert dataguard("gate", "invoicing", *config).code == 1
    fix_defect(world, "customers", "currency")
    run = dataguard("gate", "invoicing", *config, "--format", "json")
    second = run.json()["run_id"]

    printed = []
    code, doc = history(dataguard, "invoicing", *config)
    printed.append(json.dumps(doc))
    assert code == 0 and doc["runs"][0]["run_id"] == second and len(doc["runs"]) == 2
    customers = check_of(doc["runs"][0], "customers")
    assert (customers["new_failing"], customers["fixed"]) == (0, 1)
    assert "***" in doc["store"]
    text = dataguard("history", "invoicing", *config, "--lang", "de")
    assert text.code == 0 and "+0 neu, 1 behoben" in text.out
    printed += [text.out, text.err]

    # A database that does not exist: exit 3, the URL in the message without its password.
    wrong = url.rsplit("/", 1)[0] + "/no_such_database"
    failed = dataguard("history", "--history", wrong)
    assert failed.code == 3 and "no_such_database" in failed.err
    printed += [failed.out, failed.err]
    for spelling in {SECRET_PASSWORD, quote(SECRET_PASSWORD), quote_plus(SECRET_PASSWORD)}:
        assert all(spelling not in out for out in printed), spelling


def _env_store() -> str:
    return os.environ[ENV_VAR]


def _env_store_url() -> str:
    return f"sqlite:///{_env_store()}"


def test_a_wrong_option_in_json_mode_prints_an_empty_history_document(dataguard) -> None:
    # A script parsing history-v1 must not get the gate's result document (the fixture above
    # validates the document against the history schema).
    wrong = dataguard("history", "--format", "json", "--limit", "x")
    assert wrong.code == 2
    doc = json.loads(wrong.out)
    assert doc["runs"] == [] and "'--limit'" in doc["error"]
