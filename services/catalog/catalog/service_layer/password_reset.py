"""A forgotten password is replaced through a link sent to the user's address.

Asking for a link (``ask_for_reset``) is counted like sign-in tries, apart from them; an
active user's address within the limit gets a link, signed here and handed to notify by
``catalog.password_reset.requested`` in the same transaction (notify writes the e-mail).
Any other address, and any request past the limit, costs the same work (the count, the
look-up, a link signed, one commit) and sends nothing, so the time an answer takes does
not tell whether an address has a sign-in.

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
from sqlalchemy.orm import Session

from catalog.adapters.orm import User
from catalog.service_layer import commands, sign_in
from catalog.service_layer.records import UserRecord
from catalog.service_layer.unit_of_work import UnitOfWork
from catalog.service_layer.users import DUMMY_HASH
from shared.events import PasswordResetRequested

LIFETIME = timedelta(hours=1)
MINUTES = int(LIFETIME.total_seconds() // 60)
SALT = "zirkel.password-reset"
RESET_TRIES = "reset:"  # links asked for an e-mail are counted apart from its sign-in tries
NO_USER = 0  # the user id a link for no user is signed for (ids start at 1)


def _signer(secret_key: str, password_hash: str, clock: Callable[[], float]) -> Serializer:
    """Links of the user whose password hash this is, timed by ``clock``."""

    class Timed(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(clock())

    return URLSafeTimedSerializer(secret_key, salt=f"{SALT}:{password_hash}", signer=Timed)


def ask_for_reset(
    cmd: commands.AskForReset, uow: UnitOfWork, *, secret_key: str, clock: Callable[[], float]
) -> bool:
    """Count the request, then sign a link: for the active user of ``cmd.email`` within
    the limit, published for notify to send (True); for anyone else a link of no user,
    salted like a real one and dropped (False). The count and the event commit together:
    the count's one atomic statement holds its row until then, so requests sent at once
    to several workers still never get more links than the limit. The secret key that
    signs the link and the clock that times it are bound in ``bootstrap.command_handlers``."""
    counted = commands.CountTry(RESET_TRIES + cmd.email, cmd.address, cmd.now)
    wait = sign_in.count_try(counted, uow)
    found = uow.users.by_email(cmd.email.strip().lower())
    user = found if found is not None and found.active and not wait else None
    if user is None:
        _signer(secret_key, DUMMY_HASH, clock).dumps(NO_USER)
        return False
    token = reset_token(user, secret_key, clock)
    uow.publish(
        PasswordResetRequested(
            user_id=user.id,
            email=user.email,
            language=user.language,
            token=token,
            minutes=MINUTES,
        )
    )
    return True


def reset_token(user: UserRecord, secret_key: str, clock: Callable[[], float] = time.time) -> str:
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
