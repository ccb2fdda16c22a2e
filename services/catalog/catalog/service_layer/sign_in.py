"""Sign-in limits and server-side web sessions, kept in the catalog's database so that
every gunicorn worker (and every web process) sees the same counts.

Policy (SECURITY.md):
- After ``PAIR_LIMIT`` failed sign-ins for one e-mail from one address within ``WINDOW``,
  that e-mail is refused from that address (429) until the oldest failure leaves the
  window. The password is not even checked meanwhile.
- After ``ADDRESS_LIMIT`` failures from one address within ``WINDOW`` (any e-mails), the
  address is refused the same way.
- The account itself is never locked: its owner signs in from another address at once.
- A successful sign-in forgets that pair's failures.
- A web session lives in ``web_sessions``; signing out deletes it, and a session older
  than ``SESSION_LIFETIME`` is over even while used.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from catalog.adapters.orm import SignInFailure, User, WebSession
from shared.db import utcnow

WINDOW = timedelta(minutes=15)
PAIR_LIMIT = 5
ADDRESS_LIMIT = 20
SESSION_LIFETIME = timedelta(days=7)


def _normal(email: str) -> str:
    return email.strip().lower()[:254]


def seconds_refused(session: Session, email: str, address: str, now: datetime | None = None) -> int:
    """How long sign-ins for ``email`` from ``address`` are refused still (0: allowed)."""
    now = now or utcnow()
    since = now - WINDOW
    recent = select(SignInFailure.failed_at).where(
        SignInFailure.address == address[:64], SignInFailure.failed_at > since
    )
    waits = [
        _wait(session, recent.where(SignInFailure.email == _normal(email)), PAIR_LIMIT, now),
        _wait(session, recent, ADDRESS_LIMIT, now),
    ]
    return max(waits)


def _wait(session: Session, failures: object, limit: int, now: datetime) -> int:
    """Seconds until fewer than ``limit`` of ``failures`` are left in the window."""
    times = session.scalars(failures.order_by(SignInFailure.failed_at)).all()  # type: ignore[attr-defined]
    if len(times) < limit:
        return 0
    frees_at = times[len(times) - limit] + WINDOW
    return max(1, int((frees_at - now).total_seconds()) + 1)


def record_failure(session: Session, email: str, address: str, now: datetime | None = None) -> None:
    now = now or utcnow()
    session.execute(delete(SignInFailure).where(SignInFailure.failed_at <= now - WINDOW))
    session.add(SignInFailure(email=_normal(email), address=address[:64], failed_at=now))


def forget_failures(session: Session, email: str, address: str) -> None:
    session.execute(
        delete(SignInFailure).where(
            SignInFailure.email == _normal(email), SignInFailure.address == address[:64]
        )
    )


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
            WebSession.created_at > utcnow() - SESSION_LIFETIME,
        )
    )


def close_session(session: Session, session_id: str) -> None:
    session.execute(delete(WebSession).where(WebSession.id == session_id))
