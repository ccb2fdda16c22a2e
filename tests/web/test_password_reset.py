"""A forgotten password is reset by a link sent by e-mail: it works once, expires after an
hour, and asking for it never tells whether an address has a sign-in."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from catalog.adapters.orm import User
from catalog.domain.model import MAX_PASSWORD_LENGTH
from catalog.service_layer import password_reset
from notify.adapters.orm import Delivery
from notify.bootstrap import handlers
from shared import events
from shared.db import transaction
from tests.api.conftest import Service
from tests.web.conftest import Site, csrf_token, sign_in
from tests.web.test_user_deactivation import EINS, deactivate, post, tried


@pytest.fixture
def office(site: Site) -> FlaskClient:
    client = site.client()
    sign_in(client, "admin@zirkel.example")
    return client


class Mailbox:
    """The e-mails notify queued for its mail sender, after it was handed every password
    link catalog published, as notify's consumer would."""

    def __init__(self, site: Site, notify: Service) -> None:
        self.catalog = Service(site.catalog, site.api(), site.runtime)
        self.notify = notify
        self.react = handlers(notify.runtime.settings, notify.runtime.outbox)
        self.seen: set[str] = set()

    def sent(self) -> list[Delivery]:
        for body in self.catalog.outbox("catalog.password_reset.requested"):
            if body["event_id"] not in self.seen:
                self.seen.add(body["event_id"])
                self.notify.deliver(self.react, events.load(body))
        with transaction(self.notify.runtime.sessions) as db:
            found = list(db.scalars(select(Delivery).order_by(Delivery.id)))
            db.expunge_all()
            return found


@pytest.fixture
def mails(site: Site) -> Iterator[Mailbox]:
    from notify.entrypoints.app import create_app

    app = create_app(site.app.extensions["zirkel.settings"])
    notify = Service(app, app.test_client(), app.extensions["zirkel.runtime"])
    notify.runtime.migrate()
    yield Mailbox(site, notify)
    notify.runtime.engine.dispose()


def ask_for_link(client: FlaskClient, email: str) -> Any:
    return post(client, "/password/forgot", "/password/forgot", email=email)


def link_in(mail: Delivery) -> str:
    found = re.search(r"https?://\S+(/password/reset/\S+)", mail.body)
    assert found, mail.body
    return found.group(1)


def test_a_known_and_an_unknown_address_get_the_same_answer(site: Site, mails: Mailbox) -> None:
    known = ask_for_link(site.client(), EINS)
    unknown = ask_for_link(site.client(), "niemand@maler.example")
    assert known.status_code == unknown.status_code == 200
    as_seen = [
        r.get_data(as_text=True).replace(e, "")
        for r, e in ((known, EINS), (unknown, "niemand@maler.example"))
    ]
    strip = re.compile(r'name="csrf_token"[^>]*>')
    assert strip.sub("", as_seen[0]) == strip.sub("", as_seen[1])
    [mail] = mails.sent()  # only the known one gets a mail
    assert (mail.to, mail.subject, mail.kind) == (EINS, "Ihr neues Zirkel-Passwort", "account")


def test_asking_is_one_call_to_catalog_for_any_address(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    http = site.app.extensions["zirkel.runtime"].http
    calls: list[str] = []
    send = http.send

    def counted(request: Any, **options: Any) -> Any:
        calls.append(f"{request.method} {request.url}")
        return send(request, **options)

    monkeypatch.setattr(http, "send", counted)
    asked = {}
    for email in (EINS, "niemand@maler.example"):
        calls.clear()
        ask_for_link(site.client(), email)
        asked[email] = list(calls)
    catalog = site.app.extensions["zirkel.settings"].service_urls["catalog"]
    [only] = {tuple(made) for made in asked.values()}  # the same calls for both
    assert only == (f"POST {catalog}/api/v1/password-resets",)


def test_the_link_sets_a_new_password_once(site: Site, mails: Mailbox) -> None:
    ask_for_link(site.client(), EINS.upper())
    link = link_in(mails.sent()[0])
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


def test_a_deactivated_user_gets_no_link(site: Site, office: FlaskClient, mails: Mailbox) -> None:
    deactivate(site, office, EINS)
    assert ask_for_link(site.client(), EINS).status_code == 200
    assert mails.sent() == []


def test_passwords_must_match_and_be_long_enough(site: Site, mails: Mailbox) -> None:
    ask_for_link(site.client(), EINS)
    link, client = link_in(mails.sent()[0]), site.client()
    assert post(client, link, link, password="kurz", repeated="kurz").status_code == 422
    different = post(client, link, link, password="lang-genug-1", repeated="lang-genug-2")
    assert different.status_code == 422
    assert "Die Passwörter stimmen nicht überein." in different.get_data(as_text=True)
    assert tried(site.client(), EINS) == 302  # the old password still holds


def test_links_asked_for_too_often_are_not_sent(site: Site, mails: Mailbox) -> None:
    answers = [ask_for_link(site.client(), EINS) for _ in range(6)]
    assert {a.status_code for a in answers} == {200}  # the same answer, also past the limit
    assert len(mails.sent()) == 5
    assert tried(site.client(), EINS) == 302  # signing in is not held up by it


def test_a_password_as_long_as_catalog_takes_is_set_and_signs_in(
    site: Site, mails: Mailbox
) -> None:
    """The forms take a password up to catalog's longest (MAX_PASSWORD_LENGTH), not one
    length of their own; one longer is refused on the page."""
    ask_for_link(site.client(), EINS)
    link, client = link_in(mails.sent()[0]), site.client()
    too_long = "x" * (MAX_PASSWORD_LENGTH + 1)
    assert post(client, link, link, password=too_long, repeated=too_long).status_code == 422
    longest = "lang" * (MAX_PASSWORD_LENGTH // 4)
    changed = post(client, link, link, password=longest, repeated=longest)
    assert changed.status_code == 302
    assert tried(site.client(), EINS, longest) == 302
