"""The batch text normalisers agree with the per-value ones they replace, on any text."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kmu_dataguard.consistency._compact import Vocab
from kmu_dataguard.consistency._folding import cell_text, fold_text
from kmu_dataguard.consistency._legal_forms import _LEGAL_FORMS, LEGAL_RE, _word_alternation
from kmu_dataguard.consistency._name_words import STOPWORDS, name_words
from kmu_dataguard.consistency.batch_text import by_lines, cologne_phonetics, fold_texts
from kmu_dataguard.consistency.phonetics import cologne_phonetic, cologne_phonetic_raw

# Letters of partner names, and what makes text hard: umlauts, accents as combining marks and
# precomposed, ligatures and full-width forms (NFKC), Greek final sigma, dotted İ (lower() makes
# two characters), ß (upper() makes two), digits, punctuation, newlines inside a value.
_HARD = "aouebcdhkpqstxzAOUECKPQSXZäöüÄÖÜßẞéÉçłİΣσ\u0301\u0308ﬁＡ１&.-,/ ()'\n\t0123456789e.K."
_TEXTS = st.lists(st.text(alphabet=_HARD, max_size=30) | st.text(max_size=12), max_size=40)


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_fold_texts_is_fold_of_each(values: list[str]) -> None:
    texts = [cell_text(v) for v in values]
    assert fold_texts(texts) == [fold_text(t) for t in texts]


def _collapsed(raw: str) -> str:
    """Kölner Phonetik from the per-letter reference, collapsed as the rules say."""
    collapsed = [d for i, d in enumerate(raw) if i == 0 or d != raw[i - 1]]
    return "".join(d for i, d in enumerate(collapsed) if d != "0" or i == 0)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet=_HARD, max_size=25) | st.text(max_size=70), max_size=40))
def test_cologne_phonetics_is_the_per_letter_reference(words: list[str]) -> None:
    expected = [_collapsed(cologne_phonetic_raw(w)) for w in words]
    assert cologne_phonetics(words) == expected
    assert [cologne_phonetic(w) for w in words] == expected


def test_cologne_phonetics_known_codes() -> None:
    words = ["Müller-Lüdenscheidt", "Wikipedia", "Meier", "Mayer", "Schmidt", "Schmitt", "Xaver"]
    assert cologne_phonetics(words) == ["65752682", "3412", "67", "67", "862", "862", "4837"]


def test_by_lines_keeps_order_around_values_taken_one_by_one() -> None:
    calls: list[str] = []

    def one(text: str) -> str:
        calls.append(text)
        return f"<{text}>"

    texts = ["a", "b\nc", "dd", "e", "fff"]
    out = by_lines(texts, str.upper, one, fits=lambda t: len(t) < 3)
    assert out == ["A", "<b\nc>", "DD", "E", "<fff>"]
    assert calls == ["b\nc", "fff"]
    assert by_lines([], str.upper, one) == []


_PHRASES = st.lists(
    st.sampled_from([*_LEGAL_FORMS[:40], "gmbh", "co", "kg", "und", "mbh", "x", "ag"]),
    min_size=1,
    max_size=6,
).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(_PHRASES)
def test_legal_form_trie_matches_like_longest_first_alternation(text: str) -> None:
    longest_first = re.compile(r"\b(?:" + "|".join(map(re.escape, _LEGAL_FORMS)) + r")\b")
    assert LEGAL_RE.findall(text) == longest_first.findall(text)
    assert LEGAL_RE.sub(" ", text) == longest_first.sub(" ", text)


def test_word_alternation_prefers_the_longer_word() -> None:
    pattern = re.compile(r"\b(?:" + _word_alternation(["ab", "ab cd", "abx"]) + r")\b")
    assert pattern.findall("ab cd abx ab") == ["ab cd", "abx", "ab"]


def _word_codes_reference(text: str) -> list[str]:
    """The codes of a name key's words, as the per-name loop computed them."""
    codes: list[str] = []
    for word in text.split()[:6]:
        if len(word) < 2 or word in STOPWORDS:
            continue
        code = word if word.isdigit() else cologne_phonetic(word)
        if code and code not in codes:
            codes.append(code)
    return codes


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(["meier", "mayer", "bau", "und", "x", "12", "schmidt", "schmitt", "h"]),
            max_size=8,
        ).map(" ".join),
        max_size=25,
    )
)
def test_name_words_are_each_records_distinct_word_codes(names: list[str]) -> None:
    vocab = Vocab()
    rows, ids = name_words(np.array(names, dtype=object), {}, vocab)
    words = vocab.values()
    got: list[list[str]] = [[] for _ in names]
    for row, code_id in zip(rows.tolist(), ids.tolist(), strict=True):
        got[row].append(words[code_id])
    assert got == [_word_codes_reference(name) for name in names]
