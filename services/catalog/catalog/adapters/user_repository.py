"""Catalog's web users, on one session's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from catalog.adapters.orm import User, WebSession


class SqlUsers:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, user_id: int) -> User | None:
        return self._session.get(User, user_id)

    def by_email(self, email: str) -> User | None:
        """The user of this e-mail in any case (``email`` is given in lower case)."""
        return self._session.scalar(select(User).where(func.lower(User.email) == email))

    def add(self, facts: Mapping[str, Any]) -> User:
        user = User(**facts)
        self._session.add(user)
        self._session.flush()
        return user

    def end_sessions(self, user_id: int) -> None:
        """Every web session of the user is over."""
        self._session.execute(delete(WebSession).where(WebSession.user_id == user_id))
