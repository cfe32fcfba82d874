"""Which entity a file holds, from the canonical columns found in it.

Each entity scores the columns that point to it (:data:`WEIGHTS`, rules as data); the highest
score wins, customers on a tie. Below :data:`MIN_SCORE` nothing is recognised: better no
entity than a confident guess.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["MIN_SCORE", "WEIGHTS", "decide_entity"]

_PARTNER = {
    "name": 1.0, "company": 1.0, "street": 1.0, "postal_code": 1.0, "city": 1.0, "vat_id": 1.0,
    "tax_number": 1.0, "iban": 1.0, "bic": 1.0, "payment_terms_days": 1.0, "email": 0.5,
    "phone": 0.5, "country": 0.5, "currency": 0.5,
}  # fmt: skip

#: entity → canonical column → weight of the evidence that column gives for the entity.
WEIGHTS: dict[str, dict[str, float]] = {
    "customers": {**_PARTNER, "customer_id": 3.0, "leitweg_id": 2.0},
    "suppliers": {**_PARTNER, "supplier_id": 4.0},
    "articles": {
        "article_id": 3.0, "gtin": 2.0, "unit": 2.0, "net_price": 2.0, "vat_rate": 2.0,
        "name": 0.5, "currency": 0.5, "supplier_id": 0.5,
    },
    "contacts": {
        "contact_id": 3.0, "first_name": 2.0, "last_name": 2.0, "company": 1.0, "email": 0.5,
        "phone": 0.5, "country": 0.5,
    },
}  # fmt: skip

MIN_SCORE = 3.0
_ORDER = ("customers", "suppliers", "articles", "contacts")  # earlier wins a tie


def decide_entity(found: Iterable[str]) -> tuple[str | None, float, dict[str, float]]:
    """(entity or None, confidence 0..1, score per entity) for the canonical columns ``found``."""
    columns = set(found)
    scores = {e: sum(w for c, w in WEIGHTS[e].items() if c in columns) for e in _ORDER}
    ranked = sorted(_ORDER, key=lambda e: (-scores[e], _ORDER.index(e)))
    best, second = scores[ranked[0]], scores[ranked[1]]
    if best < MIN_SCORE:
        return None, 0.0, scores
    margin = (best - second) / best
    confidence = min(1.0, best / 6) * (0.6 + 0.4 * margin)
    return ranked[0], round(confidence, 2), scores
