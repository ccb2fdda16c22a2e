"""Sign-in tries and web sessions in catalog's database, so that every gunicorn worker
(and every web process) sees the same counts. A try is counted by one atomic statement
that also answers the count (``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Insert, case, delete, select, tuple_, update
from sqlalchemy.orm import Session

from catalog.adapters.orm import SignInTries, WebSession
from shared.db import insert_on_conflict

TRIES = SignInTries.__table__


class SqlSignIns:
    def __init__(self, session: Session) -> None:
        self._session = session

    def count(
        self, address: str, email_key: str, now: datetime, window: timedelta
    ) -> tuple[int, datetime]:
        """One more try of ``email_key`` from ``address``: the tries and the start of their
        window, a new window when the last one is over."""
        statement = self._one_more(address, email_key, now, window)
        tries, since = self._session.execute(statement).one()
        return tries, since

    def uncount(self, address: str, email_key: str) -> None:
        """One try fewer, if there is one."""
        self._session.execute(
            update(SignInTries)
            .where(SignInTries.address == address, SignInTries.email == email_key)
            .where(SignInTries.tries > 0)
            .values(tries=SignInTries.tries - 1)
        )

    def forget(self, address: str, email_key: str) -> None:
        pair = (SignInTries.address == address) & (SignInTries.email == email_key)
        self._session.execute(delete(SignInTries).where(pair))

    def drop_started_before(self, start: datetime) -> None:
        """Counts whose window started before ``start``. Rows another sign-in holds are left
        for later: this never waits for a lock, so it cannot deadlock with a try being
        counted (SQLite has no row locks)."""
        over = select(SignInTries.address, SignInTries.email).where(SignInTries.since <= start)
        key = tuple_(SignInTries.address, SignInTries.email)
        self._session.execute(
            delete(SignInTries).where(key.in_(over.with_for_update(skip_locked=True)))
        )

    def open_session(self, session_id: str, user_id: int, now: datetime) -> None:
        self._session.add(WebSession(id=session_id, user_id=user_id, created_at=now))

    def close_sessions_opened_before(self, start: datetime) -> None:
        self._session.execute(delete(WebSession).where(WebSession.created_at <= start))

    def close_session(self, session_id: str) -> None:
        self._session.execute(delete(WebSession).where(WebSession.id == session_id))

    def _one_more(self, address: str, email_key: str, now: datetime, window: timedelta) -> Insert:
        dialect = self._session.get_bind().dialect.name
        statement = insert_on_conflict(TRIES, dialect).values(
            address=address, email=email_key, tries=1, since=now
        )
        window_over = TRIES.c.since <= now - window
        return statement.on_conflict_do_update(
            index_elements=[TRIES.c.address, TRIES.c.email],
            set_={
                "tries": case((window_over, 1), else_=TRIES.c.tries + 1),
                "since": case((window_over, now), else_=TRIES.c.since),
            },
        ).returning(TRIES.c.tries, TRIES.c.since)
