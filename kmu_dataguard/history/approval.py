"""``dataguard approve``: a person accepts a changed value, and the history says who and when.

The gate (or ``check:NAME`` for runs of ``dataguard check``) and its check must exist in the
configuration, the history must be on; the change itself must be pending, i.e. reported by a
run of that gate (see :func:`kmu_dataguard.history.baselines.approve`).
"""

from __future__ import annotations

import getpass
import os
from typing import TYPE_CHECKING

from kmu_dataguard.errors import ConfigError
from kmu_dataguard.history.baselines import Approval, approve
from kmu_dataguard.history.recording import open_history

if TYPE_CHECKING:
    from kmu_dataguard.config import Config

__all__ = ["approve_change", "current_user"]

_AD_HOC = "check:"


def approve_change(
    cfg: Config,
    gate: str,
    *,
    check: str,
    key: str,
    column: str | None = None,
    note: str | None = None,
    by: str | None = None,
    history: str | bool | None = None,
) -> list[Approval]:
    """Accept the pending change(s) of record ``key`` of ``check`` in ``gate``'s runs.

    ConfigError (exit 2) for a gate or check that does not exist, the history turned off or
    nothing pending; HistoryError (exit 3) when the store cannot be used.
    """
    if not gate.startswith(_AD_HOC):
        checks = cfg.gate(gate).checks  # a ConfigError naming the gates defined
        if check not in checks:
            raise ConfigError(
                f"gate {gate!r} has no check {check!r} (its checks: {', '.join(checks)})"
            )
    store = open_history(cfg, history)
    if store is None:
        raise ConfigError(
            "the run history is turned off (history: off): there are no recorded changes to approve"
        )
    with store:
        return approve(
            store,
            subject=gate,
            check=check,
            key=key,
            column=column,
            by=by or current_user(),
            note=note,
        )


def current_user() -> str:
    """Who is approving: the operating system's user name (``--by`` names someone else)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment nor the password database
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"
