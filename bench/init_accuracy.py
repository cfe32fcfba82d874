"""Share of columns ``dataguard init`` maps right on the test exports
(tests/support/onboarding_exports.py).

Usage: PYTHONPATH=. python bench/init_accuracy.py

Each export (lexoffice, sevDesk, Shopware 6, Business Central, HubSpot, Odoo, articles, headers
that say nothing, a misleading header) comes with the expected canonical column of every source
column (None: not mapped); a column is right when the proposal names exactly that. The set is
small and was written together with the header dictionary, so its score measures regressions.
Two exports below (:data:`HELD_OUT`: a Salesforce Account Data Loader file with API names, an
English CRM list) were written after the dictionary and are scored apart.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from kmu_dataguard.onboarding import propose, read_source
from tests.support import onboarding_exports as ox


def salesforce_accounts(tmp: Path) -> tuple[Path, str, dict[str, str | None]]:
    head = [
        "Id",
        "Name",
        "AccountNumber",
        "BillingStreet",
        "BillingPostalCode",
        "BillingCity",
        "BillingCountryCode",
        "Phone",
        "CurrencyIsoCode",
        "Website",
        "Industry",
    ]
    rows = [head]
    for i in range(ox.N):
        plz, ort = ox.CITIES[i % 4]
        rows.append(
            [
                f"001A000001{i:05d}AAA",
                ox.FIRMS[i % 4],
                f"CU-{i}",
                f"Weg {i}",
                plz,
                ort,
                "DE",
                ox.a_phone(i),
                "EUR",
                f"www.firma{i}.de",
                "Retail",
            ]
        )
    expected = dict(
        zip(
            head,
            [
                None,
                "name",
                "customer_id",
                "street",
                "postal_code",
                "city",
                "country",
                "phone",
                "currency",
                None,
                None,
            ],
            strict=True,
        )
    )
    return ox.write_csv(tmp / "Account.csv", rows, sep=","), "customers", expected


def english_crm(tmp: Path) -> tuple[Path, str, dict[str, str | None]]:
    head = [
        "Customer ID",
        "Company",
        "Address",
        "ZIP",
        "Town",
        "Country",
        "VAT No",
        "Email Address",
        "Tel",
        "Notes",
    ]
    rows = [head]
    for i in range(ox.N):
        plz, ort = ox.CITIES[i % 4]
        rows.append(
            [
                f"C{i}",
                ox.FIRMS[i % 4],
                f"Road {i}",
                plz,
                ort,
                "DE",
                ox.a_vat(i),
                ox.an_email(i),
                ox.a_phone(i),
                "call before noon",
            ]
        )
    expected = dict(
        zip(
            head,
            [
                "customer_id",
                "name",
                "street",
                "postal_code",
                "city",
                "country",
                "vat_id",
                "email",
                "phone",
                None,
            ],
            strict=True,
        )
    )
    return ox.write_csv(tmp / "crm.csv", rows, sep=","), "customers", expected


HELD_OUT = (salesforce_accounts, english_crm)


def score(builders: tuple[ox.Builder, ...], title: str) -> None:
    right = total = entities = 0
    with tempfile.TemporaryDirectory() as tmp:
        for build in builders:
            path, entity, expected = build(Path(tmp))
            frame, _ = read_source(path)
            proposal = propose(frame, source=str(path))
            got = {c.source: c.canonical for c in proposal.columns}
            ok = sum(got[k] == v for k, v in expected.items())
            wrong = {k: (got[k], v) for k, v in expected.items() if got[k] != v}
            right, total = right + ok, total + len(expected)
            entities += proposal.entity == entity
            mark = "ok " if proposal.entity == entity else "BAD"
            print(
                f"{build.__name__:22} {mark} {proposal.entity:9} {ok:2}/{len(expected):2} {wrong}"
            )
    print(
        f"{title}: columns mapped right {right}/{total} = {right / total:.1%}, "
        f"entities right {entities}/{len(builders)}\n"
    )


def main() -> None:
    score(ox.ALL, "test set")
    score(HELD_OUT, "held out")


if __name__ == "__main__":
    main()
