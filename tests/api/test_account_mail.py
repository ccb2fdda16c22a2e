"""A password link reaches the user by e-mail through ``catalog.password_reset.requested``:
catalog publishes it for an active user's address only, notify writes the e-mail in the
user's language and queues it for its mail sender (kind ``account``); the delivery log
shows it without its body."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from notify.adapters.orm import Delivery
from notify.bootstrap import handlers
from shared import events
from shared.db import transaction
from tests.api.conftest import Created, Headers, Service
from tests.api.test_catalog_password_resets_api import REQUESTED, ask
from tests.api.test_catalog_users_api import add_user


def relay(catalog: Service, notify: Service, seen: set[str]) -> None:
    """Hand notify every password link catalog published and notify has not had yet, as
    notify's consumer would."""
    react = handlers(notify.runtime.settings, notify.runtime.outbox)
    for body in catalog.outbox(REQUESTED):
        if body["event_id"] not in seen:
            seen.add(body["event_id"])
            notify.deliver(react, events.load(body))


def queued(notify: Service) -> list[Delivery]:
    with transaction(notify.runtime.sessions) as db:
        found = db.scalars(select(Delivery).order_by(Delivery.id)).all()
        db.expunge_all()
        return list(found)


def link_for(language: str) -> events.PasswordResetRequested:
    return events.PasswordResetRequested(
        user_id=7, email="eins@maler.example", language=language, token="t0k.en", minutes=60
    )


def test_a_known_address_gets_one_e_mail_an_unknown_none_the_same_answer_for_both(
    catalog: Service, notify: Service, admin: Headers, make_member: Callable[..., Created]
) -> None:
    add_user(catalog, admin, member_id=make_member().id)
    seen: set[str] = set()
    assert ask(catalog, admin) == ask(catalog, admin, "niemand@maler.example") == {}
    relay(catalog, notify, seen)
    relay(catalog, notify, seen)  # handed over once
    [mail] = queued(notify)
    assert (mail.to, mail.kind, mail.status) == ("buero@maler.example", "account", "pending")
    assert mail.subject == "Ihr neues Zirkel-Passwort"
    [token] = [body["payload"]["token"] for body in catalog.outbox(REQUESTED)]
    public_url = notify.runtime.settings.public_url.rstrip("/")
    assert f"{public_url}/password/reset/{token}\n" in mail.body
    assert "einmal und 60 Minuten lang" in mail.body


def test_the_e_mail_is_in_the_users_language(notify: Service) -> None:
    react = handlers(notify.runtime.settings, notify.runtime.outbox)
    notify.deliver(react, link_for("en"))
    notify.deliver(react, link_for("de"))
    english, german = queued(notify)
    assert english.subject == "Your new Zirkel password"
    assert english.body.startswith("Hello,\n\nsomeone (you, we hope) asked for a new password")
    assert "works once and for 60 minutes" in english.body
    assert german.subject == "Ihr neues Zirkel-Passwort"
    assert german.body.startswith("Guten Tag,\n\njemand (hoffentlich Sie)")
    assert all("/password/reset/t0k.en\n" in m.body for m in (english, german))


def test_the_delivery_log_shows_the_e_mail_without_its_link(
    notify: Service, admin: Headers
) -> None:
    notify.deliver(handlers(notify.runtime.settings, notify.runtime.outbox), link_for("de"))
    response = notify.client.get("/api/v1/deliveries?kind=account", headers=admin)
    [shown] = response.get_json()
    assert (shown["to"], shown["subject"]) == ("eins@maler.example", "Ihr neues Zirkel-Passwort")
    assert "body" not in shown and "t0k.en" not in response.get_data(as_text=True)
