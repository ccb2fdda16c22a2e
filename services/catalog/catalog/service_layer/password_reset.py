"""A forgotten password is replaced through a link sent to the user's address.

The link carries a token signed with the secret key and salted with the user's current
password hash, valid for ``LIFETIME``: once the password is changed with it, the hash
changes and the same link is refused; so is a link past its lifetime, one for a
deactivated user, and one whose user is gone. A link's user is found here, on the
request's session; its new password is set by ``users.set_password``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from itsdangerous import BadSignature, Serializer, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.adapters.orm import User

LIFETIME = timedelta(hours=1)
SALT = "zirkel.password-reset"


def _signer(secret_key: str, password_hash: str, clock: Callable[[], float]) -> Serializer:
    """Links of the user whose password hash this is, timed by ``clock``."""

    class Timed(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(clock())

    return URLSafeTimedSerializer(secret_key, salt=f"{SALT}:{password_hash}", signer=Timed)


def user_to_reset(session: Session, email: str) -> User | None:
    """The active user with this e-mail, if there is one."""
    normal = email.strip().lower()
    user = session.scalar(select(User).where(func.lower(User.email) == normal))
    return user if user is not None and user.active else None


def reset_token(user: User, secret_key: str, clock: Callable[[], float] = time.time) -> str:
    return str(_signer(secret_key, user.password_hash, clock).dumps(user.id))


def user_of_token(
    session: Session, token: str, secret_key: str, clock: Callable[[], float] = time.time
) -> User | None:
    """The active user whose unused, unexpired link this is; None for any other link."""
    try:
        _valid, user_id = URLSafeTimedSerializer(secret_key).loads_unsafe(token[:500])
    except BadSignature:  # loads_unsafe raises for what is no token at all
        return None
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    signer = _signer(secret_key, user.password_hash, clock)
    try:
        signer.loads(token, max_age=int(LIFETIME.total_seconds()))
    except BadSignature:  # SignatureExpired is one
        return None
    return user
