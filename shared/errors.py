"""What went wrong, in the cooperative's words: the errors a use case raises.

They say what kind of refusal it is and which input (``field``) is at fault, and know
nothing of HTTP: one mapping, ``shared.web.status_of``, turns each kind into a status.

A message is an English template with ``%(name)s`` places and their values (``params``):
``str(error)`` is the English text; ``shared.web.in_callers_language`` gives it in the
language the caller asks for (``Accept-Language``) from the service's catalog, where the
template is a msgid. A value that is itself text to translate (the name of a part of a
document) is marked ``Words``.
"""

from __future__ import annotations

from collections.abc import Mapping


class Words(str):
    """English text for the reader's language, marked for the catalogs: a message's value
    that is words, not data (the name of a part of a document), or a template chosen
    before it is raised."""


def worded(template: str, params: Mapping[str, object]) -> str:
    """The message in English: ``template`` with its values."""
    return template % params if params else template


class DomainError(Exception):
    """Refused by the rules; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str, **params: object) -> None:
        super().__init__(worded(message, params))
        self.field = field
        self.template, self.params = message, params


class Invalid(DomainError):
    """What was sent breaks a rule of the cooperative (a quantity, a line, a key)."""


class NotFound(DomainError):
    """Something the request names does not exist."""


class Conflict(DomainError):
    """The request does not fit the current state (a closed window, a decided order)."""


class Forbidden(DomainError):
    """The caller may not do this to that object."""
