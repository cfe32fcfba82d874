"""Comparison keys for business partners: names, streets, postal codes, cities, identifiers.

Keys are for matching only, never for display. They fold everything a clerk may type
differently for the same partner: case, umlauts in all three spellings (Müller, Mueller,
Muller → ``muller``), accents, punctuation, legal forms (GmbH, Gesellschaft mit beschränkter
Haftung, UG (haftungsbeschränkt), GmbH & Co. KG, e.K., S.A.R.L., ...), street suffixes
(Straße, Str., strasse → ``str``) and identifier formatting (spaces, case, doubled country
prefixes, ``mailto:``). Every function takes any cell value and returns ``""`` / ``None`` for
missing or unusable input rather than raising.

The keys live in small modules by what they compare: folding (``_folding``), legal forms
(``_legal_forms``), names (``_name_keys``), addresses (``_address_keys``) and identifiers and
e-mail addresses (``_contact_keys``); this module is their public face.
"""

from __future__ import annotations

from kmu_dataguard.consistency._address_keys import city_key, postal_key, street_key
from kmu_dataguard.consistency._contact_keys import FREEMAIL_DOMAINS, email_key, identifier_key
from kmu_dataguard.consistency._folding import fold
from kmu_dataguard.consistency._legal_forms import legal_form
from kmu_dataguard.consistency._name_keys import name_conflict, name_key

__all__ = [
    "FREEMAIL_DOMAINS",
    "city_key",
    "email_key",
    "fold",
    "identifier_key",
    "legal_form",
    "name_conflict",
    "name_key",
    "postal_key",
    "street_key",
]
