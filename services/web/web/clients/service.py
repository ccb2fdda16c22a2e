"""How the pages ask another service: one timeout, one error policy, one kind of token.

Every call goes as a ``Caller`` (the signed-in user's role and firm, or the office) with
a token issued for that call alone and valid for ``TOKEN_LIFETIME`` seconds. The answer
is one of three things:

- the body, read as JSON (or the response itself, for a document);
- ``Refused`` (``NotFound`` for a 404, ``Forbidden`` for a 403): the service said no,
  with its message and its details per field, for the page to show;
- ``ServiceUnavailable``: the service did not answer usefully (down, past the timeout,
  a 5xx, a body that is no JSON, an answer off its contract), for the page to say so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import requests

from shared.auth import Role, TokenAuthority

log = logging.getLogger(__name__)
T = TypeVar("T")
TIMEOUT_SECONDS = 3.0
TOKEN_LIFETIME = 60.0


class ServiceUnavailable(Exception):
    """The service did not answer usefully; the page says so and asks to try again."""


class Refused(Exception):
    """The service refused the call: its status, message and details per field."""

    def __init__(self, status: int, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details or {}

    def field_messages(self, name: str) -> list[str]:
        """What the service said about one field of the body (its JSON error details)."""
        found = self.details.get(name, [])
        return [str(item) for item in found] if isinstance(found, list) else [str(found)]


class NotFound(Refused):
    """No such thing (a 404)."""


class Forbidden(Refused):
    """Not the caller's (a 403)."""


@dataclass(frozen=True)
class Caller:
    """Whom a call is made as: ``member``, ``supplier`` with its firm's id, or ``admin``;
    ``by``: the signed-in user's e-mail, for the service's audit log."""

    role: Role
    subject_id: int | None = None
    by: str | None = None


OFFICE = Caller("admin")


@dataclass
class ServiceClient:
    """``<base_url>/api/v1<path>`` of one service, reached through ``http``."""

    service: str
    base_url: str
    tokens: TokenAuthority
    http: requests.Session
    correlation_id: Callable[[], str] = lambda: ""
    timeout: float = TIMEOUT_SECONDS
    token_lifetime: float = TOKEN_LIFETIME

    def get(self, caller: Caller, path: str, params: Any = None) -> Any:
        return self._json(self.call(caller, "GET", path, params=params), path)

    def send(self, caller: Caller, method: str, path: str, body: Any = None, **extra: Any) -> Any:
        """``method`` with a JSON ``body`` (or ``data``/``files`` in ``extra``): the JSON answer."""
        return self._json(self.call(caller, method, path, json=body, **extra), path)

    def call(
        self,
        caller: Caller,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> requests.Response:
        """The answer of a 2xx; a refusal or an outage raised as above."""
        response = self.answer(caller, method, path, headers, **extra)
        if response.status_code >= 400:
            raise self._refusal(response)
        return response

    def answer(
        self,
        caller: Caller,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        timeout: float | None = None,
        **extra: Any,
    ) -> requests.Response:
        """The answer whatever its status below 500 (a 403 or 404 is an answer too, for a
        page that tells "not yours" from "down"); an outage or a 5xx raised as
        ``ServiceUnavailable``. ``timeout``: longer than the policy's for a call that
        works for long (closing a pool)."""
        try:
            response = self.http.request(
                method,
                f"{self.base_url}/api/v1{path}",
                headers=self.headers(caller) | (headers or {}),
                timeout=timeout or self.timeout,
                **extra,
            )
        except requests.RequestException as exc:
            log.warning("%s is unavailable for %s %s: %s", self.service, method, path, exc)
            raise ServiceUnavailable(f"{self.service}: {exc}") from exc
        if response.status_code >= 500:
            response.close()
            log.warning(
                "%s answered %s for %s %s", self.service, response.status_code, method, path
            )
            raise ServiceUnavailable(f"{response.status_code} from {self.service} for {path}")
        return response

    def headers(self, caller: Caller) -> dict[str, str]:
        """A token for this call alone, as ``caller``, and the request's correlation id."""
        token = self.tokens.issue(
            caller.role, caller.subject_id, lifetime=self.token_lifetime, by=caller.by
        )
        return {"Authorization": f"Bearer {token}", "X-Correlation-ID": self.correlation_id()}

    def _refusal(self, response: requests.Response) -> Refused:
        try:
            body = response.json()
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        message = str(body.get("error") or f"{response.status_code} from {self.service}")
        details = body.get("details") if isinstance(body.get("details"), dict) else {}
        kind = {404: NotFound, 403: Forbidden}.get(response.status_code, Refused)
        log.info("%s refused %s: %s", self.service, response.url, message)
        return kind(response.status_code, message, details)

    def _json(self, response: requests.Response, path: str) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise ServiceUnavailable(f"{self.service} answered no JSON for {path}") from exc


def read(service: str, parse: Callable[[], T]) -> T:
    """An answer read into dataclasses; one off the service's contract is the service failing."""
    try:
        return parse()
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        log.warning("%s answered off its contract: %r", service, exc)
        raise ServiceUnavailable(f"{service}'s answer is off its contract: {exc!r}") from exc
