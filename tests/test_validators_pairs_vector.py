"""The vectorised pair validators agree with judging every row by the library functions."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kmu_dataguard.validators import identifiers as ids
from kmu_dataguard.validators._common import MAX_TEXT_LENGTH, as_text, is_missing
from kmu_dataguard.validators.postal import _postal_valid_for, valid_postal_code_for_country


def _per_row(first: list, second: list, judge) -> list[bool]:
    """The reference: every row judged on its own, with the validators' missing/long rules."""
    out = []
    for a, b in zip(first, second, strict=True):
        if is_missing(a):
            out.append(True)
            continue
        text_a, text_b = as_text(a), None if is_missing(b) else as_text(b)
        if len(text_a) > MAX_TEXT_LENGTH or (text_b is not None and len(text_b) > MAX_TEXT_LENGTH):
            out.append(False)
            continue
        try:
            out.append(bool(judge(text_a, text_b)))
        except Exception:
            out.append(False)
    return out


_VALUES = st.one_of(
    st.none(),
    st.sampled_from(["", "  ", "DE136695976", "de 136695976", "EL123456789", "XI123", "ATU1",
                     "DE89370400440532013000", "FR7630006000011234567890189", "GB82WEST1234",
                     " DE1", "-DE1", "1DE", "ßX", "D", "É1", "X" * (MAX_TEXT_LENGTH + 1)]),
    st.text(alphabet="DEGRLXIFAT el.-1 ü", max_size=8),
)  # fmt: skip
_OTHERS = st.one_of(
    st.none(),
    st.sampled_from(["", "DE", "de ", "GR", "GB", "MC", "IM", "FR", "Deutschland",
                     "COBADEFFXXX", "BNPAGPGPXXX", "ABCDGB2L", "ABCDJE22", "X" * 1001]),
    st.text(alphabet="DEGRBFCOAXP ", max_size=11),
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(_VALUES, _OTHERS), max_size=30))
def test_vat_prefix_matches_country_agrees(rows: list[tuple]) -> None:
    first, second = [r[0] for r in rows], [r[1] for r in rows]
    got = ids.vat_prefix_matches_country(
        pd.Series(first, dtype=object), pd.Series(second, dtype=object)
    )
    assert got.tolist() == _per_row(first, second, ids._prefix_matches)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(_VALUES, _OTHERS), max_size=30))
def test_iban_bic_agree_agrees(rows: list[tuple]) -> None:
    first, second = [r[0] for r in rows], [r[1] for r in rows]
    got = ids.iban_bic_agree(pd.Series(first, dtype=object), pd.Series(second, dtype=object))
    assert got.tolist() == _per_row(first, second, ids._iban_bic_agree)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.sampled_from(["01067", "1067", " 10115", "", "1234 AB"])),
            _OTHERS,
        ),
        max_size=30,
    )
)
def test_postal_pairs_by_codes_agree(rows: list[tuple]) -> None:
    first, second = [r[0] for r in rows], [r[1] for r in rows]
    got = valid_postal_code_for_country(
        pd.Series(first, dtype=object), pd.Series(second, dtype=object)
    )
    assert got.tolist() == _per_row(first, second, _postal_valid_for)


def test_pair_validators_keep_the_index_and_mixed_cells() -> None:
    vat = pd.Series(["DE136695976", 12345, None, "EL094259216"], index=[5, 7, 9, 11], dtype=object)
    country = pd.Series(["AT", "DE", "DE", "GR"], index=[5, 7, 9, 11], dtype=object)
    got = ids.vat_prefix_matches_country(vat, country)
    assert got.index.tolist() == [5, 7, 9, 11]
    assert got.tolist() == [False, False, True, True]
