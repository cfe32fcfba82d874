"""Side-by-side benchmark: dataguard vs. plain Great Expectations vs. hand-written pandas.

    make bench                                   # 100 k and 1 M rows, PostgreSQL 100 k and 1 M
    PYTHONPATH=. python bench/perf_bench.py [--rows 100000,1000000] [--with-5m] [--no-postgres]

For each N a customers master with seeded defects (bench/perf_data.py) is written as CSV and
into SQLite (and PostgreSQL); then, each in a fresh process whose wall time and peak RSS
(``os.wait4``) are measured:

(a) ``dataguard check FILE --suite customers --key customer_id --format json``;
(b) bench/perf_gx_plain.py: the same suite through ``ValidationDefinition.run`` with
    ``COMPLETE`` and ``unexpected_index_column_names=["customer_id"]``;
(c) bench/perf_handwritten.py: numpy/pandas masks, the fast paths, ``find_duplicates``.

Also: (a) on a 1 000-row table (the fixed start-up: interpreter, imports, GX context), from
which the per-row figures without it are derived; and bench/perf_driving.py, which isolates
how GX is driven (four plain expectations, every failing key, in one process).

Every failing key of (a) is checked against the seeded defects (and (b) and (c) against (a)).
Data files are cached in bench/out/ by row count.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

DATAGUARD = [sys.executable, "-m", "kmu_dataguard"]


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    mem = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )  # fmt: skip
    return (
        f"{os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}), {cpu}, "
        f"{mem / 1024**2:.0f} GiB RAM, Python {platform.python_version()}"
    )


def run_child(argv: list[str], stdout_path: Path | None = None) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB) and exit code of a fresh child process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = stdout_path.open("wb") if stdout_path else subprocess.DEVNULL
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.PIPE)
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if stdout_path:
        out.close()
    if proc.returncode not in (0, 1):
        sys.stderr.write(err.decode(errors="replace")[-3000:])
    return wall, usage.ru_maxrss / 1024, proc.returncode


def dataset(rows: int) -> tuple[Path, Path, dict[str, Counter], int]:
    """CSV, SQLite file, expected failing keys per expectation id, in-memory size of the table.

    Generated and measured in a child process: peak RSS from ``wait4`` counts the memory a
    child inherits from its parent at fork, so this process must stay small.
    """
    OUT.mkdir(exist_ok=True)
    csv_path, db_path = OUT / f"customers_{rows}.csv", OUT / f"customers_{rows}.sqlite"
    truth_path = OUT / f"customers_{rows}.truth.json"
    size_path = OUT / f"customers_{rows}.size"
    stamp_path = OUT / f"customers_{rows}.stamp"
    files = (csv_path, db_path, truth_path, size_path)
    # Cached by row count *and* by the generator's code: data cached before the generator
    # changed would silently be measured instead of what the README describes.
    if not all(p.exists() for p in files) or _read(stamp_path) != _generator_stamp():
        t0 = time.perf_counter()
        _, _, code = run_child([sys.executable, str(HERE / "perf_data.py"), str(rows), str(OUT)])
        if code != 0:
            raise SystemExit(f"generating {rows:,} rows failed")
        stamp_path.write_text(_generator_stamp())
        print(f"  generated {rows:,} rows in {time.perf_counter() - t0:.0f} s", flush=True)
    truth = {k: Counter(v) for k, v in json.loads(truth_path.read_text()).items()}
    return csv_path, db_path, truth, int(size_path.read_text())


def _generator_stamp() -> str:
    """A fingerprint of the code that writes the benchmark data."""
    digest = hashlib.sha256()
    for path in (HERE / "perf_data.py", ROOT / "kmu_dataguard" / "demo" / "world.py"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _read(path: Path) -> str | None:
    return path.read_text() if path.exists() else None


_TRUTH_IDS = {
    "customers.name_present": "expect_column_values_to_not_be_null:name",
    "customers.id_unique": "expect_column_values_to_be_unique:customer_id",
    "customers.iban_valid": "expect_column_values_to_be_valid_iban:iban",
    "customers.country_valid": "expect_column_values_to_be_valid_country_code:country",
    "customers.vat_id_prefix_matches_country": (
        "expect_column_pair_values_to_be_vat_prefix_matching_country:vat_id"
    ),
    "customers.postal_code_matches_country": (
        "expect_column_pair_values_to_be_valid_postal_code_for_country:postal_code"
    ),
    "customers.email_valid": "expect_column_values_to_be_valid_email:email",
    "customers.no_duplicate_partners": "expect_table_rows_to_have_no_duplicate_partners:",
}


def keys_of_a(path: Path) -> dict[str, Counter]:
    doc = json.loads(path.read_text())
    if doc.get("errors"):
        raise SystemExit(f"(a) reported errors: {doc['errors']}")
    out = {}
    for exp in doc["checks"][0]["expectations"]:
        if exp["failing_keys_truncated"] or len(exp["failing_keys"]) != exp["unexpected_count"]:
            raise SystemExit(f"(a) {exp['id']}: not every failing key is in the JSON")
        out[exp["id"]] = Counter(exp["failing_keys"])
    return out


def verify(a: dict[str, Counter], truth: dict[str, Counter], others: dict[str, Path]) -> str:
    """Seeded defects == (a)'s keys; (b) and (c) == (a). Returns a one-line summary."""
    notes = []
    for ident, found in a.items():
        want = truth.get(_TRUTH_IDS.get(ident, ""), Counter())
        if ident == "customers.no_duplicate_partners":
            missing = want - found
            if missing:
                raise SystemExit(f"(a) {ident}: seeded duplicates not found: {len(missing)}")
            extra = sum((found - want).values())
            notes.append(
                f"duplicate partners: {sum(want.values())} seeded records found, "
                f"{extra} more records the rules join (same name at the same address)"
            )
        elif found != want:
            raise SystemExit(
                f"(a) {ident}: {sum(found.values())} failing keys, expected "
                f"{sum(want.values())} (seeded)"
            )
    for label, path in others.items():
        if not path.exists():
            continue
        failing = {k: Counter(v) for k, v in json.loads(path.read_text())["failing"].items()}
        for ident, found in a.items():
            if failing.get(ident, Counter()) != found:
                raise SystemExit(f"({label}) {ident}: failing keys differ from (a)")
    total = sum(sum(c.values()) for c in a.values())
    return f"all {total:,} failing keys of (a) verified; " + "; ".join(notes)


def _suite_without_duplicates() -> Path:
    """The built-in customers suite minus its duplicate-partner expectation, as a file."""
    spec = json.loads((ROOT / "expectations" / "customers.json").read_text(encoding="utf-8"))
    spec["name"] = "customers_no_dup"
    spec["expectations"] = [
        e for e in spec["expectations"] if "duplicate_partners" not in e["type"]
    ]  # ids keep their "customers." prefix, so the keys compare with (a)'s
    path = OUT / "customers_no_dup.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def startup_cost(rows: int) -> tuple[float, float]:
    """Wall seconds and peak RSS of (a) on the first 1 000 rows: the fixed cost of a run."""
    small = OUT / "customers_1000.csv"
    source = OUT / f"customers_{rows}.csv"
    if not small.exists():
        dataset(rows)
        with source.open(encoding="utf-8") as handle:
            small.write_text("".join(next(handle) for _ in range(1001)), encoding="utf-8")
    argv = [*DATAGUARD, "check", str(small), "--suite", "customers", "--key", "customer_id",
            "--format", "json"]  # fmt: skip
    runs = [run_child(argv) for _ in range(3)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def drive(csv_path: Path) -> dict:
    """bench/perf_driving.py on one table, in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(HERE / "perf_driving.py"), str(csv_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"perf_driving.py failed: {done.stderr[-2000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"  driving GX, four plain expectations: (a) {result['a_s']:.2f} s, "
        f"(b) {result['b_s']:.2f} s, (c) {result['c_s']:.2f} s", flush=True
    )  # fmt: skip
    return result


def postgres_rows(rows_list: list[int], csv_of: dict[int, Path]) -> list[dict]:
    import pandas as pd
    import sqlalchemy as sa

    from tests.support.servers import PostgresServer

    server = PostgresServer.start()
    results = []
    try:
        for rows in rows_list:
            name = server.create_database("bench")
            engine = sa.create_engine(server.admin_url(name))
            # The header only: a loaded frame would count in the child's peak RSS (fork).
            frame = pd.read_csv(csv_of[rows], dtype=str, nrows=0)
            t0 = time.perf_counter()
            with engine.begin() as conn:
                frame.head(0).to_sql("customers", conn, index=False)
                # COPY: INSERTs of a million rows take minutes.
                cursor = conn.connection.dbapi_connection.cursor()
                with csv_of[rows].open(encoding="utf-8") as handle:
                    cursor.copy_expert(
                        "COPY customers FROM STDIN WITH (FORMAT csv, HEADER)", handle
                    )
                conn.exec_driver_sql("GRANT SELECT ON customers TO dg_reader")
                conn.exec_driver_sql("ANALYZE customers")
            engine.dispose()
            print(f"  loaded {rows:,} rows into PostgreSQL in {time.perf_counter() - t0:.0f} s")
            for suite in ("customers", str(_suite_without_duplicates())):
                target = OUT / f"pg_{rows}.json"
                wall, rss, code = run_child(
                    [*DATAGUARD, "check", server.url(name), "--table", "customers",
                     "--key", "customer_id", "--suite", suite, "--format", "json"],
                    target,
                )  # fmt: skip
                a = keys_of_a(target)
                results.append(
                    {"rows": rows, "s": wall, "rss": rss, "code": code, "keys": a,
                     "suite": "customers" if suite == "customers" else "without duplicates"}
                )  # fmt: skip
            server.drop_database(name)
    finally:
        server.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="100000,1000000")
    parser.add_argument("--with-5m", action="store_true", help="also 5 M rows (long)")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--postgres-only", action="store_true",
                        help="only the PostgreSQL rows (data files must exist)")  # fmt: skip
    parser.add_argument("--no-plain-gx-above", type=int, default=10**9,
                        help="skip (b) above this many rows")  # fmt: skip
    args = parser.parse_args()
    sizes = [int(r) for r in args.rows.split(",")] + ([5_000_000] if args.with_5m else [])
    print(f"machine: {machine()}")

    help_s = min(run_child([*DATAGUARD, "--help"])[0] for _ in range(3))
    print(f"dataguard --help: {help_s:.2f} s (best of 3, fresh process)")
    import_s, _, _ = run_child([sys.executable, "-c", "import great_expectations"])
    print(f"import great_expectations alone: {import_s:.2f} s (fresh process)\n")

    startup = (0.0, 0.0)
    if not args.postgres_only:
        startup = startup_cost(sizes[0])
        print(f"(a) on 1 000 rows (start-up): {startup[0]:.1f} s, peak RSS {startup[1]:.0f} MiB\n")

    table = []
    driving = []
    csv_of = {}
    if args.postgres_only:
        csv_of = {rows: dataset(rows)[0] for rows in sizes if rows <= 1_000_000}
        sizes = []
    for rows in sizes:
        print(f"N = {rows:,}", flush=True)
        csv_path, db_path, truth, size = dataset(rows)
        csv_of[rows] = csv_path
        a_out, b_out, c_out = (OUT / f"{x}_{rows}.json" for x in "abc")
        for p in (a_out, b_out, c_out):
            p.unlink(missing_ok=True)
        a = run_child(
            [*DATAGUARD, "check", str(csv_path), "--suite", "customers", "--key", "customer_id",
             "--format", "json"],
            a_out,
        )  # fmt: skip
        print(f"  (a) dataguard: {a[0]:.1f} s, peak RSS {a[1]:.0f} MiB, exit {a[2]}", flush=True)
        b = (float("nan"), float("nan"), -1)
        if rows <= args.no_plain_gx_above:
            b = run_child([sys.executable, str(HERE / "perf_gx_plain.py"), str(csv_path),
                           str(b_out)])  # fmt: skip
            print(f"  (b) plain GX:  {b[0]:.1f} s, peak RSS {b[1]:.0f} MiB", flush=True)
        c = run_child([sys.executable, str(HERE / "perf_handwritten.py"), str(csv_path),
                       str(c_out)])  # fmt: skip
        phases = json.loads(c_out.read_text())["phases"]
        print(f"  (c) by hand:   {c[0]:.1f} s, peak RSS {c[1]:.0f} MiB "
              f"(read {phases['read_s']:.1f} s, checks {phases['checks_s']:.1f} s, "
              f"duplicates {phases['dedup_s']:.1f} s)", flush=True)  # fmt: skip
        s = run_child(
            [*DATAGUARD, "check", f"sqlite:///{db_path}", "--table", "customers", "--key",
             "customer_id", "--suite", "customers", "--format", "json"],
            OUT / f"sqlite_{rows}.json",
        )  # fmt: skip
        print(f"  SQLite source: {s[0]:.1f} s, peak RSS {s[1]:.0f} MiB", flush=True)
        note = verify(keys_of_a(a_out), truth, {"b": b_out, "c": c_out})
        if keys_of_a(OUT / f"sqlite_{rows}.json") != keys_of_a(a_out):
            raise SystemExit("SQLite source: failing keys differ from the CSV source")
        print(f"  {note}", flush=True)
        table.append((rows, a, b, c, size, s))
        driving.append(drive(csv_path))

    print(f"\nmachine: {machine()}")
    print(f"`dataguard --help`: {help_s:.2f} s; `import great_expectations`: {import_s:.2f} s\n")
    if table:
        print_tables(table, startup, driving)
    if not args.no_postgres:
        print("\nPostgreSQL source (`dataguard check postgresql://... --table customers`):")
        pg = postgres_rows(sorted(csv_of), csv_of)
        print("| rows | suite | seconds | peak RSS MiB | µs/row |")
        print("|---:|---|---:|---:|---:|")
        for r in pg:
            per_row = r["s"] / r["rows"] * 1e6
            print(
                f"| {r['rows']:,} | {r['suite']} | {r['s']:.1f} | {r['rss']:.0f} | {per_row:.1f} |"
            )
            want = keys_of_a(OUT / f"a_{r['rows']}.json")
            if r["suite"] != "customers":
                want.pop("customers.no_duplicate_partners", None)
            if r["keys"] != want:
                raise SystemExit("PostgreSQL source: failing keys differ from the CSV source")


def _spread(values: list[float]) -> str:
    mean = sum(values) / len(values)
    return f"{max(abs(v - mean) for v in values) / mean:+.0%}".replace("+", "±")


def print_tables(table: list, startup: tuple[float, float], driving: list[dict]) -> None:
    print(
        "| rows | (a) dataguard s | (b) plain GX s | (c) by hand s | a/c | b/a "
        "| peak RSS (a) MiB | table in memory MiB | RSS/table | (a) µs/row | SQLite s |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for rows, a, b, c, size, s in table:
        print(
            f"| {rows:,} | {a[0]:.1f} | {b[0]:.1f} | {c[0]:.1f} | {a[0] / c[0]:.2f} | "
            f"{b[0] / a[0]:.1f} | {a[1]:.0f} | {size / 2**20:.0f} | {a[1] * 2**20 / size:.1f} | "
            f"{a[0] / rows * 1e6:.1f} | {s[0]:.1f} |"
        )
    print(
        f"\nWithout the fixed start-up ((a) on 1 000 rows: {startup[0]:.1f} s, "
        f"{startup[1]:.0f} MiB):\n"
    )
    print("| rows | (a) − start-up s | µs/row | (RSS − start-up RSS)/table |")
    print("|---:|---:|---:|---:|")
    marginal = []
    for rows, a, _b, _c, size, _s in table:
        per_row = (a[0] - startup[0]) / rows * 1e6
        marginal.append(per_row)
        growth = (a[1] - startup[1]) * 2**20 / size
        print(f"| {rows:,} | {a[0] - startup[0]:.1f} | {per_row:.1f} | {growth:.2f} |")
    whole = [a[0] / rows * 1e6 for rows, a, *_ in table]
    print(
        f"\nµs/row, largest deviation from their mean: {_spread(whole)} end to end, "
        f"{_spread(marginal)} without the start-up (target: within ±30 %)"
    )
    print("\nHow GX is driven (bench/perf_driving.py: four plain expectations, every failing key,")
    print("validation only, table in memory, best of 2):\n")
    print("| rows | failing keys | (a) s | (b) COMPLETE s | (b) SUMMARY s | (c) s | b/a | a/c |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for d in driving:
        print(
            f"| {d['rows']:,} | {d['failing_keys']:,} | {d['a_s']:.2f} | {d['b_s']:.2f} | "
            f"{d['b_summary_s']:.2f} | {d['c_s']:.2f} | {d['b_s'] / d['a_s']:.1f} | "
            f"{d['a_s'] / d['c_s']:.2f} |"
        )


if __name__ == "__main__":
    main()
