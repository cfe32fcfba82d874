"""IBAN, BIC and VAT ID in their compact canonical form, only where that form is valid.

Separators (spaces of any kind, ``-``, ``.``, ``/``) and a leading label (``IBAN:``) are
removed and letters put in capitals; the result is suggested only when it is already
python-stdnum's ``compact`` form (stdnum would change nothing more: a doubled ``DE DE`` prefix or
a Belgian number without its leading zero gets no suggestion) and stdnum (for VAT IDs: the VAT
validator's own rule) finds it valid. A wrong check digit stays unsuggested: no digit or letter
is ever changed, added or dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd
from stdnum import bic as _bic
from stdnum import iban as _iban
from stdnum.ch import vat as _ch_vat
from stdnum.eu import vat as _eu_vat
from stdnum.gb import vat as _gb_vat
from stdnum.no import mva as _no_mva

from kmu_dataguard.suggestions._text import safely
from kmu_dataguard.validators.identifiers import valid_iban, valid_vat_id, vat_id_is_valid

__all__ = ["bic_form", "iban_form", "iban_forms", "vat_id_form", "vat_id_forms"]

_SEPARATORS = re.compile(r"[\s\-./]+")
_LABEL = {
    "iban": re.compile(r"^\s*IBAN\s*:?", re.IGNORECASE),
    "bic": re.compile(r"^\s*(BIC|SWIFT)\s*:?", re.IGNORECASE),
    "vat": re.compile(r"^\s*(USt-?Id(Nr)?\.?|UID|VAT( ID)?)\s*:?", re.IGNORECASE),
}
# VAT IDs whose stdnum compact form is the text without separators (the country modules only
# delete separators and check): judged in bulk by the vectorised validator, no stdnum call each.
_PLAIN_VAT = re.compile(r"DE\d{9}|ATU\d{8}|PL\d{10}|IT\d{11}|FR[0-9A-Z]{2}\d{9}|NL\d{9}B\d{2}")
_ALNUM = re.compile(r"[0-9A-Z]+")
_VAT_COMPACT = {"CH": _ch_vat.compact, "GB": _gb_vat.compact, "NO": _no_mva.compact}


def _squeeze(text: str, label: str) -> str:
    return _SEPARATORS.sub("", _LABEL[label].sub("", text, count=1)).upper()


def _stdnum_form(text: str, label: str, module: Any) -> str | None:
    """The compact form by python-stdnum's ``module``, only if it changes nothing beyond
    separators, case and a leading label, and the result is valid."""
    squeezed = _squeeze(text, label)
    compact = module.compact(squeezed)
    ok = compact == squeezed and compact.isascii() and module.is_valid(compact)
    return compact if ok else None


@safely
def iban_form(text: str) -> str | None:
    """``de89 3704-0044 0532 0130 00`` → ``DE89370400440532013000`` if that IBAN is valid."""
    return _stdnum_form(text, "iban", _iban)


@safely
def bic_form(text: str) -> str | None:
    """``cobadeff xxx`` → ``COBADEFFXXX`` if that is a valid BIC."""
    return _stdnum_form(text, "bic", _bic)


@safely
def vat_id_form(text: str) -> str | None:
    """``de 118 619 592`` → ``DE118619592`` if that VAT ID is valid (with its prefix)."""
    squeezed = _squeeze(text, "vat")
    if not (squeezed[:2].isascii() and squeezed[:2].isalpha()):
        return None  # no country prefix: adding one would be a guess
    compact = _VAT_COMPACT.get(squeezed[:2], _eu_vat.compact)(squeezed)
    if compact != squeezed:
        return None  # stdnum changed more than separators and case (a doubled "DE DE" prefix)
    return compact if compact.isascii() and vat_id_is_valid(compact) else None


def _squeezed(texts: Sequence[str], label: str) -> list[str]:
    out = []
    for text in texts:
        try:
            squeezed = _squeeze(text, label)
        except Exception:
            squeezed = ""
        out.append(squeezed if _ALNUM.fullmatch(squeezed) else "")
    return out


def iban_forms(texts: Sequence[str]) -> list[str | None]:
    """:func:`iban_form` of many texts, judged by the vectorised IBAN validator at once."""
    squeezed = _squeezed(texts, "iban")
    valid = valid_iban(pd.Series(squeezed, dtype=object)).tolist()
    return [s if s and ok else None for s, ok in zip(squeezed, valid, strict=True)]


def vat_id_forms(texts: Sequence[str]) -> list[str | None]:
    """:func:`vat_id_form` of many texts: the common shapes judged by the vectorised VAT
    validator at once, the others one by one through stdnum."""
    squeezed = _squeezed(texts, "vat")
    plain = [bool(_PLAIN_VAT.fullmatch(s)) for s in squeezed]
    candidates = [s if p else "" for s, p in zip(squeezed, plain, strict=True)]
    valid = valid_vat_id(pd.Series(candidates, dtype=object)).tolist()
    return [
        (s if ok else None) if p else vat_id_form(text)
        for text, s, p, ok in zip(texts, squeezed, plain, valid, strict=True)
    ]
