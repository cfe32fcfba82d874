"""The canonical entities: the column names every suite validates and every profile maps onto.

Other columns of a source pass through untouched; every value is text.
"""

from __future__ import annotations

__all__ = ["CANONICAL", "PARTNER_COLUMNS"]

#: The business-partner fields customers and suppliers share (after their key).
PARTNER_COLUMNS: tuple[str, ...] = (
    "name",
    "street",
    "postal_code",
    "city",
    "country",
    "vat_id",
    "tax_number",
    "email",
    "phone",
    "iban",
    "bic",
    "currency",
    "payment_terms_days",
)

#: Each entity's columns, its key first.
CANONICAL: dict[str, tuple[str, ...]] = {
    "customers": ("customer_id", *PARTNER_COLUMNS, "leitweg_id", "blocked"),
    "suppliers": ("supplier_id", *PARTNER_COLUMNS, "blocked"),
    "articles": (
        "article_id",
        "name",
        "gtin",
        "unit",
        "net_price",
        "currency",
        "vat_rate",
        "supplier_id",
        "blocked",
    ),
    "contacts": (
        "contact_id",
        "first_name",
        "last_name",
        "company",
        "email",
        "phone",
        "country",
        "customer_id",
    ),
}
