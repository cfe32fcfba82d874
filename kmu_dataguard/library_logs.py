"""Keep the log records of Great Expectations and SQLAlchemy off the user's stderr.

When a database goes away mid-validation, Great Expectations logs every failed metric at ERROR
with a full traceback: thousands of lines through the root handler, for a failure the gate
already reports once, as one line, on the check. Their records are therefore not propagated to
the root logger; each becomes one debug line of ours (``dataguard -vv``), without the traceback
and with any URL password blanked.
"""

from __future__ import annotations

import logging

from kmu_dataguard._secrets import mask_passwords_in_text

__all__ = ["route_library_logs"]

log = logging.getLogger("kmu_dataguard.library")

_LIBRARIES = ("great_expectations", "sqlalchemy", "apprise")
_MAX_CHARS = 300


class _OneDebugLine(logging.Handler):
    """Re-logs a library record as one debug line of ours."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a library's malformed format string must not hide anything else
            text = str(record.msg)
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        log.debug("%s: %s", record.name, mask_passwords_in_text(first)[:_MAX_CHARS])


def route_library_logs() -> None:
    """Route the libraries' loggers to :class:`_OneDebugLine`; calling it again changes nothing."""
    for name in _LIBRARIES:
        library = logging.getLogger(name)
        library.propagate = False
        if not any(isinstance(h, _OneDebugLine) for h in library.handlers):
            library.addHandler(_OneDebugLine(logging.DEBUG))
