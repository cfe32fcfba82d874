"""After a gate run: tell each of the gate's channels what changed, and remember what was told.

What a channel was last told is the last *delivered* message in the history
(``dg_notifications``); :func:`~kmu_dataguard.notify.decide.decide` compares the run with it.
Every decided message is recorded, delivered or not, so a failed one is decided again on the
next run and shows in the history. Without a history (``history: off``, or a store that cannot
be used) there is nothing to compare with: every blocked or failed run is then told.

Nothing here changes the run's verdict or exit code: a failure is logged and recorded.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from kmu_dataguard.errors import HistoryError
from kmu_dataguard.history import schema
from kmu_dataguard.history.store import aware, naive_utc
from kmu_dataguard.notify.decide import Notified, decide
from kmu_dataguard.notify.message import build_message
from kmu_dataguard.notify.send import Delivery, deliver
from kmu_dataguard.results import Verdict

if TYPE_CHECKING:
    from kmu_dataguard.config import Config
    from kmu_dataguard.history.store import HistoryStore
    from kmu_dataguard.notify.decide import Event
    from kmu_dataguard.results import GateResult

__all__ = ["last_delivered", "notify_run"]

log = logging.getLogger("kmu_dataguard")


def notify_run(
    cfg: Config, result: GateResult, store: HistoryStore | None, subject: str
) -> list[Delivery]:
    """Send what the gate's channels need to know about ``result``; the deliveries made."""
    gate = cfg.gates.get(result.gate or "")
    if gate is None or not gate.notify:
        return []
    now = datetime.now(UTC)
    done: list[Delivery] = []
    for name in gate.notify:
        channel = cfg.notify[name]
        try:
            previous = last_delivered(store, subject, name) if store is not None else None
        except HistoryError as exc:
            log.warning("notify %s: %s; deciding as if nothing was sent before", name, exc)
            previous = None
        event = decide(previous, result.verdict, now, channel.reminder)
        if event is None:
            continue
        message = build_message(result, event, lang=channel.lang, run_id=result.run_id)
        delivery = deliver(name, channel, message)
        done.append(delivery)
        if store is not None:
            _record(store, subject, result, event, delivery, now)
    return done


def last_delivered(store: HistoryStore, subject: str, channel: str) -> Notified | None:
    """What ``channel`` was last told about ``subject``, or None when it never was."""
    table = schema.notifications
    query = (
        sa.select(table.c.verdict, table.c.at)
        .where(table.c.subject == subject, table.c.channel == channel, table.c.ok.is_(True))
        .order_by(table.c.at.desc(), table.c.id.desc())
        .limit(1)
    )
    with store.reading("reading the last notification") as conn:
        row = conn.execute(query).first()
    return None if row is None else Notified(Verdict(row.verdict), aware(row.at))


def _record(
    store: HistoryStore,
    subject: str,
    result: GateResult,
    event: Event,
    delivery: Delivery,
    now: datetime,
) -> None:
    row = {
        "subject": subject,
        "channel": delivery.channel,
        "run_id": result.run_id,
        "event": str(event),
        "verdict": str(result.verdict),
        "at": naive_utc(now),
        "ok": delivery.ok,
        "attempts": delivery.attempts,
        "error": delivery.error,
    }
    try:
        with store.writing("recording a notification") as conn:
            conn.execute(sa.insert(schema.notifications), [row])
    except HistoryError as exc:  # the message went out (or not); the verdict stays
        log.warning("notify %s: %s", delivery.channel, exc)
