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

from kmu_dataguard.consistency._address_keys import city_key
from kmu_dataguard.consistency._compact import Texts, Vocab, hash_keys, joined_parts
from kmu_dataguard.consistency._contact_keys import FREEMAIL_DOMAINS
from kmu_dataguard.consistency._distinct import per_distinct
from kmu_dataguard.consistency._name_keys import name_key, name_key_of_folded
from kmu_dataguard.consistency._name_words import (
    joined_names,
    name_words,
    per_folded_name,
    without_own_city,
)
from kmu_dataguard.consistency.vector_keys import (
    email_keys,
    identifier_keys,
    postal_keys,
    street_keys,
)

__all__ = [
    "DEFAULT_IDENTIFIERS",
    "PLACES",
    "PartnerColumns",
    "PartnerFeatures",
    "is_mail_column",
    "prebuilt_features",
    "prebuilt_for",
]

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


class PartnerFeatures:
    """The compact per-record keys of one table; :meth:`add` each chunk of rows in order."""

    def __init__(self, columns: PartnerColumns) -> None:
        self.columns = columns
        self.rows = 0
        self.vocab = {place: Vocab() for place in PLACES}
        self.words = Vocab()
        self._place_ids: dict[str, list[np.ndarray]] = {place: [] for place in PLACES}
        self._keys = Texts()
        self._names = Texts()
        self._word_rows: list[np.ndarray] = []
        self._word_ids: list[np.ndarray] = []
        self._hashes: dict[str, list[np.ndarray]] = {}
        self._domains = Texts()
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
        (nkey,) = per_folded_name(names, name_key_of_folded)
        nkey = without_own_city(nkey, cities)
        rows, words = name_words(nkey, self._known["word"], self.words)
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
        return joined_parts(self._place_ids[place], np.int32).astype(np.int64)

    def name_words(self) -> tuple[np.ndarray, np.ndarray, int]:
        """(row, word id) of each phonetic name word code, and the number of distinct codes."""
        rows = joined_parts(self._word_rows, np.int32).astype(np.int64)
        ids = joined_parts(self._word_ids, np.int32).astype(np.int64)
        return rows, ids, len(self.words)

    def identifier_hashes(self) -> Iterator[tuple[str, np.ndarray]]:
        """Per identifier column present (e-mail ones too), an (n, 2) array of hashes of its
        normalised values; (0, 0) for none. One column at a time (they are large)."""
        for ident, parts in self._hashes.items():
            yield ident, joined_parts(parts, np.uint64).reshape(-1, 2)

    def domain_hashes(self) -> np.ndarray:
        """(n, 2) hashes of each record's e-mail domain; (0, 0) for none or a free-mail one."""
        return joined_parts(self._domain_hashes, np.uint64).reshape(-1, 2)

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


def _empty(n: int) -> np.ndarray:
    return np.full(n, "", dtype=object)
