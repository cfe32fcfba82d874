"""Where the run history lives: ``history:``, ``DATAGUARD_HISTORY``, or the default.

The value is ``off``, a file path (an SQLite file, relative to dataguard.yml's folder) or an
SQLAlchemy URL (``postgresql://…`` for a store shared by several machines). Without one, the
history is ``.dataguard/history.db`` beside dataguard.yml (for ``dataguard check``: in the
current folder). ``DATAGUARD_HISTORY`` in the environment replaces that default, for CI and
containers; a ``history:`` in the file wins over it (use ``${DATAGUARD_HISTORY}`` there to let the
environment decide).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

__all__ = ["DEFAULT_HISTORY", "ENV_VAR", "history_url", "is_off"]

DEFAULT_HISTORY = Path(".dataguard") / "history.db"
ENV_VAR = "DATAGUARD_HISTORY"
_OFF = {"off", "false", "no", "none", "0"}


def is_off(value: str | bool | None) -> bool:
    """``off`` (YAML reads an unquoted ``off`` as false), also ``false``/``no``."""
    if value is False:
        return True
    return isinstance(value, str) and value.strip().lower() in _OFF


def history_url(
    configured: str | bool | None,
    base_dir: Path,
    environ: Mapping[str, str] | None = None,
) -> str | None:
    """The SQLAlchemy URL of the history store, or None when the history is turned off."""
    env = os.environ if environ is None else environ
    value: str | bool | None = configured
    if value is None or value == "":
        value = env.get(ENV_VAR) or None
    if is_off(value):
        return None
    if value is None or value is True:
        return _sqlite_url(base_dir / DEFAULT_HISTORY)
    text = str(value).strip()
    if "://" in text:
        return _anchored(text, base_dir)
    path = Path(text).expanduser()
    return _sqlite_url(path if path.is_absolute() else base_dir / path)


def _anchored(url: str, base_dir: Path) -> str:
    """A relative ``sqlite:///file.db`` is relative to ``base_dir`` too, like a plain path
    (and like a source's SQLite URL), not to wherever the gate happens to be started."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:  # the store names what is wrong with it, password masked
        return url
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return url
    if database.startswith("file:") or Path(database).is_absolute():
        return url
    return parsed.set(database=str((base_dir / database).resolve())).render_as_string(
        hide_password=False
    )


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"
