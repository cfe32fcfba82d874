"""Onboarding a new export: propose the entity and column mapping, write a ready configuration.

The library behind ``dataguard init``; it never imports click or Great Expectations.
"""

from __future__ import annotations

from kmu_dataguard.onboarding.mapping import (
    ColumnMatch,
    Proposal,
    propose,
    read_source,
    read_table,
)
from kmu_dataguard.onboarding.writing import write_setup

__all__ = ["ColumnMatch", "Proposal", "propose", "read_source", "read_table", "write_setup"]
