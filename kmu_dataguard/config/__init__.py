"""``dataguard.yml``: the schema, strict loading and ``${ENV}`` interpolation.

A configuration names *sources* (a file or an SQLAlchemy URL), *checks* (a table of a source
validated with a suite, identified by a key column) and *gates* (named sets of checks that block
a workflow). Every problem is a :class:`ConfigError` (exit 2) naming the file and the key path.

Passwords belong in the environment (``url: postgresql://erp:${ERP_PASSWORD}@db/erp``); every
value taken from the environment and every URL password is remembered in ``Config.secrets`` so
that :func:`redact` can keep it out of messages.

Modules, in the order a file passes through them:

- ``loading``: :func:`load_config` and :func:`build_config`, schema errors as one line;
- ``environment``: ``${NAME}`` / ``${NAME:-default}`` interpolation, secrets remembered;
- ``models``: the pydantic schema, one strict model per section, :class:`Config` the whole;
- ``validate``: the checks across sections (names resolve, folders exist, URLs parse);
- ``names``: what a name may be, and :func:`safe_name` to make one.

:func:`redact` lives with the other secret handling in :mod:`kmu_dataguard._secrets` and is
re-exported here.
"""

from __future__ import annotations

from kmu_dataguard._secrets import redact
from kmu_dataguard.config.loading import build_config, load_config
from kmu_dataguard.config.models import (
    DEFAULT_CONFIG,
    AgreeRule,
    CheckConfig,
    Config,
    FreshConfig,
    GateConfig,
    LimitsConfig,
    OverrideConfig,
    ReferenceConfig,
    ReferenceFrom,
    ReferenceTo,
    SourceConfig,
    url_passwords,
)
from kmu_dataguard.config.names import MAX_NAME, safe_name

__all__ = [
    "DEFAULT_CONFIG",
    "MAX_NAME",
    "AgreeRule",
    "CheckConfig",
    "Config",
    "FreshConfig",
    "GateConfig",
    "LimitsConfig",
    "OverrideConfig",
    "ReferenceConfig",
    "ReferenceFrom",
    "ReferenceTo",
    "SourceConfig",
    "build_config",
    "load_config",
    "redact",
    "safe_name",
    "url_passwords",
]
