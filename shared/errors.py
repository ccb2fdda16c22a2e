"""Errors a use case raises about the cooperative's data; the web layer maps them to HTTP."""

from __future__ import annotations


class DomainError(Exception):
    """Refused by the rules; ``field`` names the input at fault."""

    status = 422

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NotFound(DomainError):
    """Something the request names does not exist."""


class Conflict(DomainError):
    """The request does not fit the current state (409)."""

    status = 409


class Forbidden(DomainError):
    """The caller may not do this to that object (403)."""

    status = 403
