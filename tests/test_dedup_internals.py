"""The fast helpers of the duplicate finder agree with the plain numpy / pandas forms."""

from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kmu_dataguard.consistency._blocking import groups, hash_ids, sorted_isin, unique
from kmu_dataguard.consistency._compact import hash_keys

_INTS = st.lists(st.integers(min_value=0, max_value=50), max_size=60)


def _groups_reference(values: list[str | None], cap: int) -> list[tuple[str, list[int]]]:
    """Groups by value_counts/groupby on the values themselves (empty ones are none)."""
    series = pd.Series(values, dtype=object)
    series = series[series.notna() & (series != "")]
    if series.empty:
        return []
    sizes = series.map(series.value_counts())
    shared = series[(sizes >= 2) & (sizes <= cap)]
    return [
        (str(v), rows.tolist()) for v, rows in shared.groupby(shared, sort=False).groups.items()
    ]


@settings(max_examples=300, deadline=None)
@given(_INTS)
def test_unique_is_np_unique(values: list[int]) -> None:
    array = np.array(values, dtype=np.int64)
    assert unique(array).tolist() == np.unique(array).tolist()


@settings(max_examples=300, deadline=None)
@given(_INTS, _INTS)
def test_sorted_isin_is_np_isin(values: list[int], members: list[int]) -> None:
    array = np.array(values, dtype=np.int64)
    table = np.unique(np.array(members, dtype=np.int64))
    assert sorted_isin(array, table).tolist() == np.isin(array, table).tolist()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", "c", "", "DE1", None]), max_size=40),
    st.integers(min_value=1, max_value=6),
)
def test_groups_of_hashes_agree_with_value_counts(values: list[str | None], cap: int) -> None:
    logging.disable(logging.WARNING)
    try:
        hashes = hash_keys(np.array(values, dtype=object))
        fast = sorted(rows.tolist() for rows in groups(hashes, cap, "t", str))
    finally:
        logging.disable(logging.NOTSET)
    assert fast == sorted(rows for _, rows in _groups_reference(values, cap))


# --------------------------------------------------------------------------- folding


def _fold_reference(text: str) -> str:
    """fold() as first written: NFKD on every text, digraphs word by word."""
    import unicodedata

    from kmu_dataguard.consistency import _folding as nz

    text = unicodedata.normalize("NFKC", text).lower().translate(nz.UMLAUTS)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = nz.SINGLE_LETTER_DOT.sub(r"\1", text)
    text = nz.NON_ALNUM.sub(" ", text)
    digraphs = re.compile(r"(?<=[a-z])([aou])e|^([aou])e")
    return " ".join(digraphs.sub(lambda m: m.group(1) or m.group(2), w) for w in text.split())


@settings(max_examples=3000, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("aeouAEOUäöüÄÖÜßéèçłŁ .-&/'09 ﬁＡ\u0301")), max_size=16)
)
def test_fold_fast_paths_agree_with_the_reference(text: str) -> None:
    from kmu_dataguard.consistency._folding import fold_text

    assert fold_text(text) == _fold_reference(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=40))
def test_hash_ids_group_equal_pairs_even_when_first_halves_tie(
    pairs: list[tuple[int, int]],
) -> None:
    # Tiny values: first halves tie across different pairs, as a 64-bit collision would.
    hashes = np.array(pairs, dtype=np.uint64).reshape(-1, 2)
    ids = hash_ids(hashes)
    for i, a in enumerate(pairs):
        assert (ids[i] == -1) == (a == (0, 0))
        for j, b in enumerate(pairs):
            if a != (0, 0) and b != (0, 0):
                assert (ids[i] == ids[j]) == (a == b)
