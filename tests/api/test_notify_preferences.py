"""A member's preferences over the API, and the one-click unsubscribe from an e-mail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from notify.adapters.orm import Delivery
from shared.unsubscribe import UnsubscribeLinks
from tests.support.notify_events import CLOSED, placed_at, reactions, register_members

if TYPE_CHECKING:
    from tests.api.conftest import Headers, Service

PATH = "/api/v1/members/1/preferences"


def test_defaults_until_changed(notify: Service) -> None:
    body = notify.client.get(PATH, headers=notify.token("member", 1)).get_json()

    assert body == {
        "member_id": 1,
        "channels": {"app": True, "email": True},
        "language": None,
        "nudges": {"bought_before": False, "trade": False},
        "quiet_hours": None,
        "membership_fee": "240.00",
    }


def test_a_member_chooses_channels_language_nudges_and_quiet_hours(notify: Service) -> None:
    me = notify.token("member", 1)
    change = {
        "channels": {"app": True, "email": False},
        "language": "en",
        "nudges": {"bought_before": True, "trade": False},
        "quiet_hours": {"from": "21:30", "until": "07:00"},
    }
    assert notify.client.put(PATH, json=change, headers=me).status_code == 200
    notify.client.put(PATH, json={"nudges": {"bought_before": True, "trade": True}}, headers=me)

    body = notify.client.get(PATH, headers=me).get_json()

    assert body["channels"] == {"app": True, "email": False}
    assert body["language"] == "en"
    assert body["nudges"] == {"bought_before": True, "trade": True}
    assert body["quiet_hours"] == {"from": "21:30:00", "until": "07:00:00"}


def test_bad_preferences_are_refused_by_field(notify: Service) -> None:
    me = notify.token("member", 1)
    for change, field in (
        ({"language": "fr"}, "language"),
        ({"quiet_hours": {"from": "25:00", "until": "07:00"}}, "quiet_hours"),
        ({"quiet_hours": {"from": "07:00", "until": "07:00"}}, "quiet_hours"),
        ({"channels": {"app": "sometimes", "email": True}}, "channels"),
    ):
        response = notify.client.put(PATH, json=change, headers=me)
        assert response.status_code == 422, change
        assert field in response.get_json()["details"]


def test_another_member_neither_reads_nor_changes_them(notify: Service, admin: Headers) -> None:
    other = notify.token("member", 2)
    assert notify.client.get(PATH, headers=other).status_code == 403
    assert notify.client.put(PATH, json={"language": "en"}, headers=other).status_code == 403
    assert notify.client.get(PATH, headers=admin).get_json()["language"] is None


def test_the_link_in_an_email_unsubscribes_without_a_sign_in(notify: Service) -> None:
    react = reactions(notify)
    register_members(notify, react)
    notify.deliver(react, placed_at(CLOSED))
    with notify.runtime.sessions() as session:
        link = session.get(Delivery, 1).unsubscribe_url
    token = link.rsplit("/", 1)[1]

    response = notify.client.post("/api/v1/unsubscribe", json={"token": token})

    assert response.status_code == 200
    assert response.get_json() == {"member_id": 1, "email": False}
    me = notify.token("member", 1)
    assert notify.client.get(PATH, headers=me).get_json()["channels"]["email"] is False
    notify.deliver(react, placed_at(CLOSED, order_id=2, window_id=2))
    with notify.runtime.sessions() as session:
        mine = session.query(Delivery).filter_by(member_id=1).count()
        theirs = session.query(Delivery).filter_by(member_id=2).count()
    assert (mine, theirs) == (2, 4)  # window 1's two mails; none for window 2


def test_a_forged_token_unsubscribes_nobody(notify: Service) -> None:
    forged = UnsubscribeLinks("another-secret-entirely!", "http://x").token(1)
    response = notify.client.post("/api/v1/unsubscribe", json={"token": forged})
    assert response.status_code == 404
    assert "token" in response.get_json()["details"]
    missing = notify.client.post("/api/v1/unsubscribe", json={})
    assert missing.status_code == 422
