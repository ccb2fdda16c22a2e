"""Notify's delivery log (``GET /api/v1/deliveries``) searched with ``?q=``: text in the
recipient or the subject, any case, for the office's list of e-mails."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.api.conftest import Headers, Service


def queue(notify: Service, admin: Headers, to: str, subject: str) -> None:
    body = {"to": to, "subject": subject, "body": "..."}
    assert notify.client.post("/api/v1/account-mail", json=body, headers=admin).status_code == 202


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
