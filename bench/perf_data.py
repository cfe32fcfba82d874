"""A realistic customers master of N rows with seeded defects whose failing keys are known.

Base records come from ``kmu_dataguard.demo.world.make_customers`` (the demo's generator).
Three things are widened so that a million rows look like a million different companies and
not like 2 000 companies repeated: names (30 % "surname trade form" from 100 surnames x 40
trades of bench/dedup_data.py, which recur as in real masters; 70 % carry a made-up brand word
from ~30 M, so that distinct names grow with the rows as they do in real data), addresses
(postal codes uniform over the real ranges of 23 cities, ~12 000 codes, with the city the
shipped postal list gives a code where it is not the range's city; ~3 900 street names;
house numbers 1-249) and identifiers (VAT ID and IBAN
derived from the row number, so no two records share one by chance; the IBAN keeps the bank
of the BIC).

Defects are seeded on disjoint rows (``DEFECT_RATES``, ~10 % of the rows in all):

* ``missing_name``: name empty;
* ``bad_iban``: IBAN check digits off by one (mod 97 fails);
* ``country_name``: ``Deutschland`` instead of ``DE`` (fails the country code check and the
  VAT-prefix-matches-country check);
* ``postal_no_zero``: ``1067`` instead of ``01067`` (only rows with a leading zero);
* ``bad_email``: no ``@``, a doubled ``@`` or a space;
* ``duplicate_id``: the customer number of another (clean) record: both fail uniqueness;
* ``duplicate_partner``: a second record of another (clean) record's company under a new
  customer number (same VAT ID and IBAN): both are one duplicate group.

:func:`expected_failures` says which keys each expectation of the ``customers`` suite must
list. The duplicate-partner rules may also join records the generator did not mean to be
duplicates (same name at the same address); the benchmark compares those with the reference.
"""

from __future__ import annotations

import functools
import json
import random
import sqlite3
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dedup_data import CITIES, FIRST_NAMES, STREET_STEMS, STREET_SUFFIXES, SURNAMES, TRADES

from kmu_dataguard.demo.world import make_customers
from kmu_dataguard.validators.codelists import postal_places
from kmu_dataguard.validators.postal_city import city_matches

__all__ = ["DEFECT_RATES", "expected_failures", "make_table"]

DEFECT_RATES: dict[str, float] = {
    "missing_name": 0.02,
    "bad_iban": 0.02,
    "country_name": 0.015,
    "postal_no_zero": 0.015,
    "bad_email": 0.02,
    "duplicate_id": 0.005,
    "duplicate_partner": 0.005,
}
_FORMS = ["GmbH", "GmbH", "GmbH", "GmbH & Co. KG", "AG", "KG", "e.K.", "OHG", "UG"]
_CITY_WEIGHTS = list(__import__("itertools").accumulate(c[2] - c[1] + 1 for c in CITIES))
# ~4 000 street names per city ("Lindenweg", "Hans-Müller-Straße"): a big city's customers
# spread over many streets, as in real data, instead of crowding into a handful.
_STREETS = [
    f"{s}{x}" if x[0].islower() else f"{s} {x}" for s in STREET_STEMS for x in STREET_SUFFIXES
]
_STREETS += [
    f"{first}-{last}-{kind}"
    for first in FIRST_NAMES
    for last in SURNAMES
    for kind in ("Straße", "Weg", "Allee", "Platz")
]


def _iban(blz: str, n: int) -> str:
    from stdnum import iban

    bban = f"{blz}{n:010d}"
    return f"DE{iban.calc_check_digits('DE00' + bban)}{bban}"


def _vat(n: int) -> str:
    from stdnum.iso7064 import mod_11_10

    body = f"{1 + n % 9}{(n // 9) % 10**7:07d}"
    return f"DE{body}{mod_11_10.calc_check_digit(body)}"


def _brand(rng: random.Random) -> str:
    """A made-up brand word ("Telomaru", "Bikusowe"): 3 or 4 syllables of 75."""
    syllables = rng.choice((3, 4))
    word = "".join(rng.choice("bdfgklmnprstvwz") + rng.choice("aeiou") for _ in range(syllables))
    return word.capitalize()


def _slug(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
    return "".join(c for c in text.lower().translate(table) if c.isalnum())


@functools.cache
def _city_of(postal: str, city: str) -> str:
    """``city``, or the place the shipped postal list gives ``postal`` when that is another
    (Hamburg's range holds Buxtehude's codes): the addresses stay real, so the postal code and
    city check finds no defect that is not seeded."""
    if city_matches("DE", postal, city) is not False:
        return city
    return min(postal_places()[("DE", postal)], key=len)


def make_table(rows: int, *, seed: int = 7) -> tuple[pd.DataFrame, dict[str, list[int]]]:
    """The customers table (text columns, None for empty) and the row positions per defect."""
    rng = random.Random(seed)
    records = []
    for n, base in enumerate(make_customers(rows, seed=seed, start=1)):
        surname, trade = rng.choice(SURNAMES), rng.choice(TRADES)
        # Postal codes uniformly over all ranges: as many records per code in Görlitz as in Berlin.
        city, low, high, _ = rng.choices(CITIES, cum_weights=_CITY_WEIGHTS)[0]
        first = _brand(rng) if rng.random() < 0.7 else surname
        name = f"{first} {trade} {rng.choice(_FORMS)}"
        base.update(
            customer_id=f"K{n + 1:07d}",
            name=name,
            street=f"{rng.choice(_STREETS)} {rng.randrange(1, 250)}",
            postal_code=(postal := f"{rng.randrange(low, high + 1):05d}"),
            city=_city_of(postal, city),
            vat_id=_vat(n),
            iban=_iban(base["iban"][4:12], n),
            email=f"rechnung@{_slug(first)}-{_slug(trade)}-{n + 1}.de",
        )
        records.append(base)
    frame = pd.DataFrame.from_records(records)
    frame = frame.where(frame != "", None)
    return frame, _seed_defects(frame, rng)


def _seed_defects(frame: pd.DataFrame, rng: random.Random) -> dict[str, list[int]]:
    n = len(frame)
    order = list(range(n))
    rng.shuffle(order)
    leading_zero = set(frame.index[frame["postal_code"].str.startswith("0")].tolist())
    counts = {k: round(rate * n) for k, rate in DEFECT_RATES.items()}
    taken: dict[str, list[int]] = {}
    cursor = 0

    def take(count: int, where: set[int] | None = None) -> list[int]:
        nonlocal cursor, order
        if where is None:
            out, cursor = order[cursor : cursor + count], cursor + count
            return out
        rest = order[cursor:]
        picked = [i for i in rest if i in where][:count]
        chosen = set(picked)
        order = order[:cursor] + picked + [i for i in rest if i not in chosen]
        cursor += len(picked)
        return picked

    taken["postal_no_zero"] = take(counts["postal_no_zero"], leading_zero)
    for kind in ("missing_name", "bad_iban", "country_name", "bad_email"):
        taken[kind] = take(counts[kind])
    # A duplicate is a pair: the seeded row and a clean source row that keeps its data.
    for kind in ("duplicate_id", "duplicate_partner"):
        copies, sources = take(counts[kind]), take(counts[kind])
        taken[kind] = copies
        taken[kind + "_source"] = sources

    col = {c: frame.columns.get_loc(c) for c in frame.columns}
    values = frame.to_numpy(dtype=object)
    for i in taken["postal_no_zero"]:
        values[i, col["postal_code"]] = values[i, col["postal_code"]].lstrip("0")
    for i in taken["missing_name"]:
        values[i, col["name"]] = None
    for i in taken["bad_iban"]:
        iban = values[i, col["iban"]]
        values[i, col["iban"]] = f"{iban[:2]}{(int(iban[2:4]) + 1) % 100:02d}{iban[4:]}"
    for i in taken["country_name"]:
        values[i, col["country"]] = "Deutschland"
    for k, i in enumerate(taken["bad_email"]):
        email = values[i, col["email"]]
        values[i, col["email"]] = (
            (email.replace("@", ".") if k % 3 == 0 else email.replace("@", "@@"))
            if k % 3 < 2
            else email.replace("@", " @")
        )
    for i, j in zip(taken["duplicate_id"], taken["duplicate_id_source"], strict=True):
        values[i, col["customer_id"]] = values[j, col["customer_id"]]
    for i, j in zip(taken["duplicate_partner"], taken["duplicate_partner_source"], strict=True):
        own_id = values[i, col["customer_id"]]
        values[i] = values[j]
        values[i, col["customer_id"]] = own_id
    frame[:] = values
    return taken


def expected_failures(frame: pd.DataFrame, taken: dict[str, list[int]]) -> dict[str, Counter]:
    """Expectation type (+ column) -> the multiset of keys it must list as failing."""
    keys = frame["customer_id"].to_numpy(dtype=object)

    def at(*kinds: str) -> Counter:
        return Counter(str(keys[i]) for kind in kinds for i in taken[kind])

    return {
        "expect_column_values_to_not_be_null:name": at("missing_name"),
        "expect_column_values_to_be_unique:customer_id": at("duplicate_id", "duplicate_id_source"),
        "expect_column_values_to_be_valid_iban:iban": at("bad_iban"),
        "expect_column_values_to_be_valid_country_code:country": at("country_name"),
        "expect_column_pair_values_to_be_vat_prefix_matching_country:vat_id": at("country_name"),
        "expect_column_pair_values_to_be_valid_postal_code_for_country:postal_code": at(
            "postal_no_zero"
        ),
        "expect_column_values_to_be_valid_email:email": at("bad_email"),
        "expect_table_rows_to_have_no_duplicate_partners:": at(
            "duplicate_partner", "duplicate_partner_source"
        ),
    }


def write_dataset(rows: int, folder: Path) -> None:
    """customers_N.csv, .sqlite, .truth.json and .size (bytes of the table read back as text)."""
    frame, taken = make_table(rows)
    truth = {k: list(v.elements()) for k, v in expected_failures(frame, taken).items()}
    csv_path, db_path = folder / f"customers_{rows}.csv", folder / f"customers_{rows}.sqlite"
    frame.to_csv(csv_path, index=False)
    db_path.unlink(missing_ok=True)
    with sqlite3.connect(db_path) as conn:
        frame.to_sql("customers", conn, index=False, chunksize=50_000)
    (folder / f"customers_{rows}.truth.json").write_text(json.dumps(truth))
    del frame
    back = pd.read_csv(csv_path, dtype=str, keep_default_na=False, na_values=[""])
    (folder / f"customers_{rows}.size").write_text(str(int(back.memory_usage(deep=True).sum())))


if __name__ == "__main__":
    write_dataset(int(sys.argv[1]), Path(sys.argv[2]))
