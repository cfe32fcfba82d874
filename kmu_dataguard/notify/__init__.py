"""Notifications: a message to e-mail, Teams, Slack, a JSON webhook or apprise when a gate's
state changes (passing → blocked or error, and back), never on every run.

Modules, in the order a run passes through them:

- ``channels``: the ``notify:`` section of ``dataguard.yml``, one strict model per channel;
- ``decide``: :func:`decide`, the pure policy: which event, if any, a run is for a channel;
- ``message``: :func:`build_message`, the text (German or English, personal data masked)
  and its structured form;
- ``payloads``: the webhook bodies (Teams card, Slack blocks, JSON);
- ``transports``: one attempt over SMTP, HTTP or apprise;
- ``send``: :func:`deliver`, with retries; a failed channel becomes a :class:`Delivery`
  with ``ok=False`` and never changes the gate's exit code.

See docs/notifications.md.
"""

from __future__ import annotations

from kmu_dataguard.notify.channels import (
    AppriseChannel,
    ChannelConfig,
    EmailChannel,
    NotifyConfig,
    WebhookChannel,
)
from kmu_dataguard.notify.decide import Event, Notified, decide, is_healthy
from kmu_dataguard.notify.message import Message, build_message
from kmu_dataguard.notify.send import Delivery, deliver

__all__ = [
    "AppriseChannel",
    "ChannelConfig",
    "Delivery",
    "EmailChannel",
    "Event",
    "Message",
    "Notified",
    "NotifyConfig",
    "WebhookChannel",
    "build_message",
    "decide",
    "deliver",
    "is_healthy",
]
