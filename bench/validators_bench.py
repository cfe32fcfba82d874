"""Library per distinct value vs. vectorised fast path, per validator, side by side.

Usage: PYTHONPATH=. python bench/validators_bench.py [N ...]   (default: 100000 1000000)

Values are realistic and distinct: IBANs, German VAT IDs, e-mail addresses and phone numbers
from ``kmu_dataguard.demo.world.make_customers`` (made distinct by the customer number where
the generator repeats), plus GTINs and Leitweg-IDs built with stdnum's check digits. "library"
is the previous implementation (``map_distinct`` with the library's judge), "fast" the public
validator. The verdicts of both are compared, so a run also proves agreement on the data.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from itertools import islice

import pandas as pd
from stdnum import ean as std_ean
from stdnum import iban as std_iban
from stdnum.de import leitweg as std_leitweg
from stdnum.iso7064 import mod_11_10, mod_97_10

from kmu_dataguard.demo.world import make_customers
from kmu_dataguard.validators import contact, identifiers
from kmu_dataguard.validators._common import map_distinct
from kmu_dataguard.validators.values import (
    valid_email,
    valid_gtin,
    valid_iban,
    valid_leitweg_id,
    valid_phone_for_country,
    valid_vat_id,
)


def _columns(n: int) -> dict[str, list[str]]:
    rng = random.Random(7)
    rows = list(islice(make_customers(n, seed=11), n))
    ibans, vats, phones = [], [], []
    for i, row in enumerate(rows):
        ibans.append(row["iban"])
        # make_customers' German VAT IDs repeat at this size: derive distinct ones from i.
        body = f"{1 + i % 9}{i:07d}"[-8:]
        body = str(1 + (i // 10**7) % 9) + body[1:]
        vats.append(f"DE{body}{mod_11_10.calc_check_digit(body)}")
        # Half international, half national German numbers (fixed line and mobile).
        if i % 2:
            phones.append(f"+49 {rng.choice(['30', '89', '40', '221'])} {1000000 + i}")
        else:
            phones.append(f"0{rng.choice(['30', '151', '172', '89'])} {1000000 + i}")
    gtins, leitweg = [], []
    for i in range(n):
        body = f"400{i:09d}"
        gtins.append(body + std_ean.calc_check_digit(body))
        coarse = f"{rng.randrange(1, 17):02d}{i:07d}"
        fine = f"{rng.randrange(10**4):04d}"
        leitweg.append(f"{coarse}-{fine}-{mod_97_10.calc_check_digits(coarse + fine)}")
    return {
        "iban": ibans,
        "vat_id": vats,
        "email": [row["email"] for row in rows],
        "phone": phones,
        "gtin": gtins,
        "leitweg_id": leitweg,
    }


def _time(fn: Callable[[], pd.Series]) -> tuple[float, pd.Series]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run(n: int) -> list[tuple[str, int, int, float, float]]:
    data = {k: pd.Series(v, dtype=object) for k, v in _columns(n).items()}
    country = pd.Series(["DE"] * n, dtype=object)
    cases = [
        ("IBAN", "iban", lambda s: map_distinct(s, std_iban.is_valid), valid_iban),
        (
            "VAT ID (DE)",
            "vat_id",
            lambda s: map_distinct(s, identifiers._vat_id_is_valid),
            valid_vat_id,
        ),
        ("GTIN", "gtin", lambda s: map_distinct(s, identifiers._gtin_is_valid), valid_gtin),
        (
            "Leitweg-ID",
            "leitweg_id",
            lambda s: map_distinct(s, std_leitweg.is_valid),
            valid_leitweg_id,
        ),
        ("e-mail", "email", lambda s: map_distinct(s, contact._email_is_valid), valid_email),
        (
            "phone for country",
            "phone",
            lambda s: map_distinct(s, lambda t: contact.normalise_phone(t, "DE") is not None),
            lambda s: valid_phone_for_country(s, country),
        ),
    ]
    out = []
    for label, column, library, fast in cases:
        values = data[column]
        t_lib, expected = _time(lambda library=library, values=values: library(values))
        t_fast, got = _time(lambda fast=fast, values=values: fast(values))
        if not got.equals(expected):
            raise SystemExit(f"{label}: fast path and library disagree on generated data")
        out.append((label, n, values.nunique(), t_lib, t_fast))
    return out


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [100_000, 1_000_000]
    print(
        f"{'validator':<18} {'rows':>9} {'distinct':>9} {'library s':>10} {'fast s':>8} "
        f"{'speed-up':>9}"
    )
    for n in sizes:
        for label, rows, distinct, t_lib, t_fast in run(n):
            print(
                f"{label:<18} {rows:>9} {distinct:>9} {t_lib:>10.2f} {t_fast:>8.2f} "
                f"{t_lib / t_fast:>8.1f}x",
                flush=True,
            )


if __name__ == "__main__":
    main(sys.argv[1:])
