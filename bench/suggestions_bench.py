"""Suggested corrections over a column of failing values: seconds per kind.

Usage: PYTHONPATH=. python bench/suggestions_bench.py [N]   (default: 100000)

Each kind gets N failing values as an export has them: dictionary kinds (country, currency,
whitespace) repeat a few hundred distinct spellings plus 5 % unique junk; identifier kinds
(IBAN, VAT ID, phone) are all distinct, spaced and lower-cased, 10 % with a wrong check digit;
postal codes are German codes that lost their leading zero with their cities; reference keys
are customer numbers with one character wrong against 100 000 existing customers. A first
call is made on a small sample so that the one-off table builds (pycountry, the postal list)
are timed apart.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable

import pandas as pd
from stdnum import iban as std_iban
from stdnum.iso7064 import mod_11_10

from kmu_dataguard.suggestions import KeyIndex, suggest, suggest_references
from kmu_dataguard.validators.codelists import postal_places

COUNTRY_SPELLINGS = [
    "Deutschland", "deutschland", " Deutschland", "Germany", "GERMANY", "BRD", "Österreich",
    "Oesterreich", "Austria", "Schweiz", "Switzerland", "Niederlande", "Holland", "Frankreich",
    "Italien", "Polen", "Spanien", "$", "Kongo", "de", "at", "ch",
]  # fmt: skip
CURRENCY_SPELLINGS = ["Euro", "EURO", "€", "eur", "sFr", "chf", "$", "US-Dollar", "£", "Zloty"]


def _with_junk(rng: random.Random, pool: list[str], n: int) -> pd.Series:
    values = [rng.choice(pool) for _ in range(n)]
    for i in rng.sample(range(n), n // 20):
        values[i] = f"=junk{i}"
    return pd.Series(values, dtype=object)


def _iban(rng: random.Random, i: int) -> str:
    number = f"DE00{rng.randrange(10**8):08d}{i:010d}"
    text = "de" + std_iban.calc_check_digits(number) + number[4:]
    if i % 10 == 0:  # a wrong check digit: no suggestion
        text = text[:-1] + str((int(text[-1]) + 1) % 10)
    return " ".join(text[k : k + 4] for k in range(0, len(text), 4))


def _vat(i: int) -> str:
    body = f"{10_000_000 + i:08d}"
    check = int(mod_11_10.calc_check_digit(body))
    if i % 10 == 0:
        check = (check + 1) % 10
    return f"de {body[:3]} {body[3:6]} {body[6:]}{check}"


def _time(label: str, run: Callable[[], pd.Series]) -> None:
    start = time.perf_counter()
    out = run()
    took = time.perf_counter() - start
    found = int(out.notna().sum())
    print(f"{label:<28} {took:8.3f} s   {found:>7} suggestions of {len(out)}")


def main(n: int) -> None:
    rng = random.Random(18)
    warm = time.perf_counter()
    suggest("country", pd.Series(["Deutschland"]))
    suggest("currency", pd.Series(["Euro"]))
    postal_places()
    suggest(
        "postal_code",
        pd.Series(["1067"]),
        {"city": pd.Series(["Dresden"]), "country": pd.Series(["DE"])},
    )
    print(f"{'one-off table builds':<28} {time.perf_counter() - warm:8.3f} s")

    country = _with_junk(rng, COUNTRY_SPELLINGS, n)
    _time("country", lambda: suggest("country", country))
    currency = _with_junk(rng, CURRENCY_SPELLINGS, n)
    _time("currency", lambda: suggest("currency", currency))
    spaced = _with_junk(rng, [f"  Muster{k}  GmbH " for k in range(300)], n)
    _time("whitespace", lambda: suggest("whitespace", spaced))
    ibans = pd.Series([_iban(rng, i) for i in range(n)], dtype=object)
    _time("iban (all distinct)", lambda: suggest("iban", ibans))
    vats = pd.Series([_vat(i) for i in range(n)], dtype=object)
    _time("vat_id (all distinct)", lambda: suggest("vat_id", vats))
    phones = pd.Series([f"0351 {1_000_000 + i}" for i in range(n)], dtype=object)
    countries = pd.Series(["DE"] * n, dtype=object)
    _time("phone (all distinct)", lambda: suggest("phone", phones, {"country": countries}))
    zero = sorted(
        (code, names[0])
        for (c, code), names in postal_places().items()
        if c == "DE" and code[0] == "0"
    )
    picks = [rng.choice(zero) for _ in range(n)]
    postal = pd.Series([code[1:] for code, _ in picks], dtype=object)
    cities = pd.Series([city for _, city in picks], dtype=object)
    _time(
        "postal_code",
        lambda: suggest("postal_code", postal, {"city": cities, "country": countries}),
    )
    keys = [f"K{100000 + i}" for i in range(100_000)]
    names = [f"Kunde {i} GmbH" for i in range(100_000)]
    start = time.perf_counter()
    index = KeyIndex(keys, names)
    print(f"{'reference index (100 000)':<28} {time.perf_counter() - start:8.3f} s")
    wrong = [rng.randrange(100_000) for _ in range(n)]
    values = pd.Series([keys[i][:-1] + "X" for i in wrong], dtype=object)
    ref_names = pd.Series([names[i] for i in wrong], dtype=object)
    _time("reference", lambda: suggest_references(values, ref_names, index))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
