"""Catalog's password links, which the web service asks as the office: a token for an
active user's address and the same empty answer for any other, the password set once
with it, requests counted like sign-in tries."""

from __future__ import annotations

from collections.abc import Callable

from catalog.service_layer import sign_in as limits
from tests.api.conftest import Created, Headers, Service
from tests.api.test_catalog_users_api import PASSWORD, add_user, sign_in

EMPTY = {"email": None, "language": None, "token": None, "minutes": None}


def ask(catalog: Service, admin: Headers, email: str = "Buero@Maler.example") -> dict:
    body = {"email": email, "address": "1.2.3.4"}
    response = catalog.client.post("/api/v1/password-resets", json=body, headers=admin)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def confirm(catalog: Service, admin: Headers, token: str, password: str):
    body = {"token": token, "password": password}
    return catalog.client.post("/api/v1/password-resets/confirm", json=body, headers=admin)


def is_good(catalog: Service, admin: Headers, token: str) -> int:
    body = {"token": token}
    return catalog.client.post(
        "/api/v1/password-resets/check", json=body, headers=admin
    ).status_code


def test_an_active_users_address_gets_a_token_any_other_nothing(
    catalog: Service, admin: Headers, make_member: Callable[..., Created]
) -> None:
    member = make_member()
    user = add_user(catalog, admin, member_id=member.id, language="en")
    found = ask(catalog, admin)
    assert (found["email"], found["language"], found["minutes"]) == (user["email"], "en", 60)
    assert found["token"]
    assert ask(catalog, admin, "niemand@maler.example") == EMPTY
    off = {"active": False}
    catalog.client.put(f"/api/v1/users/{user['id']}/active", json=off, headers=admin)
    assert ask(catalog, admin) == EMPTY
    assert is_good(catalog, admin, found["token"]) == 422  # nor for a deactivated user


def test_the_token_sets_the_password_once(
    catalog: Service, admin: Headers, make_member: Callable[..., Created]
) -> None:
    add_user(catalog, admin, member_id=make_member().id)
    token = ask(catalog, admin)["token"]
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
    tokens = [ask(catalog, admin)["token"] for _ in range(limits.PAIR_LIMIT + 1)]
    assert all(tokens[: limits.PAIR_LIMIT]) and tokens[-1] is None
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
