"""What the run history costs: a run at 1 M customers, and ``dataguard history`` over 1 000 runs.

(a) **Recording.** A gate run over 1 M customers with ~125 000 failing keys spread over nine
    expectations (as ``make bench`` seeds them), the keys realistic (``K0123456``; random UUIDs
    with ``--uuid-keys``, the worst case for the packing), built as a
    :class:`~kmu_dataguard.results.GateResult` directly (validating 1 M rows takes half a minute
    and is the same with history on or off). What the history adds to such a run, once a previous
    run is in the store (the steady state): opening the store, the comparison with the previous
    run (``compare``: its 125 000 keys unpacked and diffed) and ``HistoryStore.record``; the
    store's growth in bytes. With the history off the runner calls none of these: the baseline is
    0 s and 0 bytes (a whole 1 M-row run varies by more than the history adds, see
    bench/README.md).
(b) **Listing.** A store with 1 000 recorded runs of a gate with three checks and ~10
    expectations each (20 000 customers, 12.5 % of them failing, some fixed and some new from
    one run to the next); ``python -m kmu_dataguard history GATE --config dataguard.yml --format
    json`` in a fresh process against the interpreter and imports alone, and ``list_runs``
    in-process; then the same listing over 25 runs of (a)'s size (125 000 keys per run).

Times are the best of 3 (a) or 5 (b) runs: the VM is shared, the least disturbed run is the
cost. Targets (issue #16): (a) < 2 s and < 10 MB per run; (b) < 1 s over 1 000 runs.

    PYTHONPATH=. python bench/history_bench.py [--postgres] [--uuid-keys] [--only a|b]
        [--runs 1000] [--rows 1000000]

``--postgres`` measures a PostgreSQL store too (a throw-away server, tests/support/servers.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from kmu_dataguard.history import compare, open_store
from kmu_dataguard.history.query import list_runs
from kmu_dataguard.history.store import open_existing
from kmu_dataguard.results import (
    CheckResult,
    ExpectationOutcome,
    GateResult,
    Severity,
    Verdict,
)

GATE = "invoicing"
#: expectation id → share of the rows failing it (as bench/perf_data.py seeds defects at 1 M)
FAILING = {
    "name_present": 0.010,
    "postal_code_matches_country": 0.020,
    "country_valid": 0.015,
    "vat_id_valid": 0.010,
    "iban_valid": 0.030,
    "email_valid": 0.025,
    "id_unique": 0.002,
    "currency_valid": 0.010,
    "no_duplicate_partners": 0.008,
}
PASSING = ["id_present", "street_present", "city_present", "country_present", "bic_valid"]
UUID_KEYS = False


def keys_for(rows: int, rng: random.Random, share: float) -> list[str]:
    """Customer numbers as ERPs give them (``K0123456``); with ``--uuid-keys`` random UUIDs,
    the worst case for the packing (long, no shared prefixes)."""
    numbers = sorted(rng.sample(range(rows), round(rows * share)))
    if UUID_KEYS:
        return [str(uuid.UUID(int=rng.getrandbits(128) ^ n)) for n in numbers]
    return [f"K{n + 1:07d}" for n in numbers]


def check_result(
    name: str, rows: int, failing: dict[str, list[str]], passing: list[str]
) -> CheckResult:
    outcomes = [
        ExpectationOutcome(
            id=f"{name}.{ident}",
            type="expect_column_values_to_not_be_null",
            column=ident.split("_")[0],
            severity=Severity.CRITICAL,
            success=False,
            unexpected_count=len(keys),
            unexpected_percent=100 * len(keys) / rows,
            failing_keys=keys,
            verdict=Verdict.BLOCKED,
        )
        for ident, keys in failing.items()
    ]
    outcomes += [
        ExpectationOutcome(
            id=f"{name}.{ident}",
            type="expect_column_values_to_not_be_null",
            column=ident.split("_")[0],
            severity=Severity.CRITICAL,
            success=True,
            verdict=Verdict.PASS,
        )
        for ident in passing
    ]
    verdict = Verdict.BLOCKED if failing else Verdict.PASS
    return CheckResult(
        name=name,
        source=f"erp: {name}",
        suite=name,
        key="customer_id",
        rows=rows,
        expectations=outcomes,
        verdict=verdict,
    )


def gate_result(started: datetime, checks: list[CheckResult], run_id: str) -> GateResult:
    blocked = any(c.verdict == Verdict.BLOCKED for c in checks)
    return GateResult(
        gate=GATE,
        verdict=Verdict.BLOCKED if blocked else Verdict.PASS,
        exit_code=1 if blocked else 0,
        started_at=started,
        duration_s=36.6,
        fail_on=Severity.CRITICAL,
        checks=checks,
        errors=[],
        run_id=run_id,
    )


class Drift:
    """Failing keys of a run, and of the next: ~2 % fixed and ~1 % new per expectation."""

    def __init__(self, rows: int, rng: random.Random, shares: dict[str, float]) -> None:
        self.rows, self.rng = rows, rng
        self.keys = {ident: keys_for(rows, rng, share) for ident, share in shares.items()}

    def step(self) -> dict[str, list[str]]:
        for ident, keys in self.keys.items():
            kept = [k for k in keys if self.rng.random() > 0.02]
            new = keys_for(self.rows, self.rng, 0.01 * len(keys) / self.rows)
            self.keys[ident] = sorted(set(kept) | set(new))
        return self.keys


def store_bytes(url: str) -> int:
    """The store's size: the SQLite file (the WAL is checkpointed when the store closes) or
    PostgreSQL's dg_ tables with their indexes and TOAST."""
    engine = sa.create_engine(url)
    try:
        if engine.dialect.name == "sqlite":
            return Path(engine.url.database or "").stat().st_size
        with engine.connect() as conn:
            return int(
                conn.execute(
                    sa.text(
                        "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                        "WHERE c.relkind = 'r' AND c.relname LIKE 'dg\\_%'"
                    )
                ).scalar()
            )
    finally:
        engine.dispose()


def timed(step: Callable[[], object]) -> float:
    clock = time.perf_counter()
    step()
    return time.perf_counter() - clock


# ----------------------------------------------------------------------------------- (a)


def bench_record(url: str, rows: int, runs: int = 3) -> dict[str, float]:
    """What the history adds to a 1 M-row run: open, compare, record; bytes per run."""
    rng = random.Random(16)
    drift = Drift(rows, rng, FAILING)
    start = datetime(2026, 12, 1, 5, tzinfo=UTC)
    with open_store(url) as store:  # the first run: the store exists and holds one run
        first = gate_result(start, [check_result("customers", rows, drift.keys, PASSING)], "r0")
        compare(store, first, GATE)
        store.record(first, subject=GATE, config_hash="bench", version="bench")
    figures: dict[str, list[float]] = {k: [] for k in ("open", "compare", "record", "bytes")}
    for n in range(1, runs + 1):
        result = gate_result(
            start + timedelta(days=n),
            [check_result("customers", rows, drift.step(), PASSING)],
            f"r{n}",
        )
        before = store_bytes(url)
        clock = time.perf_counter()
        store = open_store(url)
        figures["open"].append(time.perf_counter() - clock)
        figures["compare"].append(timed(lambda: compare(store, result, GATE)))  # noqa: B023
        figures["record"].append(
            timed(
                lambda: store.record(result, subject=GATE, config_hash="bench", version="bench")  # noqa: B023
            )
        )
        store.close()
        figures["bytes"].append(store_bytes(url) - before)
        history = result.checks[0].history
        assert history is not None and history.previous_run == f"r{n - 1}"
    distinct = len({k for keys in drift.keys.values() for k in keys})
    medians = {k: min(v) if k != "bytes" else statistics.median(v) for k, v in figures.items()}
    medians["failing_keys"] = distinct
    medians["key_entries"] = sum(len(v) for v in drift.keys.values())
    return medians


# ----------------------------------------------------------------------------------- (b)


def fill_store(url: str, runs: int, rows: int) -> None:
    """``runs`` daily runs of a gate with customers, suppliers and articles."""
    rng = random.Random(1000)
    shares = dict(list(FAILING.items())[:6])
    customers = Drift(rows, rng, shares)
    suppliers = Drift(rows // 10, rng, dict(list(FAILING.items())[:4]))
    articles = Drift(rows // 2, rng, dict(list(FAILING.items())[2:5]))
    start = datetime(2024, 1, 1, 5, tzinfo=UTC)
    with open_store(url) as store:
        for n in range(runs):
            checks = [
                check_result("customers", rows, customers.step(), PASSING),
                check_result("suppliers", rows // 10, suppliers.step(), PASSING[:4]),
                check_result("articles", rows // 2, articles.step(), PASSING[:5]),
            ]
            result = gate_result(start + timedelta(days=n), checks, f"run{n:05d}")
            compare(store, result, GATE)  # as the runner does: the change is recorded with it
            store.record(result, subject=GATE, config_hash="bench", version="bench")


def fresh_process(args: list[str], repeat: int = 5) -> float:
    """Best wall time of ``python -m kmu_dataguard ARGS`` (output checked, thrown away; the VM
    is shared: the least disturbed of ``repeat`` runs)."""
    times = []
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    for _ in range(repeat):
        clock = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "kmu_dataguard", *args],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        times.append(time.perf_counter() - clock)
        if done.returncode != 0:
            raise SystemExit(f"dataguard {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return min(times)


def config_for(url: str, folder: Path) -> Path:
    """The demo's dataguard.yml (sources, checks, profiles: what a real one costs to load)
    with ``history: URL``."""
    from kmu_dataguard.demo.world import build_world

    world = build_world(folder)
    text = world.config.read_text(encoding="utf-8")
    world.config.write_text(f"history: '{url}'\n" + text, encoding="utf-8")
    return world.config


def bench_listing(url: str, runs: int, limit: int | None = None) -> dict[str, float]:
    config = config_for(url, Path(tempfile.mkdtemp(prefix="dg-history-config-")))
    args = ["history", GATE, "--config", str(config), "--format", "json"]
    if limit is not None:
        args += ["--limit", str(limit)]
    in_process = []
    for _ in range(5):
        store = open_existing(url)
        assert store is not None
        with store:
            clock = time.perf_counter()
            listing = list_runs(store, GATE, limit=limit or 20)
            in_process.append(time.perf_counter() - clock)
    assert len(listing.runs) == min(limit or 20, runs)
    assert listing.runs[0].checks[0].new_failing is not None
    return {
        "process": fresh_process(args),
        "startup": fresh_process(["--version"]),
        "query": min(in_process),
        "document": len(json.dumps(listing.to_dict())),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="customers in (a)")
    parser.add_argument("--runs", type=int, default=1000, help="runs in the store of (b)")
    parser.add_argument("--postgres", action="store_true", help="also a PostgreSQL store")
    parser.add_argument("--uuid-keys", action="store_true", help="(a) with UUIDs as keys")
    parser.add_argument("--only", choices=["a", "b"], help="only (a) or only (b)")
    options = parser.parse_args()
    global UUID_KEYS
    UUID_KEYS = options.uuid_keys

    stores: list[tuple[str, Callable[[str], str]]] = []
    folder = Path(tempfile.mkdtemp(prefix="dg-history-bench-"))
    stores.append(("SQLite", lambda name: f"sqlite:///{folder / name}.db"))
    server = None
    if options.postgres:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from tests.support.servers import PostgresServer

        server = PostgresServer.start()
        pg = server

        stores.append(("PostgreSQL", lambda name: pg.url(pg.create_database(name))))
    try:
        for label, make in stores:
            print(f"== {label}")
            if options.only in (None, "a"):
                report_recording(make("record"), options.rows)
            if options.only in (None, "b"):
                report_listing(make, options.runs, options.rows)
    finally:
        if server is not None:
            server.stop()


def report_recording(url: str, rows: int) -> None:
    a = bench_record(url, rows)
    added = a["open"] + a["compare"] + a["record"]
    keys = "random UUIDs" if UUID_KEYS else "K0123456"
    print(
        f"(a) {rows:,} rows, {a['failing_keys']:,.0f} failing keys ({keys}; "
        f"{a['key_entries']:,.0f} over {len(FAILING)} expectations), best of 3 runs:\n"
        f"    open {a['open']:.2f} s + compare {a['compare']:.2f} s + record "
        f"{a['record']:.2f} s = {added:.2f} s added (target < 2 s; history off: 0 s)\n"
        f"    store grows {a['bytes'] / 1e6:.2f} MB per run (target < 10 MB; off: 0)"
    )


def report_listing(make: Callable[[str], str], runs: int, rows: int) -> None:
    url = make("listing")
    clock = time.perf_counter()
    fill_store(url, runs, 20_000)
    filled = time.perf_counter() - clock
    imports = fresh_python(
        "import kmu_dataguard.cli, kmu_dataguard.config, kmu_dataguard.history.query"
    )
    b = bench_listing(url, runs)
    print(
        f"(b) {runs} runs (3 checks, 10-14 expectations each; filled in {filled:.0f} s, "
        f"{store_bytes(url) / 1e6:.1f} MB), default --limit 20:\n"
        f"    dataguard history GATE --config dataguard.yml --format json: {b['process']:.2f} s "
        f"in a fresh process (target < 1 s), of which interpreter and imports "
        f"{imports:.2f} s (dataguard --version {b['startup']:.2f} s); list_runs "
        f"{b['query'] * 1000:.0f} ms in-process"
    )
    b100 = bench_listing(url, runs, limit=100)
    print(
        f"    --limit 100: {b100['process']:.2f} s fresh, {b100['query'] * 1000:.0f} ms in-process"
    )
    big = make("big")
    fill_big(big, rows, runs=25)
    c = bench_listing(big, 25)
    print(
        f"    25 runs of (a)'s size ({rows:,} rows, ~120 000 failing keys each), --limit 20: "
        f"{c['process']:.2f} s fresh, {c['query'] * 1000:.0f} ms in-process"
    )


def fresh_python(code: str, repeat: int = 5) -> float:
    """Best wall time of ``python -c CODE`` (the VM is shared: the least disturbed run)."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    times = []
    for _ in range(repeat):
        clock = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        times.append(time.perf_counter() - clock)
    return min(times)


def fill_big(url: str, rows: int, runs: int) -> None:
    rng = random.Random(25)
    drift = Drift(rows, rng, FAILING)
    start = datetime(2026, 1, 1, 5, tzinfo=UTC)
    with open_store(url) as store:
        for n in range(runs):
            check = check_result("customers", rows, drift.step(), PASSING)
            result = gate_result(start + timedelta(days=n), [check], f"big{n:03d}")
            compare(store, result, GATE)
            store.record(result, subject=GATE, config_hash="bench", version="bench")


if __name__ == "__main__":
    main()
