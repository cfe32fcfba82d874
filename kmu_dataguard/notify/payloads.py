"""The bodies a ``webhook:`` channel posts, one builder per ``format``.

Text that comes from the data (keys, names, column headers, error messages) is sent where the
service shows it literally: Slack ``plain_text`` (mrkdwn would turn ``<!channel>`` in a key
into a ping) and Teams ``TextRun`` (TextBlock renders markdown, and a masked name is full of
``*``). Only our own fixed labels go through markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kmu_dataguard.notify.decide import Event
from kmu_dataguard.notify.message import Message

__all__ = ["PAYLOADS", "json_payload", "slack_payload", "teams_payload"]

# Slack's limits: header text 150 characters, section text 3000, 10 fields per section.
_HEADER_MAX = 150
_SECTION_MAX = 3000
_FIELDS_MAX = 10


def json_payload(message: Message) -> dict[str, Any]:
    """The structured form (schema_version 1) plus the plain text as ``text``.

    ``text`` lets chat servers that read that key (Mattermost, Rocket.Chat) show it as it is.
    """
    return {**message.data, "text": message.body}


def _plain(text: str, limit: int = _SECTION_MAX) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit], "emoji": False}


def slack_payload(message: Message) -> dict[str, Any]:
    """A Slack incoming-webhook message: ``text`` for the notification, ``blocks`` to read."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": _plain(message.subject, _HEADER_MAX)},
        {"type": "section", "text": _plain(f"{message.headline}\n{message.meaning}")},
        {
            "type": "section",
            "fields": [
                _plain(f"{label}: {value}", 2000) for label, value in message.facts[:_FIELDS_MAX]
            ],
        },
    ]
    for title, items in (
        (message.problems_title, message.problems),
        (message.errors_title, message.errors),
    ):
        if items:
            text = "\n".join([f"{title}:", *(f"• {item}" for item in items)])
            blocks.append({"type": "section", "text": _plain(text)})
    blocks.append({"type": "context", "elements": [_plain(message.report)]})
    return {"text": message.subject, "blocks": blocks}


def _run(text: str, **style: Any) -> dict[str, Any]:
    """A RichTextBlock of one TextRun: shown as written, no markdown."""
    return {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": text, **style}]}


def teams_payload(message: Message) -> dict[str, Any]:
    """An Adaptive Card 1.4 in the envelope Teams Workflows (Power Automate) webhooks take."""
    color = "Good" if message.event in (Event.RECOVERED, Event.TEST) else "Attention"
    body: list[dict[str, Any]] = [
        # the subject and meaning are our own words and a gate's name is plain ASCII
        {
            "type": "TextBlock",
            "text": message.subject,
            "weight": "Bolder",
            "size": "Medium",
            "color": color,
            "wrap": True,
        },
        {"type": "TextBlock", "text": message.meaning, "wrap": True},
        {
            "type": "FactSet",
            "facts": [{"title": label, "value": value} for label, value in message.facts],
        },
    ]
    for title, items in (
        (message.problems_title, message.problems),
        (message.errors_title, message.errors),
    ):
        if items:
            body.append({"type": "TextBlock", "text": title, "weight": "Bolder", "wrap": True})
            body += [_run(f"• {item}") for item in items]
    body.append(_run(message.report, isSubtle=True))
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "msteams": {"width": "Full"},
    }
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


#: ``webhook.format`` → the builder of its body.
PAYLOADS: dict[str, Callable[[Message], dict[str, Any]]] = {
    "json": json_payload,
    "slack": slack_payload,
    "teams": teams_payload,
}
