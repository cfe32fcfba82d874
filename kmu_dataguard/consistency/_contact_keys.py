"""Identifier and e-mail keys for comparison: VAT ID, IBAN, tax number, GLN, e-mail address."""

from __future__ import annotations

import re
from typing import Any

from kmu_dataguard.consistency._folding import cell_text

__all__ = ["FREEMAIL_DOMAINS", "PLACEHOLDERS", "email_key", "identifier_key"]

PLACEHOLDERS = frozenset(
    {"na", "nv", "none", "null", "nan", "keine", "kein", "unbekannt", "fehlt", "tbd", "xxx"}
)
_DOUBLED_PREFIX = re.compile(r"^([A-Z]{2})\1(?=[0-9A-Z]{5,})")
_IBAN_PREFIX = re.compile(r"^IBAN")
_MAILTO = re.compile(r"^\s*mailto:", re.IGNORECASE)
_ANGLE = re.compile(r"<([^<>@\s]+@[^<>\s]+)>")

# Mailbox providers: a shared domain there says nothing about the partner.
FREEMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "gmx.de",
        "gmx.net",
        "gmx.at",
        "gmx.ch",
        "web.de",
        "t-online.de",
        "freenet.de",
        "arcor.de",
        "posteo.de",
        "mailbox.org",
        "online.de",
        "vodafone.de",
        "email.de",
        "aol.com",
        "aol.de",
        "icloud.com",
        "me.com",
        "yahoo.com",
        "yahoo.de",
        "hotmail.com",
        "hotmail.de",
        "outlook.com",
        "outlook.de",
        "live.com",
        "live.de",
        "msn.com",
        "proton.me",
        "protonmail.com",
        "bluewin.ch",
        "a1.net",
        "example.com",
        "example.de",
    }
)


def identifier_key(value: Any) -> str | None:
    """A strong identifier (VAT ID, IBAN, tax number, GLN) as upper-case letters and digits.

    Doubled country prefixes (``DEDE123456789``) and an ``IBAN`` label are removed; placeholders
    (``n/a``, ``0000000``, ``unbekannt``) and values shorter than 5 characters are None.
    """
    text = "".join(c for c in cell_text(value).upper() if c.isalnum())
    text = _IBAN_PREFIX.sub("", text)
    text = _DOUBLED_PREFIX.sub(r"\1", text)
    if (
        len(text) < 5
        or text.lower() in PLACEHOLDERS
        or len(set(text.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))) <= 1
    ):
        return None
    return text


def email_key(value: Any) -> str | None:
    """E-mail address for comparison: ``mailto:`` and ``Name <...>`` removed, lower case."""
    text = _MAILTO.sub("", cell_text(value))
    inner = _ANGLE.search(text)
    if inner:
        text = inner.group(1)
    text = text.strip().strip("<>").replace(" ", "").lower()
    local, at, domain = text.rpartition("@")
    if not at or not local or "." not in domain:
        return None
    return f"{local}@{domain}"
