"""Validation in the database: native expectations run as SQL, the others on fetched columns,
with every failing key listed and the same verdicts as in memory."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from kmu_dataguard import engine
from kmu_dataguard.config import build_config
from kmu_dataguard.engine import database
from kmu_dataguard.sources.reading import read_check_table
from kmu_dataguard.sources.sql import validation_engine_args
from kmu_dataguard.sources.table import SqlTable
from kmu_dataguard.suites import read_suite_file
from tests.conftest import write

ROWS = 230


def load_partners(db) -> None:
    with db.admin_engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE partners (id VARCHAR(10), name VARCHAR(50), country VARCHAR(20),"
            " iban VARCHAR(40), terms VARCHAR(10))"
        )
        rows = [
            {
                "id": f"P{i:04d}",
                "name": None if i % 9 == 0 else f"Firma {i}",
                "country": "Germany" if i % 4 == 0 else "DE",
                "iban": "DE89370400440532013000" if i % 5 else "DE89370400440532013001",
                "terms": "30" if i % 7 else "dreißig",
            }
            for i in range(ROWS)
        ]
        conn.execute(
            sa.text("INSERT INTO partners VALUES (:id, :name, :country, :iban, :terms)"), rows
        )


SUITE = {
    "name": "partners",
    "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "name"}},
        {
            "type": "expect_column_values_to_be_in_set",
            "kwargs": {"column": "country", "value_set": ["DE", "AT"], "mostly": 0.5},
        },
        {"type": "expect_column_values_to_be_valid_iban", "kwargs": {"column": "iban"}},
        {
            "type": "expect_column_values_to_match_regex",
            "kwargs": {"column": "terms", "regex": "^[0-9]+$"},
        },
        {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "id"}},
    ],
}


def expected_failures() -> dict[str, list[str]]:
    ids = [f"P{i:04d}" for i in range(ROWS)]
    return {
        "name.not_be_null": [k for i, k in enumerate(ids) if i % 9 == 0],
        "country.be_in_set": [k for i, k in enumerate(ids) if i % 4 == 0],
        "iban.be_valid_iban": [k for i, k in enumerate(ids) if i % 5 == 0],
        "terms.match_regex": [k for i, k in enumerate(ids) if i % 7 == 0],
        "id.be_unique": [],
    }


def run(db, tmp_path, monkeypatch, *, in_database: bool, chunk_rows: int = 100_000):
    monkeypatch.setattr(database, "_CHUNK_ROWS", chunk_rows)
    suite_file = write(tmp_path / "partners.json", json.dumps(SUITE))
    cfg = build_config(
        {
            "sources": {"db": {"url": db.url}},
            "checks": {
                "partners": {
                    "source": "db",
                    "table": "partners",
                    "suite": str(suite_file),
                    "key": "id",
                }
            },
        },
        origin=tmp_path / "dataguard.yml",
    )
    table = read_check_table(cfg, cfg.checks["partners"], in_database=in_database)
    assert isinstance(table, SqlTable) is in_database
    try:
        outcomes = engine.validate_table(table, read_suite_file(suite_file), key="id")
    finally:
        if isinstance(table, SqlTable):
            table.close()
    return {o.id: o for o in outcomes}


def test_in_database_lists_every_failing_key(sql_database, tmp_path, monkeypatch):
    load_partners(sql_database)
    found = run(sql_database, tmp_path, monkeypatch, in_database=True)
    expected = expected_failures()
    assert {i: sorted(o.failing_keys) for i, o in found.items()} == expected
    assert all(o.error is None for o in found.values())
    # more failing keys than GX's partial list of 20, all of them listed
    assert len(found["country.be_in_set"].failing_keys) == 58
    # mostly=0.5: 58 of 230 fail, still a success; the others fail
    assert found["country.be_in_set"].success
    assert not found["name.not_be_null"].success and found["id.be_unique"].success
    assert found["iban.be_valid_iban"].failing_values[0] == "DE89370400440532013001"


def test_chunks_and_memory_agree(sql_database, tmp_path, monkeypatch):
    load_partners(sql_database)
    chunked = run(sql_database, tmp_path, monkeypatch, in_database=True, chunk_rows=17)
    memory = run(sql_database, tmp_path, monkeypatch, in_database=False)
    for ident, outcome in memory.items():
        other = chunked[ident]
        assert (other.success, other.unexpected_count, sorted(other.failing_keys)) == (
            outcome.success,
            outcome.unexpected_count,
            sorted(outcome.failing_keys),
        ), ident
        assert other.unexpected_percent == pytest.approx(outcome.unexpected_percent)


def test_validation_sessions_are_read_only(pg_database, mariadb_database):
    for db in (pg_database, mariadb_database):
        url, kwargs = validation_engine_args(db.url)
        eng = sa.create_engine(url, **kwargs)
        try:
            with pytest.raises(sa.exc.DBAPIError), eng.connect() as conn:
                conn.exec_driver_sql("CREATE TABLE dg_write_attempt (x INT)")
        finally:
            eng.dispose()


@pytest.mark.parametrize(
    ("check", "suite"),
    [
        ("customers", "customers"),
        ("suppliers", "suppliers"),
        ("suppliers", "payment_run"),
        ("articles", "articles"),
    ],
)
def test_builtin_suites_agree_in_database_and_in_memory(world, check, suite):
    """Every built-in expectation gives the same verdict and keys wherever it runs."""
    from kmu_dataguard.config import load_config
    from kmu_dataguard.history.changes import split_history
    from kmu_dataguard.suites import SuiteCatalog

    with sa.create_engine(f"sqlite:///{world.database}").begin() as conn:
        # one supplier entered twice (same VAT ID and IBAN): a cross-row, table-level check
        conn.exec_driver_sql(
            "INSERT INTO suppliers SELECT 'L79999', name || ' (neu)', street, postal_code, city,"
            " country, vat_id, tax_number, email, phone, iban, bic, currency,"
            " payment_terms_days, blocked FROM suppliers WHERE supplier_id = 'L70001'"
        )
    cfg = load_config(world.config)
    # What the engine is given: change detection is judged against the history, not here.
    spec, _ = split_history(SuiteCatalog().load(suite))
    key = cfg.checks[check].key
    results = []
    for in_database in (True, False):
        table = read_check_table(cfg, cfg.checks[check], in_database=in_database)
        try:
            results.append(engine.validate_table(table, spec, key=key))
        finally:
            if isinstance(table, SqlTable):
                table.close()
    in_db, in_memory = ({o.id: o for o in r} for r in results)
    for ident, outcome in in_memory.items():
        other = in_db[ident]
        assert other.error is None and outcome.error is None, ident
        assert (other.success, sorted(map(str, other.failing_keys))) == (
            outcome.success,
            sorted(map(str, outcome.failing_keys)),
        ), ident
    if suite == "suppliers":
        assert not in_db["suppliers.no_duplicate_partners"].success
    if suite == "payment_run":
        assert sorted(in_db["payment_run.iban_not_shared"].failing_keys) == ["L70001", "L79999"]


def test_duplicate_partners_in_database_read_their_columns(sql_database, tmp_path, monkeypatch):
    """A table expectation names its columns in fields (name_columns, ...), not in ``column``:
    they must be fetched, else duplicates are looked for on the key column alone."""
    with sql_database.admin_engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE partners (id VARCHAR(10), name VARCHAR(50), street VARCHAR(50),"
            " postal_code VARCHAR(10), city VARCHAR(30), country VARCHAR(5), vat_id VARCHAR(20))"
        )
        conn.execute(
            sa.text(
                "INSERT INTO partners VALUES (:id, :name, :street, :postal, :city, 'DE', :vat)"
            ),
            [
                {"id": "P1", "name": "Müller Bau GmbH", "street": "Hauptstraße 1",
                 "postal": "01067", "city": "Dresden", "vat": "DE136695976"},
                {"id": "P2", "name": "Schmidt Logistik AG", "street": "Zeil 5",
                 "postal": "60311", "city": "Frankfurt am Main", "vat": "DE136695976"},
                {"id": "P3", "name": "Mueller Bau GmbH", "street": "Hauptstr. 1",
                 "postal": "01067", "city": "Dresden", "vat": None},
                {"id": "P4", "name": "Weber Druck KG", "street": "Obernstraße 9",
                 "postal": "28195", "city": "Bremen", "vat": "DE811569869"},
            ],
        )  # fmt: skip
    suite = {
        "name": "partners",
        "expectations": [
            {
                "type": "expect_table_rows_to_have_no_duplicate_partners",
                "kwargs": {"key_column": "id"},
            }
        ],
    }
    suite_file = write(tmp_path / "dups.json", json.dumps(suite))
    cfg = build_config(
        {
            "sources": {"db": {"url": sql_database.url}},
            "checks": {
                "partners": {"source": "db", "table": "partners", "suite": str(suite_file),
                             "key": "id"}
            },
        },
        origin=tmp_path / "dataguard.yml",
    )  # fmt: skip
    found = {}
    # In the database the features are built chunk by chunk as rows arrive (one row a chunk
    # here: every partner in another chunk); in memory from the whole frame.
    for in_database, chunk_rows in ((True, 1), (True, 100_000), (False, 100_000)):
        monkeypatch.setattr(database, "_CHUNK_ROWS", chunk_rows)
        table = read_check_table(cfg, cfg.checks["partners"], in_database=in_database)
        try:
            (outcome,) = engine.validate_table(table, read_suite_file(suite_file), key="id")
        finally:
            if isinstance(table, SqlTable):
                table.close()
        assert outcome.error is None
        found[in_database, chunk_rows] = (
            sorted(outcome.failing_keys),
            sorted(outcome.failing_values),
            [g.to_dict() for g in outcome.groups],
        )
    assert found[True, 1] == found[True, 100_000] == found[False, 100_000]
    keys, names, groups = found[True, 1]
    assert keys == ["P1", "P2", "P3"]
    assert names == ["Mueller Bau GmbH", "Müller Bau GmbH", "Schmidt Logistik AG"]
    assert sorted(sorted(g["keys"]) for g in groups) == [["P1", "P2", "P3"]]


def _odd_table_outcomes(db, tmp_path, table_name: str, in_database: bool) -> dict:
    suite = {
        "name": "odd",
        "expectations": [
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "Name"}},
            {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "CardCode"}},
        ],
    }
    suite_file = write(tmp_path / "odd.json", json.dumps(suite))
    cfg = build_config(
        {
            "sources": {"db": {"url": db.url}},
            "checks": {
                "odd": {"source": "db", "table": table_name, "suite": str(suite_file),
                        "key": "CardCode"}
            },
        },
        origin=tmp_path / "dataguard.yml",
    )  # fmt: skip
    table = read_check_table(cfg, cfg.checks["odd"], in_database=in_database)
    try:
        if in_database:
            # A named table is a GX table asset (columns from the catalogue, not by running
            # the query), spelt as the database spells it.
            assert table.table is not None and table.table[1] == "Kunden 2024-Q1"
        outcomes = engine.validate_table(table, read_suite_file(suite_file), key="CardCode")
    finally:
        if isinstance(table, SqlTable):
            table.close()
    return {o.id: (o.error, o.success, sorted(o.failing_keys)) for o in outcomes}


def _load_odd_table(db, schema: str | None) -> None:
    qualified = f'{schema}."Kunden 2024-Q1"' if schema else None
    with db.admin_engine.begin() as conn:
        if schema:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
            conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {schema} TO dg_reader")
        metadata = sa.MetaData(schema=schema)
        table = sa.Table(
            "Kunden 2024-Q1",
            metadata,
            sa.Column("CardCode", sa.String(10)),
            sa.Column("Name", sa.String(40)),
        )
        metadata.create_all(conn)
        rows = [("K1", "Müller"), ("K2", None), ("K2", "Schmidt"), ("K4", "Weber")]
        conn.execute(table.insert(), [{"CardCode": k, "Name": n} for k, n in rows])
        if qualified:
            conn.exec_driver_sql(f"GRANT SELECT ON {qualified} TO dg_reader")


def test_odd_table_names_validate_in_the_database_as_in_memory(sql_database, tmp_path):
    _load_odd_table(sql_database, None)
    in_db = _odd_table_outcomes(sql_database, tmp_path, "Kunden 2024-Q1", True)
    in_memory = _odd_table_outcomes(sql_database, tmp_path, "Kunden 2024-Q1", False)
    assert in_db == in_memory
    assert sorted(in_db.values()) == [(None, False, ["K2"]), (None, False, ["K2", "K2"])]


def test_schema_qualified_table_validates_in_the_database(pg_database, tmp_path):
    _load_odd_table(pg_database, "erp")
    in_db = _odd_table_outcomes(pg_database, tmp_path, "erp.Kunden 2024-Q1", True)
    in_memory = _odd_table_outcomes(pg_database, tmp_path, "erp.Kunden 2024-Q1", False)
    assert in_db == in_memory
    assert sorted(in_db.values()) == [(None, False, ["K2"]), (None, False, ["K2", "K2"])]


def test_duplicate_partners_without_any_key_in_the_database(sql_database, tmp_path):
    """No key at all: the records are named by row number and the frame GX sees in the
    database case has no column, only the row count."""
    with sql_database.admin_engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE partners (name VARCHAR(50), street VARCHAR(50),"
            " postal_code VARCHAR(10), city VARCHAR(30))"
        )
        conn.execute(
            sa.text("INSERT INTO partners VALUES (:n, :s, :p, :c)"),
            [
                {"n": "Müller Bau GmbH", "s": "Hauptstraße 1", "p": "01067", "c": "Dresden"},
                {"n": "Weber Druck KG", "s": "Obernstraße 9", "p": "28195", "c": "Bremen"},
                {"n": "Mueller Bau GmbH", "s": "Hauptstr. 1", "p": "01067", "c": "Dresden"},
            ],
        )
    suite = {
        "name": "p",
        "expectations": [{"type": "expect_table_rows_to_have_no_duplicate_partners"}],
    }
    suite_file = write(tmp_path / "p.json", json.dumps(suite))
    cfg = build_config(
        {
            "sources": {"db": {"url": sql_database.url}},
            "checks": {"p": {"source": "db", "table": "partners", "suite": str(suite_file)}},
        },
        origin=tmp_path / "dataguard.yml",
    )
    found = {}
    for in_database in (True, False):
        table = read_check_table(cfg, cfg.checks["p"], in_database=in_database)
        try:
            (outcome,) = engine.validate_table(table, read_suite_file(suite_file), key=None)
        finally:
            if isinstance(table, SqlTable):
                table.close()
        assert outcome.error is None
        found[in_database] = (outcome.success, sorted(outcome.failing_keys), outcome.meta)
    assert found[True] == found[False]
    assert found[True][:2] == (False, ["1", "3"])


def test_in_database_results_carry_the_suite_name_not_the_table_name(sqlite_database, tmp_path):
    """GX's results (kept for Data Docs, named in engine errors) are filed under the suite's
    name, also for the expectations that ran as SQL on a table named differently."""
    load_partners(sqlite_database)
    suite_file = write(tmp_path / "rules.json", json.dumps({**SUITE, "name": "partner_rules"}))
    cfg = build_config(
        {
            "sources": {"db": {"url": sqlite_database.url}},
            "checks": {"partners": {"source": "db", "table": "partners", "suite": str(suite_file)}},
        },
        origin=tmp_path / "dataguard.yml",
    )
    table = read_check_table(cfg, cfg.checks["partners"], in_database=True)
    assert isinstance(table, SqlTable) and table.table is not None
    kept: list = []
    try:
        engine.validate_table(table, read_suite_file(suite_file), key="id", keep_validations=kept)
    finally:
        table.close()
    # one validation in the database, one in Python (IBAN, and regex on SQLite)
    assert len(kept) == 2
    assert [v.suite_name for v in kept] == ["partner_rules", "partner_rules"]


def test_search_path_in_the_url_holds_for_in_database_validation(pg_database, tmp_path):
    """``?options=-csearch_path=erp`` names the schema of an unqualified table: the validation
    engine's own session must use it too, not read a same-named table in ``public``."""
    with pg_database.admin_engine.begin() as conn:
        conn.exec_driver_sql("CREATE SCHEMA erp")
        conn.exec_driver_sql("GRANT USAGE ON SCHEMA erp TO dg_reader")
        for schema, rows in (
            ("erp", "('K1', 'Müller'), ('K2', NULL)"),
            ("public", "('X1', 'Decoy')"),
        ):
            conn.exec_driver_sql(
                f"CREATE TABLE {schema}.partners (id VARCHAR(10), name VARCHAR(40))"
            )
            conn.exec_driver_sql(f"INSERT INTO {schema}.partners VALUES {rows}")
            conn.exec_driver_sql(f"GRANT SELECT ON {schema}.partners TO dg_reader")
    suite = {
        "name": "partners",
        "expectations": [
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "name"}},
        ],
    }
    suite_file = write(tmp_path / "partners.json", json.dumps(suite))
    url = pg_database.url + ("&" if "?" in pg_database.url else "?")
    cfg = build_config(
        {
            "sources": {"db": {"url": url + "options=-csearch_path%3Derp"}},
            "checks": {
                "partners": {"source": "db", "table": "partners", "suite": str(suite_file),
                             "key": "id"}
            },
        },
        origin=tmp_path / "dataguard.yml",
    )  # fmt: skip
    table = read_check_table(cfg, cfg.checks["partners"])
    assert isinstance(table, SqlTable) and table.table == (None, "partners")
    try:
        # GX's own session, as validate_table opens it, sees the same schema as the reader.
        url, kwargs = table.engine_url, table.engine_kwargs
        validation = sa.create_engine(url, **kwargs)
        try:
            with validation.connect() as conn:
                assert conn.exec_driver_sql("SHOW search_path").scalar() == "erp"
        finally:
            validation.dispose()
        (outcome,) = engine.validate_table(table, read_suite_file(suite_file), key="id")
    finally:
        table.close()
    assert (outcome.error, outcome.success, outcome.failing_keys) == (None, False, ["K2"])


def _partners_config(db, tmp_path, key: str):
    suite_file = write(tmp_path / "partners.json", json.dumps(SUITE))
    return build_config(
        {
            "sources": {"db": {"url": db.url}},
            "checks": {
                "partners": {"source": "db", "table": "partners", "suite": str(suite_file),
                             "key": key}
            },
            "gates": {"nightly": {"checks": ["partners"]}},
        },
        origin=tmp_path / "dataguard.yml",
    )  # fmt: skip


def test_a_table_left_in_the_database_closes_its_reader(sqlite_database, tmp_path, monkeypatch):
    load_partners(sqlite_database)
    cfg = _partners_config(sqlite_database, tmp_path, "id")
    disposed: list[bool] = []
    with read_check_table(cfg, cfg.checks["partners"]) as table:
        assert isinstance(table, SqlTable)
        monkeypatch.setattr(table.reader, "dispose", lambda: disposed.append(True))
    assert disposed == [True]
    with read_check_table(cfg, cfg.checks["partners"], in_database=False) as in_memory:
        assert in_memory.rows == ROWS  # a table in memory closes too (nothing to release)


def test_a_gate_closes_the_reader_when_the_check_fails_early(
    sqlite_database, tmp_path, monkeypatch
):
    """A key column the table lacks ends the check before validation: the reader engine must
    still be disposed."""
    from kmu_dataguard.runner import run_gate

    load_partners(sqlite_database)
    closed: list[str] = []
    monkeypatch.setattr(SqlTable, "close", lambda self: closed.append(self.source_name))
    result = run_gate("nightly", _partners_config(sqlite_database, tmp_path, "no_such_key"))
    (check,) = result.checks
    assert "key column 'no_such_key'" in check.errors[0]
    assert closed == ["db"]
