"""Checks between records: duplicate business partners and cross-source references.

The public names are re-exported here and imported on first use, so ``import
kmu_dataguard.consistency`` stays cheap (no pandas, numpy or rapidfuzz until a name is asked
for). Modules with a leading underscore are internals. The GX expectation lives in
:mod:`kmu_dataguard.consistency.expectations` (importing it registers it with GX).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kmu_dataguard._lazy import lazy_exports

if TYPE_CHECKING:
    from kmu_dataguard.consistency.duplicates import (
        DEFAULT_SETTINGS,
        DuplicateCluster,
        PairEvidence,
        PartnerSettings,
        find_duplicates,
        link_partners,
        partner_settings,
    )
    from kmu_dataguard.consistency.evaluation import PairScores, pairwise_scores
    from kmu_dataguard.consistency.normalize import (
        FREEMAIL_DOMAINS,
        city_key,
        email_key,
        fold,
        identifier_key,
        legal_form,
        name_conflict,
        name_key,
        postal_key,
        street_key,
    )
    from kmu_dataguard.consistency.partner_features import (
        DEFAULT_IDENTIFIERS,
        PartnerColumns,
        PartnerFeatures,
        prebuilt_features,
        prebuilt_for,
    )
    from kmu_dataguard.consistency.phonetics import cologne_phonetic
    from kmu_dataguard.consistency.reasons import localize, reason_text
    from kmu_dataguard.consistency.references import check_reference

__all__ = [
    "DEFAULT_IDENTIFIERS",
    "DEFAULT_SETTINGS",
    "FREEMAIL_DOMAINS",
    "DuplicateCluster",
    "PairEvidence",
    "PairScores",
    "PartnerColumns",
    "PartnerFeatures",
    "PartnerSettings",
    "check_reference",
    "city_key",
    "cologne_phonetic",
    "email_key",
    "find_duplicates",
    "fold",
    "identifier_key",
    "legal_form",
    "link_partners",
    "localize",
    "name_conflict",
    "name_key",
    "pairwise_scores",
    "partner_settings",
    "postal_key",
    "prebuilt_features",
    "prebuilt_for",
    "reason_text",
    "street_key",
]

# Where each public name lives (the module below this package).
_HOMES: dict[str, str] = {
    "DEFAULT_SETTINGS": "duplicates",
    "DuplicateCluster": "duplicates",
    "PairEvidence": "duplicates",
    "PartnerSettings": "duplicates",
    "find_duplicates": "duplicates",
    "link_partners": "duplicates",
    "partner_settings": "duplicates",
    "PairScores": "evaluation",
    "pairwise_scores": "evaluation",
    "FREEMAIL_DOMAINS": "normalize",
    "city_key": "normalize",
    "email_key": "normalize",
    "fold": "normalize",
    "identifier_key": "normalize",
    "legal_form": "normalize",
    "name_conflict": "normalize",
    "name_key": "normalize",
    "postal_key": "normalize",
    "street_key": "normalize",
    "DEFAULT_IDENTIFIERS": "partner_features",
    "PartnerColumns": "partner_features",
    "PartnerFeatures": "partner_features",
    "prebuilt_features": "partner_features",
    "prebuilt_for": "partner_features",
    "cologne_phonetic": "phonetics",
    "localize": "reasons",
    "reason_text": "reasons",
    "check_reference": "references",
}


__getattr__, __dir__ = lazy_exports(__name__, _HOMES)
