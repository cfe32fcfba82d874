"""Every error the service answers is one JSON object ``{"error": ..., "status": ...}``."""

from __future__ import annotations

from starlette.responses import JSONResponse

__all__ = ["ServiceError", "error_response"]


class ServiceError(Exception):
    """An error answered with ``status``; ``headers`` go along (WWW-Authenticate, Retry-After)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def error_response(
    status: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)
