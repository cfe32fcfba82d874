"""Field types shared by the strict configuration models (``dataguard.yml`` and ``notify:``).

A module of its own, importing nothing of the config package, so that
:mod:`kmu_dataguard.config.models` and :mod:`kmu_dataguard.notify.channels` both use it without
importing each other.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

__all__ = ["Age", "NoBool", "Strict"]


def _refuse_bool(value: Any) -> Any:
    # pydantic takes True for 1 (and 1.0); a YAML "yes" for a number is a mistake.
    if isinstance(value, bool):
        raise ValueError("expected a number, not true/false")
    return value


NoBool = BeforeValidator(_refuse_bool)


def _valid_age(value: str) -> str:
    """Reject an age that :func:`~kmu_dataguard.units.parse_age` cannot read."""
    from kmu_dataguard.units import parse_age

    parse_age(value)
    return value


#: An age such as ``26h``, ``2d``, ``90m`` (see ``units.parse_age``).
Age = Annotated[str, AfterValidator(_valid_age)]


class Strict(BaseModel):
    """Unknown keys are refused (a typo is an error, not a silent default); frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)
