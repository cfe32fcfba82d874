"""The vectorised identifier and e-mail keys agree with the per-value normalisers."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kmu_dataguard.consistency.normalize import email_key, identifier_key, postal_key, street_key
from kmu_dataguard.consistency.vector_keys import (
    email_keys,
    identifier_keys,
    postal_keys,
    street_keys,
)

_ID_ALPHABET = "ABDEIN0123456789 -./abcdeü\x00\t"
_MAIL_ALPHABET = "abcDE0.-_+@ <>:mailtoMAILTOä\x00"

IDENTIFIERS = [
    "DE136695976",
    "de 136 695 976",
    "DEDE136695976",
    "DEDE1234",
    "IBAN DE89 3704 0044 0532 0130 00",
    "IBANDE89370400440532013000",
    "DE89370400440532013000",
    "181/815/08155",
    "UNBEKANNT",
    "KEINE",
    "DE000000000",
    "0000000",
    "ABCDEFG",
    "1234",
    "",
    None,
    float("nan"),
    12345678,
    "X" * 250,
]
EMAILS = [
    "rechnung@mueller-bau.de",
    "Rechnung@Mueller-Bau.DE",
    "mailto:info@x.de",
    "MAILTO:info@x.de",
    "Max <max@firma.de>",
    "a@@b.de",
    "@b.de",
    "ab.de",
    "a@b",
    "a@b.de@c",
    "a@b.c@d.de",
    " a@b.de ",
    "a b@c.de",
    "",
    None,
    float("nan"),
    "x" * 190 + "@b.de",
    "x" * 300 + "@b.de",
]


def _same(vector: np.ndarray, scalar: list) -> bool:
    return list(vector) == scalar


def test_identifier_keys_on_known_shapes() -> None:
    assert _same(identifier_keys(IDENTIFIERS), [identifier_key(v) for v in IDENTIFIERS])


def test_email_keys_on_known_shapes() -> None:
    assert _same(email_keys(EMAILS), [email_key(v) for v in EMAILS])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=_ID_ALPHABET, max_size=24), max_size=40))
def test_identifier_keys_agree(values: list[str]) -> None:
    assert _same(identifier_keys(values), [identifier_key(v) for v in values])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=_MAIL_ALPHABET, max_size=24), max_size=40))
def test_email_keys_agree(values: list[str]) -> None:
    assert _same(email_keys(values), [email_key(v) for v in values])


_STREET_ALPHABET = "HauptSTRßeäöüÄÖÜ.- 0123459aBz²\n\r\tẞé"
STREETS = [
    "Hauptstraße 12",
    "Hauptstraße 12 a",
    "Haupt-Str. 12A",
    "Kirchstr12",
    "Straße des 17. Juni 5",
    "Am Markt",
    "12",
    "-",
    "  Weg 3",
    "Platz 7 ab",
    "Bahnhofstr. 3\n",
    "Ring ²3",
    "",
    None,
    float("nan"),
    17,
    "Allee " * 40 + "9",
]
POSTAL = ["01067", "1067", "D-01067", "8001", " 12345", "123456", "٣٣٣٣٣", "", None, 1067]
COUNTRIES = ["DE", "CH", "Deutschland", None, "AT", "de ", "", float("nan"), "DE", "DE"]


def test_street_keys_on_known_shapes() -> None:
    names, houses = street_keys(STREETS)
    assert list(zip(names, houses, strict=True)) == [street_key(v) for v in STREETS]


def test_postal_keys_on_known_shapes() -> None:
    assert _same(postal_keys(POSTAL), [postal_key(v) for v in POSTAL])
    assert _same(
        postal_keys(POSTAL, COUNTRIES),
        [postal_key(p, c) for p, c in zip(POSTAL, COUNTRIES, strict=True)],
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=_STREET_ALPHABET, max_size=24), max_size=40))
def test_street_keys_agree(values: list[str]) -> None:
    names, houses = street_keys(values)
    assert list(zip(names, houses, strict=True)) == [street_key(v) for v in values]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet="0123456789 D-CHa\u0663", max_size=8),
            st.sampled_from(["DE", "Deutschland", "CH", "", "at"]) | st.none(),
        ),
        max_size=40,
    )
)
def test_postal_keys_agree(rows: list[tuple[str, str | None]]) -> None:
    codes = [p for p, _ in rows]
    lands = [c for _, c in rows]
    assert _same(postal_keys(codes), [postal_key(p) for p in codes])
    assert _same(postal_keys(codes, lands), [postal_key(p, c) for p, c in rows])
