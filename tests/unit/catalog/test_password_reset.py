"""Asking for a password link, decided on a fake unit of work with the handler as
catalog's bootstrap binds it: the command and a unit of work, nothing else."""

from __future__ import annotations

from datetime import datetime

from itsdangerous import URLSafeTimedSerializer

from catalog.bootstrap import command_handlers
from catalog.service_layer import commands, password_reset
from shared.events import PasswordResetRequested
from shared.settings import Settings
from tests.unit.catalog.fakes import FakeUnitOfWork

SECRET = "s" * 32
NOW = datetime(2026, 12, 7, 9, 0)


def asked(uow: FakeUnitOfWork, email: str) -> bool:
    handle = command_handlers(Settings.from_env({"ZIRKEL_SECRET_KEY": SECRET}))
    return bool(handle[commands.AskForReset](commands.AskForReset(email, "203.0.113.7", NOW), uow))


def test_a_user_s_link_is_signed_with_the_settings_secret_key() -> None:
    uow = FakeUnitOfWork()
    facts = {"email": "kaya@maler.example", "password_hash": "scrypt:x", "role": "member"}
    user = uow.users.add(facts | {"member_id": 1, "supplier_id": None, "language": "de"})

    assert asked(uow, "Kaya@Maler.example")

    [requested] = uow.published
    assert isinstance(requested, PasswordResetRequested)
    salt = f"{password_reset.SALT}:{user.password_hash}"
    assert URLSafeTimedSerializer(SECRET, salt=salt).loads(requested.token) == user.id


def test_an_unknown_address_gets_no_link() -> None:
    uow = FakeUnitOfWork()

    assert not asked(uow, "niemand@maler.example")
    assert uow.published == []
