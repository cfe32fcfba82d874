"""``notify:`` in ``dataguard.yml``: named channels, each exactly one of e-mail, webhook or apprise.

Secrets (an SMTP password, a webhook's token) come from ``${ENV}``, resolved by the config
loader before these models see them; :attr:`ChannelConfig.secrets` names every value that
must never appear in a message about the channel.

This module imports nothing from :mod:`kmu_dataguard.config` (``config.models`` imports
:class:`ChannelConfig` for its ``notify:`` section); the field types both use are in
:mod:`kmu_dataguard.strict_fields`.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Literal
from urllib.parse import parse_qsl, urlsplit

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    StrictBool,
    model_validator,
)

from kmu_dataguard._secrets import spellings
from kmu_dataguard.strict_fields import Age, NoBool, Strict
from kmu_dataguard.units import parse_age

__all__ = [
    "AppriseChannel",
    "ChannelConfig",
    "EmailChannel",
    "NotifyConfig",
    "WebhookChannel",
]


_ADDRESS = re.compile(r'[^@\s<>,;"()]+@[^@\s<>,;"()]+')


def _address(value: str) -> str:
    # A bare address only: a display name or a second address in one entry is refused.
    if not (_ADDRESS.fullmatch(value) and value.isprintable()):
        raise ValueError(f"not an e-mail address: {value!r} (write name@example.de)")
    return value


def _one_line(value: str) -> str:
    if not value.isprintable():
        raise ValueError("must be one line without control characters")
    return value


def _http_url(value: str) -> str:
    # urllib also opens file: and ftp: URLs; a webhook is http(s) only.
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("a webhook URL starts with https:// (or http://) and names a host")
    return value


_Seconds = Annotated[float, NoBool, Field(gt=0, le=300)]
_Address = Annotated[str, AfterValidator(_address)]
_Line = Annotated[str, AfterValidator(_one_line)]


class EmailChannel(Strict):
    """``email:``: SMTP with STARTTLS (port 587), or implicit TLS with ``ssl: true`` (port 465).

    ``starttls: false`` without ``ssl`` is plain SMTP, for a relay in the company network; it
    takes no credentials, as they would travel unencrypted. ``cafile`` trusts a private CA.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    host: _Line
    port: Annotated[int, NoBool, Field(gt=0, lt=65536)] | None = None
    starttls: StrictBool | None = None
    ssl: StrictBool = False
    username: _Line | None = None
    password: str | None = None
    from_: _Address = Field(alias="from")
    to: list[_Address] = Field(min_length=1)
    timeout: _Seconds = 10
    cafile: str | None = None

    @model_validator(mode="after")
    def _tls_and_login(self) -> EmailChannel:
        if self.ssl and self.starttls:
            raise ValueError("give 'ssl: true' (implicit TLS, port 465) or 'starttls', not both")
        if (self.username is None) != (self.password is None):
            raise ValueError("give both 'username' and 'password', or neither")
        if self.username is not None and not self.encrypted:
            raise ValueError("a password needs an encrypted connection: starttls or ssl")
        return self

    @property
    def use_starttls(self) -> bool:
        """STARTTLS unless ``ssl: true`` or ``starttls: false``."""
        return not self.ssl if self.starttls is None else self.starttls

    @property
    def encrypted(self) -> bool:
        return self.ssl or self.use_starttls

    @property
    def smtp_port(self) -> int:
        return self.port or (465 if self.ssl else 587)

    @property
    def where(self) -> str:
        return f"{self.host}:{self.smtp_port}"


class WebhookChannel(Strict):
    """``webhook:``: an HTTP POST of the message as Teams card, Slack blocks or plain JSON."""

    url: Annotated[str, AfterValidator(_http_url)]
    format: Literal["teams", "slack", "json"] = "json"
    headers: dict[_Line, _Line] = Field(default_factory=dict)
    timeout: _Seconds = 10
    cafile: str | None = None

    @property
    def where(self) -> str:
        """Scheme and host only: the path of a Slack or Teams URL is its secret."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}"


class AppriseChannel(Strict):
    """``apprise:``: any service apprise knows (``tgram://``, ``matrixs://``, ``ntfys://`` …)."""

    urls: list[_Line] = Field(min_length=1)

    @property
    def where(self) -> str:
        return ", ".join(f"{url.partition('://')[0]}://…" for url in self.urls)


Transport = EmailChannel | WebhookChannel | AppriseChannel


class ChannelConfig(Strict):
    """One entry of ``notify:``: exactly one transport and when (again) to send.

    ``remind_every`` repeats a message while the gate stays blocked or in error (``24h``,
    ``2d``); without it a lasting problem is reported once. ``retries`` are attempts after the
    first; ``lang`` is the messages' language (default: the run's).
    """

    email: EmailChannel | None = None
    webhook: WebhookChannel | None = None
    apprise: AppriseChannel | None = None
    remind_every: Age | None = None
    retries: Annotated[int, NoBool, Field(ge=0, le=10)] = 3
    lang: Literal["de", "en"] | None = None

    @model_validator(mode="after")
    def _one_transport(self) -> ChannelConfig:
        given = [k for k in ("email", "webhook", "apprise") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a channel needs exactly one of 'email', 'webhook' or 'apprise'")
        return self

    @property
    def kind(self) -> Literal["email", "webhook", "apprise"]:
        return "email" if self.email else "webhook" if self.webhook else "apprise"

    @property
    def transport(self) -> Transport:
        found = self.email or self.webhook or self.apprise
        assert found is not None  # the validator saw to it
        return found

    @property
    def reminder(self) -> timedelta | None:
        """``remind_every`` as a timedelta, for :func:`kmu_dataguard.notify.decide.decide`."""
        return None if self.remind_every is None else parse_age(self.remind_every)

    @property
    def secrets(self) -> frozenset[str]:
        """Every value of this channel that must not appear in a message, in each spelling."""
        raw: list[str] = []
        if self.email and self.email.password:
            raw.append(self.email.password)
        if self.webhook:
            raw += _url_parts(self.webhook.url)
            raw += list(self.webhook.headers.values())
        if self.apprise:
            for url in self.apprise.urls:
                raw += _url_parts(url)
        return frozenset(spellings(raw))


# A token in a URL's path (Slack: /services/T…/B…/XXXX) looks like one: long, or not a plain
# word. Words ("services", "invoke") and short parts stay, so that messages remain readable.
_MIN_SECRET = 6
_ANY_SECRET = 16


def _looks_secret(part: str) -> bool:
    return len(part) >= _ANY_SECRET or (len(part) >= _MIN_SECRET and not part.isalpha())


def _url_parts(url: str) -> list[str]:
    """The parts of ``url`` that may be credentials: user info, path segments, query values."""
    parts = urlsplit(url)
    found = [url, parts.path, parts.query, parts.password or "", parts.username or ""]
    if parts.scheme not in ("http", "https"):  # apprise: tgram://BOTTOKEN/CHAT_ID
        found.append(parts.netloc.rpartition("@")[2])
    found += parts.path.split("/")
    found += [value for _key, value in parse_qsl(parts.query)]
    return [part for part in found if _looks_secret(part)]


#: The ``notify:`` section: channel name → channel.
NotifyConfig = dict[str, ChannelConfig]
