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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from kmu_dataguard.consistency._blocking import (
    block_ids,
    city_street,
    group_pairs,
    groups,
    hash_ids,
    pairs_from_blocks,
    sorted_isin,
    union_sorted,
    unique,
)
from kmu_dataguard.consistency._clustering import DuplicateCluster, PairEvidence, clusters_of
from kmu_dataguard.consistency._name_words import name_keys
from kmu_dataguard.consistency._pair_scoring import fuzzy_edges
from kmu_dataguard.consistency.partner_features import (
    PLACES,
    PartnerColumns,
    PartnerFeatures,
    is_mail_column,
)
from kmu_dataguard.consistency.reasons import reason_text

__all__ = [
    "DEFAULT_SETTINGS",
    "DuplicateCluster",
    "PairEvidence",
    "PartnerColumns",
    "PartnerFeatures",
    "PartnerSettings",
    "find_duplicates",
    "link_partners",
    "partner_settings",
]

_LABELS = {
    "vat_id": "VAT ID",
    "ust_idnr": "VAT ID",
    "iban": "IBAN",
    "tax_number": "tax number",
    "gln": "GLN",
    "email": "e-mail",
}


@dataclass(frozen=True)
class PartnerSettings:
    """Everything duplicate detection can be told: which columns hold what, and how strict
    linking is. The one home of the defaults: :func:`find_duplicates`, :func:`link_partners`,
    :func:`partner_settings` and the GX expectation's fields take theirs from here.

    ``threshold`` (0..1) is the name similarity needed when the address agrees,
    ``email_name_threshold`` the one needed with a shared e-mail address; blocks larger than
    ``max_block_size`` and identifier values shared by more than ``max_identifier_group``
    records are skipped (see :func:`find_duplicates`).
    """

    columns: PartnerColumns = field(default_factory=lambda: PartnerColumns(key=None))
    threshold: float = 0.88
    email_name_threshold: float = 0.75
    max_block_size: int = 1000
    max_identifier_group: int = 20

    def link_options(self) -> dict[str, Any]:
        """The keyword arguments of :func:`link_partners` (everything but the columns)."""
        return {
            "threshold": self.threshold,
            "email_name_threshold": self.email_name_threshold,
            "max_block_size": self.max_block_size,
            "max_identifier_group": self.max_identifier_group,
        }


#: The defaults: no key column, the usual column names, the thresholds above.
DEFAULT_SETTINGS = PartnerSettings()
_COLUMNS = DEFAULT_SETTINGS.columns


def find_duplicates(
    frame: pd.DataFrame,
    *,
    key: str | None,
    name: str | Sequence[str] = _COLUMNS.name,
    street: str | None = _COLUMNS.street,
    postal_code: str | None = _COLUMNS.postal_code,
    city: str | None = _COLUMNS.city,
    country: str | None = _COLUMNS.country,
    company: str | None = _COLUMNS.company,
    identifiers: Sequence[str] = _COLUMNS.identifiers,
    threshold: float = DEFAULT_SETTINGS.threshold,
    email_name_threshold: float = DEFAULT_SETTINGS.email_name_threshold,
    max_block_size: int = DEFAULT_SETTINGS.max_block_size,
    max_identifier_group: int = DEFAULT_SETTINGS.max_identifier_group,
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


def partner_settings(kwargs: Mapping[str, Any]) -> PartnerSettings:
    """The settings of ``expect_table_rows_to_have_no_duplicate_partners`` from its keyword
    arguments (``key_column``, ``name_columns``, …, ``threshold``; absent ones take the
    defaults of :class:`PartnerSettings`). A threshold outside 0..1 is a ``ValueError``."""

    def text(name: str, default: str | None) -> str | None:
        value = kwargs.get(name, default)
        return None if value is None else str(value)

    names = kwargs.get("name_columns") or _COLUMNS.name
    identifiers = kwargs.get("identifier_columns")
    columns = PartnerColumns(
        key=text("key_column", _COLUMNS.key),
        name=[names] if isinstance(names, str) else [str(n) for n in names],
        street=text("street_column", _COLUMNS.street),
        postal_code=text("postal_code_column", _COLUMNS.postal_code),
        city=text("city_column", _COLUMNS.city),
        country=text("country_column", _COLUMNS.country),
        company=text("company_column", _COLUMNS.company),
        identifiers=_COLUMNS.identifiers if identifiers is None else tuple(identifiers),
    )
    # `threshold: 0` is a setting (everything at one address is a duplicate), not "unset".
    raw = kwargs.get("threshold")
    threshold = DEFAULT_SETTINGS.threshold if raw is None else float(raw)
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be between 0 and 1, not {raw!r}")
    return replace(DEFAULT_SETTINGS, columns=columns, threshold=threshold)


def link_partners(
    features: PartnerFeatures,
    *,
    threshold: float = DEFAULT_SETTINGS.threshold,
    email_name_threshold: float = DEFAULT_SETTINGS.email_name_threshold,
    max_block_size: int = DEFAULT_SETTINGS.max_block_size,
    max_identifier_group: int = DEFAULT_SETTINGS.max_identifier_group,
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
            email_pairs.append(group_pairs(hashes, max_identifier_group, label, key_of))
            continue
        for rows in groups(hashes, max_identifier_group, label, key_of):
            same = reason_text("same_identifier", what=label)
            edges.extend((1.0, int(rows[0]), int(r), same) for r in rows[1:])

    # ---- candidate pairs from blocks
    # Keys as integer ids of their distinct values (-1: empty): blocks and pair tests compare
    # integers, not Python strings.
    ids = {place: features.place_ids(place) for place in PLACES}
    ids["domain"] = hash_ids(features.domain_hashes())  # free-mail domains have none
    word_rows, word_ids, n_words = features.name_words()
    # A city alone is too coarse a block (thousands of partners in Berlin); a city joins only
    # records on the same street, which is what the city rule below asks for anyway.
    city_streets = city_street(ids["city"], ids["street"], features.vocab["street"].values())
    # Postal and city-street blocks link a pair only through its address, and two given house
    # numbers that differ are another address: those blocks pair records by house number.
    # (The same company links contacts at any address: the company blocks pair them.)
    places = [(ids["postal"], True), (city_streets, True)]
    places += [(ids["company"], False), (ids["domain"], False)]
    # Built one kind at a time as the pairs are taken (a generator): they take the memory.
    blocks = (
        (*block_ids(place, word_rows, word_ids, n_words), by_house) for place, by_house in places
    )
    candidates = pairs_from_blocks(
        blocks, n, max_block_size, stats, np.where(ids["street"] >= 0, ids["house"], -1)
    )
    del word_rows, word_ids, city_streets, places
    same_email_pairs = (
        unique(np.concatenate(email_pairs)) if email_pairs else np.empty(0, dtype=np.int64)
    )
    codes = union_sorted(candidates, same_email_pairs)
    stats["candidate_pairs"] = len(codes)
    left, right = (codes // n).astype(np.intp), (codes % n).astype(np.intp)
    # Score on the candidate records only: their names are keyed again here, so the features
    # need not hold a name key per record.
    rows = unique(np.concatenate([left, right]))
    local = {place: values[rows] for place, values in ids.items()}
    text = {place: features.vocab[place].values()[local[place]] for place in PLACES}
    text["domain"] = features.domains(rows)
    nkey, forms = name_keys(pd.Series(features.names(rows), dtype=object), text["city"])
    scored = fuzzy_edges(
        np.searchsorted(rows, left),
        np.searchsorted(rows, right),
        same_email=sorted_isin(codes, same_email_pairs),
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
    return clusters_of(edges, key_of)
