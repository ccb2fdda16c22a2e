"""Catalog's users API, which the web service asks as the office: a sign-in counted before
its password is checked, the open session's user, closing it, the office's sign-ins."""

from __future__ import annotations

from collections.abc import Callable

from catalog.service_layer import sign_in as limits
from tests.api.conftest import Created, Headers, Service

PASSWORD = "geheim-123"


def add_user(catalog: Service, admin: Headers, **body: object) -> dict:
    body = {"email": "buero@maler.example", "password": PASSWORD} | body
    response = catalog.client.post("/api/v1/users", json=body, headers=admin)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def sign_in(catalog: Service, admin: Headers, password: str = PASSWORD, address: str = "1.2.3.4"):
    body = {"email": "Buero@Maler.example ", "password": password, "address": address}
    return catalog.client.post("/api/v1/sign-ins", json=body, headers=admin)


def test_a_sign_in_gives_the_user_and_a_session_that_closes(
    catalog: Service, admin: Headers, make_member: Callable[..., Created]
) -> None:
    member = make_member()
    user = add_user(catalog, admin, member_id=member.id, language="en")
    assert "password" not in user and "password_hash" not in user

    answer = sign_in(catalog, admin)
    assert answer.status_code == 201
    assert answer.get_json()["user"] == user
    session = {"session_id": answer.get_json()["session_id"], "user_id": user["id"]}
    found = catalog.client.post("/api/v1/web-sessions/user", json=session, headers=admin)
    assert found.status_code == 200 and found.get_json()["member_id"] == member.id

    other = session | {"user_id": user["id"] + 1}
    assert (
        catalog.client.post("/api/v1/web-sessions/user", json=other, headers=admin).status_code
        == 404
    )
    closed = {"session_id": session["session_id"]}
    closing = catalog.client.post("/api/v1/web-sessions/close", json=closed, headers=admin)
    assert closing.status_code == 200
    gone = catalog.client.post("/api/v1/web-sessions/user", json=session, headers=admin)
    assert gone.status_code == 404


def test_a_deactivated_members_user_neither_signs_in_nor_keeps_its_session(
    catalog: Service, admin: Headers, make_member: Callable[..., Created]
) -> None:
    member = make_member()
    user = add_user(catalog, admin, member_id=member.id)
    session = {
        "session_id": sign_in(catalog, admin).get_json()["session_id"],
        "user_id": user["id"],
    }
    deactivated = catalog.client.post(f"/api/v1/members/{member.id}/deactivate", headers=admin)
    assert deactivated.status_code == 200
    assert sign_in(catalog, admin).get_json() == {"user": None, "session_id": None}
    found = catalog.client.post("/api/v1/web-sessions/user", json=session, headers=admin)
    assert found.status_code == 404


def test_wrong_passwords_are_counted_then_refused_unchecked(
    catalog: Service, admin: Headers
) -> None:
    add_user(catalog, admin, role="admin")
    for _ in range(limits.PAIR_LIMIT):
        wrong = sign_in(catalog, admin, password="falsch-falsch")
        assert wrong.status_code == 200 and wrong.get_json()["user"] is None
    refused = sign_in(catalog, admin)  # the right password, but not checked now
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= limits.WINDOW.total_seconds()
    assert refused.get_json()["details"] == {"retry_after": [str(wait)]}
    assert sign_in(catalog, admin, address="5.6.7.8").status_code == 201  # elsewhere: at once


def test_only_the_office_asks(
    catalog: Service, admin: Headers, make_member: Callable[..., Created]
) -> None:
    member = make_member()
    add_user(catalog, admin, member_id=member.id)
    body = {"email": "buero@maler.example", "password": PASSWORD, "address": ""}
    assert catalog.client.post("/api/v1/sign-ins", json=body).status_code == 401
    for path in ("/api/v1/sign-ins", "/api/v1/users", "/api/v1/web-sessions/close"):
        assert catalog.client.post(path, json=body, headers=member.headers).status_code == 403
    assert catalog.client.get("/api/v1/users", headers=member.headers).status_code == 403


def test_the_office_lists_sign_ins_and_sets_a_language(
    catalog: Service, admin: Headers, make_member: Callable[..., Created]
) -> None:
    member = make_member()
    user = add_user(catalog, admin, member_id=member.id)
    short = {"email": "neu@maler.example", "password": "kurz", "member_id": member.id}
    refused = catalog.client.post("/api/v1/users", json=short, headers=admin)
    assert refused.status_code == 422 and "password" in refused.get_json()["details"]
    twice = catalog.client.post(
        "/api/v1/users", json={"email": user["email"], "password": PASSWORD}, headers=admin
    )
    assert twice.status_code == 404  # no member named: no member's user
    assert "member_id" in twice.get_json()["details"]
    changed = catalog.client.put(
        f"/api/v1/users/{user['id']}/language", json={"language": "en"}, headers=admin
    )
    assert changed.status_code == 200 and changed.get_json()["language"] == "en"
    listed = catalog.client.get("/api/v1/users", headers=admin).get_json()
    assert [(u["email"], u["language"]) for u in listed] == [("buero@maler.example", "en")]


def test_a_deactivated_user_neither_signs_in_nor_keeps_its_session(
    catalog: Service, admin: Headers, make_member: Callable[..., Created]
) -> None:
    member = make_member()
    user = add_user(catalog, admin, member_id=member.id)
    session = {
        "session_id": sign_in(catalog, admin).get_json()["session_id"],
        "user_id": user["id"],
    }
    path = f"/api/v1/users/{user['id']}/active"
    off = catalog.client.put(path, json={"active": False}, headers=admin)
    assert off.status_code == 200 and off.get_json()["active"] is False
    found = catalog.client.post("/api/v1/web-sessions/user", json=session, headers=admin)
    assert found.status_code == 404
    assert sign_in(catalog, admin).get_json() == {"user": None, "session_id": None}
    listed = catalog.client.get("/api/v1/users", headers=admin).get_json()
    assert [(u["email"], u["active"]) for u in listed] == [("buero@maler.example", False)]
    assert listed[0]["created"] == user["created"] and len(user["created"]) == 10
    assert catalog.client.put(path, json={"active": True}, headers=admin).status_code == 200
    assert sign_in(catalog, admin).status_code == 201


def test_standing_is_the_offices_to_set_of_a_user_there_is(
    catalog: Service, admin: Headers, make_member: Callable[..., Created]
) -> None:
    member = make_member()
    user = add_user(catalog, admin, member_id=member.id)
    path = f"/api/v1/users/{user['id']}/active"
    assert catalog.client.put(path, json={"active": "nein"}, headers=admin).status_code == 422
    assert (
        catalog.client.put(path, json={"active": False}, headers=member.headers).status_code == 403
    )
    unknown = catalog.client.put("/api/v1/users/999/active", json={"active": False}, headers=admin)
    assert unknown.status_code == 404
