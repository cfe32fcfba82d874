"""Partner names for duplicate detection: joined name columns, name keys without the own
city, and the phonetic codes of the name words that make the blocks."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from kmu_dataguard.consistency._compact import Vocab
from kmu_dataguard.consistency._distinct import per_distinct
from kmu_dataguard.consistency._folding import MAX_FIELD, cell_text, fold
from kmu_dataguard.consistency._legal_forms import legal_form_of_folded
from kmu_dataguard.consistency._name_keys import name_key_of_folded
from kmu_dataguard.consistency.batch_text import cologne_phonetics, fold_texts

__all__ = [
    "STOPWORDS",
    "joined_names",
    "name_keys",
    "name_words",
    "per_folded_name",
    "without_own_city",
]

# Words that say nothing about who a partner is; they make no blocks.
STOPWORDS = frozenset({"und", "der", "die", "das", "den", "von", "vom", "fur", "the", "of", "and"})
_MAX_WORDS_PER_NAME = 6


def joined_names(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """The name of each row: the present name columns joined with spaces."""
    present = [c for c in columns if c in frame.columns]
    if not present:
        return pd.Series([None] * len(frame), dtype=object)
    if len(present) == 1:
        return frame[present[0]]
    parts = [frame[c].astype(object).where(frame[c].notna(), "").astype(str) for c in present]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + " " + part
    return joined


def name_keys(names: pd.Series, cities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Name key (without a trailing own city) and legal-form family of each name."""
    nkey, forms = per_folded_name(names, name_key_of_folded, legal_form_of_folded)
    return without_own_city(nkey, cities), forms


def without_own_city(nkey: np.ndarray, cities: np.ndarray) -> np.ndarray:
    """ "Müller Bau GmbH Dresden" in Dresden is "Müller Bau": a trailing own city name goes."""
    out = nkey.copy()
    for i in np.flatnonzero(cities != "").tolist():
        name, place = nkey[i], cities[i]
        if name.endswith(" " + place):
            out[i] = name[: -len(place) - 1]
    return out


def per_folded_name(names: pd.Series, *judges: Callable[[str], str]) -> list[np.ndarray]:
    """Each judge of each folded name; each distinct name folded once, all in one batch
    (:mod:`batch_text`)."""
    try:
        ids, distinct = pd.factorize(names.to_numpy(dtype=object), use_na_sentinel=False)
    except TypeError:  # unhashable cells (lists from JSON): one by one, by their text
        return [per_distinct(names, lambda value, j=judge: j(fold(value))) for judge in judges]
    texts = [v[:MAX_FIELD].strip() if type(v) is str else cell_text(v) for v in distinct.tolist()]
    folded = fold_texts(texts)
    out = []
    for judge in judges:
        judged = np.empty(len(folded), dtype=object)
        judged[:] = [judge(text) for text in folded]
        out.append(judged[ids])
    return out


def name_words(
    nkey: np.ndarray, known: dict[str, str], vocab: Vocab
) -> tuple[np.ndarray, np.ndarray]:
    """(row, word id) of each phonetic name word code of each record.

    The code of a name word is its Kölner Phonetik (digits stay as they are); stop words and
    one-letter words have none. Worked out once per distinct name, and once per distinct word
    (``known`` caches codes across chunks); ids from ``vocab``, so blocks are integers.
    """
    n = len(nkey)
    name_ids, names = pd.factorize(nkey)
    words = [text.split()[:_MAX_WORDS_PER_NAME] for text in names.tolist()]
    flat = np.array([w for name_words in words for w in name_words], dtype=object)
    word_ids, distinct = pd.factorize(flat)  # (empty flat: no codes below)
    _learn_codes(distinct.tolist(), known)
    codes = np.array([known.get(w, "") for w in distinct.tolist()], dtype=object)[word_ids]
    of_name = np.repeat(np.arange(len(words)), [len(w) for w in words])
    coded = codes != ""
    if not coded.any():
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int32)
    code_ids = vocab.ids(codes[coded]).astype(np.int64)
    of_name = of_name[coded]
    # A code once per name (Meier Mayer GmbH has one), in the order the words come.
    pair = of_name * (len(vocab) + 1) + code_ids
    order = np.argsort(pair, kind="stable")  # np.unique hashes (numpy 2.4): far slower
    ordered = pair[order]
    first = np.sort(order[np.r_[True, ordered[1:] != ordered[:-1]]])
    of_name, flat_ids = of_name[first], code_ids[first].astype(np.int32)
    lengths = np.bincount(of_name, minlength=len(words))
    starts = np.cumsum(lengths) - lengths
    row_lengths = lengths[name_ids]
    rows = np.repeat(np.arange(n, dtype=np.int64), row_lengths)
    within = np.arange(len(rows)) - np.repeat(np.cumsum(row_lengths) - row_lengths, row_lengths)
    at = np.repeat(starts[name_ids], row_lengths) + within
    return rows, flat_ids[at]


def _learn_codes(words: list[str], known: dict[str, str]) -> None:
    """Put the code of each new word that has one into ``known``."""
    new = [w for w in words if w not in known and len(w) >= 2 and w not in STOPWORDS]
    spoken = [w for w in new if not w.isdigit()]
    known.update(zip(spoken, cologne_phonetics(spoken), strict=True))
    known.update((w, w) for w in new if w.isdigit())
