"""Catalog's users API as the web service uses it: checking a sign-in, the user of an open
session, closing it, the office's list of sign-ins and a new one, a user's language.

Every call goes as the office (``OFFICE``): before a sign-in there is no user to scope a
token to, and the web service is the one that decides who is signed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from web.clients.service import OFFICE, NotFound, Refused, ServiceClient, read


@dataclass(frozen=True)
class UserRecord:
    """A sign-in as catalog keeps it (never its password)."""

    id: int
    email: str
    role: str
    member_id: int | None
    supplier_id: int | None
    language: str

    @classmethod
    def read(cls, body: dict[str, Any]) -> UserRecord:
        return cls(
            int(body["id"]),
            str(body["email"]),
            str(body["role"]),
            None if body.get("member_id") is None else int(body["member_id"]),
            None if body.get("supplier_id") is None else int(body["supplier_id"]),
            str(body["language"]),
        )


class TooManyTries(Exception):
    """Sign-ins for this e-mail from this address are refused for ``seconds`` more."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"wait {seconds} s")
        self.seconds = seconds


@dataclass(frozen=True)
class UsersClient:
    service: ServiceClient

    def sign_in(self, email: str, password: str, address: str) -> tuple[UserRecord, str] | None:
        """The user and a new session id; None for a wrong e-mail or password (or a firm
        that may not sign in); ``TooManyTries`` once over the limit."""
        body = {"email": email, "password": password, "address": address[:64]}
        try:
            answer = self.service.send(OFFICE, "POST", "/sign-ins", body)
        except Refused as refused:
            if refused.status != 429:
                raise
            told = refused.field_messages("retry_after")
            raise TooManyTries(read("catalog", lambda: int(told[0]))) from refused
        if read("catalog", lambda: answer["user"]) is None:
            return None
        return read("catalog", lambda: (UserRecord.read(answer["user"]), answer["session_id"]))

    def session_user(self, session_id: str, user_id: int) -> UserRecord | None:
        """The user of this open session; None once it is closed, expired or its firm is
        deactivated."""
        body = {"session_id": session_id[:64], "user_id": user_id}
        try:
            answer = self.service.send(OFFICE, "POST", "/web-sessions/user", body)
        except NotFound:
            return None
        return read("catalog", lambda: UserRecord.read(answer))

    def close_session(self, session_id: str) -> None:
        self.service.send(OFFICE, "POST", "/web-sessions/close", {"session_id": session_id[:64]})

    def users(self) -> list[UserRecord]:
        answer = self.service.get(OFFICE, "/users")
        return read("catalog", lambda: [UserRecord.read(user) for user in answer])

    def create(self, body: dict[str, Any]) -> UserRecord:
        """A new sign-in; ``Refused`` with the field catalog found wrong."""
        answer = self.service.send(OFFICE, "POST", "/users", body)
        return read("catalog", lambda: UserRecord.read(answer))

    def set_language(self, user_id: int, language: str) -> None:
        self.service.send(OFFICE, "PUT", f"/users/{user_id}/language", {"language": language})
