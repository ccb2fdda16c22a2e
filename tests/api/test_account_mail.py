"""Notify's ``POST /api/v1/account-mail``: the pages that keep the sign-ins have an e-mail
(a password-reset link) sent to one user's address by notify's mail sender."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from notify.adapters.orm import Delivery
from shared.db import transaction

if TYPE_CHECKING:
    from tests.api.conftest import Headers, Service

MAIL = {"to": "eins@maler.example", "subject": "Ihr neues Passwort", "body": "Link: https://x/p/t"}


def test_the_office_queues_an_account_mail_for_the_sender(notify: Service, admin: Headers) -> None:
    response = notify.client.post("/api/v1/account-mail", json=MAIL, headers=admin)
    assert response.status_code == 202, response.get_json()
    assert response.get_json()["kind"] == "account"
    assert "body" not in response.get_json()  # the link stays out of every answer
    with transaction(notify.runtime.sessions) as db:
        [queued] = db.scalars(select(Delivery)).all()
        assert (queued.to, queued.subject, queued.body) == (
            MAIL["to"],
            MAIL["subject"],
            MAIL["body"],
        )
        assert (queued.status, queued.channel) == ("pending", "email")


def test_only_the_office_sends_account_mail(notify: Service) -> None:
    member = notify.token("member", 1)
    assert notify.client.post("/api/v1/account-mail", json=MAIL, headers=member).status_code == 403
    assert notify.client.post("/api/v1/account-mail", json=MAIL).status_code == 401


def test_an_account_mail_needs_an_address(notify: Service, admin: Headers) -> None:
    response = notify.client.post(
        "/api/v1/account-mail", json=MAIL | {"to": "no address"}, headers=admin
    )
    assert response.status_code == 422
    assert "to" in response.get_json()["details"]
