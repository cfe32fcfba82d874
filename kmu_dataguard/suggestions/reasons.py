"""Why a correction is suggested, in English (the JSON) and German (the steward outputs).

One row per reason: the English text is what a :class:`~kmu_dataguard.suggestions.Suggestion`
carries and what scripts read; :func:`localize` turns it into the run's language, as
``consistency/reasons.py`` does for duplicate reasons.
"""

from __future__ import annotations

__all__ = ["REASONS", "localize", "reason_text"]

# key: (English, German).
REASONS: dict[str, tuple[str, str]] = {
    "country": ("country name as ISO 3166 code", "Ländername als ISO-3166-Code"),
    "currency": ("currency name or symbol as ISO 4217 code", "Währung als ISO-4217-Code"),
    "iban": ("IBAN without spaces and separators", "IBAN ohne Leer- und Trennzeichen"),
    "bic": ("BIC without spaces, in capitals", "BIC ohne Leerzeichen, in Großbuchstaben"),
    "vat_id": (
        "VAT ID without spaces, with country prefix in capitals",
        "USt-IdNr. ohne Leerzeichen, Länderkennung in Großbuchstaben",
    ),
    "phone": (
        "phone number in international form (E.164)",
        "Telefonnummer in internationaler Form (E.164)",
    ),
    "whitespace": (
        "surrounding or double spaces removed",
        "Leerzeichen am Rand oder doppelt entfernt",
    ),
    "postal_code": (
        "leading zero restored: the postal code of this city",
        "führende Null ergänzt: die Postleitzahl dieses Orts",
    ),
    "reference": (
        "the only existing key one character apart with the same name",
        "der einzige vorhandene Schlüssel mit einem Zeichen Abstand und gleichem Namen",
    ),
}
_GERMAN = {english: german for english, german in REASONS.values()}


def reason_text(key: str) -> str:
    """The English reason ``key``."""
    return REASONS[key][0]


def localize(reason: str, lang: str) -> str:
    """``reason`` (as :func:`reason_text` wrote it) in ``lang``; unknown text stays as it is."""
    if lang != "de":
        return reason
    return _GERMAN.get(reason, reason)
