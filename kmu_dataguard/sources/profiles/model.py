"""A connector profile as data: the profile, its entity mappings and their rules.

Built by :mod:`~kmu_dataguard.sources.profiles.loading` from a profile's YAML file (see the
package doc for the format), used by :mod:`~kmu_dataguard.sources.profiles.apply` on a frame.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kmu_dataguard.errors import ConfigError

__all__ = ["KINDS", "ComputedRule", "EntityMapping", "Profile", "SplitRule"]

KINDS = ("file", "datev", "sql")


@dataclass(frozen=True)
class SplitRule:
    """Split one source column into canonical columns with a regex of named groups."""

    sources: tuple[str, ...]  # accepted header variants of the combined column
    pattern: re.Pattern[str]

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(self.pattern.groupindex)


@dataclass(frozen=True)
class ComputedRule:
    """One canonical column computed from several source columns.

    The first non-empty value of ``first_of``; when there is none, the non-empty values of
    ``else_join`` joined with ``sep``; else empty. Headers absent from the export count as empty.
    """

    target: str
    first_of: tuple[str, ...] = ()
    else_join: tuple[str, ...] = ()
    sep: str = " "

    @property
    def sources(self) -> tuple[str, ...]:
        return self.first_of + self.else_join


@dataclass(frozen=True)
class EntityMapping:
    """How one canonical entity is read from a system's export."""

    entity: str
    key: str | None = None
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    optional: frozenset[str] = frozenset()
    null_values: tuple[str, ...] = ()
    numeric: tuple[str, ...] = ()
    decimal: str = "auto"
    split: tuple[SplitRule, ...] = ()
    computed: tuple[ComputedRule, ...] = ()
    query: str | None = None


@dataclass(frozen=True)
class Profile:
    """One connector profile (see the package doc for the YAML format)."""

    name: str
    title: str
    kind: str
    entities: Mapping[str, EntityMapping]
    path: Path | None = None
    docs: tuple[str, ...] = ()
    notes: str | None = None

    def entity(self, name: str) -> EntityMapping:
        """Return the mapping for ``name``; ConfigError when the profile has none."""
        try:
            return self.entities[name]
        except KeyError:
            raise ConfigError(
                f"{self.path or self.name}: profile {self.name!r} has no entity {name!r}; "
                f"it maps: {', '.join(self.entities) or 'nothing'}"
            ) from None
