"""The canonical entities: the column names every suite validates and every profile maps onto.

Other columns of a source pass through untouched; every value is text.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["CANONICAL", "LABELS", "PARTNER_COLUMNS", "column_label"]

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

#: What a steward calls each canonical column: (German, English). A source's own header, when
#: the profile or ``--map`` names one, is shown instead (see :func:`column_label`).
LABELS: dict[str, tuple[str, str]] = {
    "customer_id": ("Kundennummer", "Customer no."),
    "supplier_id": ("Lieferantennummer", "Supplier no."),
    "article_id": ("Artikelnummer", "Article no."),
    "contact_id": ("Kontakt-Nr.", "Contact no."),
    "name": ("Name", "Name"),
    "street": ("Straße", "Street"),
    "postal_code": ("PLZ", "Postal code"),
    "city": ("Ort", "City"),
    "country": ("Land", "Country"),
    "vat_id": ("USt-IdNr.", "VAT ID"),
    "tax_number": ("Steuernummer", "Tax number"),
    "email": ("E-Mail", "E-mail"),
    "phone": ("Telefon", "Phone"),
    "iban": ("IBAN", "IBAN"),
    "bic": ("BIC", "BIC"),
    "currency": ("Währung", "Currency"),
    "payment_terms_days": ("Zahlungsziel (Tage)", "Payment terms (days)"),
    "leitweg_id": ("Leitweg-ID", "Leitweg ID"),
    "blocked": ("Gesperrt", "Blocked"),
    "gtin": ("GTIN/EAN", "GTIN/EAN"),
    "unit": ("Einheit", "Unit"),
    "net_price": ("Nettopreis", "Net price"),
    "vat_rate": ("Steuersatz", "VAT rate"),
    "first_name": ("Vorname", "First name"),
    "last_name": ("Nachname", "Last name"),
    "company": ("Firma", "Company"),
}


def column_label(column: str, lang: str, source_headers: Mapping[str, str] | None = None) -> str:
    """The name a steward knows ``column`` by: the source's header, else the localized label.

    A pair (``"vat_id,country"``) is labelled per column; a column of another check
    (``"customers.customer_id"``, in references) keeps the check's name in front. Columns that
    are neither canonical nor mapped keep their own name: that is already the source's header.
    """
    if "," in column:
        return " / ".join(column_label(c.strip(), lang, source_headers) for c in column.split(","))
    headers = source_headers or {}
    if column in headers:
        return headers[column]
    check, dot, name = column.rpartition(".")
    if dot and check and name in LABELS:
        return f"{check}.{column_label(name, lang)}"
    labels = LABELS.get(column)
    if labels is None:
        return column
    return labels[0 if lang == "de" else 1]
