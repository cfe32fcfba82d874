"""Duplicate business partners: normalisation, phonetics, blocking, clusters, quality, suites."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kmu_dataguard.consistency.duplicates import (
    PartnerFeatures,
    find_duplicates,
    link_partners,
)
from kmu_dataguard.consistency.evaluation import pairwise_scores
from kmu_dataguard.consistency.normalize import (
    city_key,
    email_key,
    identifier_key,
    legal_form,
    name_conflict,
    name_key,
    postal_key,
    street_key,
)
from kmu_dataguard.consistency.partner_features import PartnerColumns
from kmu_dataguard.consistency.phonetics import cologne_phonetic, cologne_phonetic_raw
from kmu_dataguard.engine import validate_table
from kmu_dataguard.sources.table import Table
from kmu_dataguard.suites import SuiteCatalog

EVAL_CSV = Path(__file__).parent / "data" / "dedup_eval.csv"
PARTNER = ["supplier_id", "name", "street", "postal_code", "city", "country", "vat_id", "iban"]


def partners(rows: list[tuple], columns: list[str] = PARTNER) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns, dtype=object)


def groups(clusters) -> list[list[str]]:
    return [c.keys for c in clusters]


# --------------------------------------------------------------------------- phonetics


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("Wikipedia", "3412"),
        ("Müller-Lüdenscheidt", "65752682"),
        ("Breschnew", "17863"),
        ("Meier", "67"),
        ("Maier", "67"),
        ("Mayer", "67"),
        ("Meyer", "67"),
        ("Schmidt", "862"),
        ("Schmitt", "862"),
        ("Müller", "657"),
        ("Mueller", "657"),
        ("Christoph", "47823"),
        ("Xaver", "4837"),
        ("", ""),
        ("1234", ""),
    ],
)
def test_cologne_phonetic_known_codes(word: str, code: str) -> None:
    assert cologne_phonetic(word) == code


def test_cologne_phonetic_raw_code_before_collapsing() -> None:
    # The published worked example: letter codes, then collapse, then drop the zeros.
    assert cologne_phonetic_raw("Müller-Lüdenscheidt") == "60550750206880022"
    assert cologne_phonetic_raw("Müller-Lüdenscheidt").startswith("60550750")
    assert cologne_phonetic_raw("Wikipedia") == "304010200"


def test_cologne_phonetic_of_a_huge_word_is_bounded() -> None:
    assert len(cologne_phonetic_raw("ab" * 5000)) <= 64


# --------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    "name",
    [
        "Müller Bau GmbH",
        "Mueller Bau GmbH",
        "Muller Bau GmbH",
        "MÜLLER BAU G.m.b.H.",
        "Müller Bau Gesellschaft mit beschränkter Haftung",
        "Müller Bau Gesellschaft mbH",
        "Müller Bau mbH",
        "Müller Bau GmbH & Co. KG",
        "Müller Bau GmbH u. Co KG",
        "Müller Bau UG (haftungsbeschränkt)",
        "Müller Bau UG (haftungsbeschraenkt)",
        "Müller Bau UG (haftungsbeschränkd)",
        "Müller Bau e.K.",
        "Müller Bau e. K.",
        "Müller Bau OHG",
        "Müller Bau AG",
        "Müller Bau Aktiengesellschaft",
        "Müller Bau Ltd.",
        "Müller Bau S.A.R.L.",
        "Müller-Bau",
        "  müller   bau  ",
    ],
)
def test_name_key_folds_umlauts_case_punctuation_and_legal_forms(name: str) -> None:
    assert name_key(name) == "muller bau"


def test_name_key_details() -> None:
    assert name_key("Gebr. Schröder & Söhne e.V.") == "gebruder schroder und sohne"
    assert name_key("Straßenbau Weiß") == "strassenbau weiss"
    assert name_key("Café Élysée") == "cafe elysee"
    assert name_key("GmbH") == "gmbh"  # a name that is only a legal form stays
    assert name_key(None) == "" and name_key(float("nan")) == "" and name_key("   ") == ""
    assert name_key(12345) == "12345"


def test_legal_form_families() -> None:
    assert legal_form("Müller GmbH & Co. KG") == "kg"
    assert legal_form("Müller Verwaltungs GmbH") == "gmbh"
    assert legal_form("Müller UG (haftungsbeschränkt)") == "gmbh"
    assert legal_form("Müller Aktiengesellschaft") == "ag"
    assert legal_form("Müller e.K.") == "ek"
    assert legal_form("Müller") == ""


def test_name_conflicts_numbers_and_distinctive_words() -> None:
    assert name_conflict(name_key("Schiffsfonds II GmbH"), name_key("Schiffsfonds III GmbH"))
    assert name_conflict(
        name_key("Erste Müller Grundbesitz"), name_key("Zweite Müller Grundbesitz")
    )
    assert name_conflict(name_key("Müller Bau"), name_key("Müller Bau Verwaltungs GmbH"))
    assert name_conflict(name_key("Müller Holding"), name_key("Müller"))
    assert name_conflict(name_key("Müller Bau"), name_key("Bau Müller")) is None
    # a typo of the distinctive word is not a conflict
    assert name_conflict(name_key("Vogel Beteiligungs"), name_key("Vogel Beteilgungs")) is None


@pytest.mark.parametrize(
    ("street", "key"),
    [
        ("Hauptstraße 12", ("hauptstr", "12")),
        ("Hauptstr. 12", ("hauptstr", "12")),
        ("Hauptstrasse 12", ("hauptstr", "12")),
        ("Haupt-Straße 12 a", ("hauptstr", "12a")),
        ("HAUPTSTR 12A", ("hauptstr", "12a")),
        ("Spielbudenplatz 27-28", ("spielbudenpl", "27")),
        ("Spielbudenpl. 27", ("spielbudenpl", "27")),
        ("Am Wall", ("amwall", "")),
        (None, ("", "")),
    ],
)
def test_street_key(street: str | None, key: tuple[str, str]) -> None:
    assert street_key(street) == key


def test_postal_city_identifier_and_email_keys() -> None:
    assert postal_key("1067", "DE") == "01067"
    assert postal_key("1067") == "01067"
    assert postal_key("1010", "AT") == "1010"
    assert postal_key("D-01067") == "01067"
    assert postal_key("105 57", "GR") == "10557"
    assert city_key("Frankfurt am Main") == city_key("Frankfurt/M.") == "frankfurt"
    assert city_key("Bad Homburg v. d. Höhe") == "bad homburg"
    assert identifier_key("de 136 695 976") == "DE136695976"
    assert identifier_key("DEDE136695976") == "DE136695976"
    assert identifier_key("IBAN DE89 3704 0044 0532 0130 00") == "DE89370400440532013000"
    assert identifier_key("181/815/08155") == "18181508155"
    for placeholder in ("n/a", "-", "0000000000", "DE000000000", "unbekannt", "123", None, ""):
        assert identifier_key(placeholder) is None
    assert email_key("mailto:Info@Mueller-Bau.DE") == "info@mueller-bau.de"
    assert email_key("Müller Bau <info@mueller-bau.de>") == "info@mueller-bau.de"
    assert email_key("info(at)mueller-bau.de") is None
    assert email_key(None) is None


# --------------------------------------------------------------------------- blocking


def _word(i: int) -> str:
    """A word whose Kölner Phonetik code is the base-8 digits of ``i`` (distinct per i)."""
    letters = "bdfklmrs"  # codes 1 2 3 4 5 6 7 8
    digits = []
    while True:
        digits.append(i % 8)
        i //= 8
        if i == 0:
            break
    return "".join(letters[d] + "a" for d in reversed(digits))


def test_blocking_scores_only_pairs_that_share_a_block() -> None:
    rows = []
    for k in range(100):  # 100 partners, each entered twice, each in its own postal code
        rows.append((f"S{k}a", f"{_word(k + 64)} GmbH", None, f"{10000 + k}", f"Ort{k}", "DE"))
        rows.append((f"S{k}b", f"{_word(k + 64)}", None, f"{10000 + k}", f"Ort{k}", "DE"))
    frame = partners(rows, PARTNER[:6])
    stats: dict[str, int] = {}
    clusters = find_duplicates(frame, key="supplier_id", stats=stats)
    assert stats["candidate_pairs"] == 100  # of 19 900 possible pairs
    assert len(clusters) == 100
    assert all(c.keys == [f"S{k}a", f"S{k}b"] for k, c in enumerate(clusters))


def test_different_house_numbers_are_not_paired_but_unknown_numbers_are() -> None:
    # 60 "Müller Bau" in one postal code, each at its own house on one street: a chain's
    # branches, not duplicates. Two share house 7, one has no number, one no street.
    rows = [
        (f"S{i}", "Müller Bau GmbH", f"Hauptstraße {i + 10}", "01067", "Dresden", "DE")
        for i in range(60)
    ]
    rows += [
        ("D1", "Müller Bau GmbH", "Hauptstraße 7", "01067", "Dresden", "DE"),
        ("D2", "Mueller Bau GmbH", "Hauptstr. 7", "01067", "Dresden", "DE"),
        ("N1", "Müller Bau GmbH", "Hauptstraße", "01067", "Dresden", "DE"),
        ("N2", "Müller Bau GmbH", None, "01067", "Dresden", "DE"),
    ]
    stats: dict[str, int] = {}
    clusters = find_duplicates(partners(rows, PARTNER[:6]), key="supplier_id", stats=stats)
    # All pairs would be 2 016; the records without a number meet all 63 others instead.
    assert stats["candidate_pairs"] == 1 + 63 + 62
    # N1 and N2 could be at any house, so they still link every branch; D1/D2 link directly.
    pair_keys = {frozenset((p.a, p.b)) for c in clusters for p in c.pairs}
    assert frozenset(("D1", "D2")) in pair_keys
    assert frozenset(("S0", "S1")) not in pair_keys
    assert {"S0", "D1", "N1", "N2"} <= {k for c in clusters for k in c.keys}


def test_oversized_block_is_skipped_not_compared() -> None:
    rows = [(f"S{i}", "Müller Bau", None, "01067", "Dresden", "DE") for i in range(30)]
    stats: dict[str, int] = {}
    clusters = find_duplicates(
        partners(rows, PARTNER[:6]), key="supplier_id", max_block_size=10, stats=stats
    )
    assert clusters == []
    assert stats["candidate_pairs"] == 0 and stats["blocks_skipped"] >= 1


# --------------------------------------------------------------------------- clusters


def test_exact_identifier_clusters_after_normalisation() -> None:
    frame = partners(
        [
            ("L1", "Alpha Handel GmbH", "Ring 1", "10115", "Berlin", "DE", "DE136695976", None),
            ("L2", "Beta Service", "Weg 2", "80331", "München", "DE", "de 136 695 976", None),
            ("L3", "Gamma", "Platz 3", "20095", "Hamburg", "DE", "DEDE136695976", None),
            ("L4", "Delta", "Allee 4", "50667", "Köln", "DE", None, "DE89370400440532013000"),
            (
                "L5",
                "Epsilon",
                "Gasse 5",
                "01067",
                "Dresden",
                "DE",
                "n/a",
                "DE89 3704 0044 0532 0130 00",
            ),
            ("L6", "Zeta", "Damm 6", "04109", "Leipzig", "DE", "n/a", None),
        ]
    )
    clusters = find_duplicates(frame, key="supplier_id")
    assert groups(clusters) == [["L1", "L2", "L3"], ["L4", "L5"]]
    assert clusters[0].score == 1.0
    # the identifier itself stays out of the reason: reasons reach masked outputs
    assert clusters[0].reasons == ["same VAT ID"]
    assert clusters[1].reasons == ["same IBAN"]
    assert {(p.a, p.b) for p in clusters[0].pairs} == {("L1", "L2"), ("L1", "L3")}


def test_shared_email_counts_only_with_a_similar_name_and_no_other_address() -> None:
    columns = ["customer_id", "name", "street", "postal_code", "city", "email"]
    frame = partners(
        [
            ("K1", "Schmidt Elektro", "Domstraße 3", "50667", "Köln", "fibu@kanzlei-weber.de"),
            (
                "K2",
                "Schmitt Metall",
                "Domstraße 9",
                "50667",
                "Köln",
                "mailto:FIBU@kanzlei-weber.de",
            ),
            ("K3", "Hofmann Sanitär GmbH", None, None, None, "info@gmx.de"),
            ("K4", "Hoffmann Sanitaer", "Ring 2", "01067", "Dresden", "Info@GMX.de"),
            ("K5", "Backhaus Lindner GmbH", "Markt 1", "04109", "Leipzig", "rechnung@backhaus.de"),
            (
                "K6",
                "Backhaus Lindner GmbH",
                "Hauptstr 5",
                "09111",
                "Chemnitz",
                "rechnung@backhaus.de",
            ),
        ],
        columns,
    )
    clusters = find_duplicates(frame, key="customer_id")
    assert groups(clusters) == [["K3", "K4"]]  # not the tax advisor's clients, not two branches
    assert clusters[0].reasons[0].startswith("same e-mail and similar name")


def test_fuzzy_clusters_and_hard_negatives() -> None:
    frame = partners(
        [
            ("L01", "Müller Bau GmbH", "Hauptstraße 12", "01067", "Dresden", "DE", None, None),
            (
                "L02",
                "Mueller Bau Gesellschaft mbH",
                "Hauptstr. 12",
                "1067",
                "Dresden",
                "DE",
                None,
                None,
            ),
            ("L03", "Bau Muller", None, "01067", "Dresden", "DE", None, None),
            ("L04", "Müller Bau GmbH", "Domstraße 1", "50667", "Köln", "DE", None, None),
            ("L05", "Schmidt Elektro GmbH", "Venloer Str. 5", "50672", "Köln", "DE", None, None),
            ("L06", "Schmitt Metall GmbH", "Venloer Str. 5", "50672", "Köln", "DE", None, None),
            (
                "L07",
                "Weber Haustechnik GmbH & Co. KG",
                "Zeil 3",
                "60311",
                "Frankfurt am Main",
                "DE",
                None,
                None,
            ),
            (
                "L08",
                "Weber Haustechnik Verwaltungs GmbH",
                "Zeil 3",
                "60311",
                "Frankfurt",
                "DE",
                None,
                None,
            ),
            (
                "L09",
                "Nordsee Schiffsfonds II GmbH & Co. KG",
                "Cremon 3",
                "20457",
                "Hamburg",
                "DE",
                None,
                None,
            ),
            (
                "L10",
                "Nordsee Schiffsfonds III GmbH & Co. KG",
                "Cremon 3",
                "20457",
                "Hamburg",
                "DE",
                None,
                None,
            ),
            ("L11", "Schmidt Elektro", "Venloer Strasse 5", "50673", "Köln", "DE", None, None),
            ("L12", "Backhaus Lindner GmbH", "Markt 1", "04109", "Leipzig", "DE", None, None),
            (
                "L13",
                "Backhaus Lindner GmbH",
                "Petersstraße 20",
                "04109",
                "Leipzig",
                "DE",
                None,
                None,
            ),
            (
                "L14",
                "Krüger Logistik GmbH Hamburg",
                "Steindamm 8",
                "20099",
                "Hamburg",
                "DE",
                None,
                None,
            ),
            ("L15", "Krueger Logistik", "Steindamm 8", "20099", "Hamburg", "DE", None, None),
        ]
    )
    clusters = find_duplicates(frame, key="supplier_id")
    assert groups(clusters) == [["L01", "L02", "L03"], ["L05", "L11"], ["L14", "L15"]]
    first = clusters[0]
    assert 0.88 <= first.score <= 1.0
    assert any("same address hauptstr 12, 01067" in r for r in first.reasons)
    assert any("same postal code 01067" in r for r in first.reasons)
    # L11's postal code has a typo: same city and same street join it
    assert "same city koln, same street" in clusters[1].reasons[0]
    as_dict = first.to_dict()
    assert as_dict["keys"] == ["L01", "L02", "L03"] and as_dict["rows"] == [0, 1, 2]
    assert len(as_dict["pairs"]) == 2


def test_threshold_is_configurable() -> None:
    frame = partners(
        [
            ("L1", "Hartmann Holzbau", "Ring 1", "10115", "Berlin", "DE", None, None),
            ("L2", "Hartmann Holzbau und Zimmerei", "Ring 1", "10115", "Berlin", "DE", None, None),
        ]
    )
    assert find_duplicates(frame, key="supplier_id", threshold=0.95) == []
    assert groups(find_duplicates(frame, key="supplier_id", threshold=0.6)) == [["L1", "L2"]]


def test_several_name_columns_and_company_for_contacts() -> None:
    columns = ["contact_id", "first_name", "last_name", "company", "email"]
    frame = partners(
        [
            ("C1", "Anna", "Müller", "Muster GmbH", None),
            ("C2", "Anna", "Mueller", "Muster Gesellschaft mbH", "a.mueller@muster.de"),
            ("C3", "Anna", "Müller", "Beispiel AG", None),
            ("C4", "Jonas", "Weber", "Beispiel AG", "j.weber@beispiel.de"),
            ("C5", "Jonas", "Webers", None, "J.Weber@beispiel.de"),
        ],
        columns,
    )
    clusters = find_duplicates(
        frame, key="contact_id", name=["first_name", "last_name"], company="company"
    )
    assert groups(clusters) == [["C1", "C2"], ["C4", "C5"]]
    assert "same company muster" in clusters[0].reasons[0]


# --------------------------------------------------------------------------- hostile input


def test_hostile_input_never_raises() -> None:
    huge = "Müller " * 1500 + "GmbH"  # ~10 kB
    frame = partners(
        [
            ("L1", None, None, None, None, None, None, None),
            ("L2", "", "", "", "", "", "", ""),
            ("L3", huge, "X" * 10_000, "0" * 10_000, "Y" * 10_000, "DE", "x" * 10_000, None),
            ("L4", huge, "X" * 10_000, "0" * 10_000, "Y" * 10_000, "DE", None, None),
            (None, float("nan"), 42, 1067, ["a"], pd.NA, b"DE136695976", 3.5),
            (None, "   ", "\x00", "\n", "\t", None, b"DE136695976", None),
        ]
    )
    clusters = find_duplicates(frame, key="supplier_id")
    keys = groups(clusters)
    assert ["L3", "L4"] in keys  # same (absurd) name at the same (absurd) place
    assert ["row 5", "row 6"] in keys  # same VAT ID, rows named by number when the key is empty
    assert all("L1" not in k and "L2" not in k for k in keys)


def test_absent_columns_are_skipped_and_tiny_frames_are_fine() -> None:
    only_keys = pd.DataFrame({"id": ["1", "2", "3"]}, dtype=object)
    assert find_duplicates(only_keys, key="id") == []
    assert find_duplicates(pd.DataFrame({"id": []}, dtype=object), key="id") == []
    one = pd.DataFrame({"id": ["1"], "name": ["Müller"]}, dtype=object)
    assert find_duplicates(one, key="id") == []
    no_key = pd.DataFrame({"name": ["Müller Bau", "Mueller Bau"], "vat_id": ["DE136695976"] * 2})
    assert groups(find_duplicates(no_key, key=None)) == [["1", "2"]]
    with pytest.raises(ValueError, match="key column 'id' not in the table"):
        find_duplicates(no_key, key="id")


# --------------------------------------------------------------------------- quality


def test_precision_and_recall_on_the_labelled_set_meet_the_targets() -> None:
    frame = pd.read_csv(EVAL_CSV, dtype=str, keep_default_na=False)
    assert len(frame) > 1000 and frame["entity_id"].nunique() < len(frame)
    clusters = find_duplicates(frame, key="partner_id")
    scores = pairwise_scores(clusters, frame["entity_id"].tolist())
    assert scores.precision >= 0.95, scores
    assert scores.recall >= 0.90, scores


@pytest.mark.parametrize("chunk_rows", [1, 7, 500])
def test_features_fed_chunk_by_chunk_give_the_clusters_of_the_whole_table(
    chunk_rows: int,
) -> None:
    # A database table is reduced chunk by chunk as it is fetched; duplicates that straddle
    # chunk boundaries (ids, vocabularies, name words, hashes) must still be found.
    frame = pd.read_csv(EVAL_CSV, dtype=str, keep_default_na=False)
    frame = frame.sample(frac=1.0, random_state=7).reset_index(drop=True)  # partners apart
    whole = find_duplicates(frame, key="partner_id")
    features = PartnerFeatures(PartnerColumns(key="partner_id"))
    for start in range(0, len(frame), chunk_rows):
        features.add(frame.iloc[start : start + chunk_rows])
    chunked = link_partners(features)
    assert len(whole) > 50
    assert [c.to_dict() for c in chunked] == [c.to_dict() for c in whole]
    # The names shown to the steward are read back exactly.
    rows = np.array(sorted(r for c in whole for r in c.rows))
    assert features.names(rows).tolist() == frame["name"].iloc[rows].tolist()


def test_pairwise_scores_count_pairs() -> None:
    frame = partners(
        [
            ("1", "A", None, None, None, None, "DE136695976", None),
            ("2", "B", None, None, None, None, "DE136695976", None),
            ("3", "C", None, None, None, None, "DE136695976", None),
            ("4", "D", None, None, None, None, None, None),
        ]
    )
    clusters = find_duplicates(frame, key="supplier_id")
    scores = pairwise_scores(clusters, ["x", "x", "y", "y"])  # truth: {1,2}, {3,4}
    assert (scores.true_positives, scores.false_positives, scores.false_negatives) == (1, 2, 1)
    assert scores.precision == pytest.approx(1 / 3) and scores.recall == pytest.approx(0.5)


# --------------------------------------------------------------------------- in a suite


def _supplier_frame() -> pd.DataFrame:
    columns = ["supplier_id", "name", "street", "postal_code", "city", "country", "vat_id"]
    columns += ["iban", "email"]
    return partners(
        [
            (
                "L1",
                "Müller Bau GmbH",
                "Hauptstraße 12",
                "01067",
                "Dresden",
                "DE",
                "DE136695976",
                "DE89370400440532013000",
                "info@mueller-bau.de",
            ),
            (
                "L2",
                "Mueller Bau Gesellschaft mbH",
                "Hauptstr. 12",
                "01067",
                "Dresden",
                "DE",
                None,
                None,
                None,
            ),
            (
                "L3",
                "Schmidt Elektro GmbH",
                "Domstraße 3",
                "50667",
                "Köln",
                "DE",
                "DE113866163",
                "DE02500105174661219050",
                None,
            ),
            (
                "L4",
                "Weber Logistik KG",
                "Zeil 1",
                "60311",
                "Frankfurt am Main",
                "DE",
                "DE231969187",
                "DE02500105174661219050",
                None,
            ),
        ],
        columns,
    )


def test_suppliers_suite_blocks_on_duplicates_via_the_engine() -> None:
    spec = SuiteCatalog().load("suppliers")
    outcomes = validate_table(Table(_supplier_frame(), "suppliers.csv"), spec, key="supplier_id")
    dup = next(o for o in outcomes if o.id == "suppliers.no_duplicate_partners")
    assert dup.error is None
    assert not dup.success and str(dup.severity) == "critical"
    assert dup.failing_keys == ["L1", "L2", "L3", "L4"]
    assert dup.failing_values == [
        "Müller Bau GmbH",
        "Mueller Bau Gesellschaft mbH",
        "Schmidt Elektro GmbH",
        "Weber Logistik KG",
    ]
    assert dup.unexpected_count == 4 and dup.unexpected_percent == pytest.approx(100.0)
    assert dup.observed_value == 2
    assert [g.to_dict() for g in dup.groups] == [
        {"keys": ["L1", "L2"], "score": 1.0,
         "reason": "similar name (1.00) at same address hauptstr 12, 01067"},
        {"keys": ["L3", "L4"], "score": 1.0, "reason": "same IBAN"},
    ]  # fmt: skip
    assert "groups" not in spec.expectations[0].meta  # the suite's own meta is untouched
    assert dup.to_dict()["failing_keys"] == ["L1", "L2", "L3", "L4"]


def test_clean_suppliers_pass_and_groups_use_row_numbers_without_key() -> None:
    spec = SuiteCatalog().load("suppliers")
    clean = _supplier_frame().iloc[[0, 2]].reset_index(drop=True)
    outcomes = validate_table(Table(clean, "ok.csv"), spec, key="supplier_id")
    dup = next(o for o in outcomes if o.id == "suppliers.no_duplicate_partners")
    assert dup.success and dup.error is None and "groups" not in dup.meta

    spec = SuiteCatalog().load("customers")
    frame = _supplier_frame().rename(columns={"supplier_id": "customer_id"})
    outcomes = validate_table(Table(frame, "c.csv"), spec, key=None)
    dup = next(o for o in outcomes if o.id == "customers.no_duplicate_partners")
    assert str(dup.severity) == "warning"
    assert dup.failing_keys == ["1", "2", "3", "4"]
    assert [list(g.keys) for g in dup.groups] == [["1", "2"], ["3", "4"]]


def test_contacts_suite_finds_the_same_person_twice() -> None:
    spec = SuiteCatalog().load("contacts")
    frame = pd.DataFrame(
        {
            "contact_id": ["C1", "C2", "C3"],
            "first_name": ["Anna", "Anna", "Jonas"],
            "last_name": ["Müller", "Mueller", "Weber"],
            "company": ["Muster GmbH", "Muster GmbH", "Muster GmbH"],
            "email": ["anna@muster.de", None, "jonas@muster.de"],
            "phone": ["+49 351 1234567"] * 3,
            "country": ["DE"] * 3,
            "customer_id": ["K1"] * 3,
        },
        dtype=object,
    )
    outcomes = validate_table(Table(frame, "crm.csv"), spec, key="contact_id")
    dup = next(o for o in outcomes if o.id == "contacts.no_duplicates")
    assert dup.failing_keys == ["C1", "C2"]
    assert dup.groups[0].reason.endswith("at same company muster")


def test_a_key_column_the_table_lacks_is_an_error_not_a_pass(tmp_path: Path) -> None:
    from kmu_dataguard.suites import read_suite_file

    suite = tmp_path / "dups.json"
    suite.write_text(
        '{"name": "dups", "meta": {}, "expectations": [{"type": '
        '"expect_table_rows_to_have_no_duplicate_partners", "kwargs": {"key_column": "nope"}, '
        '"severity": "critical", "meta": {"id": "dups.x"}}]}',
        encoding="utf-8",
    )
    spec = read_suite_file(suite)
    (outcome,) = validate_table(Table(_supplier_frame(), "s.csv"), spec, key="supplier_id")
    assert not outcome.success
    assert outcome.error is not None and "nope" in outcome.error


def test_hundreds_of_rows_run_through_the_engine_with_positions_intact() -> None:
    frame = pd.read_csv(EVAL_CSV, dtype=str, keep_default_na=False).rename(
        columns={"partner_id": "supplier_id"}
    )
    frame.index = np.arange(len(frame)) * 7  # a non-default index must not shift positions
    spec = SuiteCatalog().load("suppliers")
    outcomes = validate_table(Table(frame, "eval.csv"), spec, key="supplier_id")
    dup = next(o for o in outcomes if o.id == "suppliers.no_duplicate_partners")
    direct = find_duplicates(frame, key="supplier_id", identifiers=("vat_id", "iban", "email"))
    assert [list(g.keys) for g in dup.groups] == [c.keys for c in direct]


def test_threshold_zero_is_kept_not_replaced_by_the_default():
    """`threshold: 0` was read as "unset" and became 0.88 (issue 15)."""
    from kmu_dataguard.consistency.duplicates import partner_settings

    assert partner_settings({"threshold": 0}).threshold == 0.0
    assert partner_settings({"threshold": 0.5}).threshold == 0.5
    assert partner_settings({}).threshold == 0.88
    with pytest.raises(ValueError, match="between 0 and 1"):
        partner_settings({"threshold": 1.5})


def test_the_expectation_takes_its_defaults_from_partner_settings():
    """One home of the defaults: the GX fields and ``partner_settings({})`` agree."""
    from kmu_dataguard.consistency.duplicates import DEFAULT_SETTINGS, partner_settings
    from kmu_dataguard.consistency.expectations import (
        ExpectTableRowsToHaveNoDuplicatePartners as Expectation,
    )

    fields = {name: f.default for name, f in Expectation.__fields__.items()}
    assert partner_settings(fields) == partner_settings({}) == DEFAULT_SETTINGS
    assert fields["threshold"] == DEFAULT_SETTINGS.threshold
