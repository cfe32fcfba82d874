"""Duplicate business partners: the same supplier, customer or contact entered twice.

Two routes find a pair, and union-find joins the pairs into clusters a steward can merge:

1. **Strong identifiers** (VAT ID, IBAN, tax number, GLN): the same value after normalisation
   is a duplicate on its own. A shared **e-mail** is not (``info@`` of a tax advisor serves
   many clients): it counts only together with a similar name.
2. **Name and address**: names are compared without legal form, case, umlaut spelling and
   punctuation; a pair is a duplicate when the names are similar (``threshold``) *and* the
   address agrees (same postal code, or same city and street, or same company for contacts).
   The same name in another city is a different company (or a branch) and is left alone.

Only candidate pairs are scored, never all pairs: records are put into blocks by postal code,
city, company and e-mail domain, each combined with the Kölner Phonetik code of each name
word, so "Müller Bau" and "Bau Mueller" meet while "Müller" in Köln never meets "Müller" in
Dresden. Names are scored with rapidfuzz (``process.cpdist`` over the distinct candidate pairs,
in C, on all cores).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from kmu_dataguard.consistency.normalize import name_conflict
from kmu_dataguard.consistency.partner_features import (
    DEFAULT_IDENTIFIERS,
    PLACES,
    PartnerColumns,
    PartnerFeatures,
    is_mail_column,
    name_keys,
    per_distinct,
)
from kmu_dataguard.consistency.phonetics import cologne_phonetic
from kmu_dataguard.consistency.reasons import reason_text

__all__ = [
    "DuplicateCluster",
    "PairEvidence",
    "PartnerColumns",
    "PartnerFeatures",
    "find_duplicates",
    "link_partners",
    "partner_settings",
]

log = logging.getLogger(__name__)

_LABELS = {
    "vat_id": "VAT ID",
    "ust_idnr": "VAT ID",
    "iban": "IBAN",
    "tax_number": "tax number",
    "gln": "GLN",
    "email": "e-mail",
}


@dataclass(frozen=True)
class PairEvidence:
    """Why two records were joined: their keys, the score (1.0 for an identifier) and a reason."""

    a: str
    b: str
    score: float
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "score": round(self.score, 4), "reason": self.reason}


@dataclass
class DuplicateCluster:
    """Records that are one partner: their keys and 0-based row positions, in table order.

    ``score`` is the weakest link that holds the cluster together (1.0 when identifiers alone
    join it); ``reasons`` the distinct reasons of those links; ``pairs`` the links themselves.
    """

    keys: list[str]
    rows: list[int]
    score: float
    reasons: list[str]
    pairs: list[PairEvidence] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)

    def to_dict(self) -> dict[str, Any]:
        return {
            "keys": list(self.keys),
            "rows": list(self.rows),
            "score": round(self.score, 4),
            "reason": self.reason,
            "pairs": [p.to_dict() for p in self.pairs],
        }


def find_duplicates(
    frame: pd.DataFrame,
    *,
    key: str | None,
    name: str | Sequence[str] = "name",
    street: str | None = "street",
    postal_code: str | None = "postal_code",
    city: str | None = "city",
    country: str | None = "country",
    company: str | None = None,
    identifiers: Sequence[str] = DEFAULT_IDENTIFIERS,
    threshold: float = 0.88,
    email_name_threshold: float = 0.75,
    max_block_size: int = 1000,
    max_identifier_group: int = 20,
    stats: dict[str, int] | None = None,
) -> list[DuplicateCluster]:
    """Clusters of records in ``frame`` that are the same business partner.

    ``key`` names the column whose values identify records in the result (``None``: the
    1-based row number). ``name`` may list several columns (``["first_name", "last_name"]``),
    joined with spaces. ``company`` (contacts) is the employer: the same person at the same
    company is a duplicate even without an address. Columns absent from the frame are skipped.
    ``threshold`` (0..1) is the name similarity needed when the address agrees.

    Blocks larger than ``max_block_size`` (a word shared by thousands of records in one
    postal code) and identifier values shared by more than ``max_identifier_group`` records
    (placeholders, a factoring bank's IBAN) are skipped with a log warning.

    Pass a dict as ``stats`` to learn the work done: ``candidate_pairs`` (pairs scored),
    ``blocks_skipped`` and ``linked_pairs``.

    The frame is reduced slice by slice (:class:`PartnerFeatures`); a table too large for
    memory can be fed to :class:`PartnerFeatures` chunk by chunk and linked with
    :func:`link_partners`.
    """
    columns = PartnerColumns(
        key=key,
        name=name,
        street=street,
        postal_code=postal_code,
        city=city,
        country=country,
        company=company,
        identifiers=identifiers,
    )
    return link_partners(
        PartnerFeatures.of(columns, frame),
        threshold=threshold,
        email_name_threshold=email_name_threshold,
        max_block_size=max_block_size,
        max_identifier_group=max_identifier_group,
        stats=stats,
    )


def partner_settings(kwargs: Mapping[str, Any]) -> tuple[PartnerColumns, float]:
    """The columns and threshold of ``expect_table_rows_to_have_no_duplicate_partners`` from
    its keyword arguments (``key_column``, ``name_columns``, …; absent ones take defaults)."""

    def text(name: str, default: str | None) -> str | None:
        value = kwargs.get(name, default)
        return None if value is None else str(value)

    names = kwargs.get("name_columns") or ["name"]
    identifiers = kwargs.get("identifier_columns")
    columns = PartnerColumns(
        key=text("key_column", None),
        name=[names] if isinstance(names, str) else [str(n) for n in names],
        street=text("street_column", "street"),
        postal_code=text("postal_code_column", "postal_code"),
        city=text("city_column", "city"),
        country=text("country_column", "country"),
        company=text("company_column", None),
        identifiers=DEFAULT_IDENTIFIERS if identifiers is None else tuple(identifiers),
    )
    # `threshold: 0` is a setting (everything at one address is a duplicate), not "unset".
    raw = kwargs.get("threshold")
    threshold = 0.88 if raw is None else float(raw)
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be between 0 and 1, not {raw!r}")
    return columns, threshold


def link_partners(
    features: PartnerFeatures,
    *,
    threshold: float = 0.88,
    email_name_threshold: float = 0.75,
    max_block_size: int = 1000,
    max_identifier_group: int = 20,
    stats: dict[str, int] | None = None,
) -> list[DuplicateCluster]:
    """The duplicate clusters of the records in ``features`` (see :func:`find_duplicates`)."""
    stats = {} if stats is None else stats
    stats.update(candidate_pairs=0, blocks_skipped=0, linked_pairs=0)
    n = features.rows
    if n < 2:
        return []
    key_of = features.key_of()

    edges: list[tuple[float, int, int, str]] = []
    email_pairs: list[np.ndarray] = []
    for ident, hashes in features.identifier_hashes():
        label = _LABELS.get(ident, ident)
        if is_mail_column(ident):
            email_pairs.append(_group_pairs(hashes, max_identifier_group, label, key_of))
            continue
        for rows in _groups(hashes, max_identifier_group, label, key_of):
            same = reason_text("same_identifier", what=label)
            edges.extend((1.0, int(rows[0]), int(r), same) for r in rows[1:])

    # ---- candidate pairs from blocks
    # Keys as integer ids of their distinct values (-1: empty): blocks and pair tests compare
    # integers, not Python strings.
    ids = {place: features.place_ids(place) for place in PLACES}
    ids["domain"] = _hash_ids(features.domain_hashes())  # free-mail domains have none
    word_rows, word_ids, n_words = features.name_words()
    # A city alone is too coarse a block (thousands of partners in Berlin); a city joins only
    # records on the same street, which is what the city rule below asks for anyway.
    city_street = _city_street(ids["city"], ids["street"], features.vocab["street"].values())
    # Postal and city-street blocks link a pair only through its address, and two given house
    # numbers that differ are another address: those blocks pair records by house number.
    # (The same company links contacts at any address: the company blocks pair them.)
    places = [(ids["postal"], True), (city_street, True)]
    places += [(ids["company"], False), (ids["domain"], False)]
    # Built one kind at a time as the pairs are taken (a generator): they take the memory.
    blocks = (
        (*_block_ids(place, word_rows, word_ids, n_words), by_house) for place, by_house in places
    )
    candidates = _pairs_from_blocks(
        blocks, n, max_block_size, stats, np.where(ids["street"] >= 0, ids["house"], -1)
    )
    del word_rows, word_ids, city_street, places
    same_email_pairs = (
        _unique(np.concatenate(email_pairs)) if email_pairs else np.empty(0, dtype=np.int64)
    )
    codes = _union_sorted(candidates, same_email_pairs)
    stats["candidate_pairs"] = len(codes)
    left, right = (codes // n).astype(np.intp), (codes % n).astype(np.intp)
    # Score on the candidate records only: their names are keyed again here, so the features
    # need not hold a name key per record.
    rows = _unique(np.concatenate([left, right]))
    local = {place: values[rows] for place, values in ids.items()}
    text = {place: features.vocab[place].values()[local[place]] for place in PLACES}
    text["domain"] = features.domains(rows)
    nkey, forms = name_keys(pd.Series(features.names(rows), dtype=object), text["city"])
    scored = _fuzzy_edges(
        np.searchsorted(rows, left),
        np.searchsorted(rows, right),
        same_email=_sorted_isin(codes, same_email_pairs),
        ids=local,
        nkey=nkey,
        postal=text["postal"],
        cities=text["city"],
        street_name=text["street"],
        house=text["house"],
        companies=text["company"],
        forms=forms,
        domains=text["domain"],
        threshold=threshold,
        email_name_threshold=email_name_threshold,
    )
    edges.extend((score, int(rows[a]), int(rows[b]), why) for score, a, b, why in scored)
    stats["linked_pairs"] = len(edges)
    return _clusters(edges, key_of)


# --------------------------------------------------------------------------- blocking


def _groups(
    hashes: np.ndarray, cap: int, label: str, key_of: Callable[[int], str]
) -> list[np.ndarray]:
    """Rows (ascending) of each value shared by 2..cap records, from the (n, 2) hashes of
    the values ((0, 0): none)."""
    ids = _hash_ids(hashes)
    given = np.flatnonzero(ids >= 0)
    if len(given) < 2:
        return []
    rows = given[np.argsort(ids[given], kind="stable")]  # stable: ascending per value
    group = ids[rows]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    lengths = np.diff(np.r_[starts, len(rows)])
    too_big = lengths > cap
    if too_big.any():
        log.warning(
            "%d %s value(s) shared by more than %d records ignored as placeholders, e.g. the"
            " one of record %s",
            int(too_big.sum()),
            label,
            cap,
            key_of(int(rows[starts[np.argmax(too_big)]])),
        )
    keep = (lengths >= 2) & ~too_big
    return [rows[s : s + k] for s, k in zip(starts[keep], lengths[keep], strict=True)]


def _group_pairs(
    hashes: np.ndarray, cap: int, label: str, key_of: Callable[[int], str]
) -> np.ndarray:
    """Pair codes ``i * n + j`` (i < j) of all records sharing a value."""
    n = len(hashes)
    out = []
    for rows in _groups(hashes, cap, label, key_of):
        a, b = np.triu_indices(len(rows), 1)
        out.append(rows[a].astype(np.int64) * n + rows[b])
    return np.concatenate(out) if out else np.empty(0, dtype=np.int64)


def _ids(values: np.ndarray) -> np.ndarray:
    """Integer id of each value's distinct value, -1 where it is empty."""
    ids, distinct = pd.factorize(values)
    given = np.append(np.asarray(distinct != "", dtype=bool), False)  # [-1]: missing
    return np.where(given[ids], ids, -1).astype(np.int64)


def _block_ids(
    place: np.ndarray, word_rows: np.ndarray, word_ids: np.ndarray, n_words: int
) -> tuple[np.ndarray, np.ndarray]:
    """(rows, block labels): a block is a place id and a phonetic name word."""
    keep = place[word_rows] >= 0
    rows = word_rows[keep]
    return rows, place[rows] * max(n_words, 1) + word_ids[keep]


def _hash_ids(hashes: np.ndarray) -> np.ndarray:
    """Integer id of each row's value from its (n, 2) hashes, -1 where it has none (0, 0)."""
    out = np.full(len(hashes), -1, dtype=np.int64)
    given = np.flatnonzero((hashes != 0).any(axis=1))
    if len(given) == 0:
        return out
    hashed = hashes[given]
    # Sorting by the first half alone is 2.5x faster than a lexsort by both; equal values are
    # then adjacent unless two values share a first half (a 64-bit collision, ~1e-7 for 5 M
    # values), which is checked: then both halves are sorted.
    order = np.argsort(hashed[:, 0])
    ordered = hashed[order]
    tied = ordered[1:, 0] == ordered[:-1, 0]
    if (tied & (ordered[1:, 1] != ordered[:-1, 1])).any():
        order = np.lexsort((hashed[:, 1], hashed[:, 0]))
        ordered = hashed[order]
    out[given[order]] = np.cumsum(np.r_[False, (ordered[1:] != ordered[:-1]).any(axis=1)])
    return out


def _city_street(city: np.ndarray, street: np.ndarray, streets: np.ndarray) -> np.ndarray:
    """Id of each record's city and street sound (Kölner Phonetik), -1 if either is empty."""
    sound = _ids(per_distinct(pd.Series(streets, dtype=object), cologne_phonetic))[street]
    both = (city >= 0) & (sound >= 0)
    out = np.full(len(city), -1, dtype=np.int64)
    out[both] = pd.factorize(city[both] * (int(sound.max(initial=0)) + 1) + sound[both])[0]
    return out


def _pairs_from_blocks(
    blocks: Iterable[tuple[np.ndarray, np.ndarray, bool]],
    n: int,
    max_block_size: int,
    stats: dict[str, int],
    house: np.ndarray,
) -> np.ndarray:
    """Distinct pair codes ``i * n + j`` (i < j) of records sharing at least one block.

    In blocks marked ``by_house``, two records whose house numbers are both given and differ
    are no pair: they cannot share an address, so no rule could link them. This keeps the
    pairs from growing with the square of the records per postal code. One kind of block at a
    time: the block entries, not the pairs, are what takes memory.
    """
    parts = [np.empty(0, dtype=np.int64)]
    skipped = 0
    houses = int(house.max(initial=-1)) + 2
    for rows, labels, by_house in blocks:
        if len(rows) == 0:
            continue
        block, size = _codes(labels)
        big = size > max_block_size
        skipped += int(big.sum())
        keep = (size[block] >= 2) & ~big[block]
        rows, block = rows[keep].astype(np.int64), block[keep].astype(np.int64)
        hid = house[rows] if by_house else np.full(len(rows), -1, dtype=np.int64)
        # A record without a house number may be at any house: it pairs with its whole block.
        wild = (hid < 0) if by_house else np.zeros(len(rows), dtype=bool)
        group = block * houses + hid + 1
        parts.append(_pairs_in_groups(rows[~wild], group[~wild], n))
        parts.append(_pairs_with_block(np.flatnonzero(wild), rows, block, n))
    stats["blocks_skipped"] = skipped
    if skipped:
        log.warning(
            "%d block(s) of more than %d records skipped (a very common name word in one place)",
            skipped,
            max_block_size,
        )
    return _unique(np.concatenate(parts))


def _pairs_in_groups(rows: np.ndarray, group: np.ndarray, n: int) -> np.ndarray:
    """Pair codes of all pairs of rows with the same group label."""
    if len(rows) == 0:
        return np.empty(0, dtype=np.int64)
    order = np.lexsort((rows, group))
    rows, group = rows[order], group[order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    lengths = np.diff(np.r_[starts, len(group)])
    out = [np.empty(0, dtype=np.int64)]
    for k in np.unique(lengths):
        if k < 2:
            continue
        a, b = np.triu_indices(int(k), 1)
        firsts = starts[lengths == k]
        left = rows[firsts[:, None] + a[None, :]].ravel()
        right = rows[firsts[:, None] + b[None, :]].ravel()
        out.append(np.minimum(left, right) * n + np.maximum(left, right))
    return np.concatenate(out)


def _pairs_with_block(at: np.ndarray, rows: np.ndarray, block: np.ndarray, n: int) -> np.ndarray:
    """Pair codes of the entries at positions ``at`` with every entry of their block."""
    if len(at) == 0:
        return np.empty(0, dtype=np.int64)
    order = np.argsort(block, kind="stable")
    sorted_block = block[order]
    starts = np.searchsorted(sorted_block, block[at], side="left")
    lengths = np.searchsorted(sorted_block, block[at], side="right") - starts
    within = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    left = np.repeat(rows[at], lengths)
    right = rows[order[np.repeat(starts, lengths) + within]]
    other = left != right
    left, right = left[other], right[other]
    return np.minimum(left, right) * n + np.maximum(left, right)


def _union_sorted(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sorted distinct union of two sorted distinct integer arrays (``b`` the small one)."""
    extra = b[~_sorted_isin(b, a)]
    return np.sort(np.concatenate([a, extra])) if len(extra) else a


def _unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct integers; numpy 2.4's ``np.unique`` hashes and is ~100x slower here."""
    if len(values) == 0:
        return values
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def _sorted_isin(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """``np.isin`` for integers against a sorted distinct array, by binary search."""
    if len(sorted_set) == 0:
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[at] == values


def _codes(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(labels)
    return codes, np.bincount(codes, minlength=len(uniques))


# --------------------------------------------------------------------------- scoring


def _fuzzy_edges(
    left: np.ndarray,
    right: np.ndarray,
    *,
    same_email: np.ndarray,
    ids: dict[str, np.ndarray],
    nkey: np.ndarray,
    postal: np.ndarray,
    cities: np.ndarray,
    street_name: np.ndarray,
    house: np.ndarray,
    companies: np.ndarray,
    forms: np.ndarray,
    domains: np.ndarray,
    threshold: float,
    email_name_threshold: float,
) -> list[tuple[float, int, int, str]]:
    if len(left) == 0:
        return []
    a_names, b_names = nkey[left], nkey[right]
    # Equality of keys compared as integer ids of the distinct values, not as Python strings.
    same_postal = _same(ids["postal"], left, right)
    same_city = _same(ids["city"], left, right)
    street_ids, streets = pd.factorize(street_name)
    given = streets != ""
    street_given = given[street_ids[left]] & given[street_ids[right]]
    street_sim = _street_similarity(street_ids, streets, left, right)
    house_ids = ids["house"]
    same_house = (house_ids[left] == house_ids[right]) | (house_ids[left] < 0)
    same_house |= house_ids[right] < 0
    same_street = street_given & (street_sim >= 0.85) & same_house
    same_company = _same(ids["company"], left, right)
    same_domain = _same(ids["domain"], left, right)  # free-mail domains have no id
    nowhere = (ids["postal"] < 0) & (ids["city"] < 0)
    no_address = nowhere[left] | nowhere[right]

    # Two streets given and different: another address, maybe a branch, not the same record.
    street_conflict = street_given & ~same_street
    address = (same_postal & ~street_conflict) | (same_city & same_street) | same_company
    # Both addresses known and different: branches of a chain share name and e-mail.
    elsewhere = ~address & ~no_address
    form_ids, distinct_forms = pd.factorize(forms)
    form_given = (distinct_forms != "")[form_ids]
    # GmbH vs KG (the Verwaltungs-GmbH of a GmbH & Co. KG), AG vs OHG: two companies.
    form_conflict = form_given[left] & form_given[right] & (form_ids[left] != form_ids[right])
    # Names are scored only where an address, domain or e-mail rule could link the pair:
    # with different streets in one postal code, most candidate pairs are settled already.
    place = address | (no_address & same_domain)
    need = np.flatnonzero(~form_conflict & (place | (same_email & ~elsewhere)))
    need = need[(a_names[need] != "") & (b_names[need] != "")]
    scored = name_similarity(a_names[need], b_names[need])
    # float32 as rapidfuzz gives it: the thresholds compare in float32 (0.88 → 0.8799999952).
    sim = np.zeros(len(left), dtype=scored.dtype)
    sim[need] = scored
    fuzzy = (sim >= threshold) & place & ~form_conflict
    by_email = same_email & (sim >= email_name_threshold) & ~elsewhere & ~form_conflict

    pa = postal[left]
    sa, ha, hb = street_name[left], house[left], house[right]
    ca, da = companies[left], domains[left]
    edges: list[tuple[float, int, int, str]] = []
    for i in np.flatnonzero(fuzzy | by_email).tolist():
        score = float(sim[i])
        a, b = int(left[i]), int(right[i])
        if name_conflict(a_names[i], b_names[i]):
            continue
        if by_email[i]:
            reason = reason_text("same_email_name", score=score)
        elif same_postal[i] and same_street[i]:
            where = f"{sa[i]} {ha[i] or hb[i]}".strip()
            reason = reason_text("same_address", score=score, where=where, postal=pa[i])
        elif same_postal[i]:
            reason = reason_text("same_postal", score=score, postal=pa[i])
        elif same_company[i]:
            reason = reason_text("same_company", score=score, company=ca[i])
        elif same_city[i]:
            reason = reason_text("same_city_street", score=score, city=cities[left[i]])
        else:
            reason = reason_text("same_domain", score=score, domain=da[i])
        edges.append((score, a, b, reason))
    return edges


def _same(ids: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Pairs whose values (as ``_ids``) are equal and not empty."""
    return (ids[left] == ids[right]) & (ids[left] >= 0)


def _street_similarity(
    ids: np.ndarray, streets: np.ndarray, left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """``fuzz.ratio`` / 100 of the street names of each pair, once per distinct pair of names
    (with house numbers split off, the pairs repeat a lot)."""
    pair_ids, pairs = pd.factorize(ids[left].astype(np.int64) * max(len(streets), 1) + ids[right])
    a = streets[pairs // max(len(streets), 1)]
    b = streets[pairs % max(len(streets), 1)]
    sim = process.cpdist(list(a), list(b), scorer=fuzz.ratio, workers=-1) / 100.0
    return sim[pair_ids]


def name_similarity(a: Sequence[str], b: Sequence[str]) -> np.ndarray:
    """Similarity (0..1) of name keys, pair by pair.

    The better of plain and token-sorted ratio forgives typos and swapped words (sorting
    alone would move "Elektro Kecker" away from "Becker Elektro"); the token-set ratio forgives a
    dropped word but also calls "Müller" equal to "Müller Bau Verwaltung", so it only lifts
    the score by half of its lead.
    """
    a, b = list(a), list(b)
    if not a:
        return np.empty(0)
    sort = np.maximum(
        process.cpdist(a, b, scorer=fuzz.token_sort_ratio, workers=-1),
        process.cpdist(a, b, scorer=fuzz.ratio, workers=-1),
    )
    tset = process.cpdist(a, b, scorer=fuzz.token_set_ratio, workers=-1)
    return (sort + np.maximum(tset - sort, 0) * 0.5) / 100.0


# --------------------------------------------------------------------------- clustering


def _clusters(
    edges: list[tuple[float, int, int, str]], key_of: Callable[[int], str]
) -> list[DuplicateCluster]:
    """Union-find over the pairs, strongest first; each cluster keeps its spanning links."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    links: dict[int, list[tuple[float, int, int, str]]] = {}
    for edge in sorted(edges, key=lambda e: (-e[0], e[1], e[2])):
        _, a, b, _ = edge
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        parent[rb] = ra
        links[ra] = links.pop(ra, []) + links.pop(rb, []) + [edge]
    members: dict[int, list[int]] = {}
    for row in parent:
        members.setdefault(find(row), []).append(row)
    clusters = []
    for root, rows in members.items():
        rows = sorted(rows)
        spanning = links.get(root, [])
        reasons: list[str] = []
        for _, _, _, reason in spanning:
            if reason not in reasons:
                reasons.append(reason)
        clusters.append(
            DuplicateCluster(
                keys=[key_of(r) for r in rows],
                rows=rows,
                score=min(e[0] for e in spanning),
                reasons=reasons[:5],
                pairs=[PairEvidence(key_of(a), key_of(b), s, r) for s, a, b, r in spanning],
            )
        )
    return sorted(clusters, key=lambda c: c.rows[0])
