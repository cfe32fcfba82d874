"""What ``--split DIR`` adds to a check: reading vs. checking vs. checking and splitting.

    PYTHONPATH=. python bench/split_bench.py [--rows 1000000] [--suite customers] [--data DIR]

The customers master of ``bench/perf_data.py`` (seeded defects, ~10 % of the rows broken) is
written as a Windows-1252, ``;``-separated CRLF export (as German ERPs write them) and

1. read with the delimited reader (``read``: what the issue's target compares with),
2. checked (``check``: ``run_check`` with the suite, history off),
3. checked with ``--split`` (``check+split``), timing the split step itself as well (``split``:
   re-reading the file, routing, writing accepted, held and held_reasons.xlsx).

Each is the best of ``--repeat`` runs in this process (the first read is a warm-up; the read is
timed again after the split, and the faster of both is used, as the machine's load drifts).
Target (issue #18): ``split`` < 1.5 × ``read`` at 1 M customers.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _export(rows: int, folder: Path) -> Path:
    path = folder / f"kunden_{rows}.csv"
    if path.exists():
        return path
    from perf_data import make_table

    frame, _ = make_table(rows)
    tmp = path.with_suffix(".tmp")
    frame.to_csv(
        tmp, sep=";", index=False, encoding="cp1252", errors="replace", lineterminator="\r\n"
    )
    tmp.rename(path)
    return path


def _best(runs: int, work) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        value = work()
        best = min(best, time.perf_counter() - start)
    return best, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--suite", default="customers")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "dg-split")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)

    import kmu_dataguard.split as split_package
    from kmu_dataguard.runner import run_check
    from kmu_dataguard.sources.delimited import read_delimited

    source = _export(args.rows, args.data)
    size = source.stat().st_size / 2**20
    print(f"{args.rows:,} customers, {size:,.0f} MiB ({source})", flush=True)
    read_delimited(source)  # warm-up: page cache, imports
    read_s, frame = _best(args.repeat, lambda: read_delimited(source))
    print(f"read         {read_s:7.2f} s  ({len(frame):,} records)", flush=True)
    del frame

    def check(split: Path | None = None):
        return run_check(
            source, args.suite, key="customer_id", history="off", split=split, lang="en"
        )

    check_s, result = _best(args.repeat, check)
    print(f"check        {check_s:7.2f} s  (verdict {result.verdict})", flush=True)

    # Time the split step inside the real run: wrap the function the runner calls.
    spent: list[float] = []
    original = split_package.write_split

    def timed(*a, **k):
        start = time.perf_counter()
        try:
            return original(*a, **k)
        finally:
            spent.append(time.perf_counter() - start)

    split_package.write_split = timed
    out = args.data / "split-out"
    try:
        both_s, result = _best(args.repeat, lambda: check(out))
    finally:
        split_package.write_split = original
    summary = result.checks[0].split or {}
    split_s = min(spent)
    # The machine's load drifts over minutes: read once more, right after the split.
    again_s, _ = _best(args.repeat, lambda: read_delimited(source))
    print(f"read again   {again_s:7.2f} s", flush=True)
    read_s = min(read_s, again_s)
    print(
        f"check+split  {both_s:7.2f} s  ({summary.get('accepted'):,} accepted, "
        f"{summary.get('held'):,} held)"
    )
    print(f"split step   {split_s:7.2f} s")
    print()
    print(f"split / read         {split_s / read_s:5.2f}  (target < 1.5)")
    print(f"(check+split) / check {both_s / check_s:5.2f}")
    print(f"(check+split - check) / read {(both_s - check_s) / read_s:5.2f}")
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
