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

Counting, forgetting tries and opening and closing sessions are handlers on the unit of
work (the statements in ``adapters/sign_in_repository.py``); ``signed_in_user`` reads on
the caller's session.
"""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.adapters.orm import User, WebSession
from catalog.service_layer import commands
from catalog.service_layer.unit_of_work import UnitOfWork
from shared.db import utcnow

WINDOW = timedelta(minutes=15)
PAIR_LIMIT = 5
ADDRESS_LIMIT = 20
SESSION_LIFETIME = timedelta(days=7)
EVERY_EMAIL = ""  # the e-mail of an address's own count


def _normal(email: str) -> str:
    return email.strip().lower()[:254]


def count_try(cmd: commands.CountTry, uow: UnitOfWork) -> int:
    """Count a sign-in try before its password is checked: 0 when it may be checked,
    else how many seconds tries for the e-mail from the address are refused still (the
    refused try is not counted). Commit before checking, so other workers see the count."""
    now, address = cmd.now or utcnow(), cmd.address[:64]
    counted: list[str] = []
    for email_key, limit in ((_normal(cmd.email), PAIR_LIMIT), (EVERY_EMAIL, ADDRESS_LIMIT)):
        tries, since = uow.sign_ins.count(address, email_key, now, WINDOW)
        counted.append(email_key)
        if tries > limit:
            for key in counted:
                uow.sign_ins.uncount(address, key)
            return _seconds_left(since, now)
    return 0


def _seconds_left(since: datetime, now: datetime) -> int:
    """Seconds until the window that began ``since`` ends, 1 to the window's length: a
    try that took its time ``now`` just before another began the window counts from
    that window's start, never past its end."""
    left = math.ceil((since + WINDOW - now).total_seconds())
    return min(max(1, left), int(WINDOW.total_seconds()))


def forget_tries(cmd: commands.ForgetTries, uow: UnitOfWork) -> None:
    """After a successful sign-in: the pair's tries are forgotten, this try is not counted
    for the address, and counts whose window is over are dropped."""
    now, address = cmd.now or utcnow(), cmd.address[:64]
    uow.sign_ins.forget(address, _normal(cmd.email))
    uow.sign_ins.uncount(address, EVERY_EMAIL)
    uow.sign_ins.drop_started_before(now - WINDOW)


def open_session(cmd: commands.OpenSession, uow: UnitOfWork) -> str:
    """A new web session for the user; its id goes into the signed cookie."""
    now = cmd.now or utcnow()
    uow.sign_ins.close_sessions_opened_before(now - SESSION_LIFETIME)
    session_id = secrets.token_urlsafe(32)
    uow.sign_ins.open_session(session_id, cmd.user_id, now)
    return session_id


def close_session(cmd: commands.CloseSession, uow: UnitOfWork) -> None:
    uow.sign_ins.close_session(cmd.session_id)


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
