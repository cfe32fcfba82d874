"""Peak memory of reading a large PostgreSQL table: streamed vs. not streamed.

    PYTHONPATH=. python bench/sql_stream_rss.py [--rows 1000000] [--url postgresql://...]

Without ``--url`` a throw-away PostgreSQL server is started (tests/support/servers.py). The
table has five columns, two of them wide and never fetched; each mode reads the three others
(id, code, city) in a fresh subprocess and reports its peak RSS (``ru_maxrss``) and the growth
over the same process right after its imports.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

import sqlalchemy as sa

MODES = {
    "pandas.read_sql (client-side cursor, all rows)": """
import pandas as pd
df = pd.read_sql_query("SELECT id, code, city FROM big", engine)
rows = len(df)
""",
    "fetchall + text (client-side cursor, all rows)": """
with engine.connect() as conn:
    data = conn.exec_driver_sql("SELECT id, code, city FROM big").fetchall()
    cols = [[sql.to_text(v) for v in col] for col in zip(*data)]
rows = len(data)
""",
    "read_table (server-side cursor, full DataFrame)": """
df = sql.read_table(engine, table="big", columns=["id", "code", "city"], source_name="bench")
rows = len(df)
""",
    "iter_chunks 50k (server-side cursor, one chunk at a time)": """
rows = 0
for chunk in sql.iter_chunks(engine, table="big", columns=["id", "code", "city"],
                             source_name="bench", chunksize=50_000):
    rows += len(chunk)
""",
}

CHILD = """
import json, resource, sys, time
from kmu_dataguard.sources import sql
engine = sql.open_engine(sys.argv[1])
import pandas, sqlalchemy  # noqa: F401  (already imported by sql; counted in the baseline)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
{body}
took = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"rows": rows, "base_mb": base / 1024, "peak_mb": peak / 1024, "s": took}}))
"""


def load(admin_url: str, rows: int) -> None:
    engine = sa.create_engine(admin_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS big")
        conn.exec_driver_sql(
            "CREATE TABLE big (id integer, code varchar(10), city varchar(40),"
            " note1 text, note2 text)"
        )
        conn.execute(
            sa.text(
                "INSERT INTO big SELECT i, lpad(i::text, 8, '0'), 'Stadt ' || mod(i, 997),"
                " repeat('x', 200), repeat('y', 200) FROM generate_series(1, :n) AS i"
            ),
            {"n": rows},
        )
        conn.exec_driver_sql("ANALYZE big")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--url", help="reader URL; the admin URL is the same unless --admin-url")
    parser.add_argument("--admin-url")
    args = parser.parse_args()
    server = None
    if args.url is None:
        from tests.support.servers import PostgresServer

        server = PostgresServer.start()
        name = server.create_database("bench")
        url, admin_url = server.url(name), server.admin_url(name)
    else:
        url, admin_url = args.url, args.admin_url or args.url
    try:
        t0 = time.perf_counter()
        load(admin_url, args.rows)
        print(f"loaded {args.rows:,} rows in {time.perf_counter() - t0:.1f} s")
        for label, body in MODES.items():
            out = subprocess.run(
                [sys.executable, "-c", CHILD.format(body=body), url],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            r = json.loads(out)
            print(
                f"{label:60s} rows={r['rows']:>9,}  peak={r['peak_mb']:7.1f} MB  "
                f"growth={r['peak_mb'] - r['base_mb']:7.1f} MB  {r['s']:5.1f} s"
            )
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
