"""Process exit codes of ``dataguard``: the contract automation scripts act on.

====  ============  ==========================================================================
code  name          meaning
====  ============  ==========================================================================
0     PASS          every check ran; no blocking expectation failed (warnings are allowed)
1     BLOCKED       the data failed at least one blocking expectation: do not run the workflow
2     USAGE         the command line or the configuration (dataguard.yml, a profile) is wrong
3     UNAVAILABLE   something asked for could not be validated: source unreachable, file
                    unreadable, suite broken, engine failure, or any unexpected exception
====  ============  ==========================================================================

The gate fails closed: a run in which anything was not checked is never 0. When some checks
blocked and others could not be validated, the result is 3 (the verdict is incomplete).

A run stopped by a signal is not a verdict and has no member here: the CLI exits 128 + the
signal number, 130 for SIGINT (Ctrl-C) and 143 for SIGTERM (see ``errors.RunStopped``).
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["ExitCode"]


class ExitCode(IntEnum):
    PASS = 0
    BLOCKED = 1
    USAGE = 2
    UNAVAILABLE = 3
