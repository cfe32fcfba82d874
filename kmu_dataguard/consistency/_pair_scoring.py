"""Scoring the candidate pairs: name similarity where an address, company, domain or
e-mail rule could link the pair, and the reason a steward reads for each link."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from kmu_dataguard.consistency.normalize import name_conflict
from kmu_dataguard.consistency.reasons import reason_text

__all__ = ["fuzzy_edges", "name_similarity"]


def fuzzy_edges(
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
    """Pairs whose values (integer ids, -1 for empty) are equal and not empty."""
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
