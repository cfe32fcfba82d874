"""The exception tree of kmu-dataguard.

Every error the library raises on purpose is a :class:`DataguardError`; each branch carries the
process exit code the CLI maps it to (see :mod:`kmu_dataguard.exit_codes`)::

    DataguardError
    ├── ConfigError            exit 2  dataguard.yml, a profile or a CLI argument is wrong
    └── ValidationUnavailable  exit 3  something that was asked for could not be checked
        ├── SourceError                a source is unreachable, unreadable or lacks a column
        ├── SuiteError                 a suite file is missing, unreadable or cannot be fully loaded
        ├── EngineError                the validation engine failed while running a suite
        └── HistoryError               the run history cannot be read or written (a gate never
                                       passes unrecorded; ``history: off`` turns it off)

:class:`GateBlocked` is not an error of the tool: it is raised on request by
``GateResult.raise_for_verdict()`` when the data failed a blocking expectation.

:class:`RunStopped` is not an error either: the CLI raises it (a ``BaseException``, like
``KeyboardInterrupt``) from its SIGINT/SIGTERM handler so every ``finally`` and cleanup runs;
it exits 128 + the signal number (130 SIGINT, 143 SIGTERM).

Third-party exceptions (pandas, SQLAlchemy, Great Expectations) are translated where they enter,
with ``raise ... from exc`` so the cause is kept for debugging. Messages name the file, row,
column or key and say what is wrong; they never contain a password.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kmu_dataguard.exit_codes import ExitCode

if TYPE_CHECKING:
    from kmu_dataguard.results import GateResult

__all__ = [
    "ConfigError",
    "DataguardError",
    "EngineError",
    "GateBlocked",
    "HistoryError",
    "RunStopped",
    "SourceError",
    "SuiteError",
    "ValidationUnavailable",
    "one_line",
]


def one_line(value: str | BaseException, limit: int = 300) -> str:
    """A message that stays one line.

    Text (a key, a name from a file) keeps every character, control characters escaped
    (``"a\\nb"``), so the user sees exactly what is there. An exception (a driver's or a
    library's message, often several lines) has its whitespace collapsed and is cut at
    ``limit`` characters.
    """
    text = " ".join(str(value).split())[:limit] if isinstance(value, BaseException) else value
    return text if text.isprintable() else repr(text)[1:-1]


class DataguardError(Exception):
    """Base class of every error raised by kmu-dataguard."""

    exit_code: int = ExitCode.UNAVAILABLE


class ConfigError(DataguardError):
    """The configuration or the command line is wrong: fix it and run again (exit 2)."""

    exit_code = ExitCode.USAGE


class ValidationUnavailable(DataguardError):
    """Something that was asked to be checked could not be checked (exit 3)."""

    exit_code = ExitCode.UNAVAILABLE


class SourceError(ValidationUnavailable):
    """A source could not be reached or read, or lacks a column the check needs."""


class SuiteError(ValidationUnavailable):
    """A suite is missing, unreadable, or names an expectation that cannot be loaded."""


class EngineError(ValidationUnavailable):
    """The validation engine failed while running a suite."""


class HistoryError(ValidationUnavailable):
    """The run history store cannot be opened, read or written (corrupt, locked, newer)."""


class GateBlocked(Exception):
    """Raised by ``GateResult.raise_for_verdict()`` when a gate did not pass.

    ``exit_code`` is 1 when the data failed a blocking expectation and 3 when something could not
    be validated; ``result`` holds the whole :class:`~kmu_dataguard.results.GateResult`.
    """

    def __init__(self, result: GateResult) -> None:
        self.result = result
        self.exit_code = int(result.exit_code)
        super().__init__(result.summary())


class RunStopped(BaseException):
    """A run was stopped by a signal; the attributes say how far it got, for a true message.

    ``validated`` is set once every check has run; ``report`` once the new report was published.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.validated = False
        self.report: str | None = None

    @property
    def exit_code(self) -> int:
        return 128 + self.signum  # the shell convention: 130 for SIGINT, 143 for SIGTERM

    def __str__(self) -> str:
        import signal

        name = signal.Signals(self.signum).name
        if not self.validated:
            done = "nothing was validated"
        else:
            done = "validation finished but the run was not completed"
        if self.report is None:
            return f"stopped by {name}; {done}; the previous report is unchanged"
        return f"stopped by {name}; {done}; the new report is {self.report}"
