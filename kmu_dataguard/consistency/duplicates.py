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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from kmu_dataguard.consistency.normalize import (
    FREEMAIL_DOMAINS,
    city_key,
    fold,
    legal_form_of_folded,
    name_conflict,
    name_key,
    name_key_of_folded,
)
from kmu_dataguard.consistency.phonetics import cologne_phonetic
from kmu_dataguard.consistency.vector_keys import (
    email_keys,
    identifier_keys,
    postal_keys,
    street_keys,
)

__all__ = ["DuplicateCluster", "PairEvidence", "find_duplicates"]

log = logging.getLogger(__name__)

DEFAULT_IDENTIFIERS: tuple[str, ...] = ("vat_id", "iban", "tax_number", "gln", "email")
_LABELS = {
    "vat_id": "VAT ID",
    "ust_idnr": "VAT ID",
    "iban": "IBAN",
    "tax_number": "tax number",
    "gln": "GLN",
    "email": "e-mail",
}
# Words that say nothing about who a partner is; they make no blocks.
_STOPWORDS = frozenset({"und", "der", "die", "das", "den", "von", "vom", "fur", "the", "of", "and"})
_MAX_WORDS_PER_NAME = 6


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
    """
    stats = {} if stats is None else stats
    stats.update(candidate_pairs=0, blocks_skipped=0, linked_pairs=0)
    if key is not None and key not in frame.columns:
        present = ", ".join(map(str, frame.columns)) or "none"
        raise ValueError(f"key column {key!r} not in the table (columns present: {present})")
    n = len(frame)
    if n < 2:
        return []
    frame = frame.reset_index(drop=True)
    keys = _keys(frame, key)

    def column(name: str | None) -> pd.Series | None:
        return frame[name] if name is not None and name in frame.columns else None

    names = _joined(frame, [name] if isinstance(name, str) else list(name))
    nkey, forms = _per_distinct(names, _name_and_form, parts=2)
    countries = column(country)
    if column(postal_code) is None:
        postal = np.full(n, "", dtype=object)
    else:
        postal = postal_keys(
            column(postal_code), None if countries is None else countries.to_numpy(dtype=object)
        )
    cities = _per_distinct(column(city), city_key) if column(city) is not None else _empty(n)
    nkey = _without_own_city(nkey, cities)
    streets = column(street)
    if streets is not None:
        street_name, house = street_keys(streets.to_numpy(dtype=object))
    else:
        street_name, house = _empty(n), _empty(n)
    companies = (
        _per_distinct(column(company), name_key) if column(company) is not None else _empty(n)
    )

    edges: list[tuple[float, int, int, str]] = []
    email_pairs: list[np.ndarray] = []
    domains = _empty(n)
    emails = _empty(n)
    for ident in identifiers:
        values = column(ident)
        if values is None:
            continue
        label = _LABELS.get(ident, ident)
        if "mail" in ident.lower():
            mails = email_keys(values)
            doms = np.array(
                [m.rpartition("@")[2] if m else "" for m in mails.tolist()], dtype=object
            )
            domains = np.where(domains == "", doms, domains)
            emails = np.where(emails == "", np.where(mails == None, "", mails), emails)  # noqa: E711
            email_pairs.append(_group_pairs(mails, max_identifier_group, label))
            continue
        normal = identifier_keys(values)
        for _value, rows in _groups(normal, max_identifier_group, label):
            edges.extend((1.0, int(rows[0]), int(r), f"same {label}") for r in rows[1:])

    # ---- candidate pairs from blocks
    word_rows, word_ids, n_words = _name_words(nkey)
    blocks: list[tuple[np.ndarray, np.ndarray, int]] = []
    # A city alone is too coarse a block (thousands of partners in Berlin); a city joins only
    # records on the same street, which is what the city rule below asks for anyway.
    street_sound = _per_distinct(pd.Series(street_name), cologne_phonetic)
    city_street = np.where(
        (cities != "") & (street_sound != ""), cities + "|" + street_sound.astype(object), ""
    )
    # Keys as integer ids of their distinct values (-1: empty), factorised once: blocks and
    # pair tests compare integers, not Python strings.
    ids = {
        "postal": _ids(postal),
        "city": _ids(cities),
        "company": _ids(companies),
        "domain": _ids(np.where(_freemail(domains), "", domains.astype(object))),
        "house": _ids(house),
    }
    # Postal and city-street blocks link a pair only through its address, and two given house
    # numbers that differ are another address: those blocks pair records by house number.
    # (The same company links contacts at any address: the company blocks pair them.)
    for place, by_house in ((ids["postal"], True), (_ids(city_street), True)):
        blocks.append((*_block_ids(place, word_rows, word_ids, n_words), by_house))
    for place in (ids["company"], ids["domain"]):
        blocks.append((*_block_ids(place, word_rows, word_ids, n_words), False))
    candidates = _pairs_from_blocks(
        blocks, n, max_block_size, stats, np.where(street_name != "", ids["house"], -1)
    )
    same_email_pairs = (
        _unique(np.concatenate(email_pairs)) if email_pairs else np.empty(0, dtype=np.int64)
    )
    codes = _union_sorted(candidates, same_email_pairs)
    left, right = (codes // n).astype(np.intp), (codes % n).astype(np.intp)
    stats["candidate_pairs"] = len(codes)
    edges.extend(
        _fuzzy_edges(
            left,
            right,
            same_email=_sorted_isin(codes, same_email_pairs),
            ids=ids,
            nkey=nkey,
            postal=postal,
            cities=cities,
            street_name=street_name,
            house=house,
            companies=companies,
            forms=forms,
            domains=domains,
            emails=emails,
            threshold=threshold,
            email_name_threshold=email_name_threshold,
        )
    )
    stats["linked_pairs"] = len(edges)
    return _clusters(edges, keys)


# --------------------------------------------------------------------------- inputs


def _keys(frame: pd.DataFrame, key: str | None) -> list[str]:
    if key is None:
        return [str(i + 1) for i in range(len(frame))]
    return [
        f"row {i + 1}" if v is None or (isinstance(v, float) and v != v) else str(v)
        for i, v in enumerate(frame[key].tolist())
    ]


def _empty(n: int) -> np.ndarray:
    return np.full(n, "", dtype=object)


def _joined(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
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


def _without_own_city(nkey: np.ndarray, cities: np.ndarray) -> np.ndarray:
    """ "Müller Bau GmbH Dresden" in Dresden is "Müller Bau": a trailing own city name goes."""
    out = nkey.copy()
    for i in np.flatnonzero(cities != "").tolist():
        name, place = nkey[i], cities[i]
        if name.endswith(" " + place):
            out[i] = name[: -len(place) - 1]
    return out


def _name_and_form(value: Any) -> tuple[str, str]:
    """Name key and legal-form family of one name, folded once for both."""
    folded = fold(value)
    return name_key_of_folded(folded), legal_form_of_folded(folded)


def _per_distinct(values: pd.Series, judge: Callable[[Any], Any], parts: int = 1) -> Any:
    """``judge`` of each value, computed once per distinct value (master data repeats).

    With ``parts`` > 1 the judge returns that many results per value, and a tuple of that many
    arrays comes back.
    """
    raw = values.to_numpy(dtype=object)
    try:
        ids, distinct = pd.factorize(raw, use_na_sentinel=False)
    except TypeError:  # unhashable cells (lists from JSON): the loop below judges their text
        pass
    else:
        judged = np.empty(len(distinct), dtype=object)
        for i, value in enumerate(distinct.tolist()):  # one by one: a judge may return tuples
            judged[i] = judge(value)
        if parts == 1:
            return judged[ids]
        return tuple(_part(judged, k)[ids] for k in range(parts))
    cache: dict[Any, Any] = {}
    out = np.empty(len(raw), dtype=object)
    for i, value in enumerate(raw):
        try:
            hit = cache.get(value, cache)
        except TypeError:  # unhashable cell (a list from JSON): judged by its text
            value = str(value)
            hit = cache.get(value, cache)
        if hit is cache:
            hit = cache[value] = judge(value)
        out[i] = hit
    return out if parts == 1 else tuple(_part(out, k) for k in range(parts))


def _part(judged: np.ndarray, k: int) -> np.ndarray:
    out = np.empty(len(judged), dtype=object)
    out[:] = [t[k] for t in judged.tolist()]
    return out


def _groups(values: np.ndarray, cap: int, label: str) -> list[tuple[str, np.ndarray]]:
    """(value, rows) of each value shared by 2..cap records, in order of first appearance."""
    ids, distinct = pd.factorize(np.asarray(values, dtype=object))
    known = ids >= 0
    if not known.any():
        return []
    sizes = np.bincount(ids[known], minlength=len(distinct))
    row_size = np.where(known, sizes[np.maximum(ids, 0)], 0)
    too_big = row_size > cap
    if too_big.any():
        log.warning(
            "%d %s value(s) shared by more than %d records ignored as placeholders, e.g. %s",
            int((sizes > cap).sum()),
            label,
            cap,
            distinct[ids[np.argmax(too_big)]],
        )
    rows = np.flatnonzero((row_size >= 2) & ~too_big)
    if len(rows) == 0:
        return []
    rows = rows[np.argsort(ids[rows], kind="stable")]
    group = ids[rows]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    return [
        (str(distinct[group[start]]), part)
        for start, part in zip(starts.tolist(), np.split(rows, starts[1:]), strict=True)
    ]


def _group_pairs(values: np.ndarray, cap: int, label: str) -> np.ndarray:
    """Pair codes ``i * n + j`` (i < j) of all records sharing a value."""
    n = len(values)
    out = []
    for _, rows in _groups(values, cap, label):
        rows = np.sort(rows)
        a, b = np.triu_indices(len(rows), 1)
        out.append(rows[a].astype(np.int64) * n + rows[b])
    return np.concatenate(out) if out else np.empty(0, dtype=np.int64)


def _word_codes(text: str, known: dict[str, str]) -> list[str]:
    """The Kölner Phonetik codes of the distinctive words of one name key.

    ``known`` caches the code of each word across names (names share their words).
    """
    codes: list[str] = []
    for word in text.split()[:_MAX_WORDS_PER_NAME]:
        if len(word) < 2 or word in _STOPWORDS:
            continue
        code = known.get(word)
        if code is None:
            code = known[word] = cologne_phonetic(word) if not word.isdigit() else word
        if code and code not in codes:
            codes.append(code)
    return codes


def _name_words(nkey: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """(row, word id) of each phonetic name word code, and the number of distinct codes.

    Computed once per distinct name; ids stand for the code strings so that blocks are
    integers, not formatted labels.
    """
    n = len(nkey)
    name_ids, names = pd.factorize(nkey)
    known: dict[str, str] = {}
    per_name = [_word_codes(text, known) for text in names.tolist()]
    lengths = np.fromiter(map(len, per_name), dtype=np.int64, count=len(per_name))
    flat = np.array([c for codes in per_name for c in codes], dtype=object)
    if len(flat) == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, 0
    flat_ids, distinct = pd.factorize(flat)
    starts = np.cumsum(lengths) - lengths
    row_lengths = lengths[name_ids]
    rows = np.repeat(np.arange(n, dtype=np.int64), row_lengths)
    within = np.arange(len(rows)) - np.repeat(np.cumsum(row_lengths) - row_lengths, row_lengths)
    at = np.repeat(starts[name_ids], row_lengths) + within
    return rows, flat_ids[at].astype(np.int64), len(distinct)


def _ids(values: np.ndarray) -> np.ndarray:
    """Integer id of each value's distinct value, -1 where it is empty."""
    ids, distinct = pd.factorize(values)
    given = np.append(np.asarray(distinct != "", dtype=bool), False)  # [-1]: missing
    return np.where(given[ids], ids, -1).astype(np.int64)


def _block_ids(
    place: np.ndarray, word_rows: np.ndarray, word_ids: np.ndarray, n_words: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """(rows, block labels, label count): a block is a place id and a phonetic name word."""
    keep = place[word_rows] >= 0
    rows = word_rows[keep]
    labels = place[rows] * max(n_words, 1) + word_ids[keep]
    return rows, labels, (int(place.max(initial=-1)) + 1) * max(n_words, 1)


def _freemail(domains: np.ndarray) -> np.ndarray:
    return pd.Series(domains, dtype=object).isin(FREEMAIL_DOMAINS).to_numpy(dtype=bool)


def _pairs_from_blocks(
    blocks: list[tuple[np.ndarray, np.ndarray, int, bool]],
    n: int,
    max_block_size: int,
    stats: dict[str, int],
    house: np.ndarray,
) -> np.ndarray:
    """Distinct pair codes ``i * n + j`` (i < j) of records sharing at least one block.

    In blocks marked ``by_house``, two records whose house numbers are both given and differ
    are no pair: they cannot share an address, so no rule could link them. This keeps the
    pairs from growing with the square of the records per postal code.
    """
    if not blocks or not any(len(b[0]) for b in blocks):
        return np.empty(0, dtype=np.int64)
    rows = np.concatenate([b[0] for b in blocks]).astype(np.int64)
    offsets = np.cumsum([0] + [b[2] for b in blocks[:-1]])
    labels = np.concatenate([b[1] + offset for b, offset in zip(blocks, offsets, strict=True)])
    split = np.concatenate([np.full(len(b[0]), b[3], dtype=bool) for b in blocks])
    block, size = _codes(labels)
    big = size > max_block_size
    stats["blocks_skipped"] = int(big.sum())
    if big.any():
        log.warning(
            "%d block(s) of more than %d records skipped (a very common name word in one place)",
            int(big.sum()),
            max_block_size,
        )
    keep = (size[block] >= 2) & ~big[block]
    rows, block, split = rows[keep], block[keep], split[keep]
    hid = np.where(split, house[rows], -1)
    wild = split & (hid < 0)
    # A record without a house number may be at any house: it pairs with its whole block.
    group = block * (int(house.max(initial=-1)) + 2) + hid + 1
    parts = [
        _pairs_in_groups(rows[~wild], group[~wild], n),
        _pairs_with_block(np.flatnonzero(wild), rows, block, n),
    ]
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
    emails: np.ndarray,
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
            reason = f"same e-mail and similar name ({score:.2f})"
        elif same_postal[i] and same_street[i]:
            where = f"{sa[i]} {ha[i] or hb[i]}".strip()
            reason = f"similar name ({score:.2f}) at same address {where}, {pa[i]}"
        elif same_postal[i]:
            reason = f"similar name ({score:.2f}) at same postal code {pa[i]}"
        elif same_company[i]:
            reason = f"similar name ({score:.2f}) at same company {ca[i]}"
        elif same_city[i]:
            reason = f"similar name ({score:.2f}) in same city {cities[left[i]]}, same street"
        else:
            reason = f"similar name ({score:.2f}) with same e-mail domain {da[i]}"
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


def _clusters(edges: list[tuple[float, int, int, str]], keys: list[str]) -> list[DuplicateCluster]:
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
                keys=[keys[r] for r in rows],
                rows=rows,
                score=min(e[0] for e in spanning),
                reasons=reasons[:5],
                pairs=[PairEvidence(keys[a], keys[b], s, r) for s, a, b, r in spanning],
            )
        )
    return sorted(clusters, key=lambda c: c.rows[0])
