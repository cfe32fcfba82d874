"""Connector profiles: how one system's export maps onto the canonical entities.

A profile is a YAML file named ``<name>.yml`` in the built-in ``connectors/`` folder or in a user
folder (user folders override built-ins by name)::

    name: hubspot
    title: HubSpot CRM (CSV export of contacts/companies)
    kind: file                 # file | datev | sql
    docs: [https://...]        # optional: where the column names come from
    notes: ...                 # optional
    entities:
      contacts:
        key: contact_id
        columns:               # canonical column: one header or a list of accepted variants
          contact_id: ["Record ID", "hs_object_id"]   # first present wins; case/space-insensitive
        optional: [phone]      # canonical columns that may be missing from the export
        null_values: ["/", "-"]   # values treated as empty (compared after trimming)
        numeric: [net_price]      # "1.234,50" -> "1234.50"
        decimal: auto             # auto | comma | point: the decimal separator of numeric columns
        split:                 # one combined field into canonical ones (regex named groups)
          - from: ["PLZ Ort", "PLZ/Ort"]
            pattern: '^(?P<postal_code>\\d{4,5})\\s+(?P<city>.+)$'
        computed:              # one canonical column from several source columns
          name: {first_of: [Firmenname], else_join: [Vorname, Nachname], sep: " "}

A computed column takes the first non-empty value of ``first_of``; when all of them are empty
(or absent from the export) it joins the non-empty values of ``else_join`` with ``sep``
(default one space). The full reference with examples is docs/profiles.md.

``kind: sql`` entities carry ``query: <SQL text>`` (not interpreted here) and may rename result
columns with ``columns``; ``kind: datev`` entities are read with :func:`read_datev` and need no
``columns``.

Modules: ``model`` (the dataclasses), ``loading`` (:func:`load_profile`, :func:`list_profiles`:
finding and checking the YAML files), ``apply`` (:func:`apply_mapping`, :func:`rename_columns`:
a mapping applied to a frame, :func:`normalize_number`).
"""

from __future__ import annotations

from kmu_dataguard.entities import CANONICAL
from kmu_dataguard.sources.profiles.apply import (
    apply_mapping,
    check_rename,
    normalize_number,
    rename_columns,
)
from kmu_dataguard.sources.profiles.loading import list_profiles, load_profile
from kmu_dataguard.sources.profiles.model import (
    KINDS,
    ComputedRule,
    EntityMapping,
    Profile,
    SplitRule,
)

__all__ = [
    "CANONICAL",
    "KINDS",
    "ComputedRule",
    "EntityMapping",
    "Profile",
    "SplitRule",
    "apply_mapping",
    "check_rename",
    "list_profiles",
    "load_profile",
    "normalize_number",
    "rename_columns",
]
