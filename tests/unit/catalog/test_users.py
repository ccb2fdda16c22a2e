"""Making and changing web users, decided on a fake unit of work."""

from __future__ import annotations

import pytest
from werkzeug.security import check_password_hash

from catalog.service_layer import commands
from catalog.service_layer.users import create_user, set_active, set_language, set_password
from shared.errors import Conflict, Invalid, NotFound
from tests.unit.catalog.fakes import FakeMember, FakeSupplier, FakeUnitOfWork

PASSWORD = "lang-genug"


def directory() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.members.rows[1] = FakeMember(1)
    uow.suppliers.rows[1] = FakeSupplier(1)
    return uow


def test_a_member_s_user_is_kept_with_its_e_mail_in_lower_case_and_its_password_hashed() -> None:
    uow = directory()
    user = create_user(commands.CreateUser(" Kaya@Maler.example ", PASSWORD, member_id=1), uow)
    assert (user.email, user.role, user.member_id, user.supplier_id) == (
        "kaya@maler.example",
        "member",
        1,
        None,
    )
    assert user.password_hash != PASSWORD and check_password_hash(user.password_hash, PASSWORD)
    with pytest.raises(Conflict) as caught:
        create_user(commands.CreateUser("KAYA@maler.example", PASSWORD, member_id=1), uow)
    assert caught.value.field == "email"


def test_a_supplier_s_user_belongs_to_its_supplier_alone() -> None:
    cmd = commands.CreateUser("lager@nord.example", PASSWORD, "supplier", 1, supplier_id=1)
    user = create_user(cmd, directory())
    assert (user.member_id, user.supplier_id) == (None, 1)


@pytest.mark.parametrize(
    ("cmd", "refusal", "field_name"),
    [
        (commands.CreateUser("a@b.example", PASSWORD, "guest"), Invalid, "role"),
        (commands.CreateUser("a@b.example", "kurz", member_id=1), Invalid, "password"),
        (commands.CreateUser("a@b.example", PASSWORD, member_id=2), NotFound, "member_id"),
        (commands.CreateUser("a@b.example", PASSWORD), NotFound, "member_id"),
        (commands.CreateUser("a@b.example", PASSWORD, "supplier"), NotFound, "supplier_id"),
    ],
)
def test_a_user_that_cannot_be_is_refused(
    cmd: commands.CreateUser, refusal: type[Exception], field_name: str
) -> None:
    uow = directory()
    with pytest.raises(refusal) as caught:
        create_user(cmd, uow)
    assert caught.value.field == field_name  # type: ignore[attr-defined]
    assert uow.users.rows == {}


def test_a_deactivated_user_s_sessions_end_and_a_reactivated_one_starts_afresh() -> None:
    uow = directory()
    user = create_user(commands.CreateUser("a@b.example", PASSWORD, "admin"), uow)
    uow.users.sessions[user.id] = 1
    assert set_active(commands.SetUserActive(user.id, False), uow).active is False
    assert uow.users.sessions == {}
    assert set_active(commands.SetUserActive(user.id, True), uow).active is True
    assert set_language(commands.SetUserLanguage(user.id, "en"), uow).language == "en"
    with pytest.raises(NotFound):
        set_active(commands.SetUserActive(99, False), uow)


def test_a_new_password_ends_every_session_and_a_short_one_changes_nothing() -> None:
    uow = directory()
    user = create_user(commands.CreateUser("a@b.example", PASSWORD, "admin"), uow)
    before = user.password_hash
    uow.users.sessions[user.id] = 2
    with pytest.raises(Invalid) as caught:
        set_password(commands.SetPassword(user.id, "kurz"), uow)
    assert caught.value.field == "password"
    assert (user.password_hash, uow.users.sessions) == (before, {user.id: 2})
    set_password(commands.SetPassword(user.id, "ganz-neues-wort"), uow)
    assert check_password_hash(user.password_hash, "ganz-neues-wort")
    assert uow.users.sessions == {}
