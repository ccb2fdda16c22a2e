"""A member's preferences over the API, and the one-click unsubscribe from an e-mail."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from notify.adapters.orm import Delivery
from shared.unsubscribe import UnsubscribeLinks
from tests.support.notify_events import (
    CLOSED,
    member_registered,
    placed_at,
    reactions,
    register_members,
)

if TYPE_CHECKING:
    from tests.api.conftest import Headers, Service

PATH = "/api/v1/members/1/preferences"


@pytest.fixture(autouse=True)
def known_members(notify: Service) -> None:
    """Catalog has told notify of members 1 and 2."""
    react = reactions(notify)
    for member_id in (1, 2):
        notify.deliver(react, member_registered(member_id))


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


def test_a_partial_change_keeps_every_part_left_out(notify: Service) -> None:
    me = notify.token("member", 1)
    first = {
        "channels": {"app": False, "email": True},
        "language": "en",
        "nudges": {"bought_before": True, "trade": True},
        "quiet_hours": {"from": "21:30", "until": "07:00"},
    }
    assert notify.client.put(PATH, json=first, headers=me).status_code == 200

    response = notify.client.put(PATH, json={"channels": {"email": False}}, headers=me)
    assert response.status_code == 200, response.get_json()
    notify.client.put(PATH, json={"nudges": {"trade": False}}, headers=me)
    notify.client.put(PATH, json={"quiet_hours": {"until": "06:00"}}, headers=me)

    body = notify.client.get(PATH, headers=me).get_json()
    assert body["channels"] == {"app": False, "email": False}
    assert body["nudges"] == {"bought_before": True, "trade": False}
    assert body["quiet_hours"] == {"from": "21:30:00", "until": "06:00:00"}
    assert body["language"] == "en"


def test_unknown_keys_and_half_quiet_hours_are_refused(notify: Service) -> None:
    me = notify.token("member", 1)
    for change, field in (
        ({"channels": {"sms": True}}, "channels"),
        ({"nudges": {"email": True}}, "nudges"),
        ({"colour": "blue"}, "colour"),
        ({"quiet_hours": {"until": "07:00"}}, "quiet_hours"),  # none set: both ends needed
    ):
        response = notify.client.put(PATH, json=change, headers=me)
        assert response.status_code == 422, change
        assert field in response.get_json()["details"], change
    notify.client.put(PATH, json={"quiet_hours": {"from": "22:00", "until": "06:00"}}, headers=me)
    same = notify.client.put(PATH, json={"quiet_hours": {"until": "22:00"}}, headers=me)
    assert same.status_code == 422 and "quiet_hours" in same.get_json()["details"]
    body = notify.client.get(PATH, headers=me).get_json()
    assert body["quiet_hours"] == {"from": "22:00:00", "until": "06:00:00"}
    assert body["channels"] == {"app": True, "email": True}
    off = notify.client.put(PATH, json={"quiet_hours": None}, headers=me)
    assert off.get_json()["quiet_hours"] is None
