"""Catalog's password links, which the web service asks as the office: the same empty
answer for any address, a link for an active user's address handed to notify by
``catalog.password_reset.requested``, the password set once with it, requests counted
like sign-in tries."""

from __future__ import annotations

from collections.abc import Callable

from catalog.service_layer import sign_in as limits
from tests.api.conftest import Created, Headers, Service
from tests.api.test_catalog_users_api import PASSWORD, add_user, sign_in

REQUESTED = "catalog.password_reset.requested"


def ask(catalog: Service, admin: Headers, email: str = "Buero@Maler.example") -> dict:
    """The answer to asking for a link, the same for any address."""
    body = {"email": email, "address": "1.2.3.4"}
    response = catalog.client.post("/api/v1/password-resets", json=body, headers=admin)
    assert (response.status_code, response.get_json()) == (202, {})
    return response.get_json()


def links(catalog: Service) -> list[dict]:
    """The links catalog handed to notify, oldest first."""
    return [body["payload"] for body in catalog.outbox(REQUESTED)]


def link(catalog: Service, admin: Headers) -> str:
    """The token of a new link for the user of buero@maler.example."""
    ask(catalog, admin)
    return links(catalog)[-1]["token"]


def confirm(catalog: Service, admin: Headers, token: str, password: str):
    body = {"token": token, "password": password}
    return catalog.client.post("/api/v1/password-resets/confirm", json=body, headers=admin)


def is_good(catalog: Service, admin: Headers, token: str) -> int:
    body = {"token": token}
    return catalog.client.post(
        "/api/v1/password-resets/check", json=body, headers=admin
    ).status_code


def test_an_active_users_address_gets_a_link_by_event_any_other_nothing(
    catalog: Service, admin: Headers, make_member: Callable[..., Created]
) -> None:
    member = make_member()
    user = add_user(catalog, admin, member_id=member.id, language="en")
    ask(catalog, admin)
    [found] = links(catalog)
    assert (found["user_id"], found["email"], found["language"]) == (
        user["id"],
        user["email"],
        "en",
    )
    assert found["minutes"] == 60 and is_good(catalog, admin, found["token"]) == 200
    ask(catalog, admin, "niemand@maler.example")
    assert len(links(catalog)) == 1
    off = {"active": False}
    catalog.client.put(f"/api/v1/users/{user['id']}/active", json=off, headers=admin)
    ask(catalog, admin)
    assert len(links(catalog)) == 1
    assert is_good(catalog, admin, found["token"]) == 422  # nor for a deactivated user


def test_the_token_sets_the_password_once(
    catalog: Service, admin: Headers, make_member: Callable[..., Created]
) -> None:
    add_user(catalog, admin, member_id=make_member().id)
    token = link(catalog, admin)
    assert is_good(catalog, admin, token) == 200
    short = confirm(catalog, admin, token, "kurz")
    assert short.status_code == 422 and "password" in short.get_json()["details"]
    assert confirm(catalog, admin, token, "neu-und-lang").status_code == 200
    assert sign_in(catalog, admin).get_json()["user"] is None
    assert sign_in(catalog, admin, password="neu-und-lang").status_code == 201
    again = confirm(catalog, admin, token, "noch-ein-neues")
    assert again.status_code == 422 and "token" in again.get_json()["details"]
    assert is_good(catalog, admin, token) == 422
    assert is_good(catalog, admin, "not-a-token") == 422


def test_requests_are_counted_and_past_the_limit_get_nothing(
    catalog: Service, admin: Headers, make_member: Callable[..., Created]
) -> None:
    add_user(catalog, admin, member_id=make_member().id)
    for _ in range(limits.PAIR_LIMIT + 1):
        ask(catalog, admin)  # the same answer, also past the limit
    assert len(links(catalog)) == limits.PAIR_LIMIT
    assert sign_in(catalog, admin, PASSWORD).status_code == 201  # sign-ins are counted apart


def test_only_the_office_asks(
    catalog: Service, admin: Headers, make_member: Callable[..., Created]
) -> None:
    member = make_member()
    body = {"email": "buero@maler.example", "token": "x", "password": PASSWORD}
    for path in ("", "/check", "/confirm"):
        path = f"/api/v1/password-resets{path}"
        assert catalog.client.post(path, json=body).status_code == 401
        assert catalog.client.post(path, json=body, headers=member.headers).status_code == 403
