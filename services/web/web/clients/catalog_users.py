"""Catalog's users API as the web service uses it: checking a sign-in, the user of an open
session, closing it, the office's list of sign-ins and a new one, a user's language, its
deactivation, and a forgotten password's link.

Every call goes as the office (``OFFICE``): before a sign-in there is no user to scope a
token to, and the web service is the one that decides who is signed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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
    active: bool = True
    created: date | None = None

    @classmethod
    def read(cls, body: dict[str, Any]) -> UserRecord:
        return cls(
            int(body["id"]),
            str(body["email"]),
            str(body["role"]),
            None if body.get("member_id") is None else int(body["member_id"]),
            None if body.get("supplier_id") is None else int(body["supplier_id"]),
            str(body["language"]),
            bool(body.get("active", True)),
            None if body.get("created") is None else date.fromisoformat(body["created"]),
        )


class TooManyTries(Exception):
    """Sign-ins for this e-mail from this address are refused for ``seconds`` more."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"wait {seconds} s")
        self.seconds = seconds


# Checking a password is slow by design (a deliberately costly hash), and a burst of
# sign-ins waits in line for catalog's threads: a sign-in may take longer than the
# policy's few seconds before it counts as catalog being down.
SIGN_IN_TIMEOUT = 15.0


@dataclass(frozen=True)
class UsersClient:
    service: ServiceClient

    def sign_in(self, email: str, password: str, address: str) -> tuple[UserRecord, str] | None:
        """The user and a new session id; None for a wrong e-mail or password (or a firm
        that may not sign in); ``TooManyTries`` once over the limit."""
        body = {"email": email, "password": password, "address": address[:64]}
        try:
            answer = self.service.send(OFFICE, "POST", "/sign-ins", body, timeout=SIGN_IN_TIMEOUT)
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

    def set_active(self, user_id: int, active: bool) -> UserRecord | None:
        """The user deactivated (its sessions end) or active again; None when unknown."""
        try:
            answer = self.service.send(
                OFFICE, "PUT", f"/users/{user_id}/active", {"active": active}
            )
        except NotFound:
            return None
        return read("catalog", lambda: UserRecord.read(answer))

    def ask_for_reset_link(self, email: str, address: str) -> None:
        """Catalog sends a password link to an active user's address (by notify) and
        answers the same for any other address and past the limit of links asked for
        (counted like sign-in tries)."""
        body = {"email": email[:254], "address": address[:64]}
        self.service.send(OFFICE, "POST", "/password-resets", body)

    def reset_link_is_good(self, token: str) -> bool:
        """Whether the link is still good (not used, not expired, ours)."""
        try:
            self.service.send(OFFICE, "POST", "/password-resets/check", {"token": token[:500]})
        except Refused as refused:
            if refused.status != 422:
                raise
            return False
        return True

    def reset_password(self, token: str, password: str) -> bool:
        """Set the new password with the link; False when the link is no longer good;
        ``Refused`` naming ``password`` when catalog finds it too short."""
        body = {"token": token[:500], "password": password}
        try:
            self.service.send(OFFICE, "POST", "/password-resets/confirm", body)
        except Refused as refused:
            if refused.status != 422 or not refused.field_messages("token"):
                raise
            return False
        return True
