"""Bearer tokens: read once, kept only as SHA-256 hashes, compared in constant time.

The format (a file or the ``DATAGUARD_TOKENS`` variable) is one token per entry, optionally
followed by the gates it may run: ``s3cret invoicing,payments``. Entries are lines (in the
variable also ``;``-separated); ``#`` starts a comment. A token without gates may use every gate.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field
from pathlib import Path

from kmu_dataguard.errors import ConfigError
from kmu_dataguard.service.errors import ServiceError

__all__ = ["ENV_VAR", "Tokens", "load_tokens", "parse_tokens"]

ENV_VAR = "DATAGUARD_TOKENS"
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="dataguard"'}


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


@dataclass(frozen=True)
class Tokens:
    """Token hashes and the gates each may use (None: every gate). Empty: no authentication."""

    grants: tuple[tuple[bytes, frozenset[str] | None], ...] = field(default=())

    @property
    def enabled(self) -> bool:
        return bool(self.grants)

    def gates_for(self, authorization: str | None) -> frozenset[str] | None:
        """The gates the request's ``Authorization`` header may use (None: all); 401 otherwise.

        Without configured tokens every request may use every gate (loopback only, see serve).
        """
        if not self.enabled:
            return None
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ServiceError(401, "missing bearer token", _CHALLENGE)
        digest = _digest(token.strip())
        found: tuple[bool, frozenset[str] | None] = (False, None)
        for known, gates in self.grants:  # no early exit: same time for every token
            if hmac.compare_digest(known, digest):
                found = (True, gates)
        if not found[0]:
            raise ServiceError(401, "invalid bearer token", _CHALLENGE)
        return found[1]

    def require(self, authorization: str | None, gate: str | None) -> None:
        """401 without a valid token, 403 when the token may not use ``gate``."""
        allowed = self.gates_for(authorization)
        if allowed is not None and gate not in allowed:
            raise ServiceError(403, f"this token may not use gate {gate!r}")


def parse_tokens(text: str, where: str) -> Tokens:
    grants = []
    for number, raw in enumerate(text.replace(";", "\n").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        token, _, rest = line.partition(" ")
        gates = frozenset(g.strip() for g in rest.split(",") if g.strip()) or None
        if len(rest.split()) > 1 and "," not in rest:
            raise ConfigError(f"{where}: entry {number}: write the gates comma-separated")
        grants.append((_digest(token), gates))
    return Tokens(tuple(grants))


def load_tokens(tokens_file: str | os.PathLike[str] | None = None) -> Tokens:
    """The tokens of ``tokens_file`` and of the ``DATAGUARD_TOKENS`` variable, together."""
    grants: list[tuple[bytes, frozenset[str] | None]] = []
    if tokens_file is not None:
        try:
            text = Path(tokens_file).read_text(encoding="utf-8")
        except OSError as exc:
            message = f"{tokens_file}: cannot read the tokens file ({exc.strerror})"
            raise ConfigError(message) from exc
        grants += parse_tokens(text, str(tokens_file)).grants
    grants += parse_tokens(os.environ.get(ENV_VAR, ""), ENV_VAR).grants
    return Tokens(tuple(grants))
