"""Notify's delivery log (``GET /api/v1/deliveries``) searched with ``?q=``: text in the
recipient or the subject, any case, for the office's list of e-mails."""

from __future__ import annotations

from typing import TYPE_CHECKING

from notify.adapters.orm import Delivery
from notify.service_layer.account_mail import KIND
from notify.service_layer.outgoing import NOT_A_MEMBER as OFFICE
from shared.db import transaction

if TYPE_CHECKING:
    from tests.api.conftest import Headers, Service


def queue(notify: Service, admin: Headers, to: str, subject: str) -> None:
    """An e-mail to a user's address waiting for the mail sender (as a password link)."""
    with transaction(notify.runtime.sessions) as db:
        db.add(
            Delivery(
                member_id=OFFICE, kind=KIND, channel="email", to=to, subject=subject,
                body="...", status="pending", attempts=0,
            )
        )  # fmt: skip


def test_the_log_is_searched_by_recipient_and_subject(notify: Service, admin: Headers) -> None:
    queue(notify, admin, "info@kowalski-maler.example", "Ihr neues Passwort")
    queue(notify, admin, "buero@becker-fliesen.example", "Rabatt 100% sicher")
    queue(notify, admin, "lager@becker-fliesen.example", "Ihr neues Passwort")

    def found(query: str) -> list[str]:
        response = notify.client.get(f"/api/v1/deliveries{query}", headers=admin)
        assert response.status_code == 200
        return [d["to"] for d in response.get_json()]

    assert found("?q=BECKER") == ["lager@becker-fliesen.example", "buero@becker-fliesen.example"]
    assert found("?q=passwort&status=pending") == [
        "lager@becker-fliesen.example",
        "info@kowalski-maler.example",
    ]
    assert found("?q=100%25") == ["buero@becker-fliesen.example"]
    assert found("?q=0_") == []  # _ is a character too
    assert len(found("")) == 3
