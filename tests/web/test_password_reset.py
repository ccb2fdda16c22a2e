"""A forgotten password is reset by a link sent by e-mail: it works once, expires after an
hour, and asking for it never tells whether an address has a sign-in."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from catalog.adapters.orm import User
from catalog.service_layer import password_reset
from shared.db import transaction
from tests.web.conftest import Site, csrf_token, sign_in
from tests.web.test_user_deactivation import EINS, deactivate, post, tried


@pytest.fixture
def office(site: Site) -> FlaskClient:
    client = site.client()
    sign_in(client, "admin@zirkel.example")
    return client


@pytest.fixture
def mails(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What the pages hand notify to send (notify's side: tests/api/test_account_mail.py)."""
    sent: list[dict[str, Any]] = []

    def change(method: str, path: str, role: str, subject_id: Any, body: dict) -> Any:
        assert (method, path, role) == ("POST", "/account-mail", "admin")
        sent.append(body)
        return 202, {}

    monkeypatch.setattr("web.pages.password_reset.change", change)
    return sent


def ask_for_link(client: FlaskClient, email: str) -> Any:
    return post(client, "/password/forgot", "/password/forgot", email=email)


def link_in(mail: dict[str, Any]) -> str:
    found = re.search(r"https?://\S+(/password/reset/\S+)", mail["body"])
    assert found, mail["body"]
    return found.group(1)


def test_a_known_and_an_unknown_address_get_the_same_answer(
    site: Site, mails: list[dict[str, Any]]
) -> None:
    known = ask_for_link(site.client(), EINS)
    unknown = ask_for_link(site.client(), "niemand@maler.example")
    assert known.status_code == unknown.status_code == 200
    as_seen = [
        r.get_data(as_text=True).replace(e, "")
        for r, e in ((known, EINS), (unknown, "niemand@maler.example"))
    ]
    strip = re.compile(r'name="csrf_token"[^>]*>')
    assert strip.sub("", as_seen[0]) == strip.sub("", as_seen[1])
    assert [m["to"] for m in mails] == [EINS]  # only the known one gets a mail
    assert mails[0]["subject"] == "Ihr neues Zirkel-Passwort"


def test_the_link_sets_a_new_password_once(site: Site, mails: list[dict[str, Any]]) -> None:
    ask_for_link(site.client(), EINS.upper())
    link = link_in(mails[0])
    client = site.client()
    assert client.get(link).status_code == 200
    changed = post(client, link, link, password="neu-und-lang", repeated="neu-und-lang")
    assert changed.status_code == 302 and changed.headers["Location"].endswith("/login")
    assert tried(site.client(), EINS) == 422
    assert tried(site.client(), EINS, "neu-und-lang") == 302
    again = site.client()
    assert again.get(link).status_code == 410  # used: the password hash it was salted with is gone
    token = csrf_token(client.get("/password/forgot").get_data(as_text=True))
    data = {"password": "noch-ein-neues", "repeated": "noch-ein-neues", "csrf_token": token}
    assert client.post(link, data=data).status_code == 410
    assert tried(site.client(), EINS, "neu-und-lang") == 302


def test_the_link_expires_after_an_hour(site: Site) -> None:
    secret = site.app.extensions["zirkel.settings"].secret_key
    with transaction(site.runtime.sessions) as db:
        user = db.scalar(select(User).where(User.email == EINS))
        an_hour_ago = time.time() - password_reset.LIFETIME.total_seconds() - 1
        old = password_reset.reset_token(user, secret, clock=lambda: an_hour_ago)
        fresh = password_reset.reset_token(user, secret)
    assert site.client().get(f"/password/reset/{old}").status_code == 410
    assert site.client().get(f"/password/reset/{fresh}").status_code == 200
    assert site.client().get("/password/reset/not-a-token").status_code == 410


def test_a_deactivated_user_gets_no_link(
    site: Site, office: FlaskClient, mails: list[dict[str, Any]]
) -> None:
    deactivate(site, office, EINS)
    assert ask_for_link(site.client(), EINS).status_code == 200
    assert mails == []


def test_passwords_must_match_and_be_long_enough(site: Site, mails: list[dict[str, Any]]) -> None:
    ask_for_link(site.client(), EINS)
    link, client = link_in(mails[0]), site.client()
    assert post(client, link, link, password="kurz", repeated="kurz").status_code == 422
    different = post(client, link, link, password="lang-genug-1", repeated="lang-genug-2")
    assert different.status_code == 422
    assert "Die Passwörter stimmen nicht überein." in different.get_data(as_text=True)
    assert tried(site.client(), EINS) == 302  # the old password still holds


def test_links_asked_for_too_often_are_not_sent(site: Site, mails: list[dict[str, Any]]) -> None:
    answers = [ask_for_link(site.client(), EINS) for _ in range(6)]
    assert {a.status_code for a in answers} == {200}  # the same answer, also past the limit
    assert len(mails) == 5
    assert tried(site.client(), EINS) == 302  # signing in is not held up by it
