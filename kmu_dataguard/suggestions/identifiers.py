"""IBAN, BIC and VAT ID in their compact canonical form, only where that form is valid.

Separators (spaces of any kind, ``-``, ``.``, ``/``) and a leading label (``IBAN:``) are
removed and letters put in capitals, python-stdnum's ``compact`` does the rest; the result is
suggested only when stdnum (for VAT IDs: the VAT validator's own rule) finds it valid. A wrong
check digit stays unsuggested: no digit is ever changed.
"""

from __future__ import annotations

import re

from stdnum import bic as _bic
from stdnum import iban as _iban
from stdnum.ch import vat as _ch_vat
from stdnum.eu import vat as _eu_vat
from stdnum.gb import vat as _gb_vat
from stdnum.no import mva as _no_mva

from kmu_dataguard.suggestions._text import safely
from kmu_dataguard.validators.identifiers import vat_id_is_valid

__all__ = ["bic_form", "iban_form", "vat_id_form"]

_SEPARATORS = re.compile(r"[\s\-./]+")
_LABEL = {
    "iban": re.compile(r"^\s*IBAN\s*:?", re.IGNORECASE),
    "bic": re.compile(r"^\s*(BIC|SWIFT)\s*:?", re.IGNORECASE),
    "vat": re.compile(r"^\s*(USt-?Id(Nr)?\.?|UID|VAT( ID)?)\s*:?", re.IGNORECASE),
}
_VAT_COMPACT = {"CH": _ch_vat.compact, "GB": _gb_vat.compact, "NO": _no_mva.compact}


def _squeeze(text: str, label: str) -> str:
    return _SEPARATORS.sub("", _LABEL[label].sub("", text, count=1)).upper()


@safely
def iban_form(text: str) -> str | None:
    """``de89 3704-0044 0532 0130 00`` → ``DE89370400440532013000`` if that IBAN is valid."""
    compact = _iban.compact(_squeeze(text, "iban"))
    return compact if compact.isascii() and _iban.is_valid(compact) else None


@safely
def bic_form(text: str) -> str | None:
    """``cobadeff xxx`` → ``COBADEFFXXX`` if that is a valid BIC."""
    compact = _bic.compact(_squeeze(text, "bic"))
    return compact if compact.isascii() and _bic.is_valid(compact) else None


@safely
def vat_id_form(text: str) -> str | None:
    """``de 118 619 592`` → ``DE118619592`` if that VAT ID is valid (with its prefix)."""
    squeezed = _squeeze(text, "vat")
    if not (squeezed[:2].isascii() and squeezed[:2].isalpha()):
        return None  # no country prefix: adding one would be a guess
    compact = _VAT_COMPACT.get(squeezed[:2], _eu_vat.compact)(squeezed)
    return compact if compact.isascii() and vat_id_is_valid(compact) else None
