"""What the steward's outputs cost: `dataguard check` with and without `--report DIR`.

    PYTHONPATH=. python bench/report_bench.py [--rows 1000000] [--repeat 3] [--large 2000000]
                                              [--code DIR] [--skip-large] [--skip-writers]
                                              [--only-large]

Three parts, each child process measured for wall time and peak RSS (``os.wait4``):

1. **Side by side** on the customers master of ``bench/perf_data.py`` (1 M rows, ~125 000
   failing records, cached in ``bench/out/``): ``dataguard check FILE --suite customers --key
   customer_id --format json --history off`` without and with ``--report DIR``, interleaved
   ``--repeat`` times (the machine is shared: the median counts). Prints the ratio of the
   medians (target ≤ 1.15) and the difference of peak RSS.
2. **Writers**: the failing-records rows that part 1 wrote (its CSV, the real content) written
   to XLSX by XlsxWriter (``constant_memory``) and by openpyxl (``write_only``), each in a fresh
   process, all cells as text as the export writes them.
3. **Beyond Excel's row limit**: ``--large`` rows (default 2 M) with one bad e-mail address in
   every row, checked with ``--report``; the workbook must continue on further sheets and be
   re-read by openpyxl (``read_only``) without error, with every row of the CSV in it.

``--code DIR`` runs dataguard from another checkout (the figures before a change).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))


def run_child(
    argv: list[str], code: Path, stdout: Path | None = None
) -> tuple[float, float, int, float]:
    """Wall seconds, peak RSS (MiB), exit code and CPU seconds of a fresh child process.

    CPU seconds (user + system) are what the machine's other load disturbs least.
    """
    env = {**os.environ, "PYTHONPATH": str(code)}
    out = stdout.open("wb") if stdout else subprocess.DEVNULL
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=code, env=env, stdout=out, stderr=subprocess.PIPE)
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code_ = os.waitstatus_to_exitcode(status)
    if stdout:
        out.close()
    if code_ not in (0, 1):
        sys.stderr.write(err.decode(errors="replace")[-3000:])
    return wall, usage.ru_maxrss / 1024, code_, usage.ru_utime + usage.ru_stime


def dataguard(source: Path, suite: str, report: Path | None) -> list[str]:
    argv = [sys.executable, "-m", "kmu_dataguard", "check", str(source), "--suite", suite,
            "--key", "customer_id", "--format", "json", "--history", "off"]  # fmt: skip
    return argv + (["--report", str(report)] if report else [])


def lists_of(report: Path) -> Path:
    (run,) = (report / "runs").iterdir()
    return run / "failing-records"


def side_by_side(rows: int, repeat: int, code: Path, work: Path) -> Path:
    from perf_bench import dataset

    csv_path = dataset(rows)[0]
    plain: list[tuple[float, float, float]] = []
    reported: list[tuple[float, float, float]] = []
    kept = work / "kept"
    for i in range(repeat):
        for label, report, samples in (
            ("without --report", None, plain),
            ("with --report   ", work / f"report-{i}", reported),
        ):
            wall, rss, exit_code, cpu = run_child(dataguard(csv_path, "customers", report), code)
            samples.append((wall, cpu, rss))
            print(f"  {label}: {wall:.1f} s, CPU {cpu:.1f} s, {rss:.0f} MiB, exit {exit_code}",
                  flush=True)  # fmt: skip
            if report is not None:
                if i == 0:
                    lists_of(report).rename(kept)
                _remove(report)
    (s0, c0, r0), (s1, c1, r1) = (_median(plain), _median(reported))
    kept_csv = next(kept.glob("*.csv"))  # named after the check, i.e. the file
    records = sum(1 for _ in kept_csv.open(encoding="utf-8-sig")) - 1
    print(f"\n{rows:,} rows, {records:,} failing-record rows, median of {repeat}:")
    print("| run | wall s | CPU s | peak RSS MiB |\n|---|---|---|---|")
    print(f"| without --report | {s0:.1f} | {c0:.1f} | {r0:.0f} |")
    print(f"| with --report | {s1:.1f} | {c1:.1f} | {r1:.0f} |")
    print(f"ratio wall {s1 / s0:.2f}x, CPU {c1 / c0:.2f}x (target <= 1.15x), "
          f"RSS {r1 - r0:+.0f} MiB\n", flush=True)  # fmt: skip
    return kept_csv


def writers(rows_csv: Path, code: Path) -> None:
    """Our text-cell writer (what the report uses) vs. XlsxWriter (constant_memory) vs.
    openpyxl (write_only) on the same rows, each in a fresh process."""
    print(f"writers on {rows_csv.name} (all cells text):")
    for name in ("text_xlsx", "xlsxwriter", "openpyxl"):
        target = rows_csv.with_suffix(f".{name}.xlsx")
        wall, rss, exit_code, cpu = run_child(
            [sys.executable, __file__, "--write-with", name, str(rows_csv), str(target)], code
        )
        size = target.stat().st_size / 2**20 if exit_code == 0 else 0
        print(f"  {name:10}: {wall:.1f} s, CPU {cpu:.1f} s, {rss:.0f} MiB, {size:.1f} MiB file, "
              f"exit {exit_code}")  # fmt: skip
    print(flush=True)


def _write_with(name: str, source: Path, target: Path) -> None:
    with source.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    start = time.perf_counter()
    if name == "text_xlsx":
        from kmu_dataguard.outputs.text_xlsx import TextSheet, write_text_workbook

        header, *body = rows
        write_text_workbook(target, [TextSheet("customers", header, body, [14] * len(header))])
    elif name == "xlsxwriter":
        import xlsxwriter

        book = xlsxwriter.Workbook(str(target), {"constant_memory": True, "strings_to_numbers":
                                                 False, "strings_to_formulas": False})  # fmt: skip
        sheet = book.add_worksheet("customers")
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
        book.close()
    else:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        book = Workbook(write_only=True)
        sheet = book.create_sheet("customers")
        for row in rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                cells.append(cell)
            sheet.append(cells)
        book.save(target)
    print(f"{time.perf_counter() - start:.1f}", file=sys.stderr)


def large(rows: int, code: Path, work: Path) -> None:
    """``rows`` records, each with one bad e-mail: a list longer than an Excel sheet."""
    source, suite = OUT / f"bad_emails_{rows}.csv", work / "emails.json"
    if not source.exists():
        with source.open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(["customer_id", "name", "city", "email"])
            out.writerows(
                (f"K{n:08d}", f"Firma {n} GmbH", "Dresden", f"rechnung.firma{n}.de")
                for n in range(1, rows + 1)
            )
    suite.write_text(json.dumps({
        "name": "emails", "meta": {"entity": "customers"},
        "expectations": [{"type": "expect_column_values_to_be_valid_email",
                          "kwargs": {"column": "email"}, "severity": "critical",
                          "meta": {"id": "emails.valid"}}],
    }))  # fmt: skip
    report = work / "large"
    wall, rss, exit_code, cpu = run_child(dataguard(source, str(suite), report), code)
    print(f"{rows:,} rows, one defect each, with --report: {wall:.1f} s, CPU {cpu:.1f} s, "
          f"{rss:.0f} MiB, exit {exit_code}", flush=True)  # fmt: skip
    lists = lists_of(report)
    xlsx = next(lists.glob("*.xlsx"))
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--reread", str(xlsx)], capture_output=True, text=True
    )
    said = f"{done.stdout.strip()} {done.stderr.strip()[-500:]}"
    print(f"  openpyxl read_only re-read: {time.perf_counter() - start:.0f} s, "
          f"exit {done.returncode}: {said}")  # fmt: skip
    lines = sum(1 for _ in next(lists.glob("*.csv")).open(encoding="utf-8-sig")) - 1
    print(f"  CSV: {lines:,} rows in one file", flush=True)
    _remove(report)


def _reread(path: Path) -> None:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    sizes = {}
    for sheet in book.worksheets:
        sizes[sheet.title] = sum(1 for _ in sheet.iter_rows(values_only=True))
    book.close()
    print(f"sheets and rows {sizes}")


def _median(samples: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    return (
        statistics.median(s[0] for s in samples),
        statistics.median(s[1] for s in samples),
        statistics.median(s[2] for s in samples),
    )


def _remove(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--write-with":
        _write_with(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--reread":
        _reread(Path(sys.argv[2]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--large", type=int, default=2_000_000)
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout to run dataguard from")
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--skip-writers", action="store_true")
    parser.add_argument("--only-large", action="store_true", help="only part 3")
    args = parser.parse_args()
    from perf_bench import machine

    print(f"machine: {machine()}; code: {args.code}\n", flush=True)
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=OUT) as tmp:
        work = Path(tmp)
        if not args.only_large:
            rows_csv = side_by_side(args.rows, args.repeat, args.code.resolve(), work)
            if not args.skip_writers:
                writers(rows_csv, args.code.resolve())
        if not args.skip_large:
            large(args.large, args.code.resolve(), work)


if __name__ == "__main__":
    main()
