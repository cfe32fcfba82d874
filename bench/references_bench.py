"""Time and peak memory of a cross-source reference: joined in the database vs. streamed.

    PYTHONPATH=. python bench/references_bench.py [--rows 200000] [--dialects sqlite,mariadb]

Throw-away PostgreSQL and MariaDB servers are started (tests/support/servers.py); SQLite is a file.
``customers`` (N rows) and ``contacts`` (N rows, each pointing to a customer, 0.1 % to none,
0.1 % with another company name, 0.1 % with another country) are loaded; the reference
``contacts.customer_id → customers.customer_id`` with two agreement rules (company similar,
country equal) runs in a fresh subprocess per route, which reports wall time and peak RSS
(``ru_maxrss``) over its own baseline after the imports:

* ``in database``: both checks on the same URL, the database joins;
* ``streamed``: the same tables through a second URL (another user on the servers, a hard
  link to the file on SQLite), so both sides are fetched in chunks and joined in Python.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa

CHILD = """
import json, resource, sys, time
import kmu_dataguard.consistency.references, kmu_dataguard.sources.sql.reading  # noqa: F401
from kmu_dataguard.runner import run_gate
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
result = run_gate("sync", sys.argv[1])
took = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
check = result.checks[0]
print(json.dumps({
    "s": took, "base_mb": base / 1024, "peak_mb": peak / 1024, "errors": check.errors,
    "failing": {e.id: e.unexpected_count for e in check.expectations},
}))
"""

CONFIG = """\
version: 1
sources:
  crm: {{url: "{child}"}}
  erp: {{url: "{parent}"}}
checks:
  contacts: {{source: crm, table: contacts, suite: contacts, key: contact_id}}
  customers: {{source: erp, table: customers, suite: customers, key: customer_id}}
references:
  contacts_have_customer:
    from: {{check: contacts, column: customer_id}}
    to: {{check: customers}}
    agree:
      - {{from: company, to: name, compare: similar}}
      - {{from: country, to: country}}
gates:
  sync: {{references: [contacts_have_customer]}}
"""


def load(admin_url: str, rows: int) -> None:
    rng = random.Random(7)
    engine = sa.create_engine(admin_url)
    words = ["Müller", "Schmidt", "Weber", "Wagner", "Becker", "Hoffmann", "Koch", "Richter"]
    trades = ["Bau", "Elektro", "Logistik", "Metallbau", "Druckerei", "Feinkost"]
    customers, contacts = [], []
    for n in range(rows):
        name = f"{rng.choice(words)} {rng.choice(trades)} {n} GmbH"
        customers.append({"customer_id": f"K{n:07d}", "name": name, "country": "DE"})
    for n in range(rows):
        target = customers[rng.randrange(rows)]
        roll = rng.random()
        contacts.append(
            {
                "contact_id": f"C{n:07d}",
                "customer_id": "K9999999" if roll < 0.001 else target["customer_id"],
                "company": "Ganz Andere Firma AG" if 0.001 <= roll < 0.002 else target["name"],
                "country": "AT" if 0.002 <= roll < 0.003 else "DE",
            }
        )
    md = sa.MetaData()
    text = sa.String(100)
    sa.Table("customers", md, sa.Column("customer_id", sa.String(10), primary_key=True),
             sa.Column("name", text), sa.Column("country", sa.String(2)))  # fmt: skip
    sa.Table("contacts", md, sa.Column("contact_id", sa.String(10), primary_key=True),
             sa.Column("customer_id", sa.String(10)), sa.Column("company", text),
             sa.Column("country", sa.String(2)))  # fmt: skip
    md.create_all(engine)
    with engine.begin() as conn:
        for start in range(0, rows, 20_000):
            conn.execute(md.tables["customers"].insert(), customers[start : start + 20_000])
            conn.execute(md.tables["contacts"].insert(), contacts[start : start + 20_000])
    engine.dispose()


def run(folder: Path, child: str, parent: str) -> dict:
    config = folder / "dataguard.yml"
    config.write_text(CONFIG.format(child=child, parent=parent), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(config)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--dialects", default="postgresql,mariadb,sqlite")
    args = parser.parse_args()
    from tests.support.servers import SECRET_PASSWORD, MariaDBServer, PostgresServer

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for dialect in args.dialects.split(","):
            server = None
            if dialect == "sqlite":
                path = folder / "bench.db"
                load(f"sqlite:///{path}", args.rows)
                (folder / "bench-link.db").hardlink_to(path)  # same file, another URL
                same, other = f"sqlite:///{path}", f"sqlite:///{folder}/bench-link.db"
            else:
                server = (PostgresServer if dialect == "postgresql" else MariaDBServer).start()
                name = server.create_database()
                load(server.admin_url(name), args.rows)
                same = server.url(name)
                other = server.url(name, user="dg_secret", password=SECRET_PASSWORD)
            try:
                for label, parent in (("in database", same), ("streamed", other)):
                    got = run(folder, same, parent)
                    grew = got["peak_mb"] - got["base_mb"]
                    print(
                        f"{dialect:<10} {label:<12} {args.rows:>8} rows  {got['s']:6.2f} s  "
                        f"peak RSS {got['peak_mb']:6.1f} MB (+{grew:.1f})"
                        f"  failing {got['failing']} {got['errors'] or ''}"
                    )
            finally:
                if server is not None:
                    server.stop()


if __name__ == "__main__":
    main()
