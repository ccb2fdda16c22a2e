"""What went wrong, in the cooperative's words: the errors a use case raises.

They say what kind of refusal it is and which input (``field``) is at fault, and know
nothing of HTTP: one mapping, ``shared.web.status_of``, turns each kind into a status.
"""

from __future__ import annotations


class DomainError(Exception):
    """Refused by the rules; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class Invalid(DomainError):
    """What was sent breaks a rule of the cooperative (a quantity, a line, a key)."""


class NotFound(DomainError):
    """Something the request names does not exist."""


class Conflict(DomainError):
    """The request does not fit the current state (a closed window, a decided order)."""


class Forbidden(DomainError):
    """The caller may not do this to that object."""
