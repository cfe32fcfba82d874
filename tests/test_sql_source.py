"""The kmu_dataguard.sources.sql package against real SQLite files and PostgreSQL/MariaDB."""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import subprocess
import sys
import traceback
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
import sqlalchemy as sa

from kmu_dataguard.errors import ConfigError, SourceError
from kmu_dataguard.sources import sql
from kmu_dataguard.sources.sql import (
    count_rows,
    describe,
    guard,
    iter_chunks,
    list_tables,
    open_engine,
    read_table,
    redact_url,
    to_text,
)
from tests.support.servers import SECRET_PASSWORD, ServerDatabase, free_port

SECRET_FORMS = {SECRET_PASSWORD, quote_plus(SECRET_PASSWORD), quote(SECRET_PASSWORD, safe="")}


def rendered(err: BaseException) -> str:
    """Everything a user or a log could see of ``err``: messages, reprs, causes, traceback."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts += [str(current), repr(current)]
        current = current.__cause__ or current.__context__
    parts.append("".join(traceback.format_exception(err)))
    return "\n".join(parts)


def assert_no_secret(err: BaseException) -> None:
    text = rendered(err)
    for form in SECRET_FORMS:
        assert form not in text, f"password leaked as {form!r}"


def make_table(
    db: ServerDatabase,
    table_name: str,
    rows: list[dict[str, object]],
    /,
    **cols: sa.types.TypeEngine,
) -> None:
    md = sa.MetaData()
    table = sa.Table(table_name, md, *(sa.Column(c, t) for c, t in cols.items()))
    md.create_all(db.admin_engine)
    if rows:
        with db.admin_engine.begin() as conn:
            conn.execute(table.insert(), rows)


# ------------------------------------------------------------------------------ URLs and engines


def test_redact_url_hides_the_password() -> None:
    url = f"postgresql+psycopg2://erp:{quote_plus(SECRET_PASSWORD)}@db.example:5432/odoo"
    assert redact_url(url) == "postgresql+psycopg2://erp:***@db.example:5432/odoo"


@pytest.mark.parametrize(
    "url",
    [f"postgresql://erp:{SECRET_PASSWORD}@db:notaport/odoo", f"erp:{SECRET_PASSWORD}@db/odoo"],
)
def test_redact_url_never_echoes_an_unparsable_url(url: str) -> None:
    shown = redact_url(url)
    assert SECRET_PASSWORD not in shown
    assert "unparsable" in shown


def test_unparsable_url_is_a_config_error_without_the_password() -> None:
    with pytest.raises(ConfigError, match="cannot be parsed") as info:
        open_engine(f"postgresql://erp:{SECRET_PASSWORD}@db:notaport/odoo")
    assert_no_secret(info.value)


def test_unknown_dialect_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="'oracle' is not supported"):
        open_engine("oracle://scott:tiger@db/orcl")


@pytest.mark.skipif(importlib.util.find_spec("pymssql") is not None, reason="pymssql installed")
def test_missing_driver_names_the_package_to_install() -> None:
    with pytest.raises(ConfigError, match="pip install pymssql") as info:
        open_engine(f"mssql+pymssql://sa:{quote_plus(SECRET_PASSWORD)}@sql01/SBODemoDE")
    assert_no_secret(info.value)


@pytest.mark.skipif(importlib.util.find_spec("MySQLdb") is not None, reason="mysqlclient installed")
def test_missing_explicit_driver_suggests_the_installed_one() -> None:
    with pytest.raises(
        ConfigError, match=r"pip install mysqlclient \(or use the installed mysql\+pymysql://"
    ):
        open_engine("mysql+mysqldb://sap:pw@db/sbo")


def test_url_without_driver_uses_an_installed_one() -> None:
    assert open_engine("postgresql://u@db/odoo").dialect.driver == "psycopg2"
    assert open_engine("mariadb://u@db/sbo").dialect.driver == "pymysql"


def test_missing_sqlite_file_is_a_source_error_and_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "kunden.db"
    with pytest.raises(SourceError, match=r"kunden\.db does not exist"):
        open_engine(f"sqlite:///{missing}")
    assert not missing.exists()


def test_sqlite_memory_database_is_refused() -> None:
    with pytest.raises(ConfigError, match="names no database file"):
        open_engine("sqlite://")


def test_sqlite_is_opened_read_only(sqlite_database: ServerDatabase) -> None:
    make_table(sqlite_database, "kunden", [{"nr": "0001"}], nr=sa.String(10))
    engine = open_engine(sqlite_database.url)
    with engine.connect() as conn, pytest.raises(sa.exc.OperationalError, match="readonly"):
        conn.exec_driver_sql("INSERT INTO kunden (nr) VALUES ('0002')")
    assert read_table(engine, table="kunden", source_name="s")["nr"].tolist() == ["0001"]


def test_sqlite_path_with_spaces_and_hash(tmp_path: Path) -> None:
    path = tmp_path / "Stammdaten #1 (Kopie).db"
    path.touch()
    db = ServerDatabase("sqlite", "x", f"sqlite:///{path}", None, f"sqlite:///{path}")
    make_table(db, "artikel", [{"nr": "007"}], nr=sa.String(10))
    db.close()
    df = read_table(open_engine(f"sqlite:///{path}"), table="artikel", source_name="s")
    assert df["nr"].tolist() == ["007"]


@pytest.mark.parametrize("dialect", ["postgresql", "mariadb"])
def test_server_sessions_are_read_only(dialect: str, request: pytest.FixtureRequest) -> None:
    db: ServerDatabase = request.getfixturevalue(
        "pg_database" if dialect == "postgresql" else "mariadb_database"
    )
    make_table(db, "kunden", [{"nr": "0001"}], nr=sa.String(10))
    # The reader account may write (see tests/support/servers.py): only the session stops it.
    plain = sa.create_engine(db.url, poolclass=sa.pool.NullPool)
    with plain.begin() as conn:
        conn.exec_driver_sql("INSERT INTO kunden (nr) VALUES ('0002')")
    plain.dispose()

    engine = open_engine(db.url)
    with engine.connect() as conn, pytest.raises(sa.exc.DBAPIError) as info:
        conn.exec_driver_sql("INSERT INTO kunden (nr) VALUES ('0003')")
    code = getattr(info.value.orig, "pgcode", None) or info.value.orig.args[0]
    assert code in (
        "25006",
        1792,
    )  # read_only_sql_transaction / ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
    assert sorted(read_table(engine, table="kunden", source_name="s")["nr"]) == ["0001", "0002"]


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql", "mariadb"])
def test_test_connection_reports_a_read_only_session(
    dialect: str, request: pytest.FixtureRequest
) -> None:
    db: ServerDatabase = request.getfixturevalue(
        {"sqlite": "sqlite_database", "postgresql": "pg_database", "mariadb": "mariadb_database"}[
            dialect
        ]
    )
    make_table(db, "OCRD", [], CardCode=sa.String(15))
    info = sql.test_connection(db.url)
    assert info.dialect == dialect
    assert info.read_only is True
    assert info.tables == ["OCRD"]
    assert info.server_version.split(".")[0].isdigit()


# --------------------------------------------------------------------------------- queries


@pytest.mark.parametrize(
    "query",
    [
        "DELETE FROM res_partner",
        "SELECT 1; DROP TABLE res_partner",
        "WITH gone AS (DELETE FROM res_partner RETURNING id) SELECT * FROM gone",
        "SELECT * INTO kopie FROM res_partner",
        "SELECT * FROM res_partner FOR UPDATE",
        "UPDATE res_partner SET name = 'x'",
        "",
    ],
)
def test_only_single_select_queries_are_accepted(query: str) -> None:
    with pytest.raises(ConfigError):
        guard._validate_query(query)


def test_words_inside_literals_and_comments_do_not_count() -> None:
    query = (
        "-- delete nothing; just read\n"
        "SELECT 'a;b' AS x, \"update\" AS y /* DROP */ FROM t WHERE note <> 'insert into';\n"
    )
    assert guard._validate_query(query).endswith("'insert into'")


def test_query_with_percent_and_colon_literals(sql_database: ServerDatabase) -> None:
    rows = [{"nr": "0001", "zeit": "10:30"}, {"nr": "0002", "zeit": "x"}]
    make_table(sql_database, "kunden", rows, nr=sa.String(10), zeit=sa.String(10))
    engine = open_engine(sql_database.url)
    df = read_table(engine, query="SELECT nr FROM kunden WHERE zeit LIKE '%:3%'", source_name="s")
    assert df["nr"].tolist() == ["0001"]


# ------------------------------------------------------------------------------ values as text


def test_to_text_of_python_values() -> None:
    assert to_text(None) is None
    assert to_text(123) == "123"
    assert to_text(True) == "true"
    assert to_text(Decimal("1E+2")) == "100"
    assert to_text(Decimal("0.10")) == "0.10"
    assert to_text(0.1) == "0.1"
    assert to_text(dt.date(2024, 2, 29)) == "2024-02-29"
    assert to_text(dt.datetime(2024, 2, 29, 13, 5)) == "2024-02-29T13:05:00"
    assert to_text(b"\x00\xff") == "00ff"
    assert to_text(memoryview(b"\x01")) == "01"
    assert to_text({"de_DE": "Stück"}) == '{"de_DE": "Stück"}'


def test_values_are_text_as_stored(sql_database: ServerDatabase) -> None:
    make_table(
        sql_database,
        "werte",
        [
            {"id": 1, "plz": "01067", "betrag": Decimal("0.1000"), "datum": dt.date(2024, 2, 29),
             "aktiv": True, "kurs": 0.1},
            {"id": 2, "plz": None, "betrag": None, "datum": None, "aktiv": None, "kurs": None},
        ],
        id=sa.Integer, plz=sa.String(10), betrag=sa.Numeric(12, 4), datum=sa.Date,
        aktiv=sa.Boolean, kurs=sa.Float,
    )  # fmt: skip
    df = read_table(open_engine(sql_database.url), table="werte", source_name="s")
    assert list(df.columns) == ["id", "plz", "betrag", "datum", "aktiv", "kurs"]
    assert all(dtype is object or str(dtype) == "object" for dtype in df.dtypes)
    first, second = df.to_dict("records")
    assert second == dict.fromkeys(df.columns, None) | {"id": "2"}
    assert first["id"] == "1"
    assert first["plz"] == "01067"
    assert first["datum"] == "2024-02-29"
    assert first["kurs"] == "0.1"
    expected = {
        # SQLite keeps NUMERIC as REAL and booleans as integers; servers keep the exact decimal.
        "sqlite": {"betrag": "0.1", "aktiv": "1"},
        "postgresql": {"betrag": "0.1000", "aktiv": "true"},
        "mariadb": {"betrag": "0.1000", "aktiv": "1"},
    }[sql_database.dialect]
    assert {k: first[k] for k in expected} == expected


def test_postgres_bytea_and_jsonb(pg_database: ServerDatabase) -> None:
    with pg_database.admin_engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (b bytea, j jsonb)")
        conn.exec_driver_sql("""INSERT INTO t VALUES ('\\x00ff', '{"de_DE": "Stück"}')""")
    df = read_table(open_engine(pg_database.url), table="t", source_name="s")
    assert df.to_dict("records") == [{"b": "00ff", "j": '{"de_DE": "Stück"}'}]


# ------------------------------------------------------------------------ tables and columns


def test_schema_qualified_table_name(pg_database: ServerDatabase) -> None:
    with pg_database.admin_engine.begin() as conn:
        conn.exec_driver_sql("CREATE SCHEMA erp")
        conn.exec_driver_sql("CREATE TABLE erp.res_partner (id int, zip varchar)")
        conn.exec_driver_sql("INSERT INTO erp.res_partner VALUES (1, '04109')")
        conn.exec_driver_sql("GRANT USAGE ON SCHEMA erp TO dg_reader")
        conn.exec_driver_sql("GRANT SELECT ON erp.res_partner TO dg_reader")
    engine = open_engine(pg_database.url)
    df = read_table(engine, table="erp.res_partner", source_name="odoo")
    assert df.to_dict("records") == [{"id": "1", "zip": "04109"}]
    with pytest.raises(SourceError, match="schema 'crm' does not exist"):
        read_table(engine, table="crm.res_partner", source_name="odoo")


def test_odd_table_names_are_quoted_and_injection_is_only_a_missing_table(
    sql_database: ServerDatabase,
) -> None:
    make_table(sql_database, "Kunden 2024-Q1", [{"Nr": "0042"}], Nr=sa.String(10))
    engine = open_engine(sql_database.url)
    assert read_table(engine, table="Kunden 2024-Q1", source_name="s")["Nr"].tolist() == ["0042"]
    with pytest.raises(SourceError, match="does not exist"):
        read_table(engine, table="x; DROP TABLE t", source_name="s")
    assert list_tables(engine) == ["Kunden 2024-Q1"]


def test_table_name_case_is_matched_when_unambiguous(mariadb_database: ServerDatabase) -> None:
    make_table(mariadb_database, "OCRD", [{"CardCode": "K00017"}], CardCode=sa.String(15))
    engine = open_engine(mariadb_database.url)
    assert read_table(engine, table="ocrd", source_name="sap")["CardCode"].tolist() == ["K00017"]


def test_missing_table_lists_the_tables_there(sql_database: ServerDatabase) -> None:
    make_table(sql_database, "res_partner", [], id=sa.Integer)
    make_table(sql_database, "res_country", [], id=sa.Integer)
    engine = open_engine(sql_database.url)
    with pytest.raises(SourceError) as info:
        read_table(engine, table="res_partnr", source_name="odoo")
    message = str(info.value)
    assert message.startswith("source 'odoo': table 'res_partnr' does not exist in ")
    assert message.endswith("tables there: res_country, res_partner")
    assert "\n" not in message


def test_query_naming_a_missing_table_lists_the_tables_there(sql_database: ServerDatabase) -> None:
    make_table(sql_database, "res_partner", [], id=sa.Integer)
    engine = open_engine(sql_database.url)
    with pytest.raises(SourceError, match=r"does not exist.*tables there: res_partner") as info:
        read_table(engine, query="SELECT id FROM res_partnr", source_name="odoo")
    assert isinstance(info.value.__cause__, sa.exc.DBAPIError)


def test_missing_column_lists_the_columns(sql_database: ServerDatabase) -> None:
    make_table(
        sql_database, "kunden", [{"nr": "1", "name": "A"}], nr=sa.String(5), name=sa.String(5)
    )
    engine = open_engine(sql_database.url)
    with pytest.raises(SourceError, match=r"has no column 'plz'; columns there: nr, name"):
        read_table(engine, table="kunden", columns=["nr", "plz"], source_name="s")
    with pytest.raises(SourceError, match=r"the query has no column 'plz'"):
        read_table(engine, query="SELECT nr FROM kunden", columns=["plz"], source_name="s")
    with pytest.raises(SourceError, match="column"):
        read_table(engine, query="SELECT plz FROM kunden", source_name="s")


def test_columns_select_and_order(sql_database: ServerDatabase) -> None:
    make_table(sql_database, "kunden", [{"nr": "1", "name": "A", "plz": "01067"}],
               nr=sa.String(5), name=sa.String(5), plz=sa.String(5))  # fmt: skip
    engine = open_engine(sql_database.url)
    df = read_table(engine, table="kunden", columns=["plz", "nr"], source_name="s")
    assert df.to_dict("records") == [{"plz": "01067", "nr": "1"}]
    df = read_table(engine, query="SELECT * FROM kunden", columns=["name"], source_name="s")
    assert df.to_dict("records") == [{"name": "A"}]


def test_empty_table_keeps_its_columns(sql_database: ServerDatabase) -> None:
    make_table(sql_database, "leer", [], a=sa.String(5), b=sa.Integer)
    df = read_table(open_engine(sql_database.url), table="leer", source_name="s")
    assert list(df.columns) == ["a", "b"]
    assert len(df) == 0


def test_count_describe_and_chunks(sql_database: ServerDatabase) -> None:
    rows = [{"nr": f"{i:05d}", "wert": i} for i in range(2500)]
    make_table(sql_database, "artikel", rows, nr=sa.String(5), wert=sa.Integer)
    engine = open_engine(sql_database.url)
    assert count_rows(engine, table="artikel", source_name="s") == 2500
    query = "SELECT nr FROM artikel WHERE wert >= 500"
    assert count_rows(engine, query=query, source_name="s") == 2000
    assert describe(engine, table="artikel") == ["nr", "wert"]
    assert describe(engine, query=query) == ["nr"]
    chunks = list(iter_chunks(engine, table="artikel", columns=["nr"], source_name="s",
                              chunksize=1000))  # fmt: skip
    assert [len(c) for c in chunks] == [1000, 1000, 500]
    assert sorted(n for c in chunks for n in c["nr"])[:2] == ["00000", "00001"]


def test_exactly_one_of_table_and_query(sqlite_database: ServerDatabase) -> None:
    engine = open_engine(sqlite_database.url)
    with pytest.raises(ConfigError, match="exactly one of table or query"):
        read_table(engine, source_name="s")
    with pytest.raises(ConfigError, match="exactly one of table or query"):
        read_table(engine, table="a", query="SELECT 1", source_name="s")


# ----------------------------------------------------------------------- connection failures


def test_connection_refused(pg_database: ServerDatabase) -> None:
    url = f"postgresql+psycopg2://dg_secret:{quote_plus(SECRET_PASSWORD)}@127.0.0.1:{free_port()}/x"
    with pytest.raises(SourceError, match="connection refused") as info:
        read_table(open_engine(url, connect_timeout_s=2), table="t", source_name="odoo")
    assert "dg_secret:***@127.0.0.1" in str(info.value)
    assert_no_secret(info.value)


def test_connect_timeout_is_bounded() -> None:
    import time

    # 10.255.255.1 is not routed here: the connect hangs until the timeout.
    url = f"postgresql+psycopg2://u:{quote_plus(SECRET_PASSWORD)}@10.255.255.1:5432/x"
    start = time.monotonic()
    with pytest.raises(SourceError) as info:
        count_rows(open_engine(url, connect_timeout_s=2), table="t", source_name="odoo")
    assert time.monotonic() - start < 15
    assert_no_secret(info.value)


@pytest.mark.parametrize("dialect", ["postgresql", "mariadb"])
def test_wrong_password_is_a_login_error_without_the_password(
    dialect: str, request: pytest.FixtureRequest
) -> None:
    db: ServerDatabase = request.getfixturevalue(
        "pg_database" if dialect == "postgresql" else "mariadb_database"
    )
    assert db.secret_url is not None
    wrong = db.secret_url.replace(quote_plus(SECRET_PASSWORD), quote_plus(SECRET_PASSWORD + "x"))
    with pytest.raises(SourceError, match=r"login to .* failed for user 'dg_secret'") as info:
        read_table(open_engine(wrong), table="t", source_name="erp")
    assert_no_secret(info.value)


@pytest.mark.parametrize("dialect", ["postgresql", "mariadb"])
def test_password_never_in_errors_after_login(dialect: str, request: pytest.FixtureRequest) -> None:
    db: ServerDatabase = request.getfixturevalue(
        "pg_database" if dialect == "postgresql" else "mariadb_database"
    )
    make_table(db, "kunden", [{"nr": "1"}], nr=sa.String(5))
    assert db.secret_url is not None
    engine = open_engine(db.secret_url)
    assert read_table(engine, table="kunden", source_name="erp")["nr"].tolist() == ["1"]
    assert SECRET_PASSWORD not in repr(engine)
    failures = [
        lambda: read_table(engine, table="lieferanten", source_name="erp"),
        lambda: read_table(engine, query="SELECT x FROM kunden", source_name="erp"),
        lambda: read_table(engine, query="SELECT nr FROM fehlt", source_name="erp"),
        lambda: read_table(engine, table="kunden", columns=["plz"], source_name="erp"),
    ]
    for fail in failures:
        with pytest.raises(SourceError) as info:
            fail()
        assert_no_secret(info.value)
        assert "dg_secret:***@" in str(info.value) or "kunden" in str(info.value)


def test_unknown_database(pg_database: ServerDatabase) -> None:
    url = pg_database.url.rsplit("/", 1)[0] + "/gibt_es_nicht"
    with pytest.raises(SourceError, match="database 'gibt_es_nicht' does not exist"):
        read_table(open_engine(url), table="t", source_name="odoo")


def test_postgres_reads_through_a_server_side_cursor(pg_database: ServerDatabase) -> None:
    """Memory stays bounded by one chunk: rows come from a DECLAREd cursor, not all at once."""
    with pg_database.admin_engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE big AS SELECT i AS id, lpad(i::text, 8, '0') AS code,"
            " repeat('x', 100) AS note FROM generate_series(1, 20000) AS i"
        )
    engine = open_engine(pg_database.url)
    chunks = iter_chunks(engine, table="big", columns=["code"], source_name="s", chunksize=1000)
    try:
        first = next(chunks)
        assert first.shape == (1000, 1)
        with pg_database.admin_engine.connect() as admin:
            running = (
                admin.exec_driver_sql(
                    "SELECT query FROM pg_stat_activity WHERE usename = 'dg_reader'"
                )
                .scalars()
                .all()
            )
        # DECLARE ... CURSOR, then FETCH FORWARD n: the last statement is one of them
        assert any(q.lstrip().upper().startswith(("DECLARE", "FETCH")) for q in running), running
        assert sum(len(c) for c in chunks) == 19000
    finally:
        chunks.close()


def test_unknown_role_is_a_login_error(pg_database: ServerDatabase) -> None:
    url = pg_database.url.replace("dg_reader@", "niemand@")
    with pytest.raises(SourceError, match=r"login to .* failed for user 'niemand'"):
        read_table(open_engine(url), table="t", source_name="odoo")


def test_text_column_shares_repeated_values_and_keeps_none() -> None:
    from kmu_dataguard.sources.sql import TextColumn

    column = TextColumn()
    # Distinct str objects of equal text, as a driver returns them.
    first = ["".join(["Ber", "lin"]) for _ in range(3)] + [None]
    column.add(first)
    column.add(["".join(["Ber", "lin"]), None, "Köln"])
    values = column.array()
    assert values.dtype == object
    assert values.tolist() == ["Berlin", "Berlin", "Berlin", None, "Berlin", None, "Köln"]
    assert values[0] is values[1] is values[4]  # one shared object
    assert values[3] is None and values[5] is None


def test_text_column_of_distinct_values_stays_as_fetched() -> None:
    from kmu_dataguard.sources.sql import TextColumn

    column = TextColumn()
    column.add([f"K{i:04d}" for i in range(10)])
    column.add([f"K{i:04d}" for i in range(5)])  # not pooled any more: new objects kept
    values = column.array()
    assert values.tolist() == [f"K{i:04d}" for i in range(10)] + [f"K{i:04d}" for i in range(5)]
    assert values[10] is not values[0]
    assert TextColumn().array().tolist() == []


def test_the_sql_package_exports_exactly_its_public_names():
    """``__all__`` is the public face: each name resolves (on first use) to the object of its
    module, and every module's own ``__all__`` is in it."""
    import pkgutil

    assert set(sql._HOMES) == set(sql.__all__)
    for name in sql.__all__:
        home = importlib.import_module(f"{sql.__name__}.{sql._HOMES[name]}")
        assert getattr(sql, name) is getattr(home, name), name
    for module in pkgutil.iter_modules(sql.__path__):
        own = importlib.import_module(f"{sql.__name__}.{module.name}")
        assert set(getattr(own, "__all__", ())) <= set(sql.__all__), module.name


def test_the_history_store_engine_loads_no_pandas():
    """Importing one module of the package (the history store needs engines.py) runs no other:
    ``dataguard history`` answers without loading pandas."""
    code = (
        "import sys, kmu_dataguard.sources.sql.engines\n"
        "assert 'pandas' not in sys.modules and 'numpy' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
