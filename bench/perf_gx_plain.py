"""(b) The customers suite through plain Great Expectations, as a user would write it by hand.

    python bench/perf_gx_plain.py CUSTOMERS.csv OUT.json

Fresh process: read the CSV with pandas (text columns), build the suite from
``expectations/customers.json``, and run it with a ``ValidationDefinition`` (the documented
GX 1.x way) with ``result_format=COMPLETE`` and the key as ``unexpected_index_column_names``.
The project's custom expectations are registered (plain GX has no IBAN or VAT checks), so (b)
runs the same conditions as (a) and differs only in how GX is driven. Writes
``{expectation id: [failing keys]}`` and the phase timings.
"""

from __future__ import annotations

import json
import sys
import time

START = time.perf_counter()


def main() -> None:
    import pandas as pd

    path, out = sys.argv[1], sys.argv[2]
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    read_s = time.perf_counter() - START

    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    from kmu_dataguard.validators import register

    register()
    import_s = time.perf_counter() - START - read_s
    with open("expectations/customers.json", encoding="utf-8") as handle:
        spec = json.load(handle)
    context = gx.get_context(mode="ephemeral")
    suite = context.suites.add(gx.ExpectationSuite(name="customers"))
    for item in spec["expectations"]:
        config = ExpectationConfiguration(
            type=item["type"], kwargs=item["kwargs"], meta={"id": item["meta"]["id"]}
        )
        suite.add_expectation(config.to_domain_obj())
    source = context.data_sources.add_pandas("customers_csv")
    asset = source.add_dataframe_asset("customers")
    batch = asset.add_batch_definition_whole_dataframe("all")
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name="customers", data=batch, suite=suite)
    )
    run_start = time.perf_counter()
    result = definition.run(
        batch_parameters={"dataframe": frame},
        result_format={
            "result_format": "COMPLETE",
            "unexpected_index_column_names": ["customer_id"],
        },
    )
    validate_s = time.perf_counter() - run_start
    failing = {}
    for item in result.results:
        rows = (item.result or {}).get("unexpected_index_list") or []
        keys = [r.get("customer_id") if isinstance(r, dict) else r for r in rows]
        failing[item.expectation_config.meta["id"]] = [str(k) for k in keys]
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(
            {
                "success": bool(result.success),
                "failing": failing,
                "phases": {"read_s": read_s, "import_s": import_s, "validate_s": validate_s},
            },
            handle,
        )


if __name__ == "__main__":
    main()
