"""``${NAME}`` and ``${NAME:-default}`` in ``dataguard.yml``: values from the environment.

Passwords belong in the environment (``url: postgresql://erp:${ERP_PASSWORD}@db/erp``); every
value taken from it is added to the caller's set of secrets, which the loaded
:class:`~kmu_dataguard.config.models.Config` keeps so that
:func:`~kmu_dataguard._secrets.redact` can keep it out of messages.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from kmu_dataguard.errors import ConfigError

__all__ = ["interpolate"]

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def interpolate(
    value: Any,
    secrets: set[str],
    file: Path,
    where: tuple[str, ...],
    done: dict[int, Any] | None = None,
) -> Any:
    """Replace ``${NAME}`` in every string; a node shared through YAML aliases is done once."""
    done = {} if done is None else done
    if isinstance(value, dict | list) and id(value) in done:
        return done[id(value)]
    if isinstance(value, dict):
        done[id(value)] = {
            k: interpolate(v, secrets, file, (*where, str(k)), done) for k, v in value.items()
        }
        return done[id(value)]
    if isinstance(value, list):
        done[id(value)] = [
            interpolate(v, secrets, file, (*where, str(i)), done) for i, v in enumerate(value)
        ]
        return done[id(value)]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        found = os.environ.get(name)
        if found is None:
            if default is None:
                raise ConfigError(
                    f"{file}: {'.'.join(where)}: environment variable {name} is not set "
                    f"(set it, or write ${{{name}:-default}})"
                )
            return default
        secrets.add(found)
        return found

    return _ENV_REF.sub(replace, value)
