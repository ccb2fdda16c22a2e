"""``zirkel create-user``: a sign-in from the shell, the password never on the command line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from catalog.service_layer import commands, handlers
from catalog.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from catalog.service_layer.users import authenticate
from shared.db import transaction
from shared.settings import Settings
from zirkel import cli


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    env = {"ZIRKEL_SECRET_KEY": "x" * 32, "ZIRKEL_VAR_DIR": str(tmp_path)}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = Settings.from_env(env)
    runtime = cli.service_runtime("catalog", settings)
    runtime.migrate()
    with transaction(runtime.sessions) as db:
        handlers.register_member(
            commands.RegisterMember("Maler Eins", "painter", "eins@maler.example", "44135"),
            SqlAlchemyUnitOfWork(db),
        )
    runtime.engine.dispose()
    return settings


def users(settings: Settings, email: str, password: str) -> tuple | None:
    runtime = cli.service_runtime("catalog", settings)
    with transaction(runtime.sessions) as db:
        user = authenticate(db, email, password)
        found = None if user is None else (user.role, user.member_id, user.language)
    runtime.engine.dispose()
    return found


def test_a_members_sign_in_from_stdin(settings, monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("lang-genug-1\n"))
    argv = ["create-user", "Buero@Maler.example", "--member-id", "1", "--language", "en"]
    assert cli.main([*argv, "--password-stdin"]) == 0
    assert "buero@maler.example" in capsys.readouterr().out
    assert users(settings, "buero@maler.example", "lang-genug-1") == ("member", 1, "en")


def test_an_admin_sign_in_with_the_password_prompted_twice(settings, monkeypatch) -> None:
    typed = iter(["office-secret", "office-secret"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))
    assert cli.main(["create-user", "office@zirkel.example", "--admin"]) == 0
    assert users(settings, "office@zirkel.example", "office-secret") == ("admin", None, "de")


def test_two_different_passwords_create_nothing(settings, monkeypatch, capsys) -> None:
    typed = iter(["office-secret", "office-secreT"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))
    assert cli.main(["create-user", "office@zirkel.example", "--admin"]) == 1
    assert "differ" in capsys.readouterr().err
    assert users(settings, "office@zirkel.example", "office-secret") is None


def test_an_unknown_member_or_a_short_password_is_refused(settings, monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("lang-genug-1\n"))
    argv = ["create-user", "x@maler.example", "--member-id", "9", "--password-stdin"]
    assert cli.main(argv) == 1
    assert "member_id" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("kurz\n"))
    argv = ["create-user", "x@maler.example", "--member-id", "1", "--password-stdin"]
    assert cli.main(argv) == 1
    assert "password" in capsys.readouterr().err


def test_the_password_is_not_an_argument() -> None:
    with pytest.raises(SystemExit):
        cli.main(["create-user", "x@maler.example", "--admin", "--password", "in-history"])
