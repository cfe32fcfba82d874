"""Whether a run is news for a channel: sent on a change of state, not on every run.

One pure function over what the channel was last told about the gate. The rows of
:func:`decide`'s table are the whole policy; ``warn`` counts as healthy (the gate passes).

The caller keeps, per (gate, channel), the :class:`Notified` state of the last message that
was *delivered*: after a failed delivery it keeps the old state, so the next run decides the
same event again and nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from kmu_dataguard.results import Verdict

__all__ = ["Event", "Notified", "decide", "is_healthy"]


class Event(StrEnum):
    """What a message says happened to the gate."""

    BLOCKED = "blocked"
    ERROR = "error"
    RECOVERED = "recovered"
    REMINDER = "reminder"
    #: ``dataguard notify test``: never decided, sent on request
    TEST = "test"


@dataclass(frozen=True)
class Notified:
    """The last message delivered to a channel about a gate: the verdict it told, and when."""

    verdict: Verdict
    at: datetime


_BAD = {Verdict.BLOCKED: Event.BLOCKED, Verdict.ERROR: Event.ERROR}


def is_healthy(verdict: Verdict) -> bool:
    """Pass and warn let the workflow run; blocked and error do not."""
    return verdict in (Verdict.PASS, Verdict.WARN)


def decide(
    previous: Notified | None,
    verdict: Verdict,
    now: datetime,
    remind_every: timedelta | None = None,
) -> Event | None:
    """The event to send for a run with ``verdict``, or None.

    ==================  ===============  ==========================================
    last told           this run         event
    ==================  ===============  ==========================================
    nothing / healthy   pass, warn       none
    nothing / healthy   blocked          ``blocked``
    nothing / healthy   error            ``error``
    blocked / error     pass, warn       ``recovered``
    blocked             error            ``error``
    error               blocked          ``blocked``
    blocked / error     the same         ``reminder`` once ``remind_every`` has passed
                                         since the last message, else none
    ==================  ===============  ==========================================
    """
    was_healthy = previous is None or is_healthy(previous.verdict)
    if is_healthy(verdict):
        return None if was_healthy else Event.RECOVERED
    if was_healthy or previous is None or previous.verdict != verdict:
        return _BAD[verdict]
    if remind_every is not None and now - previous.at >= remind_every:
        return Event.REMINDER
    return None
