"""Notify's per-member paths answer 404 for a member catalog never told notify of, for an
admin too, and store nothing for it; another member's paths stay a 403."""

from __future__ import annotations

import pytest

from notify.adapters.orm_savings import Preferences
from tests.api.conftest import Headers, Service
from tests.support.notify_events import member_registered, reactions

UNKNOWN = 99999
READ_PATHS = [
    "/api/v1/members/{id}/preferences",
    "/api/v1/members/{id}/savings",
    "/api/v1/members/{id}/statements/2026",
    "/api/v1/members/{id}/statements/2026/3",
    "/api/v1/members/{id}/statements/2026.csv",
    "/api/v1/members/{id}/statements/2026/3.pdf",
    "/api/v1/members/{id}/reports/1",
]


@pytest.mark.parametrize("path", READ_PATHS)
def test_an_unknown_member_is_not_found(notify: Service, admin: Headers, path: str) -> None:
    response = notify.client.get(path.format(id=UNKNOWN), headers=admin)
    assert response.status_code == 404
    assert response.get_json()["details"] == {"member_id": [f"There is no member {UNKNOWN}."]}


@pytest.mark.parametrize("path", READ_PATHS)
def test_a_member_is_answered_before_its_registration_reaches_notify(
    notify: Service, path: str
) -> None:
    """Catalog issues a member's token only for a member it keeps (never deleted), so the
    token proves the member: its own paths answer while the registration is on its way."""
    own_token = notify.token("member", UNKNOWN)
    response = notify.client.get(path.format(id=UNKNOWN), headers=own_token)
    assert (response.get_json(silent=True) or {}).get("details") != {
        "member_id": [f"There is no member {UNKNOWN}."]
    }


def test_no_preferences_are_made_for_an_unknown_member(notify: Service, admin: Headers) -> None:
    path = f"/api/v1/members/{UNKNOWN}/preferences"
    response = notify.client.put(path, json={"language": "en"}, headers=admin)
    assert response.status_code == 404
    with notify.runtime.sessions() as session:
        assert session.get(Preferences, UNKNOWN) is None


@pytest.mark.parametrize("path", READ_PATHS)
def test_another_members_paths_stay_forbidden(notify: Service, path: str) -> None:
    notify.deliver(reactions(notify), member_registered(1))
    stranger = notify.token("member", 2)
    assert notify.client.get(path.format(id=1), headers=stranger).status_code == 403
    assert notify.client.get(path.format(id=UNKNOWN), headers=stranger).status_code == 403


def test_a_known_member_without_history_gets_its_defaults(notify: Service) -> None:
    notify.deliver(reactions(notify), member_registered(1))
    me = notify.token("member", 1)
    assert notify.client.get("/api/v1/members/1/preferences", headers=me).status_code == 200
    savings = notify.client.get("/api/v1/members/1/savings", headers=me)
    assert savings.status_code == 200 and savings.get_json()["windows"] == []
