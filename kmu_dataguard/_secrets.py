"""Secrets kept out of messages: passwords in database URLs and values from the environment.

A password may sit in the URL's user part (``user:pw@host``) or in its query string
(``?password=pw``, ``?sslpassword=pw`` — drivers accept both), written percent-encoded or not.
Everything that prints a URL or a driver message goes through :func:`mask_url` or blanks the
values of :func:`url_secrets`; :func:`redact` blanks a set of known secrets (a configuration's
``Config.secrets``) out of any text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

from sqlalchemy.engine import URL, make_url

__all__ = [
    "SECRET_QUERY_KEYS",
    "mask_passwords_in_text",
    "mask_url",
    "redact",
    "spellings",
    "url_secrets",
]

#: Query parameters whose value is a credential (compared without case).
SECRET_QUERY_KEYS = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "pass",
        "sslpassword",
        "secret",
        "token",
        "access_token",
        "api_key",
        "apikey",
        "private_key",
        "sslkey_password",
        "pgpassword",
    }
)
_MASK = "***"


def _is_secret_key(key: str) -> bool:
    return key.lower() in SECRET_QUERY_KEYS


def url_secrets(url: str | URL | None) -> set[str]:
    """Every credential of ``url`` in each spelling a message could carry it in."""
    if url is None:
        return set()
    try:
        parsed = url if isinstance(url, URL) else make_url(url)
    except Exception:
        return set()
    raw: list[str] = [str(parsed.password)] if parsed.password else []
    for key, value in parsed.query.items():
        if _is_secret_key(key):
            raw += [value] if isinstance(value, str) else list(value)
    return spellings(raw)


def spellings(secrets: Iterable[str]) -> set[str]:
    """Each secret as written and percent-encoded the ways a URL or a log line may carry it."""
    spelt: set[str] = set()
    for secret in filter(None, secrets):
        spelt |= {secret, quote(secret, safe=""), quote(secret), quote_plus(secret)}
    return spelt


def mask_url(url: str | URL) -> str:
    """``url`` with its password and credential query values replaced by ``***``.

    An unparsable string may still hold a password, so only its scheme is shown.
    """
    try:
        parsed = url if isinstance(url, URL) else make_url(url)
    except Exception:
        match = re.match(r"\s*([A-Za-z][\w+.-]*)://", str(url))
        return f"{match.group(1)}://<unparsable URL>" if match else "<unparsable database URL>"
    hidden = {key: (_MASK if _is_secret_key(key) else value) for key, value in parsed.query.items()}
    return parsed.set(query=hidden).render_as_string(hide_password=True)


def redact(text: str, secrets: frozenset[str] | set[str]) -> str:
    """Replace every known secret in ``text`` by ``***`` (longest first)."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, _MASK)
    return text


_URL_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@\s]+@")


def mask_passwords_in_text(text: str) -> str:
    """``…://user:secret@host…`` anywhere in ``text`` (a library's log line) → ``user:***@``.

    For text whose secrets are not known in advance; known ones go through :func:`redact`.
    """
    return _URL_PASSWORD.sub(r"\1***@", text)
