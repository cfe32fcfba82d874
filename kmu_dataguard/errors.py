"""The exception tree of kmu-dataguard.

Every error the library raises on purpose is a :class:`DataguardError`; each branch carries the
process exit code the CLI maps it to (see :mod:`kmu_dataguard.exit_codes`)::

    DataguardError
    ├── ConfigError            exit 2  dataguard.yml, a profile or a CLI argument is wrong
    └── ValidationUnavailable  exit 3  something that was asked for could not be checked
        ├── SourceError                a source is unreachable, unreadable or lacks a column
        ├── SuiteError                 a suite file is missing, unreadable or cannot be fully loaded
        └── EngineError                the validation engine failed while running a suite

:class:`GateBlocked` is not an error of the tool: it is raised on request by
``GateResult.raise_for_verdict()`` when the data failed a blocking expectation.

Third-party exceptions (pandas, SQLAlchemy, Great Expectations) are translated where they enter,
with ``raise ... from exc`` so the cause is kept for debugging. Messages name the file, row,
column or key and say what is wrong; they never contain a password.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kmu_dataguard.results import GateResult

__all__ = [
    "ConfigError",
    "DataguardError",
    "EngineError",
    "GateBlocked",
    "SourceError",
    "SuiteError",
    "ValidationUnavailable",
    "one_line",
]


def one_line(text: str) -> str:
    """``text`` with control characters escaped, so that a message stays one line."""
    return text if text.isprintable() else repr(text)[1:-1]


class DataguardError(Exception):
    """Base class of every error raised by kmu-dataguard."""

    exit_code: int = 3


class ConfigError(DataguardError):
    """The configuration or the command line is wrong: fix it and run again (exit 2)."""

    exit_code = 2


class ValidationUnavailable(DataguardError):
    """Something that was asked to be checked could not be checked (exit 3)."""

    exit_code = 3


class SourceError(ValidationUnavailable):
    """A source could not be reached or read, or lacks a column the check needs."""


class SuiteError(ValidationUnavailable):
    """A suite is missing, unreadable, or names an expectation that cannot be loaded."""


class EngineError(ValidationUnavailable):
    """The validation engine failed while running a suite."""


class GateBlocked(Exception):
    """Raised by ``GateResult.raise_for_verdict()`` when a gate did not pass.

    ``exit_code`` is 1 when the data failed a blocking expectation and 3 when something could not
    be validated; ``result`` holds the whole :class:`~kmu_dataguard.results.GateResult`.
    """

    def __init__(self, result: GateResult) -> None:
        self.result = result
        self.exit_code = int(result.exit_code)
        super().__init__(result.summary())
