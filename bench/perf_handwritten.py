"""(c) The limit: the customers suite's verdicts and failing keys without Great Expectations.

    python bench/perf_handwritten.py CUSTOMERS.csv OUT.json

Fresh process: read the CSV with pandas and compute, expectation by expectation, a boolean
"fails" mask over the whole column with numpy/pandas; the keys are one lookup per mask.
Check digits and formats are the project's vectorised fast paths (``map_fast`` over a uint8
matrix: plain numpy), code lists are ``isin`` over distinct values, the country/prefix pairs
compare vectorised prefixes; the validator libraries (stdnum, phonenumbers, email-validator)
see only what the fast paths leave undecided, once per distinct value. Duplicate partners
are ``find_duplicates`` (pandas + rapidfuzz), the same code the expectation wraps: there is
no shorter hand-written form of those rules. Writes ``{expectation id: [failing keys]}``.
"""

from __future__ import annotations

import json
import sys
import time

START = time.perf_counter()


def main() -> None:
    import numpy as np
    import pandas as pd

    from kmu_dataguard.consistency.duplicates import find_duplicates
    from kmu_dataguard.validators import values as v
    from kmu_dataguard.validators.codes import _countries, _currencies

    path, out = sys.argv[1], sys.argv[2]
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    read_s = time.perf_counter() - START
    t0 = time.perf_counter()
    keys = df["customer_id"].to_numpy(dtype=object)
    present = {c: df[c].notna().to_numpy() for c in df.columns}

    def codes(column: str, allowed: frozenset[str]) -> np.ndarray:
        values = df[column]
        return present[column] & ~values.str.strip().isin(allowed).to_numpy()

    country = df["country"].fillna("").str.strip().str.upper()

    def prefix(values: pd.Series) -> pd.Series:
        """Two letters at the start after removing spaces, dots and dashes, else ''."""
        compact = values.fillna("").str.replace(r"[\s.\-]", "", regex=True).str.upper()
        return compact.str[:2].where(compact.str.match(r"[A-Z]{2}"), "")

    vat_prefix = prefix(df["vat_id"])
    extra = country.map({"GR": "EL", "GB": "XI", "MC": "FR", "IM": "GB"}).fillna("")
    iban_cc = prefix(df["iban"])
    bic = df["bic"].fillna("").str.replace(r"[\s.\-]", "", regex=True).str.upper()
    bic_cc = prefix(bic.str[4:6]).where(bic.str.len().isin([8, 11]), "")
    # Territories whose banks use their own code in the BIC with the mother country's IBAN.
    overseas = {
        "FR": {"FR", "GF", "GP", "MQ", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF", "TF", "MC"},
        "GB": {"GB", "GG", "JE", "IM"}, "FI": {"FI", "AX"}, "NO": {"NO", "SJ"},
    }  # fmt: skip
    both = ((iban_cc != "") & (bic_cc != "")).to_numpy()
    agree = (iban_cc == bic_cc).to_numpy().copy()
    special = np.flatnonzero(both & iban_cc.isin(list(overseas)).to_numpy())
    agree[special] = [bic_cc.iat[i] in overseas[iban_cc.iat[i]] for i in special]
    de = (country == "DE").to_numpy()
    fails = {
        "customers.id_present": ~present["customer_id"],
        "customers.id_unique": present["customer_id"]
        & df["customer_id"].duplicated(keep=False).to_numpy(),
        "customers.name_present": ~present["name"],
        "customers.street_present": ~present["street"],
        "customers.postal_code_present": ~present["postal_code"],
        "customers.city_present": ~present["city"],
        "customers.country_present": ~present["country"],
        "customers.country_valid": codes("country", _countries()),
        "customers.postal_code_matches_country": ~v.valid_postal_code_for_country(
            df["postal_code"], df["country"]
        ).to_numpy(),
        "customers.vat_id_valid": ~v.valid_vat_id(df["vat_id"]).to_numpy(),
        "customers.vat_id_prefix_matches_country": (
            present["vat_id"]
            & present["country"]
            & ~((vat_prefix == country) | ((vat_prefix == extra) & (extra != ""))).to_numpy()
        ),
        "customers.tax_number_valid": de & ~v.valid_de_tax_number(df["tax_number"]).to_numpy(),
        "customers.iban_valid": ~v.valid_iban(df["iban"]).to_numpy(),
        "customers.bic_valid": ~v.valid_bic(df["bic"]).to_numpy(),
        "customers.iban_matches_bic": both & ~agree,
        "customers.email_valid": ~v.valid_email(df["email"]).to_numpy(),
        "customers.phone_valid_for_country": present["country"]
        & ~v.valid_phone_for_country(df["phone"], df["country"]).to_numpy(),
        "customers.currency_valid": codes("currency", _currencies()),
        "customers.payment_terms_numeric": present["payment_terms_days"]
        & ~df["payment_terms_days"].str.fullmatch(r"\d{1,3}").fillna(True).to_numpy(dtype=bool),
        "customers.leitweg_id_valid": ~v.valid_leitweg_id(df["leitweg_id"]).to_numpy(),
    }
    failing = {ident: keys[mask].tolist() for ident, mask in fails.items()}
    checks_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    clusters = find_duplicates(df, key="customer_id")
    failing["customers.no_duplicate_partners"] = [k for c in clusters for k in c.keys]
    dedup_s = time.perf_counter() - t1
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(
            {
                "success": not any(failing.values()),
                "failing": failing,
                "phases": {"read_s": read_s, "checks_s": checks_s, "dedup_s": dedup_s},
            },
            handle,
        )


if __name__ == "__main__":
    main()
