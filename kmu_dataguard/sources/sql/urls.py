"""Database URLs: shown without a password, parsed without leaking one, and rewritten read-only.

Every URL a user sees goes through :func:`redact_url`; driver text is scrubbed of the URL's
credentials with :func:`_scrub` as a second line of defence. The SQLite file URL is rewritten
here into a ``mode=ro`` URI, so that a missing file is an error and never created.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, unquote

from sqlalchemy.engine import URL, make_url

from kmu_dataguard._secrets import mask_url, redact, url_secrets
from kmu_dataguard.errors import ConfigError, SourceError

__all__ = ["redact_url"]


def redact_url(url: str | URL) -> str:
    """Return ``url`` with its password (also one in the query) replaced by ``***``."""
    return mask_url(url)


def _scrub(text: str, url: URL | None) -> str:
    """One line of ``text`` with any password of ``url`` blanked out."""
    # Very short passwords are not blanked: "p" would mangle every message, and no driver
    # message echoes a password anyway (this is a second line of defence).
    secrets = {s for s in url_secrets(url) if len(s) >= 4}
    return " ".join(redact(text, secrets).split())


def _parse(url: str) -> URL:
    """``url`` parsed; ConfigError (naming it redacted) when it cannot be."""
    try:
        return make_url(url)
    except Exception:
        # from None: the parser's message or traceback could contain the raw URL and password.
        raise ConfigError(
            f"database URL {redact_url(url)} cannot be parsed; "
            "expected dialect+driver://user:password@host:port/database"
        ) from None


def _safe_url(target: URL | str) -> URL | None:
    """``target`` parsed, or None when it cannot be (for messages only)."""
    if isinstance(target, URL):
        return target
    try:
        return make_url(target)
    except Exception:
        return None


def _url_options(url: URL) -> str:
    """The libpq ``options`` a PostgreSQL URL gives (its ``?options=``, e.g. a search_path)."""
    return str(url.query.get("options", ""))


def _sqlite_read_only(url: URL) -> URL:
    """The ``file:PATH?mode=ro`` URI of a SQLite URL's file, which must exist."""
    database = url.database or ""
    uri_given = str(url.query.get("uri", "")).lower() in ("true", "1")
    if uri_given and database.startswith("file:"):
        path_text = unquote(database[len("file:") :])
    else:
        path_text = database
    if path_text in ("", ":memory:") or url.query.get("mode") == "memory":
        raise ConfigError(
            "SQLite URL names no database file; use sqlite:///relative/path.db "
            "or sqlite:////absolute/path.db"
        )
    path = Path(path_text).expanduser().resolve()
    if not path.is_file():
        # sqlite3 would silently create an empty database: a typo must not look like empty data.
        raise SourceError(f"SQLite file {path} does not exist; check the path in the source URL")
    return URL.create(
        "sqlite",
        database="file:" + quote(str(path)),
        query={"mode": "ro", "uri": "true"},
    )
