"""Web users: who may sign in, with which role and for which member. Making and changing
a user are handlers on the unit of work; checking a password (``authenticate``,
``may_sign_in``) reads on the sign-in's own session."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from catalog.adapters.orm import Member, Supplier, User
from catalog.domain.model import MIN_PASSWORD_LENGTH
from catalog.service_layer import commands
from catalog.service_layer.records import UserRecord
from catalog.service_layer.unit_of_work import UnitOfWork
from shared.errors import Conflict, Invalid, NotFound

ROLES = ("member", "supplier", "admin")
# Compared against when the e-mail is unknown, so both paths cost one scrypt. Written out
# (werkzeug's scrypt of "not a password") rather than computed: a scrypt at import cost
# every process that imports this module most of a second of CPU at start.
DUMMY_HASH = (
    "scrypt:32768:8:1$0vZqe7sCk9hunq2b$16095df90c209dc0bf27471f3c248fd2442047df756a58c84254dd"
    "7ff1dd19b8227ac299bf4e3e6fa4c3ba79c1b909b5b568a1dc2ee011ddcdb60f7def66f918"
)


def create_user(cmd: commands.CreateUser, uow: UnitOfWork) -> UserRecord:
    email = cmd.email.strip().lower()
    if cmd.role not in ROLES:
        raise Invalid("role", f"Unknown role {cmd.role}.")
    if len(cmd.password) < MIN_PASSWORD_LENGTH:
        raise Invalid("password", f"At least {MIN_PASSWORD_LENGTH} characters.")
    if cmd.role == "member" and (cmd.member_id is None or uow.members.get(cmd.member_id) is None):
        raise NotFound("member_id", f"There is no member {cmd.member_id}.")
    supplier_id = cmd.supplier_id
    if cmd.role == "supplier" and (supplier_id is None or uow.suppliers.get(supplier_id) is None):
        raise NotFound("supplier_id", f"There is no supplier {supplier_id}.")
    if uow.users.by_email(email) is not None:
        raise Conflict("email", f"There is a user {email} already.")
    return uow.users.add(
        {
            "email": email,
            "password_hash": generate_password_hash(cmd.password, method="scrypt"),
            "role": cmd.role,
            "member_id": cmd.member_id if cmd.role == "member" else None,
            "supplier_id": supplier_id if cmd.role == "supplier" else None,
            "language": cmd.language,
        }
    )


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user with this e-mail and password, or None (same cost either way).

    Whether its firm may sign in is ``may_sign_in``'s to say."""
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        check_password_hash(DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def may_sign_in(session: Session, user: User) -> bool:
    """Whether the user may sign in: an active user, and its firm lets it: an admin
    always; a member's or a supplier's user while its firm is active (a deactivated
    user's or firm's sessions end with it)."""
    if not user.active:
        return False
    if user.member_id is not None:
        member = session.get(Member, user.member_id)
        return member is not None and member.active
    if user.supplier_id is not None:
        supplier = session.get(Supplier, user.supplier_id)
        return supplier is not None and supplier.active
    return user.role == "admin"


def set_active(cmd: commands.SetUserActive, uow: UnitOfWork) -> UserRecord:
    """Deactivate a user (its sessions end at once) or make it active again."""
    user = _user(uow, cmd.user_id)
    user.active = cmd.active
    if not cmd.active:
        uow.users.end_sessions(user.id)
    return user


def set_password(cmd: commands.SetPassword, uow: UnitOfWork) -> UserRecord:
    """The user's new password; every session of it ends."""
    user = _user(uow, cmd.user_id)
    if len(cmd.password) < MIN_PASSWORD_LENGTH:
        raise Invalid("password", f"At least {MIN_PASSWORD_LENGTH} characters.")
    user.password_hash = generate_password_hash(cmd.password, method="scrypt")
    uow.users.end_sessions(user.id)
    return user


def set_language(cmd: commands.SetUserLanguage, uow: UnitOfWork) -> UserRecord:
    user = _user(uow, cmd.user_id)
    user.language = cmd.language
    return user


def _user(uow: UnitOfWork, user_id: int) -> UserRecord:
    user = uow.users.get(user_id)
    if user is None:
        raise NotFound("user_id", f"There is no user {user_id}.")
    return user
