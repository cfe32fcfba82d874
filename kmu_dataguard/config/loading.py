"""Reading ``dataguard.yml``: YAML, ``${ENV}`` interpolation, the schema, then every check.

:func:`load_config` reads a file; :func:`build_config` validates data built elsewhere (by
``dataguard check``) the same way. A schema error becomes one line naming the key path and, for
an unknown key, the keys allowed there.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from kmu_dataguard._secrets import redact
from kmu_dataguard.config.environment import interpolate
from kmu_dataguard.config.models import (
    DEFAULT_CONFIG,
    AgreeRule,
    CheckConfig,
    Config,
    FreshConfig,
    GateConfig,
    OverrideConfig,
    ReferenceConfig,
    ReferenceFrom,
    ReferenceTo,
    SourceConfig,
)
from kmu_dataguard.config.names import one_line_key
from kmu_dataguard.config.validate import check_config
from kmu_dataguard.errors import ConfigError
from kmu_dataguard.notify.channels import (
    AppriseChannel,
    ChannelConfig,
    EmailChannel,
    WebhookChannel,
)
from kmu_dataguard.yaml_safe import load_yaml_file

__all__ = ["build_config", "load_config"]


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read, interpolate and validate a configuration file; check every cross-reference."""
    file = Path(path) if path is not None else Path(DEFAULT_CONFIG)
    raw = load_yaml_file(file, "configuration file")
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{file}: expected a mapping of keys at the top level")

    secrets: set[str] = set()
    data = interpolate(raw, secrets, file, ())
    return build_config(data, origin=file, secrets=secrets)


def build_config(data: dict[str, Any], *, origin: Path, secrets: set[str] | None = None) -> Config:
    """Validate a configuration given as data (a file's content, or built by `dataguard check`).

    ``origin`` names the file in messages and anchors relative paths.
    """
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        message = _describe_validation_error(origin, exc)
        raise ConfigError(redact(message, secrets or set())) from None
    config._path = origin.resolve()
    config._secrets = frozenset(secrets or ())
    check_config(config, origin)
    return config


def _describe_validation_error(file: Path, exc: ValidationError) -> str:
    errors = exc.errors()
    first = errors[0]
    loc = [one_line_key(p) for p in first["loc"]]
    where = ".".join(loc) or "(top level)"
    if first["type"] == "extra_forbidden":
        parent = ".".join(loc[:-1])
        allowed = _allowed_keys(loc[:-1])
        hint = f"; expected one of: {', '.join(allowed)}" if allowed else ""
        message = f"{where}: unknown key{(' in ' + parent) if parent else ''}{hint}"
    elif first["type"] == "missing":
        message = f"{where}: required key is missing"
    else:
        text = first["msg"].removeprefix("Value error, ")
        got = first.get("input")
        shown = "" if isinstance(got, dict | list) else f" (got {got!r})"
        message = f"{where}: {text}{shown}"
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    return f"{file}: {message}{more}"


def _allowed_keys(loc: list[str]) -> list[str]:
    """The keys allowed at ``loc`` (e.g. ['checks', 'customers'] → CheckConfig's fields)."""
    model: type[BaseModel] = Config
    depth = 0
    while depth < len(loc):
        section = loc[depth]
        nested = {
            "sources": SourceConfig,
            "checks": CheckConfig,
            "references": ReferenceConfig,
            "gates": GateConfig,
            "notify": ChannelConfig,
        }
        if model is CheckConfig and section == "fresh":
            model, depth = FreshConfig, depth + 1
            continue
        if model is CheckConfig and section == "overrides":
            model, depth = OverrideConfig, depth + 2  # skip the expectation id
            continue
        if model is Config and section in nested:
            model = nested[section]
            depth += 2  # skip the entry's own name
            continue
        if model is ChannelConfig and section in ("email", "webhook", "apprise"):
            depth += 1
            model = {"email": EmailChannel, "webhook": WebhookChannel, "apprise": AppriseChannel}[
                section
            ]
            continue
        if model is ReferenceConfig and section in ("from", "to", "agree"):
            model = {"from": ReferenceFrom, "to": ReferenceTo, "agree": AgreeRule}[section]
            depth += 2 if section == "agree" else 1  # skip the rule's index
            continue
        return []
    return [field.alias or name for name, field in model.model_fields.items()]
