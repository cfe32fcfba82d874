"""Onboarding, the library behind ``dataguard init``: entity and column mapping of exports.

The exports are built in tmp_path by :mod:`tests.support.onboarding_exports`, whose docstring
says where each system's column names come from.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

from kmu_dataguard.errors import ConfigError
from kmu_dataguard.onboarding import propose, read_source
from kmu_dataguard.onboarding.headers import match_header, normalise
from tests.support import onboarding_exports as ox


@pytest.mark.parametrize(
    ("header", "canonical"),
    [
        ("USt-IdNr.", "vat_id"),
        ("ust idnr", "vat_id"),
        ("UStIdNr", "vat_id"),
        ("Kd.-Nr.", "customer_id"),
        ("E-Mail 1", "email"),
        ("Straße 1", "street"),
        ("Strasse", "street"),
        ("Postleitzal", "postal_code"),  # typo: fuzzy
        ("Lieferantennummer", "supplier_id"),
        ("Kreditor", "supplier_id"),
        ("postalCode", "postal_code"),
    ],
)
def test_header_variants(header: str, canonical: str) -> None:
    match = match_header(header)
    assert match is not None and match.canonical == canonical


@pytest.mark.parametrize("header", ["Feld1", "Temperatur", "Datum", "Ort2x", "Bemerkung"])
def test_headers_that_say_nothing(header: str) -> None:
    assert match_header(header) is None


def test_normalise_spells_out_umlauts() -> None:
    assert normalise("Straße") == normalise("STRASSE") == "strasse"
    assert normalise("Währung") == "waehrung"


@pytest.mark.parametrize("build", ox.ALL, ids=lambda b: b.__name__)
def test_export_is_mapped(tmp_path: Path, build: ox.Builder) -> None:
    path, entity, expected = build(tmp_path)
    frame, _ = read_source(path)
    proposal = propose(frame, source=str(path))
    assert proposal.entity == entity
    assert {c.source: c.canonical for c in proposal.columns} == expected


def test_content_wins_over_a_misleading_header(tmp_path: Path) -> None:
    path, _, _ = ox.misleading(tmp_path)
    frame, _ = read_source(path)
    telefon = next(c for c in propose(frame, source=str(path)).columns if c.source == "Telefon")
    assert (telefon.canonical, telefon.evidence) == ("iban", "content")
    assert telefon.confidence >= 0.9


def test_blind_headers_are_mapped_by_content(tmp_path: Path) -> None:
    path, _, _ = ox.blind_headers(tmp_path)
    frame, _ = read_source(path)
    evidence = {c.source: c.evidence for c in propose(frame, source=str(path)).columns}
    assert evidence["Feld3"] == evidence["Feld4"] == evidence["Feld5"] == "content"


def test_given_entity_is_used(tmp_path: Path) -> None:
    path, _, _ = ox.hubspot(tmp_path)
    frame, _ = read_source(path)
    proposal = propose(frame, source=str(path), entity="customers")
    assert proposal.entity == "customers"
    assert proposal.confidence == 1.0
    mapped = {c.source: c.canonical for c in proposal.columns}
    assert mapped["Company Name"] == "name"  # company is the customer's name
    assert mapped["First Name"] is None


def test_unrelated_data_is_no_entity(tmp_path: Path) -> None:
    path = ox.weather(tmp_path)
    frame, _ = read_source(path)
    with pytest.raises(ConfigError, match="no customers, suppliers, articles or contacts"):
        propose(frame, source=str(path))


def test_large_file_is_sampled() -> None:
    rows = 100_000
    ibans = [ox.an_iban(i) for i in range(500)]
    emails = [ox.an_email(i) for i in range(500)]
    frame = pd.DataFrame(
        {
            "Kundennummer": [str(10000 + i) for i in range(rows)],
            "Telefon": ibans * (rows // 500),
            "E-Mail": emails * (rows // 500),
        }
    )
    propose(frame.head(50), source="warm-up.csv")  # imports of the validator libraries
    started = time.perf_counter()
    proposal = propose(frame, source="big.csv")
    assert time.perf_counter() - started < 2.0
    assert [c.canonical for c in proposal.columns] == ["customer_id", "iban", "email"]
