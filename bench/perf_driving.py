"""How Great Expectations is driven: four plain GX expectations, every failing key, one process.

    PYTHONPATH=. python bench/perf_driving.py CUSTOMERS.csv [--repeat 2]

The issue's measurement: four simple expectations over 1 M rows take GX about 2 s with summary
results and about 21 s once it must return every failing record's key (``COMPLETE`` with
``unexpected_index_column_names``); hand-written pandas takes about 0.26 s. This isolates that
cost from the expensive custom checks of the full suite, where (a) and (b) share the work:

(b) ``ValidationDefinition.run`` with ``COMPLETE`` and the key as index column (and, for
    reference, the same with ``SUMMARY``, which returns no keys);
(a) the dataguard engine (``validate_table``) on the same frame and the same four
    expectations, every failing key in its outcome;
(c) pandas masks by hand.

The table is read once; import and reading are not timed. Every variant must list the same
failing keys. Prints one line per variant and the ratios b/a and a/c (best of ``--repeat``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pandas as pd

KEY = "customer_id"
COUNTRIES = ["DE", "AT", "CH", "FR", "NL", "BE", "LU", "DK", "PL", "CZ", "IT", "ES"]
# Four plain GX expectations on the benchmark table, as a user would write them.
EXPECTATIONS = [
    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "name"}},
    {"type": "expect_column_values_to_be_unique", "kwargs": {"column": KEY}},
    {
        "type": "expect_column_values_to_match_regex",
        "kwargs": {"column": "postal_code", "regex": r"^\d{5}$"},
    },
    {
        "type": "expect_column_values_to_be_in_set",
        "kwargs": {"column": "country", "value_set": COUNTRIES},
    },
]
IDS = ["name_present", "id_unique", "postal_code_five_digits", "country_in_set"]


def by_hand(frame: pd.DataFrame) -> dict[str, Counter]:
    keys = frame[KEY]
    postal, country = frame["postal_code"], frame["country"]
    masks = {
        "name_present": frame["name"].isna(),
        "id_unique": keys.duplicated(keep=False) & keys.notna(),
        "postal_code_five_digits": postal.notna() & ~postal.str.fullmatch(r"\d{5}", na=False),
        "country_in_set": country.notna() & ~country.isin(COUNTRIES),
    }
    return {ident: Counter(keys[mask].tolist()) for ident, mask in masks.items()}


def plain_gx(frame: pd.DataFrame, result_format: str) -> dict[str, Counter]:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # no noise, no cost
    suite = context.suites.add(gx.ExpectationSuite(name=f"four-{time.monotonic_ns()}"))
    for ident, item in zip(IDS, EXPECTATIONS, strict=True):
        config = ExpectationConfiguration(
            type=item["type"], kwargs=item["kwargs"], meta={"id": ident}
        )
        suite.add_expectation(config.to_domain_obj())
    source = context.data_sources.add_pandas(f"csv-{time.monotonic_ns()}")
    batch = source.add_dataframe_asset("customers").add_batch_definition_whole_dataframe("all")
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=suite.name, data=batch, suite=suite)
    )
    fmt: dict = {"result_format": result_format}
    if result_format == "COMPLETE":
        fmt["unexpected_index_column_names"] = [KEY]
    result = definition.run(batch_parameters={"dataframe": frame}, result_format=fmt)
    out = {}
    for item in result.results:
        rows = (item.result or {}).get("unexpected_index_list") or []
        out[item.expectation_config.meta["id"]] = Counter(r[KEY] for r in rows)
    return out


def dataguard(frame: pd.DataFrame, suite_path: Path) -> dict[str, Counter]:
    from kmu_dataguard.engine import validate_table
    from kmu_dataguard.sources.table import Table
    from kmu_dataguard.suites import read_suite_file

    table = Table(frame=frame, origin="bench")
    outcomes = validate_table(table, read_suite_file(suite_path), key=KEY)
    for o in outcomes:
        if o.error or o.failing_keys_truncated:
            raise SystemExit(f"(a) {o.id}: {o.error or 'failing keys truncated'}")
    return {o.id.split(".", 1)[1]: Counter(o.failing_keys) for o in outcomes}


def best(runs: int, call, *args) -> tuple[float, dict[str, Counter]]:
    times, out = [], {}
    for _ in range(runs):
        start = time.perf_counter()
        out = call(*args)
        times.append(time.perf_counter() - start)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("csv", type=Path)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    frame = pd.read_csv(args.csv, dtype=str, keep_default_na=False, na_values=[""])
    suite = {
        "name": "four",
        "meta": {"entity": "customers"},
        "expectations": [
            {**item, "severity": "critical", "meta": {"id": f"four.{ident}"}}
            for ident, item in zip(IDS, EXPECTATIONS, strict=True)
        ],
    }
    with tempfile.TemporaryDirectory() as tmp:
        suite_path = Path(tmp) / "four.json"
        suite_path.write_text(json.dumps(suite))
        warm = frame.head(1000)  # imports, registries and GX's caches, outside the timings
        dataguard(warm, suite_path), plain_gx(warm, "COMPLETE"), by_hand(warm)

        c_s, c = best(args.repeat, by_hand, frame)
        a_s, a = best(args.repeat, dataguard, frame, suite_path)
        b_s, b = best(args.repeat, plain_gx, frame, "COMPLETE")
        summary_s, _ = best(args.repeat, plain_gx, frame, "SUMMARY")
    for label, found in (("(a)", a), ("(b)", b)):
        if found != c:
            raise SystemExit(f"{label} failing keys differ from the hand-written ones")
    failing = sum(sum(v.values()) for v in c.values())
    print(
        json.dumps(
            {
                "rows": len(frame),
                "failing_keys": failing,
                "a_s": a_s,
                "b_s": b_s,
                "b_summary_s": summary_s,
                "c_s": c_s,
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
