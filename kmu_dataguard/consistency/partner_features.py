"""What duplicate detection keeps of each record, built chunk by chunk and kept compact.

Finding duplicates needs every record at once, but not every column as text. Each chunk of
rows is reduced as it arrives (an in-memory table in slices, a database table as it is
fetched), and its raw columns can go:

- normalised postal code, city, street, house number and company become integer ids of
  their distinct values (4 bytes a row each);
- the phonetic codes of the name words, which make the blocks, become integer ids;
- identifiers, e-mail addresses and e-mail domains (nearly one per record), which only need
  equality, become 128-bit hashes;
- only the key (the result names records), the name (candidate pairs are scored on it, and
  the result shows it) and the e-mail domain (a reason may name it) stay as text, packed.

About a fifth of the memory of the raw columns. :mod:`kmu_dataguard.consistency.duplicates`
links the records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kmu_dataguard.consistency.batch_text import cologne_phonetics, fold_texts
from kmu_dataguard.consistency.normalize import (
    FREEMAIL_DOMAINS,
    MAX_FIELD,
    _text,
    city_key,
    fold,
    legal_form_of_folded,
    name_key,
    name_key_of_folded,
)
from kmu_dataguard.consistency.vector_keys import (
    email_keys,
    identifier_keys,
    postal_keys,
    street_keys,
)
from kmu_dataguard.validators._common import as_text

__all__ = [
    "DEFAULT_IDENTIFIERS",
    "PartnerColumns",
    "PartnerFeatures",
    "is_mail_column",
    "prebuilt_features",
    "prebuilt_for",
]

# Words that say nothing about who a partner is; they make no blocks.
_STOPWORDS = frozenset({"und", "der", "die", "das", "den", "von", "vom", "fur", "the", "of", "and"})
_MAX_WORDS_PER_NAME = 6
# Two independent 64-bit hashes: a false "same IBAN" needs both to collide (~1e-26 per run).
_HASH_KEYS = ("kmu-dataguard-h1", "kmu-dataguard-h2")
_SLICE_ROWS = 200_000
# Entries a cross-chunk cache may hold before it starts over: its memory stays flat in rows.
_MAX_KNOWN = 200_000
#: The normalised keys kept as integer ids of their distinct values.
PLACES = ("postal", "city", "street", "house", "company")


#: Columns whose equal values make two records one partner (e-mail only with a similar name).
DEFAULT_IDENTIFIERS: tuple[str, ...] = ("vat_id", "iban", "tax_number", "gln", "email")


@dataclass(frozen=True)
class PartnerColumns:
    """Which columns hold what; absent ones are skipped. ``name`` may list several columns
    (``("first_name", "last_name")``), joined with spaces; one name may be a plain string."""

    key: str | None
    name: str | Sequence[str] = ("name",)
    street: str | None = "street"
    postal_code: str | None = "postal_code"
    city: str | None = "city"
    country: str | None = "country"
    company: str | None = None
    identifiers: Sequence[str] = DEFAULT_IDENTIFIERS

    def __post_init__(self) -> None:
        # Tuples: hashable (the engine keys prebuilt features by columns) and one spelling.
        name = (self.name,) if isinstance(self.name, str) else tuple(self.name)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "identifiers", tuple(self.identifiers))

    def used(self) -> list[str]:
        """Every column read, key first."""
        named = [self.key, *self.name, self.street, self.postal_code, self.city, self.country]
        named += [self.company, *self.identifiers]
        out: list[str] = []
        for column in named:
            if column is not None and column not in out:
                out.append(column)
        return out


class _Vocab:
    """Distinct strings as integer ids across chunks; empty and missing values are -1."""

    def __init__(self) -> None:
        self._index: dict[str, int] = {"": -1}

    def ids(self, values: np.ndarray) -> np.ndarray:
        codes, uniques = pd.factorize(np.asarray(values, dtype=object))
        index = self._index
        mapped = np.fromiter(
            (index.setdefault(u, len(index) - 1) for u in uniques.tolist()),
            dtype=np.int32,
            count=len(uniques),
        )
        return np.append(mapped, np.int32(-1))[codes]  # code -1 (missing) → the last, -1

    def values(self) -> np.ndarray:
        """The string of each id; index -1 (the last) is ""."""
        out = np.empty(len(self._index), dtype=object)
        out[: len(self._index) - 1] = list(self._index)[1:]
        out[-1] = ""
        return out

    def __len__(self) -> int:
        return len(self._index) - 1


class _Texts:
    """Text values kept as one string per chunk plus offsets, not as a ``str`` per value.

    A ``str`` kept from each row pins the memory of the chunk's other, freed strings (they
    share the allocator's arenas), which made the kept keys and names cost as much as the
    whole chunk. Missing values (None, NaN) read back as None; bytes are decoded, other
    values kept as their text.
    """

    def __init__(self) -> None:
        self._blobs: list[str] = []
        self._offsets: list[np.ndarray] = []
        self._missing: list[np.ndarray] = []
        self._ends: list[int] = []

    def add(self, values: np.ndarray) -> None:
        missing = pd.isna(values)
        texts = [as_text(v) for v in np.where(missing, "", values).tolist()]
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        self._blobs.append("".join(texts))
        self._offsets.append(np.concatenate([[0], np.cumsum(lengths)]))
        self._missing.append(np.asarray(missing, dtype=bool))
        self._ends.append((self._ends[-1] if self._ends else 0) + len(texts))

    def take(self, rows: np.ndarray) -> np.ndarray:
        """The values at ``rows`` (0-based, in order), as an object array."""
        out = np.empty(len(rows), dtype=object)
        chunks = np.searchsorted(self._ends, rows, side="right")
        for i, (row, chunk) in enumerate(zip(rows.tolist(), chunks.tolist(), strict=True)):
            at = row - (self._ends[chunk - 1] if chunk else 0)
            if not self._missing[chunk][at]:
                offsets = self._offsets[chunk]
                out[i] = self._blobs[chunk][offsets[at] : offsets[at + 1]]
        return out


class PartnerFeatures:
    """The compact per-record keys of one table; :meth:`add` each chunk of rows in order."""

    def __init__(self, columns: PartnerColumns) -> None:
        self.columns = columns
        self.rows = 0
        self.vocab = {place: _Vocab() for place in PLACES}
        self.words = _Vocab()
        self._place_ids: dict[str, list[np.ndarray]] = {place: [] for place in PLACES}
        self._keys = _Texts()
        self._names = _Texts()
        self._word_rows: list[np.ndarray] = []
        self._word_ids: list[np.ndarray] = []
        self._hashes: dict[str, list[np.ndarray]] = {}
        self._domains = _Texts()
        self._domain_hashes: list[np.ndarray] = []
        # Cross-chunk caches of the normalisers for values that repeat (not names: distinct).
        self._known: dict[str, dict[Any, Any]] = {"city": {}, "company": {}, "word": {}}

    # ------------------------------------------------------------------ building

    @classmethod
    def of(cls, columns: PartnerColumns, frame: pd.DataFrame) -> PartnerFeatures:
        """The features of an in-memory table, built slice by slice (a lower peak)."""
        features = cls(columns)
        for start in range(0, max(len(frame), 1), _SLICE_ROWS):  # once even if empty: key check
            features.add(frame.iloc[start : start + _SLICE_ROWS])
        return features

    def add(self, chunk: pd.DataFrame) -> None:
        """Reduce the next rows to their keys (the chunk itself is not kept)."""
        cols = self.columns
        if cols.key is not None and cols.key not in chunk.columns:
            present = ", ".join(map(str, chunk.columns)) or "none"
            raise ValueError(
                f"key column {cols.key!r} not in the table (columns present: {present})"
            )
        n = len(chunk)
        if n == 0:
            return

        def column(name: str | None) -> pd.Series | None:
            return chunk[name] if name is not None and name in chunk.columns else None

        if cols.key is not None:
            self._keys.add(chunk[cols.key].to_numpy(dtype=object))
        names = joined_names(chunk, list(cols.name))
        self._names.add(names.to_numpy(dtype=object))
        cities = self._cached(column(cols.city), city_key, "city", n)
        # Only the words of the name key make blocks; the legal form is needed for scoring
        # the candidate pairs alone, and is worked out for those (duplicates.link_partners).
        (nkey,) = _per_folded_name(names, name_key_of_folded)
        nkey = _without_own_city(nkey, cities)
        rows, words = _name_words(nkey, self._known["word"], self.words)
        self._word_rows.append((rows + self.rows).astype(np.int32))
        self._word_ids.append(words)

        countries = column(cols.country)
        postal_values = column(cols.postal_code)
        if postal_values is None:
            postal = _empty(n)
        else:
            postal = postal_keys(
                postal_values, None if countries is None else countries.to_numpy(dtype=object)
            )
        streets = column(cols.street)
        if streets is not None:
            street_name, house = street_keys(streets.to_numpy(dtype=object))
        else:
            street_name, house = _empty(n), _empty(n)
        company = self._cached(column(cols.company), name_key, "company", n)

        domains = _empty(n)
        for ident in cols.identifiers:
            values = column(ident)
            if values is None:
                continue
            if is_mail_column(ident):
                keys = email_keys(values)
                doms = np.array(
                    [m.rpartition("@")[2] if m else "" for m in keys.tolist()], dtype=object
                )
                domains = np.where(domains == "", doms, domains)
            else:
                keys = identifier_keys(values)
            self._hashes.setdefault(ident, []).append(hash_keys(keys))
        for place, values in (
            ("postal", postal),
            ("city", cities),
            ("street", street_name),
            ("house", house),
            ("company", company),
        ):
            self._place_ids[place].append(self.vocab[place].ids(values))
        self._domains.add(domains)
        # Free-mail domains (gmail.com) say nothing about the employer: they get no hash.
        free = pd.Series(domains, dtype=object).isin(FREEMAIL_DOMAINS).to_numpy(dtype=bool)
        self._domain_hashes.append(hash_keys(np.where(free, "", domains)))
        self.rows += n
        for known in self._known.values():
            if len(known) > _MAX_KNOWN:  # mostly distinct values: a cache that only grows
                known.clear()

    def _cached(
        self, values: pd.Series | None, judge: Callable[[Any], str], cache: str, n: int
    ) -> np.ndarray:
        if values is None:
            return _empty(n)
        return per_distinct(values, judge, known=self._known[cache])

    # ------------------------------------------------------------------ reading

    def place_ids(self, place: str) -> np.ndarray:
        """Id of each record's normalised ``place`` value (see :data:`PLACES`), -1 if empty."""
        return _joined_parts(self._place_ids[place], np.int32).astype(np.int64)

    def name_words(self) -> tuple[np.ndarray, np.ndarray, int]:
        """(row, word id) of each phonetic name word code, and the number of distinct codes."""
        rows = _joined_parts(self._word_rows, np.int32).astype(np.int64)
        ids = _joined_parts(self._word_ids, np.int32).astype(np.int64)
        return rows, ids, len(self.words)

    def identifier_hashes(self) -> Iterator[tuple[str, np.ndarray]]:
        """Per identifier column present (e-mail ones too), an (n, 2) array of hashes of its
        normalised values; (0, 0) for none. One column at a time (they are large)."""
        for ident, parts in self._hashes.items():
            yield ident, _joined_parts(parts, np.uint64).reshape(-1, 2)

    def domain_hashes(self) -> np.ndarray:
        """(n, 2) hashes of each record's e-mail domain; (0, 0) for none or a free-mail one."""
        return _joined_parts(self._domain_hashes, np.uint64).reshape(-1, 2)

    def domains(self, rows: np.ndarray) -> np.ndarray:
        """The e-mail domains of ``rows`` ("" for none)."""
        return np.where(pd.isna(texts := self._domains.take(rows)), "", texts)

    def names(self, rows: np.ndarray) -> np.ndarray:
        """The names (columns joined) of ``rows``, as read."""
        return self._names.take(rows)

    def key_of(self) -> Callable[[int], str]:
        """A function from row number (0-based) to the record's key as text."""
        if self.columns.key is None:
            return lambda row: str(row + 1)
        keys = self._keys

        def key(row: int) -> str:
            value = keys.take(np.array([row]))[0]
            return f"row {row + 1}" if value is None else value

        return key


# ------------------------------------------------------------------- built while fetching

# Features the engine built while it fetched a database table chunk by chunk, by columns:
# the metric uses them instead of a frame of every row's raw columns (which it never gets).
_PREBUILT: ContextVar[Mapping[PartnerColumns, PartnerFeatures] | None] = ContextVar(
    "kmu_dataguard_prebuilt_partner_features", default=None
)


@contextmanager
def prebuilt_features(built: Mapping[PartnerColumns, PartnerFeatures]) -> Iterator[None]:
    """Within this block, :func:`prebuilt_for` finds ``built``."""
    token = _PREBUILT.set(built)
    try:
        yield
    finally:
        _PREBUILT.reset(token)


def prebuilt_for(columns: PartnerColumns, rows: int) -> PartnerFeatures | None:
    """Features built for ``columns`` over exactly ``rows`` records, if the engine has them."""
    found = (_PREBUILT.get() or {}).get(columns)
    return found if found is not None and found.rows == rows else None


# ---------------------------------------------------------------------------- normalising


def is_mail_column(name: str) -> bool:
    """An identifier column of e-mail addresses (equal only with a similar name)."""
    return "mail" in name.lower()


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
    nkey, forms = _per_folded_name(names, name_key_of_folded, legal_form_of_folded)
    return _without_own_city(nkey, cities), forms


def _without_own_city(nkey: np.ndarray, cities: np.ndarray) -> np.ndarray:
    """ "Müller Bau GmbH Dresden" in Dresden is "Müller Bau": a trailing own city name goes."""
    out = nkey.copy()
    for i in np.flatnonzero(cities != "").tolist():
        name, place = nkey[i], cities[i]
        if name.endswith(" " + place):
            out[i] = name[: -len(place) - 1]
    return out


def _per_folded_name(names: pd.Series, *judges: Callable[[str], str]) -> list[np.ndarray]:
    """Each judge of each folded name; each distinct name folded once, all in one batch
    (:mod:`batch_text`)."""
    try:
        ids, distinct = pd.factorize(names.to_numpy(dtype=object), use_na_sentinel=False)
    except TypeError:  # unhashable cells (lists from JSON): one by one, by their text
        return [per_distinct(names, lambda value, j=judge: j(fold(value))) for judge in judges]
    texts = [v[:MAX_FIELD].strip() if type(v) is str else _text(v) for v in distinct.tolist()]
    folded = fold_texts(texts)
    out = []
    for judge in judges:
        judged = np.empty(len(folded), dtype=object)
        judged[:] = [judge(text) for text in folded]
        out.append(judged[ids])
    return out


def per_distinct(
    values: pd.Series,
    judge: Callable[[Any], Any],
    parts: int = 1,
    known: dict[Any, Any] | None = None,
) -> Any:
    """``judge`` of each value, computed once per distinct value (master data repeats).

    With ``parts`` > 1 the judge returns that many results per value, and a tuple of that many
    arrays comes back. ``known`` carries results over from earlier chunks.
    """
    raw = values.to_numpy(dtype=object)
    known = {} if known is None else known
    try:
        ids, distinct = pd.factorize(raw, use_na_sentinel=False)
    except TypeError:  # unhashable cells (lists from JSON): the loop below judges their text
        pass
    else:
        judged = np.empty(len(distinct), dtype=object)
        for i, value in enumerate(distinct.tolist()):  # one by one: a judge may return tuples
            hit = known.get(value, known)
            judged[i] = judge(value) if hit is known else hit
            if hit is known and parts == 1:
                known[value] = judged[i]
        if parts == 1:
            return judged[ids]
        return tuple(_part(judged, k)[ids] for k in range(parts))
    out = np.empty(len(raw), dtype=object)
    for i, value in enumerate(raw):
        try:
            hit = known.get(value, known)
        except TypeError:  # unhashable cell (a list from JSON): judged by its text
            value = str(value)
            hit = known.get(value, known)
        if hit is known:
            hit = known[value] = judge(value)
        out[i] = hit
    return out if parts == 1 else tuple(_part(out, k) for k in range(parts))


def _part(judged: np.ndarray, k: int) -> np.ndarray:
    out = np.empty(len(judged), dtype=object)
    out[:] = [t[k] for t in judged.tolist()]
    return out


def hash_keys(values: np.ndarray) -> np.ndarray:
    """(n, 2) uint64 hashes of normalised keys; (0, 0) where the key is missing or empty."""
    values = np.asarray(values, dtype=object)
    out = np.empty((len(values), 2), dtype=np.uint64)
    for j, hash_key in enumerate(_HASH_KEYS):
        out[:, j] = pd.util.hash_array(values, hash_key=hash_key, categorize=False)
    missing = pd.isna(values) | (values == "")
    out[missing] = 0
    return out


def _name_words(
    nkey: np.ndarray, known: dict[str, str], vocab: _Vocab
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
    new = [w for w in words if w not in known and len(w) >= 2 and w not in _STOPWORDS]
    spoken = [w for w in new if not w.isdigit()]
    known.update(zip(spoken, cologne_phonetics(spoken), strict=True))
    known.update((w, w) for w in new if w.isdigit())


def _empty(n: int) -> np.ndarray:
    return np.full(n, "", dtype=object)


def _joined_parts(parts: Sequence[np.ndarray], dtype: Any) -> np.ndarray:
    if not parts:
        return np.empty(0, dtype=dtype)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)
