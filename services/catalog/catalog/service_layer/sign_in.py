"""Sign-in limits and server-side web sessions, kept in the catalog's database so that
every gunicorn worker (and every web process) sees the same counts.

Policy (SECURITY.md):
- At most ``PAIR_LIMIT`` sign-in tries for one e-mail from one address have their password
  checked within a ``WINDOW`` that starts at the first of them; further tries are refused
  (429) unchecked until the window is over.
- At most ``ADDRESS_LIMIT`` tries from one address (any e-mails) within a window: the
  address is refused the same way.
- A try is counted before its password is checked, by one atomic statement that also
  answers the count (``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``), so tries sent
  at once to several workers can never have more passwords checked than the limit.
- A refused try is not counted; a successful one forgets that pair's tries and is not
  counted for the address either.
- The account itself is never locked: its owner signs in from another address at once.
- A web session lives in ``web_sessions``; signing out deletes it, and a session older
  than ``SESSION_LIFETIME`` is over even while used.
"""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Insert, Update, case, delete, select, tuple_, update
from sqlalchemy.orm import Session

from catalog.adapters.orm import SignInTries, User, WebSession
from shared.db import insert_on_conflict, utcnow

WINDOW = timedelta(minutes=15)
PAIR_LIMIT = 5
ADDRESS_LIMIT = 20
SESSION_LIFETIME = timedelta(days=7)
EVERY_EMAIL = ""  # the e-mail of an address's own count
TRIES = SignInTries.__table__


def _normal(email: str) -> str:
    return email.strip().lower()[:254]


def count_try(session: Session, email: str, address: str, now: datetime | None = None) -> int:
    """Count a sign-in try before its password is checked: 0 when it may be checked,
    else how many seconds tries for ``email`` from ``address`` are refused still (the
    refused try is not counted). Commit before checking, so other workers see the count."""
    now = now or utcnow()
    counted: list[str] = []
    for email_key, limit in ((_normal(email), PAIR_LIMIT), (EVERY_EMAIL, ADDRESS_LIMIT)):
        tries, since = session.execute(_one_more(session, address[:64], email_key, now)).one()
        counted.append(email_key)
        if tries > limit:
            for key in counted:
                session.execute(_one_less(address[:64], key))
            return _seconds_left(since, now)
    return 0


def _seconds_left(since: datetime, now: datetime) -> int:
    """Seconds until the window that began ``since`` ends, 1 to the window's length: a
    try that took its time ``now`` just before another began the window counts from
    that window's start, never past its end."""
    left = math.ceil((since + WINDOW - now).total_seconds())
    return min(max(1, left), int(WINDOW.total_seconds()))


def _one_more(session: Session, address: str, email_key: str, now: datetime) -> Insert:
    """One statement that counts a try and answers the count and its window's start: a
    first try, or one after its window, starts a new window."""
    statement = insert_on_conflict(TRIES, session.get_bind().dialect.name).values(
        address=address, email=email_key, tries=1, since=now
    )
    window_over = TRIES.c.since <= now - WINDOW
    return statement.on_conflict_do_update(
        index_elements=[TRIES.c.address, TRIES.c.email],
        set_={
            "tries": case((window_over, 1), else_=TRIES.c.tries + 1),
            "since": case((window_over, now), else_=TRIES.c.since),
        },
    ).returning(TRIES.c.tries, TRIES.c.since)


def _one_less(address: str, email_key: str) -> Update:
    return (
        update(SignInTries)
        .where(SignInTries.address == address, SignInTries.email == email_key)
        .where(SignInTries.tries > 0)
        .values(tries=SignInTries.tries - 1)
    )


def forget_tries(session: Session, email: str, address: str, now: datetime | None = None) -> None:
    """After a successful sign-in: the pair's tries are forgotten, this try is not counted
    for the address, and counts whose window is over are dropped."""
    now = now or utcnow()
    pair = (SignInTries.address == address[:64]) & (SignInTries.email == _normal(email))
    session.execute(delete(SignInTries).where(pair))
    session.execute(_one_less(address[:64], EVERY_EMAIL))
    # rows another sign-in holds are left for later: this statement never waits for a
    # lock, so it cannot deadlock with a try being counted (SQLite has no row locks)
    over = select(SignInTries.address, SignInTries.email).where(SignInTries.since <= now - WINDOW)
    key = tuple_(SignInTries.address, SignInTries.email)
    session.execute(delete(SignInTries).where(key.in_(over.with_for_update(skip_locked=True))))


def open_session(session: Session, user_id: int, now: datetime | None = None) -> str:
    """A new web session for the user; its id goes into the signed cookie."""
    now = now or utcnow()
    session.execute(delete(WebSession).where(WebSession.created_at <= now - SESSION_LIFETIME))
    session_id = secrets.token_urlsafe(32)
    session.add(WebSession(id=session_id, user_id=user_id, created_at=now))
    return session_id


def signed_in_user(session: Session, session_id: str, user_id: int) -> User | None:
    """The user of an open session, or None when it was closed, expired or is not theirs."""
    return session.scalar(
        select(User)
        .join(WebSession, WebSession.user_id == User.id)
        .where(
            WebSession.id == session_id,
            User.id == user_id,
            User.active.is_(True),
            WebSession.created_at > utcnow() - SESSION_LIFETIME,
        )
    )


def close_session(session: Session, session_id: str) -> None:
    session.execute(delete(WebSession).where(WebSession.id == session_id))
