"""Computed columns in connector profiles: a private customer's name from Vorname + Nachname."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest

from kmu_dataguard.errors import ConfigError, SourceError
from kmu_dataguard.runner import run_check
from kmu_dataguard.sources.profiles import ComputedRule, EntityMapping, apply_mapping, load_profile

LEXOFFICE_HEADER = (
    "Kundennummer;Firmenname;Anrede;Vorname;Nachname;Straße 1;PLZ 1;Ort 1;Land 1;Umsatzsteuer ID"
)


def _lexoffice(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "kontakte.csv"
    path.write_bytes("\r\n".join([LEXOFFICE_HEADER, *rows, ""]).encode("cp1252"))
    return path


def _profile(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "mine.yml"
    head = "name: mine\ntitle: Mine\nkind: file\nentities:\n  customers:\n"
    path.write_text(head + textwrap.indent(textwrap.dedent(body), "    "), encoding="utf-8")
    return path


def _outcome(result, expectation_id):
    [check] = result.checks
    return next(e for e in check.expectations if e.id == expectation_id)


def test_lexoffice_private_customer_has_a_name_and_passes_name_present(tmp_path):
    path = _lexoffice(
        tmp_path,
        "10001;Müller GmbH;;;;Hauptstraße 5;01067;Dresden;DE;DE113866163",
        "10002;;Frau;Erika;Mustermann;Fußweg 1;20457;Hamburg;DE;",
    )
    frame = apply_mapping(
        pd.read_csv(path, sep=";", dtype=str, encoding="cp1252"),
        load_profile("lexoffice").entity("customers"),
        source_name=path.name,
    )
    assert frame["name"].tolist() == ["Müller GmbH", "Erika Mustermann"]
    assert "Vorname" in frame.columns  # the source columns stay visible
    result = run_check(path, profile="lexoffice", entity="customers")
    assert _outcome(result, "customers.name_present").success


def test_lexoffice_record_without_company_or_person_name_still_fails(tmp_path):
    path = _lexoffice(
        tmp_path,
        "10001;Müller GmbH;;;;Hauptstraße 5;01067;Dresden;DE;DE113866163",
        "10003;-;;;;Fußweg 1;20457;Hamburg;DE;",  # "-" is a null value of the profile
    )
    outcome = _outcome(
        run_check(path, profile="lexoffice", entity="customers"), "customers.name_present"
    )
    assert not outcome.success
    assert outcome.failing_keys == ["10003"]


def test_first_of_wins_else_join_with_separator_headers_case_insensitive():
    rule = ComputedRule("name", first_of=("firma ",), else_join=("Nachname", "VORNAME"), sep=", ")
    mapping = EntityMapping("customers", columns={"customer_id": ("Nr",)}, computed=(rule,))
    df = pd.DataFrame(
        {
            "Nr": ["1", "2", "3", "4"],
            "Firma": ["ACME", "  ", None, None],
            "Vorname": [None, "Erika", None, "Max"],
            "Nachname": ["X", "Muster", None, None],
        },
        dtype=object,
    )
    out = apply_mapping(df, mapping, source_name="k.csv")
    assert out["name"].tolist() == ["ACME", "Muster, Erika", None, "Max"]


def test_absent_headers_count_as_empty_but_all_absent_is_an_error():
    rule = ComputedRule("name", first_of=("Firmenname",), else_join=("Vorname", "Nachname"))
    mapping = EntityMapping("customers", columns={"customer_id": ("Nr",)}, computed=(rule,))
    out = apply_mapping(
        pd.DataFrame({"Nr": ["1"], "Nachname": ["Muster"]}, dtype=object),
        mapping,
        source_name="k.csv",
    )
    assert out["name"].tolist() == ["Muster"]
    with pytest.raises(SourceError, match=r"'Firmenname' / 'Vorname' / 'Nachname' \(for name\)"):
        apply_mapping(pd.DataFrame({"Nr": ["1"]}, dtype=object), mapping, source_name="k.csv")


def test_computed_loads_from_yaml_and_counts_as_mapped_for_the_key(tmp_path):
    path = _profile(
        tmp_path,
        """\
        key: customer_id
        columns: {customer_id: Nr}
        computed:
          name: {first_of: [Firma], else_join: [Vorname, Nachname], sep: " "}
        """,
    )
    [rule] = load_profile(path).entity("customers").computed
    assert rule == ComputedRule("name", ("Firma",), ("Vorname", "Nachname"), " ")


@pytest.mark.parametrize(
    ("computed", "message"),
    [
        ("{name: {first_of: [A], join: [B]}}", r"computed\.name\.join: unknown key; allowed: "),
        ("{nome: {first_of: [A]}}", r"computed\.nome: 'nome' is not a column of customers"),
        ("{name: {sep: ' '}}", r"computed\.name: give first_of, else_join or both"),
        ("{name: {first_of: A, sep: 1}}", r"computed\.name\.sep: expected a string"),
        ("[name]", r"computed: expected a mapping"),
        ("{customer_id: {first_of: [A]}}", r"computed\.customer_id: is also mapped"),
    ],
)
def test_computed_is_strictly_validated(tmp_path, computed, message):
    path = _profile(tmp_path, f"columns: {{customer_id: Nr}}\ncomputed: {computed}\n")
    with pytest.raises(ConfigError, match=message):
        load_profile(path)
