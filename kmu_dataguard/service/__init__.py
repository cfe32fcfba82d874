"""``dataguard serve``: the HTTP API (ASGI) over the library, no logic of its own.

:mod:`.app` holds the routes, :mod:`.upload` the upload route ``POST /v1/check``,
:mod:`.auth` the bearer tokens, :mod:`.runs` the concurrency limit, the coalescing of equal
requests, the service ids and the recent results, :mod:`.responses` the answers of a run
(verdict statuses, 202), :mod:`.errors` the JSON error responses, :mod:`.openapi` the OpenAPI
document. See docs/service.md.
"""

from __future__ import annotations

from kmu_dataguard._lazy import lazy_exports

__all__ = ["ServiceSettings", "Tokens", "create_app", "load_tokens"]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "ServiceSettings": "app",
        "create_app": "app",
        "Tokens": "auth",
        "load_tokens": "auth",
    },
)
